/**
 * Folder sync pairs: each keeps a local folder in step with a bucket prefix. A pair is watched, scanned and
 * synced in passes that never overlap. This file is the pairs' life cycle (add, pause, resume, update, remove,
 * start and stop); the parts live beside it: the pair store and its persistence (pair-store.ts), building a pass
 * (pass-builder.ts, rclone's march), carrying out its plan (executor.ts, rclone's operations) and the CLI's modes
 * (cli-modes.ts).
 */
import { randomUUID } from 'node:crypto';
import type { SyncPairConfig, SyncPairStatus, SyncPreview } from '../../../shared/contract';
import { AppError, toErrorData } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import { toAppError } from '../s3/errors';
import type { S3Clients } from '../s3/types';
import type { TransferEngine } from '../transfers/types';
import { CliModes, type SyncOnceOptions } from './cli-modes';
import { Executor, type PassSummary } from './executor';
import { IGNORE_FILE, loadIgnoreMatcher } from './ignore';
import { PassBuilder } from './pass-builder';
import { PairStore, requireFolder, type PairRuntime, type SyncPairInput } from './pair-store';
import { FolderWatcher, type SettledChanges } from './watcher';

/** Tuning knobs, mostly for tests. */
export interface SyncServiceOptions {
  /** How often a watched pair compares with the bucket; default: the `syncFullPassMinutes` setting. */
  fullPassEveryMs?: number;
  /** How many of a pass's uploads the queue holds at once; default `UPLOAD_WINDOW` (tests make it small). */
  uploadWindow?: number;
}

/** Sync pairs: their life cycle, watchers and passes. */
export class SyncService {
  private readonly store: PairStore;
  private readonly march: PassBuilder;
  private readonly cli: CliModes;
  private readonly passListeners = new Set<(pairId: string, summary: PassSummary) => void>();
  private readonly offSettings: () => void;

  /** Builds the service; uploads go through the transfer engine's queue. */
  constructor(
    private readonly deps: CoreDeps,
    clients: S3Clients,
    transfers: TransferEngine,
    private readonly options: SyncServiceOptions = {},
  ) {
    this.store = new PairStore(deps);
    this.march = new PassBuilder(deps, this.store, clients, new Executor(deps, this.store, transfers, options.uploadWindow), (id, summary) => {
      for (const fn of this.passListeners) fn(id, summary);
    });
    this.cli = new CliModes(this.store, this.march, clients, (rt, forceFullPass) => this.startPair(rt, forceFullPass));
    // A changed interval applies at once: each watched pair's next full pass is due from its last listing.
    this.offSettings = deps.settings.onChange(() => {
      for (const rt of this.store.all()) if (rt.fullPassTimer) this.scheduleFullPass(rt);
    });
  }

  /** Loads saved pairs and starts every one that is not paused. */
  async start(): Promise<void> {
    for (const rt of this.store.load()) if (!rt.paused) void this.startPair(rt).catch(() => {});
  }

  /** Every pair's status. */
  list(): SyncPairStatus[] {
    return this.store.list();
  }

  /**
   * Adds a pair and starts it. The folder must exist. With `startPaused` the pair waits, previewed,
   * until it is resumed: the UI shows "N files will be uploaded" before the first pass touches the bucket.
   */
  async add(input: SyncPairInput, options: { startPaused?: boolean } = {}): Promise<SyncPairStatus> {
    const config = this.store.parse(input, randomUUID());
    this.refuseTwin(config);
    await requireFolder(config.folder, 'new');
    const rt = this.store.create(config, options.startPaused ?? false);
    this.store.save();
    // A dry run records its preview on the pair, which the status below carries.
    if (options.startPaused) {
      try {
        await this.preview(config.id);
      } catch (err) {
        // A bucket that is not there (or that this key may not list) will not be there at the next try either: the
        // pair is not kept, so "Add and preview" leaves nothing stuck at "Not synced yet". An outage keeps it.
        if (toAppError(err).options.retryable !== true) await this.remove(config.id);
        throw err;
      }
    } else void this.startPair(rt).catch(() => {});
    return this.store.status(rt);
  }

  /**
   * Two pairs of one folder to one place would upload every file twice and race on the same keys (a double click on
   * "Add" once made one): the second is refused, naming the folder.
   */
  private refuseTwin(config: SyncPairConfig): void {
    const same = (a: SyncPairConfig) =>
      a.id !== config.id && a.folder === config.folder && a.target.profileId === config.target.profileId && a.target.bucket === config.target.bucket && a.target.prefix === config.target.prefix;
    if (this.store.all().some((rt) => !rt.transient && same(rt.config))) throw new AppError('SYNC_PAIR_EXISTS', { folder: config.folder });
  }

  /** Changes a pair's settings and restarts it. */
  async update(id: string, patch: Partial<SyncPairInput>): Promise<SyncPairStatus> {
    const rt = this.store.get(id);
    const { id: _id, ...current } = rt.config;
    // A blank template or table in the patch clears it (JSON cannot carry `undefined`).
    const config = this.store.parse({ ...current, ...patch }, id);
    this.refuseTwin(config);
    await requireFolder(config.folder, config.mode);
    await this.stopPair(rt);
    const fresh = this.store.create(config, rt.paused);
    fresh.lastSyncAt = rt.lastSyncAt;
    this.store.save();
    if (!fresh.paused) void this.startPair(fresh).catch(() => {});
    return this.store.status(fresh);
  }

  /** Removes a pair and its local index; the bucket is never touched. */
  async remove(id: string): Promise<void> {
    const rt = this.store.get(id);
    await this.stopPair(rt);
    this.store.delete(id);
    this.store.removeFiles(id);
    this.store.save();
    this.store.emitStatus();
  }

  /** Stops watching a pair until resumed. */
  async pause(id: string): Promise<void> {
    const rt = this.store.get(id);
    await this.stopPair(rt);
    const fresh = this.store.create(rt.config, true);
    fresh.lastSyncAt = rt.lastSyncAt;
    // The folder still holds what the last pass counted: a paused card must not say "0 files".
    fresh.files = rt.files;
    this.store.save();
    this.store.emitStatus();
  }

  /** Resumes a paused pair (a full pass catches up on what changed). */
  async resume(id: string): Promise<void> {
    const rt = this.store.get(id);
    if (!rt.paused) return;
    rt.paused = false;
    rt.stopped = false;
    this.store.save();
    await this.startPair(rt);
  }

  /** Runs a full pass now and waits for it. */
  async syncNow(id: string): Promise<void> {
    const rt = this.store.get(id);
    await this.store.exclusive(rt, () => this.march.fullPass(rt));
  }

  /** What a pass would do, in counts, without doing it. */
  async preview(id: string): Promise<SyncPreview> {
    const rt = this.store.get(id);
    const summary = await this.store.exclusive(rt, () => this.march.fullPass(rt, { dryRun: true }), true);
    return summary.preview;
  }

  /** Lets the deletes held by the brake go ahead, then runs a pass. */
  async confirmDeletes(id: string): Promise<void> {
    const rt = this.store.get(id);
    rt.confirmedDeletes = rt.preview?.delete ?? Number.MAX_SAFE_INTEGER;
    await this.store.exclusive(rt, () => this.march.fullPass(rt));
  }

  /** One pass for the CLI's `--once` / `--dry-run` (see cli-modes.ts). */
  syncOnce(input: SyncPairInput, options: SyncOnceOptions = {}): Promise<PassSummary> {
    return this.cli.syncOnce(input, options);
  }

  /** Watches an unsaved pair for the CLI without --once (see cli-modes.ts); resolves to its id. */
  watchPair(input: SyncPairInput, options: { confirmDeletes?: boolean } = {}): Promise<string> {
    return this.cli.watchPair(input, options);
  }

  /**
   * Stops watching a pair `watchPair` started, once its pass in flight has ended, so that pass's summary reaches
   * `onPass` before the caller sums up (the CLI's Ctrl-C used to print its totals without the last pass's uploads).
   */
  async unwatchPair(id: string): Promise<void> {
    const rt = this.store.find(id);
    if (rt) await this.stopPair(rt);
  }

  /** Calls `fn` after every pass that carried out a plan (the CLI sums them for its summary). */
  onPass(fn: (pairId: string, summary: PassSummary) => void): () => void {
    this.passListeners.add(fn);
    return () => this.passListeners.delete(fn);
  }

  /** Stops every watcher, keeping indexes and snapshots for the next start. */
  async dispose(): Promise<void> {
    this.offSettings();
    this.store.dispose();
    await Promise.all(this.store.all().map((rt) => this.stopPair(rt)));
  }

  /** Opens the index, starts the watcher and catches up: replaying the snapshot when the last run ended cleanly, else a full pass. */
  private async startPair(rt: PairRuntime, forceFullPass = false): Promise<void> {
    rt.stopped = false;
    rt.paused = false;
    try {
      await requireFolder(rt.config.folder, rt.config.mode);
      const index = this.march.openIndex(rt);
      let clean = index.getMeta('clean') === '1' && !index.rebuiltFrom && !forceFullPass;
      const ignore = await loadIgnoreMatcher(rt.config.folder, rt.config.ignore);
      const watcher = new FolderWatcher(rt.config.folder, {
        stableMs: rt.config.stableMs,
        ignore,
        onSettled: (changes) => this.onSettled(rt, changes),
        onError: (err) => this.deps.logger.warn(`watcher error for ${rt.config.folder}`, String(err)),
      });
      rt.watcher = watcher;
      const snapshot = this.store.snapshotPath(rt.config.id);
      // A snapshot that cannot be replayed leaves only a full pass to find what changed while closed.
      if (!(await watcher.start(clean ? snapshot : undefined))) clean = false;
      rt.files = clean ? Number(index.getMeta('files') ?? 0) : 0;
      if (clean) {
        this.store.setState(rt, watcher.pendingCount > 0 ? 'watching' : 'up-to-date');
      } else {
        await this.store.exclusive(rt, () => this.march.fullPass(rt));
      }
      this.scheduleFullPass(rt);
    } catch (err) {
      this.store.setState(rt, 'error', toErrorData(toAppError(err, { path: rt.config.folder, bucket: rt.config.target.bucket })));
      // A first pass that failed (the server was down) is tried again by the periodic one.
      this.scheduleFullPass(rt, true);
      throw err;
    }
  }

  /**
   * Watcher-driven passes trust the index for the bucket's side; a full pass (one listing) at least every
   * `syncFullPassMinutes` catches what others changed there. Due from the last listing, which the index keeps,
   * so a restart neither repeats a recent one nor forgets one long overdue. After a failed one, the next
   * waits a whole interval (the pair shows the error; "Sync now" tries at once).
   */
  private scheduleFullPass(rt: PairRuntime, afterFailure = false): void {
    clearTimeout(rt.fullPassTimer);
    rt.fullPassTimer = undefined;
    if (rt.stopped || !rt.watcher || !rt.index) return;
    const every = this.options.fullPassEveryMs ?? this.deps.settings.get().syncFullPassMinutes * 60_000;
    const due = Number(rt.index.getMeta('listedAt') ?? 0) + every;
    rt.fullPassTimer = setTimeout(
      () => {
        let failed = false;
        void this.store
          .exclusive(rt, async () => {
            // A pass since this was scheduled (Sync now, a moved-in folder) may have listed already.
            if (rt.stopped || Date.now() < Number(rt.index?.getMeta('listedAt') ?? 0) + every) return;
            await this.march.fullPass(rt);
          })
          .catch(() => {
            failed = true;
          })
          .finally(() => this.scheduleFullPass(rt, failed));
      },
      afterFailure ? every : Math.max(due - Date.now(), 0),
    );
    // A timer alone must not keep a CLI or test process alive.
    rt.fullPassTimer.unref();
  }

  private async stopPair(rt: PairRuntime): Promise<void> {
    clearTimeout(rt.fullPassTimer);
    rt.fullPassTimer = undefined;
    rt.stopped = true;
    const watcher = rt.watcher;
    rt.watcher = undefined;
    await rt.chain.catch(() => {});
    if (watcher) {
      const idle = watcher.pendingCount === 0 && rt.settled.files.length + rt.settled.dirs.length + rt.settled.gone.length === 0;
      await watcher.stop();
      // A snapshot is only a promise that nothing is outstanding; with pending work, the next start does a full pass.
      if (idle && rt.index?.getMeta('clean') === '1') await watcher.writeSnapshot(this.store.snapshotPath(rt.config.id)).catch(() => {});
      else rt.index?.setMeta('clean', '0');
    }
    rt.index?.close();
    rt.index = undefined;
  }

  private onSettled(rt: PairRuntime, changes: SettledChanges): void {
    rt.settled.files.push(...changes.files);
    rt.settled.dirs.push(...changes.dirs);
    rt.settled.gone.push(...changes.gone);
    this.store.emitStatus();
    void this.store
      .exclusive(rt, async () => {
        if (rt.stopped) return;
        const batch = rt.settled;
        rt.settled = { files: [], dirs: [], gone: [] };
        if (batch.files.length + batch.dirs.length + batch.gone.length === 0) return;
        // A folder moved in (or an ignore file edited) needs the whole tree looked at again.
        if (batch.dirs.length > 0 || [...batch.files, ...batch.gone].some((p) => p === IGNORE_FILE)) return this.march.fullPass(rt);
        return this.march.incrementalPass(rt, batch);
      })
      .catch(() => {});
  }
}
