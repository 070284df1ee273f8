/**
 * Watches a sync folder with @parcel/watcher. Events are batched and debounced, and a path is handed on
 * only once its size and mtime have not moved for `stableMs`, so a half-written file never starts an
 * upload. An atomic save (temp file renamed over the original) ends as one "present" change for the
 * original path. A snapshot written on stop lets the next start ask for the changes made while closed.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { AsyncSubscription, BackendType } from '@parcel/watcher';
import { nativeWatcher as watcher, type WatchOptions } from './native-watcher';
import type { IgnoreMatcher } from './ignore';

/** The platform's own watching backend, where @parcel/watcher has one by name. */
const NATIVE_BACKEND: BackendType | undefined = ({ linux: 'inotify', darwin: 'fs-events', win32: 'windows' } as const)[process.platform as string];

/**
 * What every call into @parcel/watcher is given: `.git` left out, and the platform's own backend named. Unnamed, the
 * library first looks for Watchman by running `sh -c "watchman …"` (twice in every CLI sync pass, a few milliseconds
 * each), which also runs whatever program of that name comes first on PATH; and a snapshot written through one backend
 * cannot be read through another.
 */
export const WATCH_OPTIONS: WatchOptions = { ignore: ['.git'], ...(NATIVE_BACKEND ? { backend: NATIVE_BACKEND } : {}) };

/** A batch of settled changes, as paths relative to the folder (disk spelling). */
export interface SettledChanges {
  /** Files that exist and have been stable for `stableMs`. */
  files: string[];
  /** Folders that appeared (moved in): their contents need a scan. */
  dirs: string[];
  /** Paths that no longer exist. */
  gone: string[];
}

/** Watcher options. */
export interface WatcherOptions {
  stableMs: number;
  ignore: IgnoreMatcher;
  onSettled: (changes: SettledChanges) => void;
  onError?: (err: unknown) => void;
}

interface Pending {
  lastChange: number;
  sig: string;
}

/** A debounced, stability-checking folder watcher. */
export class FolderWatcher {
  private sub?: AsyncSubscription;
  private readonly pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private checking = false;
  private readonly tickMs: number;

  /** Builds a watcher for `folder`; call `start()`. */
  constructor(
    readonly folder: string,
    private readonly options: WatcherOptions,
  ) {
    this.tickMs = Math.max(50, Math.min(500, Math.floor(options.stableMs / 4)));
  }

  /**
   * Subscribes; with a snapshot from a previous run, also replays the changes made while closed. False when that
   * snapshot cannot be read (gone, or written by another backend): only a full pass knows what changed then.
   */
  async start(snapshotPath?: string): Promise<boolean> {
    this.sub = await watcher.subscribe(
      this.folder,
      (err, events) => {
        if (err) return this.options.onError?.(err);
        for (const e of events) this.touch(e.path);
      },
      WATCH_OPTIONS,
    );
    if (!snapshotPath) return true;
    if (!existsSync(snapshotPath)) return false;
    const events = await watcher.getEventsSince(this.folder, snapshotPath, WATCH_OPTIONS).catch(() => undefined);
    for (const e of events ?? []) this.touch(e.path);
    return events !== undefined;
  }

  /** Marks a path (absolute or relative) as changed now. */
  touch(path: string): void {
    const rel = path.startsWith(this.folder) ? relative(this.folder, path) : path;
    if (rel === '' || rel.startsWith('..')) return;
    if (this.options.ignore(rel.split(sep).join('/').normalize('NFC'))) return;
    const prev = this.pending.get(rel);
    this.pending.set(rel, { lastChange: Date.now(), sig: prev?.sig ?? '' });
    this.schedule();
  }

  /** Paths still waiting to settle. */
  get pendingCount(): number {
    return this.pending.size;
  }

  private schedule(): void {
    if (this.timer || !this.sub) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check();
    }, this.tickMs);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    const out: SettledChanges = { files: [], dirs: [], gone: [] };
    try {
      const now = Date.now();
      for (const [rel, p] of [...this.pending]) {
        if (now - p.lastChange < this.options.stableMs && this.options.stableMs > 0) continue;
        let sig = 'gone';
        let kind: 'file' | 'dir' | 'gone' = 'gone';
        try {
          const st = await stat(join(this.folder, rel));
          kind = st.isDirectory() ? 'dir' : 'file';
          sig = `${kind}:${st.size}:${st.mtimeMs}`;
        } catch {
          // Gone (deleted, or the temp side of an atomic save).
        }
        const cur = this.pending.get(rel);
        if (cur !== p) continue; // touched again while we looked
        if (sig !== p.sig && this.options.stableMs > 0) {
          // First look: confirm on the next tick. A later difference means it is still moving: restart its quiet period.
          this.pending.set(rel, { lastChange: p.sig === '' ? p.lastChange : Date.now(), sig });
          continue;
        }
        this.pending.delete(rel);
        out[kind === 'file' ? 'files' : kind === 'dir' ? 'dirs' : 'gone'].push(rel);
      }
    } finally {
      this.checking = false;
    }
    if (out.files.length + out.dirs.length + out.gone.length > 0) this.options.onSettled(out);
    if (this.pending.size > 0) this.schedule();
  }

  /** Records the folder's state so the next start can ask what changed meanwhile. */
  async writeSnapshot(snapshotPath: string): Promise<void> {
    await watcher.writeSnapshot(this.folder, snapshotPath, WATCH_OPTIONS);
  }

  /** Unsubscribes and drops pending paths (the next start rescans or replays them). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const sub = this.sub;
    this.sub = undefined;
    await sub?.unsubscribe();
  }
}
