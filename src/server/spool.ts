/**
 * The spool: bytes dropped on the browser page are streamed to a temporary file under
 * `<dataDir>/spool`, then uploaded from there like any local file. Bounded by disk only: the body
 * is piped, never buffered whole. A spooled file lives as long as a transfer may still read it
 * (queued, running, paused, waiting for sign-in, failed or cancelled, all of which can go on or be
 * retried, also after a restart); it goes when its transfer is done or skipped, or its row is
 * cleared. At start-up only orphans go: files no transfer in the journal points to.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, join, relative, isAbsolute, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

/** A spooled body that did not arrive whole: the client stopped sending (`stalled`) or went away. */
export class SpoolIncomplete extends Error {
  /** Builds the error; `stalled` tells silence from a dropped connection. */
  constructor(
    readonly stalled: boolean,
    options?: { cause?: unknown },
  ) {
    super(stalled ? 'the dropped file stopped arriving' : 'the dropped file did not arrive whole', options);
    this.name = 'SpoolIncomplete';
  }
}

/** Where a data folder's spooled files live. */
export function spoolDir(dataDir: string): string {
  return join(dataDir, 'spool');
}

/** The spool folder of one data folder. */
export class Spool {
  /** The folder spooled files live in. */
  readonly dir: string;

  /** Spooled path → the transfers that read it (the page could queue one copy twice). */
  private readonly holders = new Map<string, Set<string>>();
  /** Transfer id → the spooled path it reads. */
  private readonly heldBy = new Map<string, string>();
  /** `<spool>/<24 hex>/`, the part of a spooled path that means nothing to the person who dropped the file. */
  private readonly internalPrefix: RegExp;

  /** Creates the spool over `<dataDir>/spool`. */
  constructor(dataDir: string) {
    this.dir = spoolDir(dataDir);
    this.internalPrefix = new RegExp(`${escapeRegExp(this.dir + sep)}[0-9a-f]{24}${escapeRegExp(sep)}`, 'g');
  }

  /**
   * Start-up: removes what an earlier run left that no transfer needs, keeping the files of `needed` (the spooled
   * paths unfinished or retryable transfers point to). Deleting those, as this once did, failed every restored upload.
   */
  sweep(needed: Iterable<string>): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const keep = new Set<string>();
    for (const path of needed) if (this.owns(path)) keep.add(dirname(path));
    for (const entry of readdirSync(this.dir)) {
      const folder = join(this.dir, entry);
      if (!keep.has(folder)) rmSync(folder, { recursive: true, force: true });
    }
  }

  /** Notes that transfer `id` reads the spooled `path` (ignored for paths outside the spool). */
  hold(id: string, path: string): void {
    if (!this.owns(path) || this.heldBy.has(id)) return;
    this.heldBy.set(id, path);
    let ids = this.holders.get(path);
    if (!ids) this.holders.set(path, (ids = new Set()));
    ids.add(id);
  }

  /** Transfer `id` no longer needs its file; the file goes once no other transfer holds it. */
  letGo(id: string): void {
    const path = this.heldBy.get(id);
    if (path === undefined) return;
    this.heldBy.delete(id);
    const ids = this.holders.get(path);
    ids?.delete(id);
    if (ids && ids.size > 0) return;
    this.holders.delete(path);
    this.release(path);
  }

  /** Lets go of every transfer not in `live` (at shutdown, when the last progress event may not have come yet). */
  keepOnly(live: ReadonlySet<string>): void {
    for (const id of [...this.heldBy.keys()]) if (!live.has(id)) this.letGo(id);
  }

  /** Replaces every spooled path in a text with the dropped file's own name (what the person knows it by). */
  hidePaths(text: string): string {
    return text.includes(this.dir) ? text.replace(this.internalPrefix, '') : text;
  }

  /**
   * Streams a request body to `<spool>/<random>/<name>` and returns the path; a broken upload leaves nothing behind.
   * There is no limit on the total time (a big drop over a slow disk may take hours), only on silence: a client
   * that sends nothing for `idleMs` while we could take more is cut off. Throws `SpoolIncomplete` when the body did
   * not arrive whole (the client's doing), anything else when writing failed (ours).
   */
  async receive(req: IncomingMessage, name: string | null, idleMs: number): Promise<string> {
    // One random folder per file keeps the original name (the default key) without collisions.
    const folder = join(this.dir, randomBytes(12).toString('hex'));
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const file = join(folder, safeSpoolName(name));
    const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
    let stalled = false;
    const onIdle = () => {
      // Bytes still waiting for our disk mean the silence is ours (backpressure), not the client's: wait again.
      if (req.readableLength > 0 || out.writableLength > 0) return void req.setTimeout(idleMs);
      stalled = true;
      req.destroy();
    };
    // A 'timeout' listener on the request stops the server from simply closing the socket, so onIdle decides.
    req.setTimeout(idleMs, onIdle);
    try {
      await pipeline(req, out);
    } catch (err) {
      rmSync(folder, { recursive: true, force: true });
      if (stalled || (!req.complete && !out.errored)) throw new SpoolIncomplete(stalled, { cause: err });
      throw err;
    } finally {
      req.off('timeout', onIdle);
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
