/** Builds the real engine (createAppServices) in throw-away folders, the way the CLI and `serve` do, for reliability tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../../src/shared/contract';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { createFileLogger, type Logger } from '../../src/main/services/log/logger';
import { MemorySecretStore, type SecretStore } from '../../src/main/services/secrets/secret-store';

/** A running engine plus everything a test needs to inspect what it did. */
export interface TestApp {
  app: AppServices;
  /** Root temp folder; dataDir, logsDir and home live under it. */
  root: string;
  dataDir: string;
  logsDir: string;
  home: string;
  /** Every event the engine emitted, in order (what a renderer would have received). */
  events: { name: EventName; payload: unknown }[];
  logger: Logger & { file: string };
  /** Disposes the engine and removes the temp folders. */
  close(): Promise<void>;
}

/** Options for `startTestApp`. */
export interface TestAppOptions {
  /** Reuse folders from an earlier run (a restart). */
  root?: string;
  env?: Record<string, string | undefined>;
  secrets?: SecretStore;
  logLevel?: 'debug' | 'info';
  /** Run before the engine is built (e.g. write a corrupt file into dataDir). */
  prepare?: (dirs: { dataDir: string; logsDir: string; home: string }) => void;
}

/** Starts the real engine with a file logger, a temp HOME (so ~/.aws is the test's) and no native host powers. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 's3drop-rel-'));
  const dataDir = join(root, 'data');
  const logsDir = join(root, 'logs');
  const home = join(root, 'home');
  options.prepare?.({ dataDir, logsDir, home });
  const logger = createFileLogger({ dir: logsDir, level: options.logLevel ?? 'debug' });
  const app = await createAppServices({
    platform: {
      dataDir,
      logsDir,
      version: '0.0.0-test',
      capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    logger,
    env: { HOME: home, ...options.env },
    secrets: options.secrets ?? new MemorySecretStore(),
  });
  const events: TestApp['events'] = [];
  app.events.onAny((name, payload) => events.push({ name, payload }));
  return {
    app,
    root,
    dataDir,
    logsDir,
    home,
    events,
    logger,
    async close() {
      await app.dispose();
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
