/** Test helpers for the profile tests: real temp folders, a real event bus, a recording logger. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EventName, Events } from '../../../../src/shared/contract';
import type { CoreDeps } from '../../../../src/main/services/context';
import { EventBus } from '../../../../src/main/services/events';
import { formatLine, type Logger } from '../../../../src/main/services/log/logger';
import { SettingsService } from '../../../../src/main/services/settings/settings-service';

/** The fixture folder with the shared AWS files. */
export const fixtures = resolve(import.meta.dirname, '../../../fixtures/aws');

/** A fresh temp folder. */
export function tempDir(stem = 's3drop-profiles-'): string {
  return mkdtempSync(join(tmpdir(), stem));
}

/** Every event the bus carried, in order. */
export type EventLog = { name: EventName; payload: Events[EventName] }[];

/** CoreDeps over a temp data folder, the given env, and a logger that keeps its (redacted) lines. */
export function makeDeps(env: Record<string, string | undefined>, dataDir = tempDir()): CoreDeps & { events: EventBus; eventLog: EventLog; logLines: string[] } {
  const events = new EventBus();
  const eventLog: EventLog = [];
  events.onAny((name, payload) => eventLog.push({ name, payload }));
  const logLines: string[] = [];
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (m: string, ...d: unknown[]) => logLines.push(formatLine(level, m, d));
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return {
    platform: {
      dataDir,
      logsDir: join(dataDir, 'logs'),
      version: '0.0.0-test',
      capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    events,
    eventLog,
    logLines,
    logger,
    settings: SettingsService.inDataDir(dataDir),
    env,
  };
}

/** An env with no AWS variables except the shared files. */
export function fixtureEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { HOME: tempDir('s3drop-home-'), AWS_CONFIG_FILE: join(fixtures, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(fixtures, 'credentials'), ...extra };
}

/** An env whose AWS files do not exist: only app, env and default-chain profiles appear. */
export function noAwsFilesEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { HOME: '/nonexistent-home', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', ...extra };
}

/** Starts a server on a free loopback port and returns the port. */
export async function listenLoopback(server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port?: number } | null;
  return addr?.port ?? 0;
}
