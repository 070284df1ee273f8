/** "Copy diagnostics": versions, OS, settings (which never hold secrets) and the last 200 log lines. */
import type { Clipboard } from 'electron';
import type { Dispatch } from './services/dispatch';
import type { Logger } from './services/log/logger';
import { redact } from './services/log/redact';

/** How many log lines diagnostics include. */
export const DIAGNOSTIC_LOG_LINES = 200;

/** The host facts diagnostics show beside the engine's own JSON. */
export interface HostFacts {
  electron?: string;
  chrome?: string;
  os: string;
  locale?: string;
}

/** Extra fields for `createAppServices({ diagnosticsExtra })`: host versions and the log tail. */
export function diagnosticsExtra(facts: HostFacts, tail: (n: number) => string[]): () => Record<string, string> {
  return () => {
    const extra: Record<string, string> = { os: facts.os };
    if (facts.electron) extra.electron = facts.electron;
    if (facts.chrome) extra.chrome = facts.chrome;
    if (facts.locale) extra.locale = facts.locale;
    extra.log = tail(DIAGNOSTIC_LOG_LINES).join('\n');
    return extra;
  };
}

/** Turns the engine's diagnostics JSON into the text put on the clipboard: readable, and redacted again. */
export function diagnosticsText(json: string): string {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return redact(json);
  }
  const { log, ...rest } = data;
  const body = `S3 Drop diagnostics\n\n${JSON.stringify(rest, null, 2)}\n\nLast ${DIAGNOSTIC_LOG_LINES} log lines:\n${typeof log === 'string' ? log : '(none)'}\n`;
  return redact(body);
}

/** What `copyDiagnostics` needs; the clipboard is typed from Electron's declarations (writeText returns a Promise). */
export interface CopyDiagnosticsDeps {
  dispatch: Dispatch;
  clipboard: Pick<Clipboard, 'writeText'>;
  logger: Logger;
}

/**
 * Puts the diagnostics on the clipboard; true when they got there. A refused write (no clipboard owner, a
 * locked session) is logged, never left as an unhandled rejection, which would show the crash dialog.
 */
export async function copyDiagnostics(deps: CopyDiagnosticsDeps): Promise<boolean> {
  try {
    const result = await deps.dispatch('app:diagnostics', {});
    await deps.clipboard.writeText(diagnosticsText(result.ok ? String(result.value) : JSON.stringify(result.error)));
    return true;
  } catch (err) {
    deps.logger.warn('could not copy the diagnostics to the clipboard', err instanceof Error ? err.message : String(err));
    return false;
  }
}
