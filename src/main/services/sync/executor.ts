/**
 * Carries out a pass's plan, as rclone's operations do for its march: records files already in the bucket,
 * uploads through the transfer engine, verifies what landed, updates the pair's index, and only then (mirror,
 * every upload landed, brake not tripped) moves deleted files' objects to the trash; old trash expires.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SyncPreview, SyncProblem } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { eachLimit } from '../concurrency';
import type { CoreDeps } from '../context';
import type { HistoryRecord } from '../history/history-service';
import { moveToTrash } from '../s3/copy-object';
import { deleteObject, deleteObjects, headObject, listPrefix, versioningOn } from '../s3/objects';
import type { S3Target } from '../s3/types';
import type { TransferSnapshot } from '../../../shared/contract';
import type { TransferEngine, UploadRequest } from '../transfers/types';
import { claimKeepBothKey } from '../transfers/upload';
import type { IndexDb } from './index-db';
import { layoutOf, objectOptionsOf, transformsBody } from './pair-layout';
import type { PairRuntime, PairStore } from './pair-store';
import { remoteHash, TRASH_PREFIX, type Plan, type RemoteEntry } from './planner';

/** What one pass did, in the CLI's summary shape plus detail. */
export interface PassSummary {
  uploaded: number;
  skipped: number;
  failed: number;
  deleted: number;
  bytes: number;
  conflicts: string[];
  /** Files changed in the bucket only: the bucket's copy was kept, the unchanged file here not sent over it. */
  keptRemote: string[];
  problems: SyncProblem[];
  preview: SyncPreview;
  /** Files that changed while they were uploading (they are synced again). */
  changedDuringUpload: string[];
  /** Set when mirror deletes wait for the user (the brake). */
  brake?: { count: number; share: number };
}

/** A summary of nothing done yet. */
export function emptySummary(): PassSummary {
  return {
    uploaded: 0,
    skipped: 0,
    failed: 0,
    deleted: 0,
    bytes: 0,
    conflicts: [],
    keptRemote: [],
    problems: [],
    changedDuringUpload: [],
    preview: { upload: 0, uploadBytes: 0, delete: 0, conflicts: 0, skipped: 0, problems: [] },
  };
}

/** Where a pass's objects are: the client, the bucket and the pair's normalised prefix. */
export interface PassTarget {
  client: S3Target;
  bucket: string;
  prefix: string;
}

/** The date folder inside the trash for a delete made at `now` (UTC). */
export function trashDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Where each of a pass's deletes goes in the trash (keys relative to the pair's prefix): `<trash>/<date>/<key>`, or,
 * when an earlier delete that day already holds that name, keep-both's `name (n).ext`, so no trashed copy overwrites
 * another (in a bucket without versions that copy would be gone for good). `trashed` are the trash keys already in the
 * bucket; a name another delete of the same pass goes to is never given.
 */
export function trashKeys(keys: readonly string[], date: string, trashed: Iterable<string>): string[] {
  const existing = new Set(trashed);
  const wanted = keys.map((k) => `${TRASH_PREFIX}${date}/${k}`);
  const taken = new Set([...existing, ...wanted]);
  return wanted.map((w) => (existing.has(w) ? claimKeepBothKey(w, taken) : w));
}

/**
 * Enqueues requests, reusing a live transfer for the same origin, bucket and key. After a crash the
 * journal brings this pair's unfinished uploads back; without this the next pass queued every one again,
 * sending each file two or three times (found by the soak test).
 */
export function enqueueOnce(engine: Pick<TransferEngine, 'enqueue' | 'list'>, requests: UploadRequest[]): string[] {
  const live = new Map<string, string>();
  for (const t of engine.list().transfers) {
    if (t.state === 'queued' || t.state === 'running' || t.state === 'waiting-auth' || t.state === 'waiting-network') live.set(`${t.origin ?? ''}\n${t.bucket}\n${t.key}`, t.id);
  }
  const ids: (string | undefined)[] = requests.map((r) => live.get(`${r.origin ?? ''}\n${r.bucket}\n${r.key}`));
  const fresh = requests.filter((_, i) => ids[i] === undefined);
  const freshIds = fresh.length > 0 ? engine.enqueue(fresh) : [];
  let next = 0;
  return ids.map((id) => id ?? freshIds[next++]!);
}

/** One file a pass uploads: under its own key, or beside a remote change (`conflictOf`) under `destKey`. */
interface UploadJob {
  local: Plan['uploads'][number]['local'];
  key: string;
  destKey: string;
  conflictOf: RemoteEntry | undefined;
}

/**
 * A plan's uploads, then its conflict copies, as jobs `size` at a time: only the window being queued exists as
 * jobs, so a 100,000-file pass does not hold a second 100,000-long list beside its plan.
 */
function* uploadWindows(plan: Plan, size: number): Generator<UploadJob[]> {
  let window: UploadJob[] = [];
  const jobs = function* (): Generator<UploadJob> {
    for (const u of plan.uploads) yield { local: u.local, key: u.key, destKey: u.key, conflictOf: undefined };
    for (const u of plan.conflicts) yield { local: u.local, key: u.key, destKey: u.copyKey, conflictOf: u.remote };
  };
  for (const job of jobs()) {
    window.push(job);
    if (window.length < size) continue;
    yield window;
    window = [];
  }
  if (window.length > 0) yield window;
}

/** How many of a pass's uploads the queue holds at once (see `upload`). */
export const UPLOAD_WINDOW = 2_000;

/** Carries out plans for the pairs of one store. */
export class Executor {
  /** Builds the executor; uploads go through `engine`'s queue, `uploadWindow` at a time. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly store: PairStore,
    private readonly engine: TransferEngine,
    private readonly uploadWindow = UPLOAD_WINDOW,
  ) {}

  /**
   * Carries out a plan: record identical files, upload, then (only if all uploads worked) delete to trash. `trash` is
   * the trash as the pass's listing found it; undefined when the pass listed nothing (the watcher's), and then the
   * day's trash folder is listed before anything moves into it.
   */
  async execute(rt: PairRuntime, index: IndexDb, plan: Plan, summary: PassSummary, s3: PassTarget, trash: RemoteEntry[] | undefined): Promise<void> {
    const c = rt.config;
    index.transaction(() => {
      for (const s of plan.skips) if (s.reason === 'same-content') index.putSynced({ key: s.key, etag: s.remote.etag, size: s.remote.size, sha256: s.local.sha256 });
    });
    summary.skipped = plan.skips.length;
    // Only files found already in the bucket are news; 'synced' skips are every unchanged file of every pass.
    const found = plan.skips.filter((s) => s.reason === 'same-content');
    this.record(c.id, c.target.profileId, s3, found.map((s) => ({ kind: 'skip', outcome: 'skipped', key: s.key, size: s.remote.size })));
    await this.upload(rt, index, plan, summary, s3);
    if (summary.conflicts.length > 0) {
      this.deps.events.emit('app:notice', { level: 'warning', key: 'sync.conflicts', params: { count: summary.conflicts.length, folder: c.folder } });
    }
    summary.keptRemote = plan.skips.filter((s) => s.reason === 'remote-changed').map((s) => s.key);
    // Every pass finds them again until one side changes; the app says so once, not at every pass of a watched pair.
    if (summary.keptRemote.length > 0 && summary.keptRemote.length !== rt.keptRemote) {
      this.deps.events.emit('app:notice', { level: 'info', key: 'sync.keptRemote', params: { count: summary.keptRemote.length, folder: c.folder } });
    }
    rt.keptRemote = summary.keptRemote.length;

    if (summary.failed > 0) {
      // Deletes only follow a pass whose uploads all landed; otherwise a delete could remove the only copy.
      const err = new AppError('SYNC_UPLOADS_FAILED', { count: summary.failed });
      this.store.setState(rt, 'error', err.toData());
      return;
    }
    if (plan.brake) {
      summary.brake = plan.brake;
      const err = new AppError('SYNC_BRAKE', { count: plan.brake.count, percent: Math.round(plan.brake.share * 100) });
      this.store.setState(rt, 'needs-confirmation', err.toData());
      return;
    }
    if (plan.deletes.length > 0) {
      this.store.setState(rt, 'syncing');
      const plain = await versioningOn(s3.client, s3.bucket);
      const date = trashDate(new Date());
      const day = `${TRASH_PREFIX}${date}/`;
      // The names already in today's trash: a delete must not land on one (see trashKeys).
      const trashed = plain ? [] : (trash?.map((t) => t.key) ?? [...(await listPrefix(s3.client, s3.bucket, s3.prefix + day)).keys()].map((k) => day + k));
      const dest = trashKeys(plan.deletes.map((d) => d.key), date, trashed);
      await eachLimit(plan.deletes.map((d, i) => ({ d, to: dest[i]! })), 8, async ({ d, to }) => {
        const key = s3.prefix + d.key;
        if (plain) await deleteObject(s3.client, s3.bucket, key);
        else await moveToTrash(s3.client, s3.bucket, key, s3.prefix + to);
        index.deleteSynced(d.key);
        summary.deleted++;
        this.record(c.id, c.target.profileId, s3, [{ kind: plain ? 'delete' : 'trash', outcome: 'done', key: d.key, size: d.remote.size }]);
      });
      rt.confirmedDeletes = undefined;
    }
    // Trash older than the pair's limit goes for good; it came with the same listing, so this costs no extra call.
    const cutoff = trashDate(new Date(Date.now() - c.trashDays * 86_400_000));
    const expired = (trash ?? []).filter((t) => {
      const day = t.key.slice(TRASH_PREFIX.length, TRASH_PREFIX.length + 10);
      return /^\d{4}-\d{2}-\d{2}$/.test(day) && day < cutoff;
    });
    const { failed } = await deleteObjects(
      s3.client,
      s3.bucket,
      expired.map((t) => s3.prefix + t.key),
    );
    if (failed[0]) throw failed[0].error;

    rt.lastSyncAt = Date.now();
    if (summary.changedDuringUpload.length === 0) index.setMeta('clean', '1');
    this.store.saveIfListed(rt);
    this.store.setState(rt, rt.watcher && (rt.watcher.pendingCount > 0 || summary.changedDuringUpload.length > 0) ? 'watching' : 'up-to-date');
  }

  /** Records what a pass did to keys relative to the pair's prefix (uploads are recorded by the queue itself). */
  private record(pairId: string, profileId: string, s3: PassTarget, items: Pick<HistoryRecord, 'kind' | 'outcome' | 'key' | 'size'>[]): void {
    if (items.length === 0) return;
    const at = Date.now();
    this.deps.history?.record(items.map((i) => ({ ...i, at, key: s3.prefix + i.key, profileId, bucket: s3.bucket, pairId })));
  }

  /** Uploads the plan's new, changed and conflicting files, verifies each result and records it in the index. */
  private async upload(rt: PairRuntime, index: IndexDb, plan: Plan, summary: PassSummary, s3: PassTarget): Promise<void> {
    const c = rt.config;
    const layout = layoutOf(c);
    const transformed = transformsBody(layout);
    const total = plan.uploads.length + plan.conflicts.length;
    if (total === 0) return;
    rt.pending = total;
    this.store.setState(rt, 'syncing');
    const requestOf = (j: UploadJob): UploadRequest => ({
      localPath: join(c.folder, j.local.rel),
      profileId: c.target.profileId,
      bucket: s3.bucket,
      key: s3.prefix + j.destKey,
      origin: `sync:${c.id}`,
      sha256: j.local.sha256,
      // From the index, like the hash: queue slots and totals are right without the engine statting each file.
      size: j.local.size,
      // The key is already rendered (from the file's mtime); only the body choices go to the engine.
      options: { existing: 'overwrite', ...(layout.gzip ? { gzip: true } : {}), ...(layout.convertToUtf8 ? { convertToUtf8: true } : {}), ...objectOptionsOf(c) },
    });
    // A window of the pass at a time, the next queued while the last of the previous still run (so the queue never
    // runs dry between windows): a 100,000-file first sync must not hold 100,000 transfers, their requests and their
    // waits in memory at once.
    let previous: Promise<void> | undefined;
    for (const window of uploadWindows(plan, this.uploadWindow)) {
      const ids = enqueueOnce(this.engine, window.map(requestOf));
      const done = this.finishWindow(rt, window, ids, async (job, snap) => {
        let etag: string | undefined;
        let size = job.local.size;
        if (!snap || ((snap.state === 'done' || snap.state === 'skipped') && transformed)) {
          // No snapshot: the object itself says whether this content landed. A gzip/UTF-8 copy's ETag and
          // size are not the file's either, so they are read back too (the next pass then needs no HEAD).
          const h = await headObject(s3.client, s3.bucket, s3.prefix + job.destKey);
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
          // The upload itself is recorded by the queue; this says why the file went under another name.
          this.record(c.id, c.target.profileId, s3, [{ kind: 'conflict', outcome: 'done', key: job.destKey, size: job.local.size }]);
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
      });
      // Awaited below; this only keeps it from counting as unhandled if the previous window fails first.
      done.catch(() => undefined);
      if (previous) await previous;
      previous = done;
    }
    await previous;
    rt.pending = 0;
  }

  /**
   * Waits for one window's transfers, each on its own (so the pair's count of files still to upload falls as each
   * ends, not in one jump at the end), then checks and records each result with `settle`.
   */
  private async finishWindow(rt: PairRuntime, jobs: UploadJob[], ids: string[], settle: (job: UploadJob, snap: TransferSnapshot | undefined) => Promise<void>): Promise<void> {
    const snaps = await Promise.all(
      ids.map(async (id) => {
        const [snap] = await this.engine.waitFor([id]);
        rt.pending = Math.max(0, rt.pending - 1);
        this.store.emitStatus();
        return snap;
      }),
    );
    // Matched by id: an engine may leave out snapshots it has already dropped from its history.
    const byId = new Map(snaps.filter((snap) => snap !== undefined).map((snap) => [snap.id, snap]));
    await eachLimit(
      jobs.map((job, i) => ({ job, snap: byId.get(ids[i]!) })),
      8,
      ({ job, snap }) => settle(job, snap),
    );
  }
}
