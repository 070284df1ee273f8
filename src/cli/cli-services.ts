/** Builds the engine for one CLI run: the Node platform, the shared log format, and the AWS environment. */
import { config as zodConfig } from 'zod';
import { createEngine, type Engine, type EngineOptions } from '../main/services/engine';
import type { Logger } from '../main/services/log/logger';
import type { Platform } from '../main/services/platform';
import { createNodeLogger, createNodePlatform } from '../server/node-platform';
import { usageError, type CliIo } from './cli-io';
import { quietNoticeMs, watchQuietServers } from './server-wait';

// A CLI run parses each schema a few times at most: zod's compiled fast path (a `new Function` per object schema, made
// at its first parse) cost more than it saved, about a tenth of a no-change sync pass (docs/benchmarks.md).
zodConfig({ jitless: true });

/** The engine and what it was built from. */
export interface CliServices {
  services: Engine;
  platform: Platform;
  logger: Logger;
  env: Record<string, string | undefined>;
}

/**
 * The environment handed to the engine: `--endpoint` travels as AWS_ENDPOINT_URL_S3, which the
 * profile resolver reads for every profile (the same variable the AWS CLI honours).
 */
export function engineEnv(base: Record<string, string | undefined>, command: string, endpoint?: string): Record<string, string | undefined> {
  if (endpoint === undefined) return { ...base };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(command, `--endpoint "${endpoint}" is not a web address such as http://127.0.0.1:9000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(command, '--endpoint must start with http:// or https://');
  return { ...base, AWS_ENDPOINT_URL_S3: endpoint };
}

/** How long a CLI run waits for an endpoint that stopped answering before its transfers fail: a run must end. */
export const CLI_NETWORK_WAIT_MS = 120_000;

/**
 * Builds the engine; the caller must `dispose()` it (the journal keeps what is unfinished). With `io`,
 * MFA codes are asked for on the terminal (the profiles command's prompt) instead of through a UI, and a server
 * that keeps a connection open without answering is reported on stderr (through `note`, when a progress bar
 * must stay whole).
 */
export async function buildCliServices(
  env: Record<string, string | undefined>,
  options: {
    debug: boolean;
    logFile: string;
    io?: Pick<CliIo, 'stdin' | 'stderr'>;
    /** Where the waiting line goes instead of a plain stderr line (a progress bar's `note`). */
    note?: (line: string) => void;
    networkWaitMs?: number;
    staleUploads?: EngineOptions['staleUploads'];
    finishedTransfers?: EngineOptions['finishedTransfers'];
    /** `serve`: local paths the page names must stay inside home and the spool (`createNodePlatform`). */
    browserMode?: boolean;
  },
): Promise<CliServices> {
  const platform = createNodePlatform(env, { browserMode: options.browserMode });
  const logger = createNodeLogger(platform, { fileName: options.logFile, debug: options.debug });
  // A command run looks for stale multipart uploads only once it transfers something: a no-change sync pass
  // (or a listing) must not pay a ListMultipartUploads per bucket the journal knows; and it reports only its own
  // transfers, so the finished ones the journal keeps for the app's list stay there. `serve` keeps running: it cleans
  // up at start and lists the finished transfers, as the app does.
  const services = await createEngine({
    platform,
    logger,
    env,
    networkWaitMs: options.networkWaitMs ?? CLI_NETWORK_WAIT_MS,
    staleUploads: options.staleUploads ?? 'on-first-transfer',
    finishedTransfers: options.finishedTransfers ?? 'left',
  });
  if (options.io) {
    // Loaded here, not at the top: only commands that build the engine need the terminal prompt.
    const { ttyMfaPrompt } = await import('./commands/profiles');
    services.profiles.setMfaPrompt(ttyMfaPrompt(options.io));
    // Stderr only, so a --json answer on stdout stays one clean line.
    const stderr = options.io.stderr;
    const stopWatching = watchQuietServers(quietNoticeMs(env), options.note ?? ((line) => stderr.write(`${line}\n`)));
    const dispose = services.dispose.bind(services);
    services.dispose = async () => {
      stopWatching();
      await dispose();
    };
  }
  return { services, platform, logger, env };
}
