/**
 * The durable transfer queue, uploads and downloads alike (`direction` on each row picks upload.ts or download.ts):
 * FIFO within priorities, a global file limit and a per-file part limit,
 * pause/resume/cancel/retry, a shared bandwidth limit, throttled immutable snapshots, and a SQLite
 * journal that brings the queue (and half-finished multipart uploads) back after a crash.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExistingChoice, OverallProgress, TransferSnapshot, TransferState } from '../../../shared/contract';
import { AppError, retryCanWork } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import { SNAPSHOT_INTERVAL_MS, Throttle } from '../events';
import { httpStatus, isAbort, s3ErrorCode, toAppError } from '../s3/errors';
import type { S3Clients } from '../s3/types';
import { assertBucketRef, assertUploadKey } from '../s3/validate';
import { overallOf, snapshotOf, SpeedMeter, type Accounted } from './accounting';
import { Journal, type JournalPart, type JournalTransfer } from './journal';
import { defaultWaitPolicy, waitBackoffMs, type RetryPolicy, type WaitPolicy } from './retry';
import { TokenBucket } from './token-bucket';
import { abandonMultipart } from './multipart';
import { cleanupStaleUploads, type QueueView } from './orphans';
import { discardDownload, downloadFile } from './download';
import { FINAL_STATES, type DownloadRequest, type TransferEngine, type UploadRequest } from './types';
import { keepBothKey, uploadFile } from './upload';
import { s3Sdk } from '../lazy-sdk';

/**
 * What history pruning may drop. Never a failed transfer: it waits for the person's Retry, and pruning it would
 * lose the file silently (the soak test found an object missing with nothing failed in the list).
 */
const PRUNABLE: ReadonlySet<TransferState> = new Set(['done', 'skipped', 'cancelled']);
/** Sign-in problems: the user can fix them in a minute, so the transfers wait instead of failing. */
const AUTH_CODES: ReadonlySet<string> = new Set(['SSO_LOGIN_REQUIRED', 'MFA_REQUIRED', 'CREDENTIALS_EXPIRED']);
/**
 * Failures where the endpoint did not answer (refused, reset, DNS, timeouts): an outage passes by itself, so the
 * transfers wait for it ('waiting-network') instead of failing.
 */
const NETWORK_CODES: ReadonlySet<string> = new Set(['NETWORK', 'ENDPOINT_UNREACHABLE', 'TIMEOUT']);
/** A probe that gets no answer in this long counts as no answer. */
const PROBE_TIMEOUT_MS = 15_000;
const MiB = 1024 * 1024;
/** A changed source or a failed verification: the transfer starts over from nothing, up to `fileRestarts` times. */
const RESTART_CODES: ReadonlySet<string> = new Set(['FILE_CHANGED', 'CHECKSUM_MISMATCH', 'OBJECT_CHANGED', 'DOWNLOAD_MISMATCH']);

/** Tuning for tests and the CLI; production uses the defaults. */
export interface TransferServiceOptions {
  /** Journal file; default `<dataDir>/journal.sqlite`. */
  journalFile?: string;
  /** Finished transfers kept in the list and the journal (oldest dropped first). */
  historyLimit?: number;
  /** Snapshot events at most this often (ms); 200 = 5 per second. */
  progressIntervalMs?: number;
  retry?: RetryPolicy;
  /** Whole-file restarts after a changed source or a failed verification. */
  fileRestarts?: number;
  /** How long the endpoint is probed between tries while transfers wait for it; default about 1 s doubling to 60 s. */
  networkBackoff?: WaitPolicy;
  /**
   * How long transfers wait for an endpoint that does not answer before they fail (ms). Default: for as long as
   * the app runs (the app and browser mode); the CLI passes a bounded budget so that a run always ends.
   */
  networkWaitMs?: number;
  /**
   * When stale multipart uploads are looked for (orphans.ts): 'at-start' (the app and browser mode, which keep
   * running), or 'on-first-transfer' (a CLI run, whose no-change sync pass must not pay a ListMultipartUploads per
   * bucket; a run that transfers anything still cleans up). Default 'at-start'.
   */
  staleUploads?: 'at-start' | 'on-first-transfer';
  /**
   * The finished transfers the journal keeps: 'listed' (the app and browser mode show them until "Clear finished"), or
   * 'left' in the journal (a CLI run reports only its own; reading a thousand finished rows at every start was a tenth
   * of a no-change `sync --once`). Either way the journal keeps at most `historyLimit` of them. Default 'listed'.
   */
  finished?: 'listed' | 'left';
}

/** One profile's endpoint that stopped answering: the probe timer and how long it has been down. */
interface NetworkHold {
  /** Probes that got no answer so far. */
  attempt: number;
  /** When the first failure of this outage came. */
  since: number;
  timer?: NodeJS.Timeout;
  /** A probe is in flight (no second timer meanwhile). */
  probing?: boolean;
  /** The endpoint's address (none for AWS), once a probe has resolved the profile; for the budget's message. */
  endpoint?: string;
  /** The error the transfers failed with, for the budget's message. */
  error: AppError;
}

interface Waiter {
  ids: string[];
  pending: number;
  /** Final snapshots taken as each id settles, so history pruning cannot lose them. */
  finals: Map<string, TransferSnapshot>;
  resolve: (s: TransferSnapshot[]) => void;
}

interface Entry extends Accounted {
  abort?: AbortController;
  running?: Promise<void>;
  restarts: number;
}

/** The transfer engine behind the UI, the CLI and sync. */
export class TransferService implements TransferEngine {
  private journal?: Journal;
  private readonly entries = new Map<string, Entry>();
  /** Queued ids per priority, FIFO; stale ids (no longer queued) are skipped when popped. */
  private readonly queues = new Map<number, { ids: string[]; head: number }>();
  private running = 0;
  private allPaused = false;
  private seq = 0;
  private disposed = false;
  /** The stale multipart upload clean-up has been started (once per run). */
  private staleUploadsCleaned = false;
  private unsubscribe?: () => void;
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  /** Sends the changed snapshots at most every `progressIntervalMs`. */
  private readonly progress: Throttle;
  /** Finished transfers whose final row is not written yet (see `finish`). */
  private readonly finishedUnwritten = new Set<string>();
  /** Who waits on each unfinished transfer; a waiter resolves when its count of unfinished ids reaches zero. */
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly bandwidth: TokenBucket;
  /** Endpoints (by profile) that stopped answering; removed once a transfer of the profile makes progress again. */
  private readonly holds = new Map<string, NetworkHold>();
  /**
   * The key each running upload writes (profile, bucket and key → transfer id), claimed as it starts writing: a
   * keep-both upload looks further than a key another upload is writing, as a HEAD cannot see it yet.
   */
  private readonly writingKeys = new Map<string, string>();
  private readonly options: Required<Omit<TransferServiceOptions, 'retry' | 'journalFile'>> & Pick<TransferServiceOptions, 'retry' | 'journalFile'>;

  /** Builds the service; nothing runs until `start()`. */
  constructor(
    readonly deps: CoreDeps,
    readonly clients: S3Clients,
    options: TransferServiceOptions = {},
  ) {
    this.options = { historyLimit: 1000, progressIntervalMs: SNAPSHOT_INTERVAL_MS, fileRestarts: 3, networkBackoff: defaultWaitPolicy, networkWaitMs: Infinity, staleUploads: 'at-start', finished: 'listed', ...options };
    this.bandwidth = new TokenBucket(() => deps.settings.get().bandwidthLimitKiBps * 1024);
    this.progress = new Throttle(() => this.flush(), this.options.progressIntervalMs);
  }

  /** Opens the journal, restores the queue, cleans up uploads nobody needs, and starts uploading. */
  async start(): Promise<void> {
    const file = this.options.journalFile ?? join(this.deps.platform.dataDir, 'journal.sqlite');
    const opened = Journal.open(file);
    this.journal = opened.journal;
    if (opened.corruptMovedTo) {
      this.deps.logger.warn(`transfer journal was damaged; moved to ${opened.corruptMovedTo}`);
      const notice = new AppError('JOURNAL_CORRUPT').toData();
      // Deferred so that a UI subscribing right after start-up still sees it.
      setTimeout(() => this.deps.events.emit('app:notice', { level: 'warning', error: notice }), 0);
    }
    this.seq = this.journal.maxSeq();
    if (this.options.finished === 'left') {
      this.journal.pruneOldest(PRUNABLE, this.options.historyLimit);
      for (const rec of this.journal.unfinished(FINAL_STATES)) this.restoreUnfinished(rec);
    } else {
      const finished: JournalTransfer[] = [];
      for (const rec of this.journal.all()) {
        if (FINAL_STATES.has(rec.state)) finished.push(rec);
        else this.restoreUnfinished(rec);
      }
      const prunable = finished.filter((rec) => PRUNABLE.has(rec.state));
      const dropped = new Set(prunable.slice(0, Math.max(0, prunable.length - this.options.historyLimit)).map((rec) => rec.id));
      for (const rec of finished) {
        if (dropped.has(rec.id)) this.journal.remove(rec.id);
        else this.entries.set(rec.id, this.newEntry(rec, new Map()));
      }
    }
    if (this.options.staleUploads !== 'on-first-transfer') this.cleanStaleUploads();
    // A profile edit or a new sign-in is the moment to try the transfers that wait for one.
    const offChanged = this.deps.events.on('profiles:changed', () => this.resumeWaitingAuth());
    // A sign-in (in the app, or `aws sso login` in a terminal) wakes the transfers of the profiles it signed in.
    const offSignedIn = this.deps.events.on('profiles:signedIn', ({ profileIds }) => this.resumeWaitingAuth(new Set(profileIds)));
    this.unsubscribe = () => {
      offChanged();
      offSignedIn();
    };
    this.pump();
  }

  /**
   * Puts a transfer the journal holds unfinished back: one that was running when the app stopped goes back to the
   * queue; paused stays paused, and one that waits for an answer still waits (asking again would only cost a HEAD
   * and ask the same thing).
   */
  private restoreUnfinished(rec: JournalTransfer): void {
    if (rec.state !== 'paused' && rec.state !== 'waiting-answer') rec.state = 'queued';
    const parts = new Map(this.j.parts(rec.id).map((p) => [p.partNumber, p] as const));
    this.entries.set(rec.id, this.newEntry(rec, parts));
    if (rec.state === 'queued') this.enqueueId(rec);
  }

  /** Stops the queue, aborting in-flight requests; the journal keeps everything unfinished for the next start. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe?.();
    for (const h of this.holds.values()) clearTimeout(h.timer);
    this.holds.clear();
    const running = [...this.entries.values()].filter((e) => e.running);
    for (const e of running) e.abort?.abort(new AppError('CANCELLED'));
    await Promise.allSettled(running.map((e) => e.running));
    this.progress.cancel();
    this.writeFinished();
    this.journal?.close();
    this.journal = undefined;
  }

  private get j(): Journal {
    if (!this.journal) throw new AppError('NOT_SUPPORTED', { what: 'the transfer queue is not running' });
    return this.journal;
  }

  private newEntry(rec: JournalTransfer, parts: Map<number, JournalPart>): Entry {
    const partBytes = [...parts.values()].reduce((s, p) => s + p.size, 0);
    const done = rec.state === 'done' || rec.state === 'skipped' ? rec.size : partBytes;
    return { rec, parts, bytesDone: done, meter: new SpeedMeter(), restarts: 0, ...(rec.partSize && rec.size ? { partsTotal: Math.ceil(rec.size / rec.partSize) } : {}) };
  }

  /** Adds uploads (all validated first, so a bad key adds nothing); returns their ids in order. */
  enqueue(requests: UploadRequest[]): string[] {
    for (const r of requests) {
      assertBucketRef(r.bucket);
      assertUploadKey(r.key);
    }
    const now = Date.now();
    const batch = randomUUID();
    return this.add(requests.map((r) => ({
      id: randomUUID(),
      batch,
      seq: ++this.seq,
      localPath: r.localPath,
      profileId: r.profileId,
      bucket: r.bucket,
      key: r.key,
      ...(r.options ? { options: r.options } : {}),
      priority: r.priority ?? 0,
      ...(r.origin ? { origin: r.origin } : {}),
      state: 'queued',
      size: r.size ?? 0,
      mtimeMs: 0,
      ...(r.sha256 ? { sha256: r.sha256 } : {}),
      createdAt: now,
    })));
  }

  /**
   * Adds downloads (every bucket checked first, so a bad one adds nothing); returns their ids in order. A request for
   * a local file that an unfinished download of the same version already writes gets that download's id: two
   * writers of one part file would spoil each other's ranges. Another version of it goes beside it, as `name (1).ext`.
   */
  enqueueDownloads(requests: DownloadRequest[]): string[] {
    for (const r of requests) assertBucketRef(r.bucket);
    const writing = new Map<string, JournalTransfer>();
    for (const e of this.entries.values()) if (e.rec.direction === 'download' && !FINAL_STATES.has(e.rec.state)) writing.set(e.rec.localPath, e.rec);
    const ids = requests.map((r) => {
      const rec = writing.get(r.localPath);
      return rec && (rec.options?.versionId ?? '') === (r.versionId ?? '') ? rec.id : undefined;
    });
    // Another version of a file still downloading to the same name: two writers of one part file would mix them, so
    // it goes beside it, as keep-both names it.
    const fresh = requests.filter((_, i) => ids[i] === undefined).map((r) => {
      let localPath = r.localPath;
      for (let n = 1; writing.has(localPath); n++) localPath = join(dirname(r.localPath), keepBothKey(basename(r.localPath), n));
      return localPath === r.localPath ? r : { ...r, localPath };
    });
    const now = Date.now();
    const batch = randomUUID();
    const added = this.add(fresh.map((r) => ({
      id: randomUUID(),
      batch,
      seq: ++this.seq,
      direction: 'download' as const,
      localPath: r.localPath,
      profileId: r.profileId,
      bucket: r.bucket,
      key: r.key,
      ...(r.versionId ? { options: { versionId: r.versionId } } : {}),
      priority: r.priority ?? 0,
      ...(r.origin ? { origin: r.origin } : {}),
      state: 'queued' as const,
      size: r.size ?? 0,
      mtimeMs: 0,
      createdAt: now,
    })));
    let next = 0;
    return ids.map((id) => id ?? added[next++]!);
  }

  /** Journals new transfers in one transaction, then queues them. */
  private add(recs: JournalTransfer[]): string[] {
    this.j.batch(() => {
      for (const rec of recs) this.j.put(rec);
    });
    for (const rec of recs) {
      this.entries.set(rec.id, this.newEntry(rec, new Map()));
      this.enqueueId(rec);
      this.touch(rec.id);
    }
    this.pump();
    return recs.map((r) => r.id);
  }

  private enqueueId(rec: JournalTransfer): void {
    let q = this.queues.get(rec.priority);
    if (!q) this.queues.set(rec.priority, (q = { ids: [], head: 0 }));
    q.ids.push(rec.id);
  }

  /** The next queued transfer: highest priority first, then first in. */
  private nextQueued(): Entry | undefined {
    const priorities = [...this.queues.keys()].sort((a, b) => b - a);
    for (const p of priorities) {
      const q = this.queues.get(p)!;
      while (q.head < q.ids.length) {
        const e = this.entries.get(q.ids[q.head++]!);
        if (e && e.rec.state === 'queued' && !e.running) return e;
      }
      this.queues.delete(p);
    }
    return undefined;
  }

  private pump(): void {
    if (this.disposed || this.allPaused || !this.journal) return;
    const limit = this.deps.settings.get().concurrency;
    while (this.running < limit) {
      const e = this.nextQueued();
      if (!e) break;
      this.run(e);
    }
  }

  /** Starts the clean-up of stale multipart uploads, once; only after start() has loaded every entry (it reads which uploads they need). */
  private cleanStaleUploads(): void {
    if (this.staleUploadsCleaned) return;
    this.staleUploadsCleaned = true;
    void cleanupStaleUploads(this.orphanView());
  }

  private run(e: Entry): void {
    this.cleanStaleUploads();
    const { rec } = e;
    const slot = slotOf(rec.size || sizeOnDisk(rec.localPath));
    this.running += slot;
    rec.state = 'running';
    rec.error = undefined;
    e.meter.reset();
    const abort = new AbortController();
    e.abort = abort;
    // Not journaled: after a crash a running transfer is queued again either way, so this write would buy nothing.
    this.touch(rec.id);
    e.running = this.execute(e, abort.signal).finally(() => {
      this.running -= slot;
      e.abort = undefined;
      e.running = undefined;
      // A resume while this run was unwinding queued it again, but the queue skipped it as still running.
      if (rec.state === 'queued') this.enqueueId(rec);
      this.pump();
    });
  }

  private async execute(e: Entry, signal: AbortSignal): Promise<void> {
    const { rec } = e;
    const s = this.deps.settings.get();
    let claimed: string | undefined;
    const claimKey = (key: string): boolean => {
      const k = `${rec.profileId}\n${rec.bucket}\n${key}`;
      const holder = this.writingKeys.get(k);
      if (holder !== undefined && holder !== rec.id) return false;
      if (claimed !== undefined && claimed !== k) this.writingKeys.delete(claimed);
      this.writingKeys.set(k, rec.id);
      claimed = k;
      return true;
    };
    try {
      const ctx = await this.clients.forProfile(rec.profileId);
      // One job shape for both ways; only the worker differs.
      const outcome = await (rec.direction === 'download' ? downloadFile : uploadFile)({
        rec,
        parts: e.parts,
        ctx,
        signal,
        journal: this.j,
        bandwidth: this.bandwidth,
        logger: this.deps.logger,
        settings: {
          partSize: s.partSizeMiB * MiB,
          threshold: s.multipartThresholdMiB * MiB,
          partConcurrency: s.partConcurrency,
          existing: rec.options?.existing ?? s.existingAction,
          tmpDir: join(this.deps.platform.dataDir, 'tmp'),
          ...(this.options.retry ? { retry: this.options.retry } : {}),
        },
        claimKey,
        onBytes: (delta) => {
          e.bytesDone = Math.max(0, e.bytesDone + delta);
          e.meter.record(e.bytesDone);
          this.touch(rec.id);
        },
        onPlan: (total) => {
          e.partsTotal = total;
          this.touch(rec.id);
        },
        onPartDone: () => {
          this.endpointWorks(rec.profileId);
          this.touch(rec.id);
        },
        save: () => this.save(e),
      });
      this.finish(e, outcome);
    } catch (err) {
      if (signal.aborted) {
        // Pause, cancel or shutdown set the state already; finished parts stay in the journal.
        e.bytesDone = [...e.parts.values()].reduce((sum, p) => sum + p.size, 0);
        this.touch(rec.id);
        return;
      }
      const appErr = toAppError(err, { path: rec.localPath, bucket: rec.bucket, key: rec.key });
      if (AUTH_CODES.has(appErr.code)) {
        // Nothing failed: finished parts stay in the journal and the transfer goes on after the next sign-in.
        this.deps.logger.info(`transfer ${rec.id}: waiting for sign-in (${appErr.code})`);
        e.bytesDone = [...e.parts.values()].reduce((sum, p) => sum + p.size, 0);
        this.holdForAuth(e, appErr);
        for (const other of this.entries.values()) {
          if (other !== e && other.rec.profileId === rec.profileId && (other.rec.state === 'queued' || other.rec.state === 'running')) this.holdForAuth(other, appErr);
        }
        return;
      }
      if (appErr.code === 'EXISTING_NEEDS_ANSWER') {
        this.awaitAnswer(e, appErr);
        return;
      }
      if (NETWORK_CODES.has(appErr.code)) {
        // Nothing failed either: the endpoint is away. Finished parts stay, and a probe brings the transfers back.
        e.bytesDone = [...e.parts.values()].reduce((sum, p) => sum + p.size, 0);
        this.holdForNetwork(e, appErr);
        return;
      }
      if (RESTART_CODES.has(appErr.code) && e.restarts < this.options.fileRestarts) {
        e.restarts++;
        this.deps.logger.info(`transfer ${rec.id}: ${appErr.code}, starting over (${e.restarts})`);
        await this.restartFromScratch(e);
        rec.state = 'queued';
        this.save(e);
        this.enqueueId(rec);
        return;
      }
      if (appErr.code === 'UNKNOWN') this.deps.logger.error(`transfer ${rec.id} failed`, err);
      else this.deps.logger.info(`transfer ${rec.id} failed: ${appErr.code} ${appErr.options.details ?? ''}`);
      rec.state = 'failed';
      rec.error = appErr.toData();
      rec.finishedAt = Date.now();
      // A part file is kept only for a Retry that resumes from it: journaled ranges, and an error a retry can help.
      // Any other (a small object's, which is always fetched whole again) would stay on the disk for ever.
      if (rec.direction === 'download' && (e.parts.size === 0 || !retryCanWork(rec.error))) await discardDownload({ rec, parts: e.parts, journal: this.j }).catch(() => {});
      this.save(e);
      this.settle(e.rec.id);
    } finally {
      if (claimed !== undefined && this.writingKeys.get(claimed) === rec.id) this.writingKeys.delete(claimed);
    }
  }

  private async restartFromScratch(e: Entry): Promise<void> {
    if (e.rec.direction === 'download') {
      await discardDownload({ rec: e.rec, parts: e.parts, journal: this.j });
      e.rec.etag = undefined;
      e.rec.versionId = undefined;
      e.rec.partSize = undefined;
      e.bytesDone = 0;
      return;
    }
    try {
      const ctx = await this.clients.forProfile(e.rec.profileId);
      await abandonMultipart({ rec: e.rec, ctx, journal: this.j, parts: e.parts, logger: this.deps.logger });
    } catch {
      e.rec.uploadId = undefined;
      e.parts.clear();
    }
    e.rec.sha256 = undefined;
    e.rec.mtimeMs = 0;
    e.bytesDone = 0;
  }

  private finish(e: Entry, outcome: 'done' | 'skipped'): void {
    const { rec } = e;
    this.endpointWorks(rec.profileId);
    rec.state = outcome;
    rec.finishedAt = Date.now();
    e.bytesDone = rec.size;
    if (e.parts.size > 0 || rec.uploadId) {
      e.parts.clear();
      this.j.batch(() => {
        this.j.clearParts(rec.id);
        this.j.put(rec);
      });
    } else {
      // A single PUT has no parts to clear, and its final row can wait for the next progress event (`flush` writes
      // it first): thousands of small files then cost one transaction per event instead of one each. A crash in
      // that window only means the file is sent again at the next start (the row still says queued); nothing is lost.
      this.finishedUnwritten.add(rec.id);
    }
    this.touch(rec.id);
    this.settle(e.rec.id);
  }

  /** Writes the final rows `finish` deferred; each row is the entry's current state, so a later change is never undone. */
  private writeFinished(): void {
    if (this.finishedUnwritten.size === 0 || !this.journal) return;
    const ids = [...this.finishedUnwritten];
    this.finishedUnwritten.clear();
    try {
      this.j.batch(() => {
        for (const id of ids) {
          // Pruned or cleared meanwhile: its row is gone on purpose and must not come back.
          const e = this.entries.get(id);
          if (e) this.j.put(e.rec);
        }
      });
    } catch (err) {
      // The uploads are done; at worst they are sent again after a restart. Say so, but do not fail them.
      this.deps.logger.warn(`could not record ${ids.length} finished transfers in the journal: ${(err as Error).message}`);
    }
  }

  private pruneHistory(): void {
    if (this.entries.size <= this.options.historyLimit) return;
    let finished = 0;
    for (const e of this.entries.values()) if (PRUNABLE.has(e.rec.state)) finished++;
    if (finished <= this.options.historyLimit) return;
    // Map iteration is insertion order, so the oldest finished go first. One transaction for them all: a run of
    // thousands of small files otherwise pays a journal commit per dropped row.
    this.j.batch(() => {
      for (const [id, e] of this.entries) {
        if (finished <= this.options.historyLimit) break;
        if (!PRUNABLE.has(e.rec.state) || this.isAwaited(id)) continue;
        this.entries.delete(id);
        this.j.remove(id);
        this.removed.add(id);
        finished--;
      }
    });
  }

  private isAwaited(id: string): boolean {
    return this.waiters.has(id);
  }

  private save(e: Entry): void {
    this.journal?.put(e.rec);
    this.touch(e.rec.id);
  }

  /** Tells the waiters of a transfer that just reached a final state. */
  private settle(id: string): void {
    const ws = this.waiters.get(id);
    if (!ws) return;
    this.waiters.delete(id);
    const snap = this.get(id);
    for (const w of ws) {
      if (snap) w.finals.set(id, snap);
      if (--w.pending === 0) this.resolveWaiter(w);
    }
  }

  private resolveWaiter(w: Waiter): void {
    w.resolve(w.ids.map((i) => w.finals.get(i) ?? this.get(i)).filter((s): s is TransferSnapshot => Boolean(s)));
  }

  /** Resolves when every listed transfer is final. */
  waitFor(ids: string[]): Promise<TransferSnapshot[]> {
    return new Promise((resolve) => {
      const w: Waiter = { ids, pending: 0, finals: new Map(), resolve };
      for (const id of new Set(ids)) {
        const e = this.entries.get(id);
        if (!e || FINAL_STATES.has(e.rec.state)) continue;
        let ws = this.waiters.get(id);
        if (!ws) this.waiters.set(id, (ws = new Set()));
        ws.add(w);
        w.pending++;
      }
      if (w.pending === 0) this.resolveWaiter(w);
    });
  }

  /** One transfer's snapshot. */
  get(id: string): TransferSnapshot | undefined {
    const e = this.entries.get(id);
    return e ? snapshotOf(e) : undefined;
  }

  /** Every transfer (oldest first) and the totals. */
  list(): { transfers: TransferSnapshot[]; overall: OverallProgress } {
    return { transfers: [...this.entries.values()].map((e) => snapshotOf(e)), overall: overallOf(this.entries.values(), this.allPaused) };
  }

  /**
   * Read-only: each transfer's id, state and local file. For a host that owns the files it queued (browser mode's
   * spool), to tell which of them a transfer may still read; snapshots carry only the file's name.
   */
  sources(): { id: string; state: TransferState; localPath: string }[] {
    return [...this.entries.values()].map((e) => ({ id: e.rec.id, state: e.rec.state, localPath: e.rec.localPath }));
  }

  /** Marks a transfer changed and schedules a throttled event. */
  private touch(id: string): void {
    this.dirty.add(id);
    if (!this.disposed) this.progress.request();
  }

  private flush(): void {
    // Pruned here, at most 5 times a second, rather than after each of thousands of small files.
    if (this.journal) this.pruneHistory();
    // No event may announce a finish the journal does not hold yet: listeners act on it at once (browser mode deletes
    // the dropped copy), and a process killed right after would otherwise re-run a transfer whose source is gone.
    this.writeFinished();
    const changed: TransferSnapshot[] = [];
    for (const id of this.dirty) {
      const e = this.entries.get(id);
      if (e) changed.push(snapshotOf(e));
    }
    // Running rows change speed and ETA even between byte counts; keep them fresh.
    for (const e of this.entries.values()) if (e.rec.state === 'running' && !this.dirty.has(e.rec.id)) changed.push(snapshotOf(e));
    this.dirty.clear();
    const removed = [...this.removed];
    this.removed.clear();
    this.deps.events.emit('transfers:progress', { changed, removed, overall: overallOf(this.entries.values(), this.allPaused) });
    if (this.running > 0) this.touch('');
    this.dirty.delete('');
  }

  /** Pauses one transfer, or everything (and the queue) without an id. In-flight requests are aborted at once. */
  pause(id?: string): void {
    if (id === undefined) {
      this.allPaused = true;
      for (const e of this.entries.values()) if (e.rec.state === 'running' || e.rec.state === 'queued' || e.rec.state === 'waiting-network') this.pauseEntry(e);
      this.touch('');
      return;
    }
    const e = this.need(id);
    if (e.rec.state === 'running' || e.rec.state === 'queued' || e.rec.state === 'waiting-auth' || e.rec.state === 'waiting-network') this.pauseEntry(e);
  }

  private pauseEntry(e: Entry): void {
    e.rec.state = 'paused';
    e.abort?.abort(new AppError('CANCELLED'));
    this.save(e);
  }

  /** Parks a transfer until the user signs in again; a running one is stopped (its finished parts are kept). */
  private holdForAuth(e: Entry, err: AppError): void {
    e.rec.state = 'waiting-auth';
    e.rec.error = err.toData();
    e.abort?.abort(new AppError('CANCELLED'));
    this.save(e);
  }

  /**
   * Parks a transfer, and every queued or running one of its profile, until the endpoint answers again, and makes
   * sure a probe is coming. Running ones are stopped: they would only fail one by one against the same dead endpoint.
   */
  private holdForNetwork(e: Entry, err: AppError): void {
    const profileId = e.rec.profileId;
    let hold = this.holds.get(profileId);
    if (!hold) this.holds.set(profileId, (hold = { attempt: 0, since: Date.now(), error: err }));
    // Failing again after a probe got an answer counts as a try that failed: the wait grows.
    else if (!hold.timer && !hold.probing) hold.attempt++;
    hold.error = err;
    this.deps.logger.info(`transfer ${e.rec.id}: waiting for the endpoint to answer (${err.code})`);
    const park = (x: Entry) => {
      x.rec.state = 'waiting-network';
      x.rec.error = err.toData();
      x.waitAttempt = hold.attempt;
      x.abort?.abort(new AppError('CANCELLED'));
      this.save(x);
    };
    park(e);
    for (const other of this.entries.values()) {
      if (other !== e && other.rec.profileId === profileId && (other.rec.state === 'queued' || other.rec.state === 'running')) park(other);
    }
    if (!hold.timer && !hold.probing) this.scheduleProbe(profileId, hold);
  }

  /** Sets the next probe of a profile's endpoint, or fails its waiting transfers once the wait budget is spent. */
  private scheduleProbe(profileId: string, hold: NetworkHold): void {
    if (this.disposed) return;
    const left = hold.since + this.options.networkWaitMs - Date.now();
    if (left <= 0) {
      this.giveUpWaiting(profileId, hold);
      return;
    }
    // The last probe comes when the budget ends, so a run gives up only after the whole budget without an answer.
    const delay = Math.min(waitBackoffMs(hold.attempt + 1, this.options.networkBackoff), left);
    hold.timer = setTimeout(() => void this.probe(profileId, hold), delay);
  }

  /**
   * Knocks once on the endpoint (HeadBucket, one attempt). Any HTTP answer, even a refusal, means it is back: the
   * waiting transfers go back to the queue, where a real refusal fails them (or waits for a sign-in) as usual. No
   * answer: wait longer.
   */
  private async probe(profileId: string, hold: NetworkHold): Promise<void> {
    hold.timer = undefined;
    const waiting = () => [...this.entries.values()].filter((x) => x.rec.profileId === profileId && x.rec.state === 'waiting-network');
    const first = waiting()[0];
    if (this.disposed || this.holds.get(profileId) !== hold) return;
    if (!first) {
      // Everyone waiting was paused or cancelled: nothing to probe for.
      this.holds.delete(profileId);
      return;
    }
    let answered: boolean;
    hold.probing = true;
    try {
      const ctx = await this.clients.forProfile(profileId);
      hold.endpoint = ctx.profile.endpoint;
      await ctx.transferClient.send(new (s3Sdk().HeadBucketCommand)({ Bucket: first.rec.bucket }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      answered = true;
    } catch (err) {
      // Anything but "no answer" (a sign-in that ran out, a web page where S3 was expected) is for the transfer to
      // meet and report as it does on any run, not a reason to keep knocking.
      answered = httpStatus(err) !== undefined || (!isAbort(err) && !NETWORK_CODES.has(toAppError(err).code));
    } finally {
      hold.probing = false;
    }
    if (this.disposed || this.holds.get(profileId) !== hold) return;
    if (!answered) {
      hold.attempt++;
      for (const x of waiting()) {
        x.waitAttempt = hold.attempt;
        this.touch(x.rec.id);
      }
      this.scheduleProbe(profileId, hold);
      return;
    }
    this.deps.logger.info(`profile ${profileId}: the endpoint answers again after ${hold.attempt} failed tries`);
    // The hold stays (its count and budget go on) until a part or a file gets through: an endpoint that answers a
    // probe but drops every upload must not be knocked on at full speed for ever.
    for (const x of waiting()) this.requeue(x);
    this.pump();
  }

  /**
   * A part or a file of this profile got through: the endpoint works. Its waiting transfers go on now rather than at
   * the next probe, and the next outage starts its backoff and its budget afresh.
   */
  private endpointWorks(profileId: string): void {
    const hold = this.holds.get(profileId);
    if (!hold) return;
    clearTimeout(hold.timer);
    this.holds.delete(profileId);
    let any = false;
    for (const x of this.entries.values()) {
      if (x.rec.profileId !== profileId || x.rec.state !== 'waiting-network') continue;
      this.requeue(x);
      any = true;
    }
    if (any) this.pump();
  }

  /** The wait budget is spent (the CLI's): the waiting transfers fail, keeping their parts for a Retry. */
  private giveUpWaiting(profileId: string, hold: NetworkHold): void {
    this.holds.delete(profileId);
    const seconds = Math.round((Date.now() - hold.since) / 1000);
    // AWS has no endpoint address to show; the message starts with it, hence the capital.
    const endpoint = hold.endpoint ?? 'The storage service';
    const err = new AppError('NETWORK_WAIT_EXPIRED', { endpoint, seconds }, { details: hold.error.options.details });
    for (const x of this.entries.values()) {
      if (x.rec.profileId !== profileId || x.rec.state !== 'waiting-network') continue;
      this.deps.logger.info(`transfer ${x.rec.id} failed: no answer from the endpoint for ${seconds} s`);
      x.rec.state = 'failed';
      x.rec.error = err.toData();
      x.rec.finishedAt = Date.now();
      x.waitAttempt = undefined;
      this.save(x);
      this.settle(x.rec.id);
    }
  }

  /**
   * Parks a transfer whose name is taken under 'ask': nothing was sent or written, and it stays until `answer`
   * (or Cancel). An answer given while it was running ("Apply to all" from another row) sends it straight back.
   */
  private awaitAnswer(e: Entry, err: AppError): void {
    if (e.rec.options?.existing && e.rec.options.existing !== 'ask') {
      this.requeue(e);
      return;
    }
    this.deps.logger.info(`transfer ${e.rec.id}: the name is taken, waiting for an answer`);
    e.bytesDone = 0;
    e.rec.state = 'waiting-answer';
    e.rec.error = err.toData();
    this.save(e);
  }

  /**
   * Answers "the name is taken" for transfers that wait for it: each takes `choice` as its own existing-file choice
   * (journaled with it, so a restart keeps the answer) and goes back to the queue. With `applyToAll`, every other
   * unfinished transfer of the same batches takes the choice too, so the rest of that drop does not ask again.
   * Returns how many transfers took the choice.
   */
  answer(ids: string[], choice: ExistingChoice, applyToAll = false): number {
    const targets = new Set<Entry>();
    const batches = new Set<string>();
    for (const id of ids) {
      const e = this.need(id);
      if (e.rec.state !== 'waiting-answer') continue;
      targets.add(e);
      if (applyToAll && e.rec.batch) batches.add(e.rec.batch);
    }
    if (batches.size > 0) {
      for (const e of this.entries.values()) if (e.rec.batch && batches.has(e.rec.batch) && !FINAL_STATES.has(e.rec.state)) targets.add(e);
    }
    for (const e of targets) {
      e.rec.options = { ...e.rec.options, existing: choice };
      if (e.rec.state === 'waiting-answer') this.requeue(e);
      else this.save(e);
    }
    this.pump();
    return targets.size;
  }

  /** Sends every transfer that waits for a sign-in (of the given profiles, or of any) back to the queue. */
  private resumeWaitingAuth(profileIds?: ReadonlySet<string>): void {
    if (this.disposed) return;
    let any = false;
    for (const e of this.entries.values()) {
      if (e.rec.state !== 'waiting-auth' || (profileIds && !profileIds.has(e.rec.profileId))) continue;
      this.requeue(e);
      any = true;
    }
    if (any) this.pump();
  }

  /** Resumes one transfer, or everything without an id (including those waiting for a sign-in); finished parts are not sent again. */
  resume(id?: string): void {
    if (id === undefined) {
      this.allPaused = false;
      for (const e of this.entries.values()) if (e.rec.state === 'paused' || e.rec.state === 'waiting-auth' || e.rec.state === 'waiting-network') this.requeue(e);
      this.touch('');
    } else {
      const e = this.need(id);
      if (e.rec.state === 'paused' || e.rec.state === 'waiting-auth' || e.rec.state === 'waiting-network') this.requeue(e);
    }
    this.pump();
  }

  private requeue(e: Entry): void {
    e.waitAttempt = undefined;
    e.rec.state = 'queued';
    e.rec.error = undefined;
    e.rec.finishedAt = undefined;
    this.save(e);
    this.enqueueId(e.rec);
  }

  /** Cancels: aborts in-flight requests and the multipart upload; deletes nothing else. */
  async cancel(id: string): Promise<void> {
    const e = this.need(id);
    if (FINAL_STATES.has(e.rec.state) && e.rec.state !== 'failed') return;
    e.rec.state = 'cancelled';
    e.abort?.abort(new AppError('CANCELLED'));
    await e.running?.catch(() => {});
    if (e.rec.uploadId) {
      try {
        const ctx = await this.clients.forProfile(e.rec.profileId);
        await abandonMultipart({ rec: e.rec, ctx, journal: this.j, parts: e.parts, logger: this.deps.logger });
      } catch (err) {
        this.deps.logger.warn(`cancel ${id}: could not abort the multipart upload (${s3ErrorCode(err)})`);
      }
    }
    // A cancelled download leaves no part file behind; Retry starts it afresh.
    if (e.rec.direction === 'download') await discardDownload({ rec: e.rec, parts: e.parts, journal: this.j }).catch(() => {});
    e.parts.clear();
    e.bytesDone = 0;
    e.rec.finishedAt = Date.now();
    e.rec.error = new AppError('CANCELLED').toData();
    this.save(e);
    this.settle(e.rec.id);
  }

  /**
   * Re-queues a failed or cancelled transfer, or without an id every failed one that a retry can help
   * (`retryCanWork`: not a file that is gone or a refused name, which would only fail again at once).
   */
  retry(id?: string): void {
    const targets = id === undefined ? [...this.entries.values()].filter((e) => e.rec.state === 'failed' && retryCanWork(e.rec.error)) : [this.need(id)];
    for (const e of targets) {
      if (e.rec.state !== 'failed' && e.rec.state !== 'cancelled') continue;
      e.restarts = 0;
      this.requeue(e);
    }
    this.pump();
  }

  /** Cancels every transfer that has not finished; failed ones stay, since Retry still works on them. */
  async cancelAll(): Promise<void> {
    await Promise.all([...this.entries.values()].filter((e) => !FINAL_STATES.has(e.rec.state)).map((e) => this.cancel(e.rec.id)));
  }

  /**
   * Drops finished transfers (done, skipped, cancelled) from the list and the journal. Failed ones stay: clearing
   * what went well must not hide what did not (`clearFailed` drops those).
   */
  clearFinished(): void {
    this.clearWhere((st) => PRUNABLE.has(st));
  }

  /** Drops failed transfers from the list and the journal. */
  clearFailed(): void {
    this.clearWhere((st) => st === 'failed');
  }

  private clearWhere(drop: (state: TransferState) => boolean): void {
    this.j.batch(() => {
      for (const [id, e] of this.entries) {
        if (!drop(e.rec.state)) continue;
        this.entries.delete(id);
        this.j.remove(id);
        this.removed.add(id);
      }
    });
    this.touch('');
    this.dirty.delete('');
  }

  private need(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new AppError('TRANSFER_NOT_FOUND');
    return e;
  }

  /** What the start-up clean-up of multipart uploads (orphans.ts) reads of the queue, live: entries come and go meanwhile. */
  private orphanView(): QueueView {
    return {
      clients: this.clients,
      logger: this.deps.logger,
      journal: () => this.journal,
      transfers: () => [...this.entries.values()].map((e) => e.rec),
      disposed: () => this.disposed,
    };
  }

  /** Resolves when no transfer is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running > 0) await Promise.allSettled([...this.entries.values()].map((e) => e.running));
  }
}

/** Files at or below this size share a file slot four ways. */
export const SMALL_FILE_BYTES = 1024 * 1024;

/**
 * The share of the file-concurrency limit one upload takes. A small file is bound by round trips, not by
 * bandwidth or memory (it is one request of at most 1 MiB), so four of them run in one slot: with the default
 * of 8 files, 2,000 small files go up to 32 at a time, while big files still go 8 at a time.
 */
export function slotOf(size: number): number {
  return size <= SMALL_FILE_BYTES ? 0.25 : 1;
}

function sizeOnDisk(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // A missing file fails at once when it is read; it need not hold a whole slot for that.
    return 0;
  }
}
