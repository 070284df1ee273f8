/**
 * The spool: bytes dropped on the browser page are streamed to a temporary file under
 * `<dataDir>/spool`, then uploaded from there like any local file. Bounded by disk only: the body
 * is piped, never buffered whole. Files go when their transfer finishes, or at the next start-up.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Turns a client-supplied name into one safe file name (no folders, no control characters). */
export function safeSpoolName(raw: string | null | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return 'file';
  // Keep the name the key will default to, but stay well inside every file system's 255-byte limit.
  let out = cleaned;
  while (Buffer.byteLength(out) > 200) out = out.slice(0, -1);
  return out;
}

/** The spool folder of one data folder. */
export class Spool {
  /** The folder spooled files live in. */
  readonly dir: string;

  /** Creates the spool over `<dataDir>/spool`. */
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'spool');
  }

  /** Removes everything left by an earlier run (its transfers either finished or cannot resume from a temp copy). */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Streams a request body to `<spool>/<random>/<name>` and returns the path; a broken upload leaves nothing behind. */
  async receive(req: IncomingMessage, name: string | null): Promise<string> {
    // One random folder per file keeps the original name (the default key) without collisions.
    const folder = join(this.dir, randomBytes(12).toString('hex'));
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const file = join(folder, safeSpoolName(name));
    try {
      await pipeline(req, createWriteStream(file, { mode: 0o600, flags: 'wx' }));
    } catch (err) {
      rmSync(folder, { recursive: true, force: true });
      throw err;
    }
    return file;
  }

  /** True when a path is a file this spool handed out. */
  owns(path: string): boolean {
    const rel = relative(this.dir, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  }

  /** Deletes one spooled file and its folder; ignores paths outside the spool. */
  release(path: string): void {
    if (!this.owns(path)) return;
    rmSync(dirname(path), { recursive: true, force: true });
  }
}
