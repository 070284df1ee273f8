/** The engine's logger interface and a rotating file implementation shared by the CLI and browser mode. */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from './redact';

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the engine logs through; every implementation must pass text through `redact`. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Formats one line the same way electron-log's file transport is configured to: `[time] [level] text`. */
export function formatLine(level: LogLevel, message: string, details: unknown[], now = new Date()): string {
  const extra = details.map((d) => (d instanceof Error ? `${d.name}: ${d.message}\n${d.stack ?? ''}` : safeJson(d)));
  return redact(`[${now.toISOString()}] [${level}] ${[message, ...extra].join(' ')}`);
}

function safeJson(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, elideBytes);
  } catch {
    return String(value);
  }
}

/**
 * Replaces bytes with their length: the SDK logs a failed command's input, and a PutObject's Body would otherwise land
 * in the log as a list of every byte of the person's file (a Buffer's toJSON), or a typed array as an object of them.
 */
function elideBytes(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  const v = value as { type?: unknown; data?: unknown };
  if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return `[${v.data.length} bytes]`;
  // A stream body (a file being read) says what it is, not its internal state.
  if (v && typeof v === 'object' && typeof (v as { pipe?: unknown }).pipe === 'function') return '[stream]';
  return value;
}

/** Options for the file logger. */
export interface FileLoggerOptions {
  dir: string;
  fileName?: string;
  level?: LogLevel;
  /** Rotate when the file passes this size (default 5 MiB) and keep this many files (default 5). */
  maxBytes?: number;
  maxFiles?: number;
  /** Also write to stderr (the CLI's --debug). */
  echo?: (line: string) => void;
}

/** A synchronous, rotating, redacting file logger: synchronous so a crash never loses its last lines. */
export function createFileLogger(options: FileLoggerOptions): Logger & { file: string } {
  const { dir, fileName = 's3-drop.log', level = 'info', maxBytes = 5 * 1024 * 1024, maxFiles = 5 } = options;
  const file = join(dir, fileName);
  let ready = false;
  const write = (lvl: LogLevel, message: string, details: unknown[]) => {
    const line = formatLine(lvl, message, details);
    options.echo?.(line);
    if (order[lvl] < order[level]) return;
    try {
      if (!ready) {
        mkdirSync(dir, { recursive: true });
        ready = true;
      }
      if (existsSync(file) && statSync(file).size > maxBytes) rotate(file, maxFiles);
      appendFileSync(file, line + '\n', { mode: 0o600 });
    } catch {
      // Logging must never take the app down (a full disk, a read-only folder).
    }
  };
  return {
    file,
    debug: (m, ...d) => write('debug', m, d),
    info: (m, ...d) => write('info', m, d),
    warn: (m, ...d) => write('warn', m, d),
    error: (m, ...d) => write('error', m, d),
  };
}

/** Shifts s3-drop.log → .1 → .2 …, dropping the oldest. */
export function rotate(file: string, maxFiles: number): void {
  rmSync(`${file}.${maxFiles - 1}`, { force: true });
  for (let i = maxFiles - 2; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  renameSync(file, `${file}.1`);
}

/** A logger that drops everything (tests that do not care). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
