/**
 * Crash handling for the main process: an uncaught exception or rejection is logged, and the user sees
 * a plain dialog offering "Copy diagnostics". Transfers resume at the next start from the journal.
 */
import type { Language } from '../shared/errors';
import { label } from './labels';
import type { Logger } from './services/log/logger';

/** The parts of `process` the handler listens on. */
export interface ProcessLike {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
}

/** What the crash handler needs. */
export interface CrashDeps {
  process: ProcessLike;
  logger: Logger;
  language(): Language;
  /** Shows a message box; resolves with the index of the button pressed. */
  showDialog(options: { type: 'error'; title: string; message: string; detail: string; buttons: string[]; defaultId: number; cancelId: number }): Promise<{ response: number }>;
  copyDiagnostics(): void;
}

/** Installs the handlers. Only one dialog shows at a time, so a crash loop cannot flood the screen. */
export function installCrashHandler(deps: CrashDeps): { handle(err: unknown): Promise<void> } {
  let showing = false;
  const handle = async (err: unknown) => {
    deps.logger.error('uncaught error in the main process', err instanceof Error ? err : String(err));
    if (showing) return;
    showing = true;
    try {
      const lang = deps.language();
      const { response } = await deps.showDialog({
        type: 'error',
        title: label('crashTitle', lang),
        message: label('crashTitle', lang),
        // The raw error stays in the log; the person gets a sentence they can act on.
        detail: label('crashBody', lang),
        buttons: [label('copyDiagnostics', lang), label('continue', lang)],
        defaultId: 0,
        cancelId: 1,
      });
      if (response === 0) deps.copyDiagnostics();
    } catch (dialogErr) {
      deps.logger.error('could not show the crash dialog', dialogErr instanceof Error ? dialogErr : String(dialogErr));
    } finally {
      showing = false;
    }
  };
  deps.process.on('uncaughtException', (err) => void handle(err));
  deps.process.on('unhandledRejection', (err) => void handle(err));
  return { handle };
}
