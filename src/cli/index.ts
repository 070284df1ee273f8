/**
 * The `s3-drop` entry, kept small because it runs before anything is known: it refuses a Node too old for the
 * engine (whose `node:sqlite` import would otherwise die with ERR_UNKNOWN_BUILTIN_MODULE), turns on Node's compile
 * cache in the app's data folder, and only then loads the CLI proper (main.ts), whose commands load on use.
 */
import module from 'node:module';
import { join } from 'node:path';
import { AppError } from '../shared/errors';
import { EXIT, printError } from './cli-io';
import { MINIMUM_NODE, nodeTooOld } from './node-version';
import { defaultDataDir } from '../server/node-platform';

async function start(): Promise<void> {
  if (nodeTooOld(process.versions.node)) {
    printError({ stderr: process.stderr, debug: false }, new AppError('NODE_TOO_OLD', { minimum: MINIMUM_NODE, version: process.versions.node }));
    process.exitCode = EXIT.usage;
    return;
  }
  // V8's compiled code for the bundles, kept between runs; Node checks each file's hash, so a new build is never
  // served stale code. A data folder that cannot be written only means no cache (it never throws).
  // NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE still win, as Node documents.
  module.enableCompileCache?.(join(defaultDataDir(process.env), 'compile-cache'));
  const { runCli } = await import('./main');
  await runCli();
}

void start();
