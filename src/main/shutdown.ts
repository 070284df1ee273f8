/**
 * Stopping the engine before the process ends: on Quit (`will-quit`), and on Windows at shutdown or log-off
 * (the window's `session-end`), which sends neither `before-quit` nor `will-quit`. The journal is closed
 * either way, so the next start resumes exactly; a stuck disposal cannot keep the app from exiting.
 */
import type { Logger } from './services/log/logger';

/** How long the engine gets to stop before the app exits anyway. */
export const DISPOSE_TIMEOUT_MS = 5_000;

/** Timer functions, injectable so tests fire the time limit without waiting. */
export interface ShutdownTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What `createShutdown` needs. */
export interface ShutdownDeps {
  /** Stops the engine (services.dispose): watchers, the queue, the journal. */
  dispose(): Promise<void>;
  /** Ends the process (app.exit). */
  exit(code: number): void;
  logger: Logger;
  /** Runs first, once (stop the updater, remove the tray). */
  before?(): void;
  timeoutMs?: number;
  timers?: ShutdownTimers;
}

/**
 * Builds the shutdown: the first call disposes the engine (at most `timeoutMs`), then exits; later calls
 * return the same promise, so `session-end` followed by `will-quit` stops the engine once.
 */
export function createShutdown(deps: ShutdownDeps): (reason: string) => Promise<void> {
  const timers = deps.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  const limit = deps.timeoutMs ?? DISPOSE_TIMEOUT_MS;
  let running: Promise<void> | undefined;
  return (reason) => {
    running ??= (async () => {
      deps.logger.info(`shutting down (${reason})`);
      try {
        deps.before?.();
      } catch (err) {
        deps.logger.warn('shutdown step failed', err instanceof Error ? err.message : String(err));
      }
      let timer: unknown;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = timers.setTimeout(() => resolve('timeout'), limit);
      });
      try {
        const outcome = await Promise.race([deps.dispose().then(() => 'done' as const), timedOut]);
        if (outcome === 'timeout') deps.logger.warn(`the engine did not stop within ${limit} ms; exiting anyway (the journal resumes at the next start)`);
        else deps.logger.info('engine stopped');
      } catch (err) {
        deps.logger.error('shutdown failed', err instanceof Error ? err : String(err));
      } finally {
        timers.clearTimeout(timer);
        deps.exit(0);
      }
    })();
    return running;
  };
}
