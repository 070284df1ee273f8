/**
 * The app's logger: electron-log underneath (file rotation, console in dev), with every line built by
 * the engine's `formatLine`, so the app, the CLI and browser mode write the same format and every line
 * passes through the one `redact()`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatLine, rotate, type Logger, type LogLevel } from './services/log/logger';
import { redact } from './services/log/redact';

/** The parts of an electron-log instance (main or node flavour) this adapter configures. */
export interface ElectronLogLike {
  transports: {
    file: {
      level: string | false;
      format: unknown;
      maxSize: number;
      resolvePathFn: (vars: never) => string;
      // Method syntax on purpose: electron-log passes its richer LogFile, which has this path.
      archiveLogFn(file: { path: string }): void;
    };
    console: { level: string | false; format: unknown };
  };
  /** electron-log's hook list; typed loosely because its LogMessage type differs between flavours. */
  hooks: unknown[];
  debug(...params: unknown[]): void;
  info(...params: unknown[]): void;
  warn(...params: unknown[]): void;
  error(...params: unknown[]): void;
}

/** Log file name, shared with the CLI's file logger so support finds one name everywhere. */
export const LOG_FILE_NAME = 's3-drop.log';

/** Rotation: five files of five MiB, as the packaging issue asks. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
/** How many files rotation keeps, counting the live one. */
export const LOG_MAX_FILES = 5;

/** The app logger, plus where it writes and how to read its tail for diagnostics. */
export interface AppLogger extends Logger {
  file: string;
  tail(lines: number): string[];
}

/** Configures electron-log to write `<logsDir>/s3-drop.log` with our format, rotation and redaction. */
export function createElectronLogger(log: ElectronLogLike, options: { logsDir: string; level?: LogLevel; console?: boolean; maxBytes?: number }): AppLogger {
  const file = join(options.logsDir, LOG_FILE_NAME);
  const maxFiles = LOG_MAX_FILES;
  log.transports.file.level = options.level ?? 'info';
  log.transports.file.maxSize = options.maxBytes ?? LOG_MAX_BYTES;
  // Our lines are already formatted (time, level, redacted text): electron-log writes them as they are.
  log.transports.file.format = '{text}';
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.archiveLogFn = (old) => rotate(old.path, maxFiles);
  log.transports.console.level = options.console ? (options.level ?? 'info') : false;
  log.transports.console.format = '{text}';
  // Anything logged straight through electron-log (its error catcher, a library) is redacted too.
  (log.hooks as ((message: { data: unknown[] }) => { data: unknown[] })[]).push((message) => {
    message.data = message.data.map((d) => (typeof d === 'string' ? redact(d) : d instanceof Error ? redact(`${d.name}: ${d.message}\n${d.stack ?? ''}`) : d));
    return message;
  });
  const write = (level: LogLevel) => (message: string, ...details: unknown[]) => log[level](formatLine(level, message, details));
  return {
    file,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    tail: (n) => tailLines(file, n),
  };
}

/** The last `n` lines of a log file, reaching back into its rotated files (.1, .2, …) when needed. */
export function tailLines(file: string, n: number): string[] {
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0) : []);
  let lines = read(file);
  for (let i = 1; i < LOG_MAX_FILES && lines.length < n; i++) lines = [...read(`${file}.${i}`), ...lines];
  return lines.slice(-n).map(redact);
}
