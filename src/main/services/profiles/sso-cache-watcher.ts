/**
 * Watches the SSO token cache (~/.aws/sso/cache, where the SDK reads it and `aws sso login` writes it), so a sign-in
 * made in a terminal wakes the transfers waiting for it. Plain `fs.watch` on one folder, not @parcel/watcher: one
 * non-recursive folder is what fs.watch does reliably on Linux (inotify), macOS (FSEvents) and Windows
 * (ReadDirectoryChangesW), with no native snapshot machinery to start or stop. The folder may not exist yet: then
 * the nearest existing parent is watched until it appears (nothing is created in ~/.aws for it).
 */
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What the watcher needs from its owner. */
export interface SsoCacheWatcherOptions {
  /** The home folder the SDK uses (HOME, or USERPROFILE). */
  home: string;
  /** Called with the file name (`<sha1>.json`) once writes to it have settled. */
  onToken: (fileName: string) => void;
  /** Quiet time after the last change to a file before it is read (default 250 ms). */
  debounceMs?: number;
}

/** The cache folder the SDK reads SSO tokens from, under a home folder. */
export function ssoCacheDir(home: string): string {
  return join(home, '.aws', 'sso', 'cache');
}

/** Watches the cache folder, or the nearest parent that exists until the folder appears. */
export class SsoCacheWatcher {
  private watcher?: FSWatcher;
  private watched?: string;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private readonly target: string;
  private readonly chain: string[];

  /** Starts watching at once. */
  constructor(private readonly options: SsoCacheWatcherOptions) {
    this.target = ssoCacheDir(options.home);
    // From the cache folder up to home: the first one that exists is watched.
    this.chain = [this.target, dirname(this.target), dirname(dirname(this.target)), options.home];
    this.arm();
  }

  /** The folder watched now (for tests and logs). */
  get watching(): string | undefined {
    return this.watched;
  }

  private arm(): void {
    const was = this.watched;
    this.watcher?.close();
    this.watcher = undefined;
    this.watched = undefined;
    if (this.closed) return;
    for (const dir of this.chain) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => this.changed(dir, name ? String(name) : undefined));
        // The folder went away (or the watch broke): start again from the top of the chain.
        w.on('error', () => this.rearmSoon());
        this.watcher = w;
        this.watched = dir;
        break;
      } catch {
        // Not there (yet): try its parent.
      }
    }
    // The folder has just appeared (the CLI makes it and writes its token at once): what is already in it counts.
    if (was !== undefined && was !== this.target && this.watched === this.target) {
      try {
        for (const name of readdirSync(this.target)) this.changed(this.target, name);
      } catch {
        // Gone again: the next event re-arms.
      }
    }
    // A parent was created between our misses: one more look, so the cache folder itself is not missed.
    if (this.watched && this.watched !== this.target) {
      const next = this.chain[this.chain.indexOf(this.watched) - 1];
      if (next && existsSync(next)) this.rearmSoon();
    }
  }

  private rearmTimer?: NodeJS.Timeout;
  private rearmSoon(): void {
    if (this.closed || this.rearmTimer) return;
    this.rearmTimer = setTimeout(() => {
      this.rearmTimer = undefined;
      this.arm();
    }, 20);
  }

  private changed(dir: string, name: string | undefined): void {
    if (this.closed) return;
    if (dir !== this.target) {
      // A parent: only the next folder down matters; when it appears, watch deeper.
      const next = this.chain[this.chain.indexOf(dir) - 1];
      if (!name || (next && name === basename(next))) this.rearmSoon();
      return;
    }
    if (!existsSync(this.target)) return this.rearmSoon();
    // The CLI writes `<sha1>.json` in place; the app writes a `.tmp` beside it and renames it.
    if (!name || !/^[0-9a-f]{40}\.json$/.test(name)) return;
    clearTimeout(this.timers.get(name));
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        if (!this.closed) this.options.onToken(name);
      }, this.options.debounceMs ?? 250),
    );
  }

  /** Stops watching. */
  close(): void {
    this.closed = true;
    clearTimeout(this.rearmTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.watcher?.close();
    this.watcher = undefined;
  }
}
