/**
 * Auto-update through electron-updater, written against a small interface so a fake updater can test
 * it: checked at start and daily, the user is asked before the restart, off in dev builds and with
 * S3DROP_DISABLE_UPDATES=1.
 */
import type { Logger } from './services/log/logger';

/** The parts of electron-updater's `autoUpdater` this module uses. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

/** Timer functions, injectable so tests drive the daily check without waiting. */
export interface Scheduler {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** What `setupAutoUpdate` needs. */
export interface AutoUpdateDeps {
  /** Called only when updates are on, so a dev build never loads electron-updater's platform code. */
  getUpdater(): UpdaterLike;
  isPackaged: boolean;
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Asks the user whether to restart now; resolves true for yes. */
  askToRestart(version: string): Promise<boolean>;
  /** Called right before quitAndInstall so the app can stop the tray's close-to-tray behaviour. */
  beforeRestart?(): void;
  scheduler?: Scheduler;
}

/** One day, the interval between checks. */
export const UPDATE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The running updater: whether it is on, a manual check, and teardown. */
export interface AutoUpdate {
  enabled: boolean;
  /** Why it is off, for the log and diagnostics. */
  reason?: string;
  check(): Promise<void>;
  dispose(): void;
}

/** True when updates should run; otherwise the reason they are off. */
export function updatesAllowed(isPackaged: boolean, env: Record<string, string | undefined>): { enabled: boolean; reason?: string } {
  if (env.S3DROP_DISABLE_UPDATES === '1') return { enabled: false, reason: 'S3DROP_DISABLE_UPDATES=1' };
  if (!isPackaged) return { enabled: false, reason: 'development build' };
  return { enabled: true };
}

/** Wires the updater; a check failing (offline, rate-limited) is logged and never shown as a crash. */
export function setupAutoUpdate(deps: AutoUpdateDeps): AutoUpdate {
  const allowed = updatesAllowed(deps.isPackaged, deps.env);
  if (!allowed.enabled) {
    deps.logger.info(`auto-update off: ${allowed.reason}`);
    return { ...allowed, check: async () => undefined, dispose: () => undefined };
  }
  const { logger } = deps;
  const updater = deps.getUpdater();
  const scheduler = deps.scheduler ?? { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
  updater.autoDownload = true;
  // Installing silently on quit is fine; restarting is not done without asking.
  updater.autoInstallOnAppQuit = true;
  let asking = false;
  updater.on('update-downloaded', (info) => {
    if (asking) return;
    asking = true;
    logger.info(`update ${info.version} downloaded`);
    void deps
      .askToRestart(info.version)
      .then((yes) => {
        if (!yes) return;
        deps.beforeRestart?.();
        updater.quitAndInstall(false, true);
      })
      .catch((err: unknown) => logger.warn('update prompt failed', err))
      .finally(() => {
        asking = false;
      });
  });
  updater.on('error', (err) => logger.warn('update check failed', err.message));

  const check = async () => {
    try {
      await updater.checkForUpdates();
    } catch (err) {
      logger.warn('update check failed', err instanceof Error ? err.message : String(err));
    }
  };
  void check();
  const handle = scheduler.setInterval(() => void check(), UPDATE_INTERVAL_MS);
  return { enabled: true, check, dispose: () => scheduler.clearInterval(handle) };
}
