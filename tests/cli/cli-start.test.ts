/**
 * How the built CLI starts: help, --version and a usage error load none of the engine (no AWS SDK), the compile
 * cache goes to the app's data folder, and a Node too old for the engine gets one plain sentence and exit 2.
 * (Speed itself is measured by bench/cli-start.bench.mjs, never asserted here.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINIMUM_NODE, nodeTooOld } from '../../src/cli/node-version';
import { SYNC_HEAP_GROWING_PERCENT } from '../../src/main/services/heap-tuning';
import { ensureBuiltCli, nodeBin, repoRoot } from '../support/serve';

let cli: string;
const work = mkdtempSync(join(tmpdir(), 's3drop-cli-start-'));
// Records every module the child loads (node: built-ins, files), through Node's own module hooks.
const observer = join(work, 'observe.mjs');
writeFileSync(
  observer,
  `import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
registerHooks({ load(url, context, next) { appendFileSync(process.env.S3DROP_TEST_MODULE_LOG, url + '\\n'); return next(url, context); } });
`,
);

beforeAll(() => {
  cli = ensureBuiltCli();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the built CLI and returns its exit code, output and every module it loaded. */
function runObserved(args: string[], name: string, extraEnv: Record<string, string> = {}) {
  const log = join(work, `${name}.log`);
  const dataDir = join(work, `data-${name}`);
  const env = { PATH: process.env.PATH, HOME: join(work, 'home'), S3DROP_DATA_DIR: dataDir, S3DROP_TEST_MODULE_LOG: log, ...extraEnv };
  const run = spawnSync(nodeBin, ['--import', observer, cli, ...args], { env, encoding: 'utf8' });
  const urls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, urls, dataDir };
}

/** What of the AWS SDK a run loaded: its packages from node_modules, or bundle files that contain its code. */
function sdkLoaded(urls: string[]): string[] {
  return urls.filter((url) => {
    if (/[/\\]@(aws-sdk|smithy)[/\\]/.test(url)) return true;
    if (!url.startsWith('file:')) return false;
    const file = fileURLToPath(url);
    // The bundle names each package it inlines in a comment (`// node_modules/@aws-sdk/client-s3/...`).
    return /node_modules\/@(aws-sdk|smithy)\//.test(readFileSync(file, 'utf8'));
  });
}

describe('what starting the CLI loads', () => {
  it.each([
    ['help', ['--help'], 0],
    ['version', ['--version'], 0],
    ['no command', [], 2],
    ['unknown command', ['uplaod', 'x'], 2],
  ])('%s loads none of the AWS SDK', (name, args, code) => {
    const run = runObserved(args, name.replace(/\s/g, '-'));
    expect(run.code, run.stderr).toBe(code);
    expect(run.urls.length).toBeGreaterThan(0);
    expect(sdkLoaded(run.urls)).toEqual([]);
  });

  it('a command that uploads does load it (so the check above can see it)', () => {
    const run = runObserved(['upload', '--help'], 'upload-help');
    expect(run.code, run.stderr).toBe(0);
    expect(sdkLoaded(run.urls).length).toBeGreaterThan(0);
  });

  it('a sync run loads no STS client: only "Test connection" needs one', () => {
    const folder = join(work, 'sync-folder');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a.txt'), 'a');
    // No keys: the run ends on that, after the engine (and what it loads) is built.
    const run = runObserved(['sync', folder, 's3://bucket/p', '--once', '--endpoint', 'http://127.0.0.1:9'], 'sync-no-sts');
    expect(sdkLoaded(run.urls).length, run.stderr).toBeGreaterThan(0);
    const sts = run.urls.filter((url) => url.startsWith('file:') && readFileSync(fileURLToPath(url), 'utf8').includes('node_modules/@aws-sdk/client-sts/'));
    expect(sts).toEqual([]);
  });

  it("a sync run takes the folder watcher's native binding without the package's entry (detect-libc, child_process, picomatch)", () => {
    const folder = join(work, 'sync-folder-watcher');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a.txt'), 'a');
    // Keys in the environment, so no SDK credential chain (which loads child_process of its own) runs; nothing answers.
    const keys = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const run = runObserved(['sync', folder, 's3://bucket/p', '--once', '--endpoint', 'http://127.0.0.1:9'], 'sync-watcher', keys);
    expect(run.stderr).toContain('Could not reach the storage service');
    expect(run.urls.filter((url) => /@parcel[/\\]watcher[/\\]|detect-libc|picomatch|is-glob|^node:child_process$/.test(url))).toEqual([]);
  });

  it("keeps Node's compile cache in the app's data folder", () => {
    const run = runObserved(['--version'], 'compile-cache');
    expect(run.code).toBe(0);
    expect(readdirSync(join(run.dataDir, 'compile-cache')).length).toBeGreaterThan(0);
  });
});

describe('the bin', () => {
  it("starts Node with the young generation bounded (its shebang's flag), and the CLI runs through it", () => {
    const shebang = readFileSync(cli, 'utf8').split('\n', 1)[0];
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node(?: \S+)* --max-semi-space-size=8(?: |$)/);
    // Started as a shell starts it (the kernel reads the shebang, env finds node on PATH); a preload records the
    // flags Node was given, which only the shebang can have supplied.
    const argvLog = join(work, 'exec-argv.json');
    const recorder = join(work, 'record-exec-argv.mjs');
    writeFileSync(recorder, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(argvLog)}, JSON.stringify(process.execArgv));\n`);
    const env = { PATH: `${dirname(nodeBin)}:${process.env.PATH}`, HOME: join(work, 'home'), S3DROP_DATA_DIR: join(work, 'data-bin'), NODE_OPTIONS: `--import=${recorder}` };
    const run = spawnSync(cli, ['--version'], { env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^s3-drop \d/);
    expect(JSON.parse(readFileSync(argvLog, 'utf8'))).toContain('--max-semi-space-size=8');
  });
});

describe('heap tuning', () => {
  it('a sync run (and only a sync run) has V8 collect the old generation sooner', () => {
    // A preload that records every V8 flag set at run time; syncBuiltinESMExports hands the bundle's `import` the patch.
    const flagLog = join(work, 'v8-flags.log');
    const recorder = join(work, 'record-v8-flags.mjs');
    writeFileSync(
      recorder,
      `import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import v8 from 'node:v8';
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => { appendFileSync(${JSON.stringify(flagLog)}, flags + '\\n'); set(flags); };
syncBuiltinESMExports();
`,
    );
    const folder = join(work, 'tuned-folder');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a.txt'), 'a');
    const flagsOf = (args: string[]) => {
      rmSync(flagLog, { force: true });
      const env = { PATH: process.env.PATH, HOME: join(work, 'home'), S3DROP_DATA_DIR: join(work, 'data-tuning') };
      spawnSync(nodeBin, ['--import', recorder, cli, ...args], { env, encoding: 'utf8' });
      return existsSync(flagLog) ? readFileSync(flagLog, 'utf8').split('\n').filter(Boolean) : [];
    };
    // No keys: the run ends on that, after the command has started.
    expect(flagsOf(['sync', folder, 's3://bucket/p', '--once', '--endpoint', 'http://127.0.0.1:9'])).toEqual([`--heap-growing-percent=${SYNC_HEAP_GROWING_PERCENT}`]);
    expect(flagsOf(['upload', join(folder, 'a.txt'), 's3://bucket/p', '--endpoint', 'http://127.0.0.1:9'])).toEqual([]);
    expect(flagsOf(['sync', '--help'])).toEqual([]);
  });
});

describe('the Node version check', () => {
  it('knows which versions are too old', () => {
    expect(nodeTooOld('20.20.2')).toBe(true);
    expect(nodeTooOld('22.12.0')).toBe(true);
    expect(nodeTooOld('22.13.0')).toBe(false);
    expect(nodeTooOld('24.1.0')).toBe(false);
    expect(nodeTooOld('100.0.0')).toBe(false);
  });

  it("agrees with package.json's engines", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE}`);
  });

  // Many machines still have Node 20 as their system node (this one does, in /usr/bin).
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
    const v = spawnSync(p, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    return v.status === 0 && nodeTooOld(v.stdout.trim());
  });

  it.runIf(oldNode)('on an older Node, says what is needed in one line and exits 2', () => {
    const version = spawnSync(oldNode!, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    for (const args of [['--help'], ['upload', 'a', 's3://b']]) {
      const run = spawnSync(oldNode!, [cli, ...args], { env: { PATH: process.env.PATH, HOME: work, S3DROP_DATA_DIR: join(work, 'old-node') }, encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `s3-drop: S3 Drop needs Node ${MINIMUM_NODE} or newer, and this is Node ${version}. Install a newer Node (nodejs.org), then run the command again.\n`,
      );
    }
  });
});
