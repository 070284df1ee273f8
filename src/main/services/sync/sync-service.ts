/**
 * Folder sync pairs: each keeps a local folder in step with a bucket prefix. A pair is watched, scanned
 * and synced in passes that never overlap; every pass plans with the pure planner and then uploads
 * through the transfer engine, records what landed in the pair's index, and only then (mirror mode,
 * all uploads succeeded, brake not tripped) moves deleted files' objects to the trash.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import watcher from '@parcel/watcher';
import type { S3Client } from '@aws-sdk/client-s3';
import { syncPairInputSchema, type SyncPairConfig, type SyncPairStatus, type SyncPreview, type SyncProblem, type SyncState } from '../../../shared/contract';
import { AppError, toErrorData, type AppErrorData } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import type { S3Clients } from '../s3/types';
import type { TransferEngine, UploadRequest } from '../transfers/types';
import { IGNORE_FILE, loadIgnoreMatcher, type IgnoreMatcher } from './ignore';
import { IndexDb, type IndexedFile } from './index-db';
import { assertLayout, bodySignature, destinationKey, keyFiles, layoutOf, layoutSignature, rewritesKeys, transformsBody, type PairLayout } from './pair-layout';
import { planSync, needsHead, remoteHash, TRASH_PREFIX, type Plan, type RemoteEntry } from './planner';
import { asAppError, deleteKey, eachLimit, headKey, listPrefix, moveToTrash, versioningOn } from './remote';
import { hashFile, keyOf, MAX_KEY_BYTES, scanFolder, type ScanProblem } from './scanner';
import { FolderWatcher, type SettledChanges } from './watcher';

/** A pair's input, as `sync:add` receives it after parsing. */
export type SyncPairInput = Omit<SyncPairConfig, 'id'>;

/** What one pass did, in the CLI's summary shape plus detail. */
export interface PassSummary {
  uploaded: number;
  skipped: number;
  failed: number;
  deleted: number;
  bytes: number;
  conflicts: string[];
  problems: SyncProblem[];
  preview: SyncPreview;
  /** Files that changed while they were uploading (they are synced again). */
  changedDuringUpload: string[];
  /** Set when mirror deletes wait for the user (the brake). */
  brake?: { count: number; share: number };
}

interface Runtime {
  config: SyncPairConfig;
  state: SyncState;
  paused: boolean;
  lastSyncAt?: number;
  files: number;
  pending: number;
  error?: AppErrorData;
  preview?: SyncPreview;
  index?: IndexDb;
  watcher?: FolderWatcher;
  chain: Promise<unknown>;
  running: boolean;
  confirmedDeletes?: number;
  settled: SettledChanges;
  /** Set on dispose/remove so a queued pass does nothing. */
  stopped: boolean;
  /** A CLI pair: never written to pairs.json, so the app does not pick it up. */
  transient?: boolean;
}

interface StoredPair {
  config: SyncPairConfig;
  paused?: boolean;
  lastSyncAt?: number;
}

/** The date folder inside the trash for a delete made at `now` (UTC). */
export function trashDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Normalises a prefix: '' or ending in '/'. */
export function normalPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * Parses a pair's input and refuses a template that cannot work (TEMPLATE_INVALID, with its reason), before
 * anything is saved or scanned. Blank template and table are dropped, so "no template" has one spelling.
 */
function parsePair(input: SyncPairInput, id: string): SyncPairConfig {
  const parsed = syncPairInputSchema.parse(input);
  const { template: _t, table: _n, gzip: _g, convertToUtf8: _c, ...rest } = parsed;
  const layout = layoutOf(parsed);
  assertLayout(layout);
  return { ...rest, ...layout, id };
}

/** Keys that are conflict copies made by the app; mirror never deletes them. */
const conflictCopy = / \(conflict \d{4}-\d{2}-\d{2} \d{4}\)(\.[^/]*)?$/;

/** Sync pairs: persistence, watchers, passes and status events. */
export class SyncService {
  private readonly pairs = new Map<string, Runtime>();
  private statusTimer?: NodeJS.Timeout;
  private lastStatusAt = 0;
  private readonly dir: string;
  private readonly passListeners = new Set<(pairId: string, summary: PassSummary) => void>();

  /** Builds the service; uploads go through the transfer engine's queue. */
  constructor(
    readonly deps: CoreDeps,
    readonly clients: S3Clients,
    readonly transfers: TransferEngine,
  ) {
    this.dir = join(deps.platform.dataDir, 'sync');
  }

  private get pairsFile(): string {
    return join(this.dir, 'pairs.json');
  }

  /** Loads saved pairs and starts every one that is not paused. */
  async start(): Promise<void> {
    let stored: StoredPair[] = [];
    try {
      stored = (JSON.parse(readFileSync(this.pairsFile, 'utf8')) as { pairs: StoredPair[] }).pairs ?? [];
    } catch {
      // No pairs yet (or an unreadable file: pairs are re-added; the bucket is untouched either way).
    }
    for (const s of stored) {
      const { id, ...input } = s.config;
      const parsed = syncPairInputSchema.safeParse(input);
      if (!parsed.success || typeof id !== 'string') {
        this.deps.logger.warn(`a saved sync pair could not be read and was skipped (${String(id)})`);
        continue;
      }
      const rt = this.runtime({ ...parsed.data, id }, s.paused ?? false);
      rt.lastSyncAt = s.lastSyncAt;
    }
    for (const rt of this.pairs.values()) if (!rt.paused) void this.startPair(rt).catch(() => {});
  }

  private runtime(config: SyncPairConfig, paused: boolean): Runtime {
    const rt: Runtime = {
      config,
      state: paused ? 'paused' : 'scanning',
      paused,
      files: 0,
      pending: 0,
      chain: Promise.resolve(),
      running: false,
      settled: { files: [], dirs: [], gone: [] },
      stopped: false,
    };
    this.pairs.set(config.id, rt);
    return rt;
  }

  private save(): void {
    mkdirSync(this.dir, { recursive: true });
    const body: { pairs: StoredPair[] } = { pairs: [...this.pairs.values()].filter((r) => !r.transient).map((r) => ({ config: r.config, paused: r.paused, lastSyncAt: r.lastSyncAt })) };
    const tmp = `${this.pairsFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(body, null, 2));
    renameSync(tmp, this.pairsFile);
  }

  private get(id: string): Runtime {
    const rt = this.pairs.get(id);
    if (!rt) throw new AppError('SYNC_PAIR_NOT_FOUND');
    return rt;
  }

  /** Every pair's status. */
  list(): SyncPairStatus[] {
    return [...this.pairs.values()].map((r) => this.status(r));
  }

  private status(r: Runtime): SyncPairStatus {
    const s: SyncPairStatus = { config: r.config, state: r.state, files: r.files, pending: r.pending + (r.watcher?.pendingCount ?? 0) };
    if (r.lastSyncAt !== undefined) s.lastSyncAt = r.lastSyncAt;
    if (r.error) s.error = r.error;
    if (r.preview) s.preview = r.preview;
    return s;
  }

  private emitStatus(): void {
    // Throttled to 5/s: a 100,000-file scan must not flood the UI.
    const wait = 200 - (Date.now() - this.lastStatusAt);
    if (this.statusTimer) return;
    const fire = () => {
      this.statusTimer = undefined;
      this.lastStatusAt = Date.now();
      this.deps.events.emit('sync:status', this.list());
    };
    if (wait <= 0) fire();
    else this.statusTimer = setTimeout(fire, wait);
  }

  private setState(rt: Runtime, state: SyncState, error?: AppErrorData): void {
    rt.state = state;
    rt.error = error;
    this.emitStatus();
  }

  /**
   * Adds a pair and starts it. The folder must exist. With `startPaused` the pair waits, previewed,
   * until it is resumed: the UI shows "N files will be uploaded" before the first pass touches the bucket.
   */
  async add(input: SyncPairInput, options: { startPaused?: boolean } = {}): Promise<SyncPairStatus> {
    const config = parsePair(input, randomUUID());
    await this.requireFolder(config.folder);
    const rt = this.runtime(config, options.startPaused ?? false);
    this.save();
    // A dry run records its preview on the pair, which the status below carries.
    if (options.startPaused) await this.preview(config.id);
    else void this.startPair(rt).catch(() => {});
    return this.status(rt);
  }

  /** Changes a pair's settings and restarts it. */
  async update(id: string, patch: Partial<SyncPairInput>): Promise<SyncPairStatus> {
    const rt = this.get(id);
    const { id: _id, ...current } = rt.config;
    // A blank template or table in the patch clears it (JSON cannot carry `undefined`).
    const config = parsePair({ ...current, ...patch }, id);
    await this.requireFolder(config.folder);
    await this.stopPair(rt);
    const fresh = this.runtime(config, rt.paused);
    fresh.lastSyncAt = rt.lastSyncAt;
    this.save();
    if (!fresh.paused) void this.startPair(fresh).catch(() => {});
    return this.status(fresh);
  }

  /** Removes a pair and its local index; the bucket is never touched. */
  async remove(id: string): Promise<void> {
    const rt = this.get(id);
    await this.stopPair(rt);
    this.pairs.delete(id);
    for (const f of [this.indexPath(id), `${this.indexPath(id)}-wal`, `${this.indexPath(id)}-shm`, this.snapshotPath(id)]) rmSync(f, { force: true });
    this.save();
    this.emitStatus();
  }

  /** Stops watching a pair until resumed. */
  async pause(id: string): Promise<void> {
    const rt = this.get(id);
    await this.stopPair(rt);
    const fresh = this.runtime(rt.config, true);
    fresh.lastSyncAt = rt.lastSyncAt;
    this.save();
    this.emitStatus();
  }

  /** Resumes a paused pair (a full pass catches up on what changed). */
  async resume(id: string): Promise<void> {
    const rt = this.get(id);
    if (!rt.paused) return;
    rt.paused = false;
    rt.stopped = false;
    this.save();
    await this.startPair(rt);
  }

  /** Runs a full pass now and waits for it. */
  async syncNow(id: string): Promise<void> {
    const rt = this.get(id);
    await this.exclusive(rt, () => this.fullPass(rt, false));
  }

  /** What a pass would do, in counts, without doing it. */
  async preview(id: string): Promise<SyncPreview> {
    const rt = this.get(id);
    const summary = await this.exclusive(rt, () => this.fullPass(rt, true), true);
    return summary.preview;
  }

  /** Lets the deletes held by the brake go ahead, then runs a pass. */
  async confirmDeletes(id: string): Promise<void> {
    const rt = this.get(id);
    rt.confirmedDeletes = rt.preview?.delete ?? Number.MAX_SAFE_INTEGER;
    await this.exclusive(rt, () => this.fullPass(rt, false));
  }

  /** One pass for the CLI's `--once` / `--dry-run`: an unsaved pair whose index persists per folder+target. */
  async syncOnce(input: SyncPairInput, options: { dryRun?: boolean; signal?: AbortSignal; confirmDeletes?: boolean; full?: boolean } = {}): Promise<PassSummary> {
    const config = parsePair(input, SyncService.cliPairId(input));
    await this.requireFolder(config.folder);
    const rt = this.pairs.get(config.id) ?? this.runtime(config, true);
    rt.config = config;
    rt.transient = true;
    if (options.confirmDeletes) rt.confirmedDeletes = Number.MAX_SAFE_INTEGER;
    this.pairs.delete(config.id); // not listed, not persisted
    const snapshot = this.snapshotPath(config.id);
    const pending = `${snapshot}.next`;
    try {
      let summary: PassSummary | undefined;
      if (!options.dryRun) {
        const index = this.openIndex(rt);
        // Taken before the pass, so a change made during it shows up next time rather than being lost.
        await watcher.writeSnapshot(config.folder, pending, { ignore: ['.git'] });
        if (!options.full && index.getMeta('clean') === '1' && !index.rebuiltFrom && existsSync(snapshot)) {
          // The last run finished cleanly: only what changed on disk since then needs looking at; no listing.
          const batch = await this.changesSince(config.folder, snapshot);
          if (batch) {
            summary = await this.exclusive(rt, () => this.incrementalPass(rt, batch), true);
            summary.skipped = Math.max(0, Number(index.getMeta('files') ?? 0) - summary.uploaded - summary.failed);
          }
        }
      }
      summary ??= await this.exclusive(rt, () => this.fullPass(rt, options.dryRun ?? false, options.signal), true);
      // A file that changed under its upload is synced again so the object ends equal to the final file.
      for (let round = 0; round < 3 && !options.dryRun && summary.changedDuringUpload.length > 0; round++) {
        const again = await this.exclusive(rt, () => this.fullPass(rt, false, options.signal), true);
        summary = { ...again, uploaded: summary.uploaded + again.uploaded, bytes: summary.bytes + again.bytes };
      }
      if (!options.dryRun && rt.index?.getMeta('clean') === '1') renameSync(pending, snapshot);
      return summary;
    } finally {
      rmSync(pending, { force: true });
      rt.index?.close();
      rt.index = undefined;
    }
  }

  /** What changed in a folder since a snapshot, sorted like the watcher's batches; undefined when only a full pass will do. */
  private async changesSince(folder: string, snapshot: string): Promise<SettledChanges | undefined> {
    const events = await watcher.getEventsSince(folder, snapshot, { ignore: ['.git'] });
    const batch: SettledChanges = { files: [], dirs: [], gone: [] };
    for (const e of events) {
      const rel = relative(folder, e.path);
      const st = await stat(e.path).catch(() => undefined);
      if (!st) batch.gone.push(rel);
      else if (st.isDirectory() || rel === IGNORE_FILE) return undefined;
      else batch.files.push(rel);
    }
    return batch;
  }

  /** Watches an unsaved pair (the CLI without --once): subscribes first, then a full pass, so no change slips between them. */
  async watchPair(input: SyncPairInput, options: { confirmDeletes?: boolean } = {}): Promise<string> {
    const config = parsePair(input, SyncService.cliPairId(input));
    await this.requireFolder(config.folder);
    const rt = this.pairs.get(config.id) ?? this.runtime(config, false);
    rt.transient = true;
    if (options.confirmDeletes) rt.confirmedDeletes = Number.MAX_SAFE_INTEGER;
    await this.startPair(rt, true);
    return config.id;
  }

  /** Calls `fn` after every pass that carried out a plan (the CLI sums them for its summary). */
  onPass(fn: (pairId: string, summary: PassSummary) => void): () => void {
    this.passListeners.add(fn);
    return () => this.passListeners.delete(fn);
  }

  /** A stable id for a CLI pair, so its index is reused between runs. */
  static cliPairId(input: SyncPairInput): string {
    const t = input.target;
    return `cli-${createHash('sha256').update(JSON.stringify([input.folder, t.profileId, t.bucket, t.prefix])).digest('hex').slice(0, 16)}`;
  }

  /** Stops every watcher, keeping indexes and snapshots for the next start. */
  async dispose(): Promise<void> {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    await Promise.all([...this.pairs.values()].map((rt) => this.stopPair(rt)));
  }

  private indexPath(id: string): string {
    return join(this.dir, `${id}.sqlite`);
  }

  private snapshotPath(id: string): string {
    return join(this.dir, `${id}.snapshot`);
  }

  private openIndex(rt: Runtime): IndexDb {
    if (!rt.index) {
      rt.index = new IndexDb(this.indexPath(rt.config.id));
      if (rt.index.rebuiltFrom) {
        this.deps.logger.warn(`sync index for ${rt.config.folder} was damaged; rebuilt from a rescan`);
        this.deps.events.emit('app:notice', { level: 'warning', error: new AppError('SYNC_INDEX_REBUILT', { path: rt.config.folder }).toData() });
      }
      this.checkLayout(rt, rt.index);
    }
    return rt.index;
  }

  /**
   * A changed template, table, gzip or UTF-8 choice (an edit, or a CLI run with other flags over the same index)
   * moves keys, so the next start must do a full pass rather than replay the watcher's snapshot. A changed gzip
   * or UTF-8 choice also changes what the bytes in the bucket mean, so every key is compared with the bucket again.
   */
  private checkLayout(rt: Runtime, index: IndexDb): void {
    const layout = layoutOf(rt.config);
    // An index from before layouts existed has no signature: it was made with the plain layout.
    const signature = layoutSignature(layout);
    if ((index.getMeta('layout') ?? layoutSignature({})) === signature) return;
    const body = bodySignature(layout);
    if ((index.getMeta('body') ?? bodySignature({})) !== body) index.clearSynced();
    index.setMeta('clean', '0');
    index.setMeta('layout', signature);
    index.setMeta('body', body);
  }

  private async requireFolder(folder: string): Promise<void> {
    const st = await stat(folder).catch(() => undefined);
    if (!st?.isDirectory()) throw new AppError('SYNC_FOLDER_MISSING', { path: folder });
  }

  /** Opens the index, starts the watcher and catches up: replaying the snapshot when the last run ended cleanly, else a full pass. */
  private async startPair(rt: Runtime, forceFullPass = false): Promise<void> {
    rt.stopped = false;
    rt.paused = false;
    try {
      await this.requireFolder(rt.config.folder);
      const index = this.openIndex(rt);
      const clean = index.getMeta('clean') === '1' && !index.rebuiltFrom && !forceFullPass;
      const ignore = await loadIgnoreMatcher(rt.config.folder, rt.config.ignore);
      const watcher = new FolderWatcher(rt.config.folder, {
        stableMs: rt.config.stableMs,
        ignore,
        onSettled: (changes) => this.onSettled(rt, changes),
        onError: (err) => this.deps.logger.warn(`watcher error for ${rt.config.folder}`, String(err)),
      });
      rt.watcher = watcher;
      const snapshot = this.snapshotPath(rt.config.id);
      await watcher.start(clean ? snapshot : undefined);
      rt.files = clean ? Number(index.getMeta('files') ?? 0) : 0;
      if (clean) {
        this.setState(rt, watcher.pendingCount > 0 ? 'watching' : 'up-to-date');
      } else {
        await this.exclusive(rt, () => this.fullPass(rt, false));
      }
    } catch (err) {
      this.setState(rt, 'error', toErrorData(asAppError(err)));
      throw err;
    }
  }

  private async stopPair(rt: Runtime): Promise<void> {
    rt.stopped = true;
    const watcher = rt.watcher;
    rt.watcher = undefined;
    await rt.chain.catch(() => {});
    if (watcher) {
      const idle = watcher.pendingCount === 0 && rt.settled.files.length + rt.settled.dirs.length + rt.settled.gone.length === 0;
      await watcher.stop();
      // A snapshot is only a promise that nothing is outstanding; with pending work, the next start does a full pass.
      if (idle && rt.index?.getMeta('clean') === '1') await watcher.writeSnapshot(this.snapshotPath(rt.config.id)).catch(() => {});
      else rt.index?.setMeta('clean', '0');
    }
    rt.index?.close();
    rt.index = undefined;
  }

  /** Runs passes of one pair one after another. */
  private exclusive<T>(rt: Runtime, fn: () => Promise<T>, rethrow = false): Promise<T> {
    const run = rt.chain.then(async () => {
      rt.running = true;
      try {
        return await fn();
      } finally {
        rt.running = false;
      }
    });
    rt.chain = run.catch((err) => {
      if (!rethrow) this.setState(rt, rt.state === 'needs-confirmation' ? rt.state : 'error', toErrorData(asAppError(err)));
    });
    return run;
  }

  private onSettled(rt: Runtime, changes: SettledChanges): void {
    rt.settled.files.push(...changes.files);
    rt.settled.dirs.push(...changes.dirs);
    rt.settled.gone.push(...changes.gone);
    this.emitStatus();
    void this.exclusive(rt, async () => {
      if (rt.stopped) return;
      const batch = rt.settled;
      rt.settled = { files: [], dirs: [], gone: [] };
      if (batch.files.length + batch.dirs.length + batch.gone.length === 0) return;
      // A folder moved in (or an ignore file edited) needs the whole tree looked at again.
      if (batch.dirs.length > 0 || [...batch.files, ...batch.gone].some((p) => p === IGNORE_FILE)) return this.fullPass(rt, false);
      return this.incrementalPass(rt, batch);
    }).catch(() => {});
  }

  private async context(rt: Runtime): Promise<{ client: S3Client; bucket: string; prefix: string }> {
    const ctx = await this.clients.forProfile(rt.config.target.profileId);
    return { client: ctx.client, bucket: rt.config.target.bucket, prefix: normalPrefix(rt.config.target.prefix) };
  }

  private emptySummary(): PassSummary {
    return {
      uploaded: 0,
      skipped: 0,
      failed: 0,
      deleted: 0,
      bytes: 0,
      conflicts: [],
      problems: [],
      changedDuringUpload: [],
      preview: { upload: 0, uploadBytes: 0, delete: 0, conflicts: 0, skipped: 0, problems: [] },
    };
  }

  /** A full pass: scan, one listing, plan, execute. */
  private async fullPass(rt: Runtime, dryRun: boolean, signal?: AbortSignal): Promise<PassSummary> {
    const c = rt.config;
    await this.requireFolder(c.folder);
    const index = this.openIndex(rt);
    const ignore = await loadIgnoreMatcher(c.folder, c.ignore);
    if (!dryRun) index.setMeta('clean', '0');
    this.setState(rt, 'scanning');
    const { client, bucket, prefix } = await this.context(rt);
    const scan = await scanFolder(c.folder, { ignore, index, prefix, signal });
    if (c.mode === 'mirror' && scan.files.length === 0) {
      // An unmounted drive looks exactly like "the user deleted everything": never act on it.
      throw new AppError('SYNC_FOLDER_MISSING', { path: c.folder });
    }
    const listing = await listPrefix(client, bucket, prefix, signal);
    const synced = index.allSynced();
    const remote = new Map<string, RemoteEntry>();
    const trash: RemoteEntry[] = [];
    for (const [k, r] of listing) {
      if (k.startsWith(TRASH_PREFIX)) trash.push(r);
      else remote.set(k, r);
    }
    const layout = layoutOf(c);
    const transformed = transformsBody(layout);
    // Multipart objects from other tools: their ETag says nothing about content, so read the stored hash
    // (for gzip/UTF-8 copies, the source hash: a copy's size and ETag never match the file).
    const heads = [...keyFiles(scan.files, layout).byKey].filter(([key, f]) => {
      const r = remote.get(key);
      return r !== undefined && needsHead(f, r, synced.get(key), transformed);
    });
    await eachLimit(heads, 8, async ([key]) => {
      const h = await headKey(client, bucket, prefix + key);
      const r = remote.get(key)!;
      if (h?.sha256) r.sha256 = h.sha256;
      if (h?.sourceSha256) r.sourceSha256 = h.sourceSha256;
    });
    const plan = planSync(scan.files, remote, synced, {
      layout,
      mode: c.mode,
      now: new Date(),
      isIgnored: (k) => ignore(k) || conflictCopy.test(k),
      brakeShare: c.brakeShare,
      brakeCount: c.brakeCount,
      confirmedDeletes: rt.confirmedDeletes,
    });
    const summary = this.emptySummary();
    summary.preview = this.previewOf(plan, scan.problems);
    summary.problems = [...summary.preview.problems];
    rt.preview = summary.preview;
    rt.files = scan.files.length;
    if (dryRun) {
      // A preview of a paused pair must leave it paused: it only looked.
      this.setState(rt, rt.paused ? 'paused' : rt.state === 'scanning' ? 'up-to-date' : rt.state);
      return summary;
    }
    // Forget hash rows of files that are gone, so the index does not grow forever.
    const present = new Set(scan.files.map((f) => f.key));
    index.transaction(() => {
      for (const f of index.allFiles()) if (!present.has(f.key)) index.deleteFile(f.key);
    });
    await this.execute(rt, plan, summary, { client, bucket, prefix }, trash);
    index.setMeta('files', String(scan.files.length));
    for (const fn of this.passListeners) fn(c.id, summary);
    return summary;
  }

  /** A pass over the paths the watcher reported, without a listing: the index's synced state stands in for the bucket. */
  private async incrementalPass(rt: Runtime, batch: SettledChanges): Promise<PassSummary> {
    const c = rt.config;
    await this.requireFolder(c.folder);
    const index = this.openIndex(rt);
    const ignore = await loadIgnoreMatcher(c.folder, c.ignore);
    const { client, bucket, prefix } = await this.context(rt);
    index.setMeta('clean', '0');
    const layout = layoutOf(c);
    const summary = this.emptySummary();
    const local: IndexedFile[] = [];
    // Set when an edited file's key moved (a time token in the template): its old key is only known by a full pass.
    let moved = false;
    for (const rel of new Set(batch.files)) {
      const key = keyOf(rel);
      if (ignore(key)) continue;
      if (Buffer.byteLength(prefix + key) > MAX_KEY_BYTES) {
        summary.problems.push({ path: key, kind: 'key-too-long', reason: `name is longer than ${MAX_KEY_BYTES} bytes in the bucket` });
        continue;
      }
      const st = await stat(join(c.folder, rel)).catch(() => undefined);
      if (!st?.isFile()) continue;
      const cached = index.getFile(key);
      if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs && cached.rel === rel) {
        local.push(cached);
        continue;
      }
      const f: IndexedFile = { key, rel, size: st.size, mtimeMs: st.mtimeMs, ...(await hashFile(join(c.folder, rel), st.size)) };
      if (cached && layout.template !== undefined && !moved) moved = tryKey(cached, layout) !== tryKey(f, layout);
      index.putFile(f);
      local.push(f);
    }
    if (rewritesKeys(layout) && this.needsFullPass(c.mode, layout, batch, local, moved, index)) return this.fullPass(rt, false);
    const keys = new Map(local.map((f) => [f.key, tryKey(f, layout)]));
    const synced = index.allSynced();
    const remote = new Map<string, RemoteEntry>();
    for (const f of local) {
      const k = keys.get(f.key);
      const s = k === undefined ? undefined : synced.get(k);
      if (s) remote.set(s.key, { key: s.key, size: s.size, etag: s.etag });
    }
    if (c.mode === 'mirror' && batch.gone.length > 0) {
      // Only reached with keys equal to paths: a layout that rewrites keys took the full pass above.
      const entries = await readdir(c.folder).catch(() => [] as string[]);
      if (entries.length === 0) throw new AppError('SYNC_FOLDER_MISSING', { path: c.folder });
      for (const rel of batch.gone) {
        const key = keyOf(rel);
        for (const s of synced.values()) {
          if (s.key !== key && !s.key.startsWith(`${key}/`)) continue;
          const exists = await stat(join(c.folder, s.key)).then(() => true, () => false);
          if (!exists) remote.set(s.key, { key: s.key, size: s.size, etag: s.etag });
        }
        index.deleteFile(key);
      }
    }
    const plan = planSync(local, remote, synced, {
      mode: c.mode,
      now: new Date(),
      isIgnored: (k) => ignore(k) || conflictCopy.test(k) || local.some((f) => keys.get(f.key) === k),
      brakeShare: c.brakeShare,
      brakeCount: c.brakeCount,
      confirmedDeletes: rt.confirmedDeletes,
      remoteTotal: synced.size,
      layout,
    });
    summary.preview = this.previewOf(plan, []);
    summary.problems.push(...summary.preview.problems);
    await this.execute(rt, plan, summary, { client, bucket, prefix }, []);
    for (const fn of this.passListeners) fn(c.id, summary);
    return summary;
  }

  /**
   * For a layout that rewrites keys, whether a watcher batch needs the whole folder looked at: a file's old key
   * (an edit moved it to another day's partition, or it was deleted) is only found by comparing the whole folder
   * with the listing, which only mirror needs, and a file may now map to the key of a file outside the batch,
   * which only the whole folder shows (so neither overwrites the other).
   */
  private needsFullPass(mode: SyncPairConfig['mode'], layout: PairLayout, batch: SettledChanges, local: IndexedFile[], moved: boolean, index: IndexDb): boolean {
    if (mode === 'mirror' && (moved || batch.gone.length > 0)) return true;
    if (layout.template === undefined) return false;
    const inBatch = new Set([...local.map((f) => f.key), ...batch.gone.map(keyOf)]);
    const others = new Set<string>();
    for (const f of index.allFiles()) {
      if (inBatch.has(f.key)) continue;
      const k = tryKey(f, layout);
      if (k !== undefined) others.add(k);
    }
    return local.some((f) => {
      const k = tryKey(f, layout);
      return k !== undefined && others.has(k);
    });
  }

  private previewOf(plan: Plan, problems: ScanProblem[]): SyncPreview {
    return {
      upload: plan.uploads.length + plan.conflicts.length,
      uploadBytes: [...plan.uploads, ...plan.conflicts].reduce((n, o) => n + o.local.size, 0),
      delete: plan.deletes.length,
      conflicts: plan.conflicts.length,
      skipped: plan.skips.length,
      problems: [
        ...problems.map(({ path, reason, kind, other }): SyncProblem => ({ path, reason, kind, ...(other !== undefined ? { other } : {}) })),
        ...plan.problems.map(({ key, reason, why, other }): SyncProblem => ({ path: key, reason, kind: why, ...(other !== undefined ? { other } : {}) })),
      ],
    };
  }

  /** Carries out a plan: record identical files, upload, then (only if all uploads worked) delete to trash. */
  private async execute(rt: Runtime, plan: Plan, summary: PassSummary, s3: { client: S3Client; bucket: string; prefix: string }, trash: RemoteEntry[]): Promise<void> {
    const index = this.openIndex(rt);
    const c = rt.config;
    const layout = layoutOf(c);
    const transformed = transformsBody(layout);
    index.transaction(() => {
      for (const s of plan.skips) if (s.reason === 'same-content') index.putSynced({ key: s.key, etag: s.remote.etag, size: s.remote.size, sha256: s.local.sha256 });
    });
    summary.skipped = plan.skips.length;

    const jobs = [
      ...plan.uploads.map((u) => ({ local: u.local, key: u.key, destKey: u.key, conflictOf: undefined as RemoteEntry | undefined })),
      ...plan.conflicts.map((u) => ({ local: u.local, key: u.key, destKey: u.copyKey, conflictOf: u.remote })),
    ];
    if (jobs.length > 0) {
      rt.pending = jobs.length;
      this.setState(rt, 'syncing');
      const engine = this.transfers;
      const requests: UploadRequest[] = jobs.map((j) => ({
        localPath: join(c.folder, j.local.rel),
        profileId: c.target.profileId,
        bucket: s3.bucket,
        key: s3.prefix + j.destKey,
        origin: `sync:${c.id}`,
        sha256: j.local.sha256,
        // From the index, like the hash: queue slots and totals are right without the engine statting each file.
        size: j.local.size,
        // The key is already rendered (from the file's mtime); only the body choices go to the engine.
        options: { existing: 'overwrite', ...(layout.gzip ? { gzip: true } : {}), ...(layout.convertToUtf8 ? { convertToUtf8: true } : {}) },
      }));
      const ids = enqueueOnce(engine, requests);
      // Matched by id: an engine may leave out snapshots it has already dropped from its history.
      const byId = new Map((await engine.waitFor(ids)).map((snap) => [snap.id, snap]));
      await eachLimit(
        jobs.map((job, i) => ({ job, snap: byId.get(ids[i]!) })),
        8,
        async ({ snap, job }) => {
          let etag: string | undefined;
          let size = job.local.size;
          if (!snap || ((snap.state === 'done' || snap.state === 'skipped') && transformed)) {
            // No snapshot: the object itself says whether this content landed. A gzip/UTF-8 copy's ETag and
            // size are not the file's either, so they are read back too (the next pass then needs no HEAD).
            const h = await headKey(s3.client, s3.bucket, s3.prefix + job.destKey);
            if (!h || remoteHash(h, transformed) !== job.local.sha256) {
              summary.failed++;
              summary.problems.push({ path: job.destKey, reason: 'upload result unknown' });
              return;
            }
            etag = h.etag;
            size = h.size;
          } else if (snap.state !== 'done' && snap.state !== 'skipped') {
            summary.failed++;
            summary.problems.push({ path: job.destKey, reason: snap.error?.message ?? `upload ${snap.state}` });
            return;
          } else {
            // A one-part upload's ETag is the MD5 we already have; a multipart one is learnt from the next listing.
            etag = (snap.partsTotal ?? 1) > 1 ? '' : job.local.md5;
          }
          summary.uploaded++;
          summary.bytes += job.local.size;
          if (job.conflictOf) {
            summary.conflicts.push(job.destKey);
            // The remote change has now been seen; the local version is kept beside it, not over it.
            index.putSynced({ key: job.key, etag: job.conflictOf.etag, size: job.conflictOf.size, sha256: job.local.sha256 });
            return;
          }
          const st = await stat(join(c.folder, job.local.rel)).catch(() => undefined);
          if (!st || st.size !== job.local.size || st.mtimeMs !== job.local.mtimeMs) {
            // Changed under the upload: what landed is unknown, so do not record it; sync it again once stable.
            summary.changedDuringUpload.push(job.local.rel);
            rt.watcher?.touch(job.local.rel);
            return;
          }
          // The synced hash is always the local file's (a copy's own hash is never compared with a file's).
          index.putSynced({ key: job.destKey, etag, size, sha256: job.local.sha256 });
        },
      );
      rt.pending = 0;
    }
    if (summary.conflicts.length > 0) {
      this.deps.events.emit('app:notice', { level: 'warning', key: 'sync.conflicts', params: { count: summary.conflicts.length, folder: c.folder } });
    }

    if (summary.failed > 0) {
      // Deletes only follow a pass whose uploads all landed; otherwise a delete could remove the only copy.
      const err = new AppError('SYNC_UPLOADS_FAILED', { count: summary.failed });
      this.setState(rt, 'error', err.toData());
      return;
    }
    if (plan.brake) {
      summary.brake = plan.brake;
      const err = new AppError('SYNC_BRAKE', { count: plan.brake.count, percent: Math.round(plan.brake.share * 100) });
      this.setState(rt, 'needs-confirmation', err.toData());
      return;
    }
    if (plan.deletes.length > 0) {
      this.setState(rt, 'syncing');
      const plain = await versioningOn(s3.client, s3.bucket);
      const date = trashDate(new Date());
      await eachLimit(plan.deletes, 8, async (d) => {
        const key = s3.prefix + d.key;
        if (plain) await deleteKey(s3.client, s3.bucket, key);
        else await moveToTrash(s3.client, s3.bucket, key, `${s3.prefix}${TRASH_PREFIX}${date}/${d.key}`);
        index.deleteSynced(d.key);
        summary.deleted++;
      });
      rt.confirmedDeletes = undefined;
    }
    // Trash older than the pair's limit goes for good; it came with the same listing, so this costs no extra call.
    const cutoff = trashDate(new Date(Date.now() - c.trashDays * 86_400_000));
    const expired = trash.filter((t) => {
      const day = t.key.slice(TRASH_PREFIX.length, TRASH_PREFIX.length + 10);
      return /^\d{4}-\d{2}-\d{2}$/.test(day) && day < cutoff;
    });
    await eachLimit(expired, 8, (t) => deleteKey(s3.client, s3.bucket, s3.prefix + t.key));

    rt.lastSyncAt = Date.now();
    if (summary.changedDuringUpload.length === 0) index.setMeta('clean', '1');
    if (this.pairs.get(c.id) === rt) this.save();
    this.setState(rt, rt.watcher && (rt.watcher.pendingCount > 0 || summary.changedDuringUpload.length > 0) ? 'watching' : 'up-to-date');
  }
}

/** A file's key, or undefined when the template cannot name it (the planner reports those). */
function tryKey(file: IndexedFile, layout: PairLayout): string | undefined {
  try {
    return destinationKey(file, layout);
  } catch {
    return undefined;
  }
}

/** The ignore matcher type, re-exported for the CLI. */
export type { IgnoreMatcher };

/**
 * Enqueues requests, reusing a live transfer for the same origin, bucket and key. After a crash the
 * journal brings this pair's unfinished uploads back; without this the next pass queued every one again,
 * sending each file two or three times (found by the soak test).
 */
export function enqueueOnce(engine: Pick<TransferEngine, 'enqueue' | 'list'>, requests: UploadRequest[]): string[] {
  const live = new Map<string, string>();
  for (const t of engine.list().transfers) {
    if (t.state === 'queued' || t.state === 'running' || t.state === 'waiting-auth') live.set(`${t.origin ?? ''}\n${t.bucket}\n${t.key}`, t.id);
  }
  const ids: (string | undefined)[] = requests.map((r) => live.get(`${r.origin ?? ''}\n${r.bucket}\n${r.key}`));
  const fresh = requests.filter((_, i) => ids[i] === undefined);
  const freshIds = fresh.length > 0 ? engine.enqueue(fresh) : [];
  let next = 0;
  return ids.map((id) => id ?? freshIds[next++]!);
}
