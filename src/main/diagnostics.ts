/** "Copy diagnostics": versions, OS, settings (which never hold secrets) and the last 200 log lines. */
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
