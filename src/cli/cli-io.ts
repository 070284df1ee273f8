/** What every CLI command receives and the helpers they share: output streams, usage errors and exit codes. */
import { visibleText } from '../shared/visible-text';
import type { SyncProblem } from '../shared/contract';
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
 * A local path typed on the command line that is not there: as far as anyone knows it never existed, so it is
 * PATH_NOT_FOUND ("check the path"), not the engine's FILE_NOT_FOUND ("no longer exists"), which is about a file
 * that was there when it was chosen. Any other error is returned as it is.
 */
export function typedPathError(err: unknown, path: string): unknown {
  if (err instanceof AppError && err.code === 'FILE_NOT_FOUND') return new AppError('PATH_NOT_FOUND', { path }, { cause: err });
  return err;
}

/**
 * Text from outside (a file name, a key, a profile name, an error's params) made safe for a terminal: a control
 * character is shown as an escape (\x1b, \r), so a name can neither move the cursor, recolour nor rewrite what
 * the terminal shows, nor break a line into two. Every line the CLI prints with such text passes through here.
 */
export const printable: (text: string | number) => string = visibleText;

/** Many lines (a stack, whose first line holds the message, names and all) made safe line by line, keeping the lines. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * Prints an error as ONE plain-language line from the catalogue; the stack only with --debug.
 * Unknown exceptions print the catalogue's UNKNOWN text, never raw exception text.
 */
export function printError(io: Pick<CliIo, 'stderr' | 'debug'>, err: unknown): void {
  const data = toErrorData(err);
  io.stderr.write(`s3-drop: ${printable(errorText(data.code, 'en', data.params))}\n`);
  if (io.debug) {
    if (data.details) io.stderr.write(`details: ${printable(data.details)}\n`);
    const stack = err instanceof Error ? err.stack : undefined;
    if (stack) io.stderr.write(printableLines(stack) + '\n');
    const cause = err instanceof Error ? (err.cause as Error | undefined) : undefined;
    if (cause?.stack) io.stderr.write(`caused by: ${printableLines(cause.stack)}\n`);
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
  /** Files left out for a problem (a name the bucket cannot take, a link out of the folder…), each listed on stderr. */
  problems: number;
}

/** "; left out 2 system files and 1 file with a problem" for upload's and sync's summary line, or nothing. */
export function leftOutText(s: Pick<TransferSummary, 'problems'> & { systemFiles?: number; excluded?: number }): string {
  const parts: string[] = [];
  if (s.systemFiles) parts.push(`${s.systemFiles} system ${s.systemFiles === 1 ? 'file' : 'files'} (--include-junk takes them)`);
  if (s.excluded) parts.push(`${s.excluded} ${s.excluded === 1 ? 'file' : 'files'} matching --exclude`);
  if (s.problems > 0) parts.push(`${s.problems} ${s.problems === 1 ? 'file' : 'files'} with a problem (listed above)`);
  return parts.length > 0 ? `; left out ${parts.join(' and ')}` : '';
}

/** Whether a reported problem left its file out: a case-only clash is a warning, and the file still goes. */
export function leftFileOut(problem: Pick<SyncProblem, 'kind'>): boolean {
  return problem.kind !== undefined && problem.kind !== 'case-collision';
}

/** One stderr line for a file left out, its control characters spelled out (`Icon\r`) so the terminal shows them. */
export function problemLine(label: string, problem: Pick<SyncProblem, 'path' | 'reason'>): string {
  return `${label}: ${printable(problem.path)}: ${printable(problem.reason)}\n`;
}
