/** What every CLI command receives and the helpers they share: output streams, usage errors and exit codes. */
import { AppError, errorText, toErrorData } from '../shared/errors';

/** Exit codes: 0 ok, 1 some transfers failed, 2 usage or configuration error (issue 2). */
export const EXIT = { ok: 0, transfersFailed: 1, usage: 2, interrupted: 130 } as const;

/** The streams a command writes to and reads from (process streams in production, buffers in tests). */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  /** Show stack traces and echo debug log lines. */
  debug: boolean;
}

/** A usage error for `command`, with a plain reason (one line, from the catalogue). */
export function usageError(command: string, reason: string): AppError {
  return new AppError('CLI_USAGE', { command, reason });
}

/**
 * Prints an error as ONE plain-language line from the catalogue; the stack only with --debug.
 * Unknown exceptions print the catalogue's UNKNOWN text, never raw exception text.
 */
export function printError(io: Pick<CliIo, 'stderr' | 'debug'>, err: unknown): void {
  const data = toErrorData(err);
  io.stderr.write(`s3-drop: ${errorText(data.code, 'en', data.params)}\n`);
  if (io.debug) {
    if (data.details) io.stderr.write(`details: ${data.details}\n`);
    const stack = err instanceof Error ? err.stack : undefined;
    if (stack) io.stderr.write(stack + '\n');
    const cause = err instanceof Error ? (err.cause as Error | undefined) : undefined;
    if (cause?.stack) io.stderr.write(`caused by: ${cause.stack}\n`);
  }
}

/** The final JSON object of a transfer command (`--json`), shared with sync. */
export interface TransferSummary {
  uploaded: number;
  skipped: number;
  failed: number;
  deleted: number;
  bytes: number;
  seconds: number;
}
