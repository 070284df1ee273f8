/**
 * Downloads one object to a local file: ranged GETs in parallel into `<name>.s3drop-part`, each finished range
 * journaled (so a crash, a kill -9 or a lost connection fetches only what is missing), If-Match on every GET (so a
 * changed object starts over instead of mixing two versions), verification by the stored SHA-256 or a single-part
 * ETag, and only then the rename to the final name: a half file never sits under it.
 */
import { mkdir, open, rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Readable } from 'node:stream';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { AppError } from '../../../shared/errors';
import { hashFile, Hasher, type ContentHashes } from '../s3/content-hash';
import { httpStatus, s3ErrorCode } from '../s3/errors';
import { canReadRangesRaw, leanGetRange, RANGE_READ_MAX } from '../s3/lean-range';
import { leanGetObject, type LeanObjectFields } from '../s3/lean-request';
import { cleanEtag, contentCheckOf, headObjectFields, isNotFound } from '../s3/objects';
import { partRange, partSizeFor } from '../s3/part-plan';
import { BODY_CHUNK, counting } from './accounting';
import type { JournalPart } from './journal';
import { withRetry } from './retry';
import { keepBothKey } from './upload';
import { errCtxOf, type UploadJob, type UploadOutcome } from './upload-job';
import { s3Sdk } from '../lazy-sdk';

/** The suffix a file carries until it is complete and verified. */
export const PART_SUFFIX = '.s3drop-part';

/**
 * Bytes gathered before they are written: a socket hands over 16–64 KiB at a time, and a write for each chunk as it came
 * cost more CPU than everything else in a big download. Each range in flight holds at most this much besides its chunk.
 */
const WRITE_BATCH = 1024 * 1024;

/**
 * Bytes read back at a time to hash a big download's ranges in order: small enough that the hash reads them from the
 * core's cache the copy just filled (4 MiB at a time cost about 0.1 s more CPU per GiB).
 */
const HASH_READ = 256 * 1024;

/** One download: the same job as an upload, without the upload-only body fields. */
export type DownloadJob = Omit<UploadJob, 'source' | 'contentType' | 'sourceSha256'>;

/** What a HEAD says about the object to fetch, and how it can be verified. */
interface Remote {
  size: number;
  etag: string;
  versionId?: string;
  sha256?: string;
  /** The ETag when it is the MD5 of the content: a single-part upload without SSE-KMS or SSE-C. */
  md5?: string;
  lastModified?: Date;
}

/** The temporary name of a download in progress. */
export function partPathOf(localPath: string): string {
  return localPath + PART_SUFFIX;
}

/**
 * Forgets a download's fetched ranges and removes its part file; returns the bytes forgotten, so the caller can
 * take them back from the progress.
 */
export async function discardDownload(job: Pick<DownloadJob, 'rec' | 'parts' | 'journal'>): Promise<number> {
  const had = [...job.parts.values()].reduce((s, p) => s + p.size, 0);
  job.parts.clear();
  job.journal.clearParts(job.rec.id);
  await rm(partPathOf(job.rec.localPath), { force: true });
  return had;
}

/** Turns a local write failure into the catalogue's words: a full disk, or a folder we may not write to. */
function writeError(err: unknown, path: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new AppError('DISK_FULL', {}, { retryable: false, details: code, cause: err });
  return new AppError('FOLDER_NOT_WRITABLE', { path }, { retryable: false, details: code, cause: err });
}

/** What a HEAD or a GET's headers say about the object: its size, version and how it can be verified. */
function remoteOf(out: LeanObjectFields): Remote {
  return {
    size: out.ContentLength ?? 0,
    etag: cleanEtag(out.ETag),
    ...(out.VersionId && out.VersionId !== 'null' ? { versionId: out.VersionId } : {}),
    ...contentCheckOf(out),
    ...(out.LastModified ? { lastModified: out.LastModified } : {}),
  };
}

async function headRemote(job: DownloadJob): Promise<Remote> {
  const { rec, ctx, signal } = job;
  const out = await withRetry(() => headObjectFields(ctx, rec.bucket, rec.key, signal, rec.options?.versionId), { ...errCtxOf(job), action: 'HeadObject' }, signal, job.settings.retry);
  if (!out) throw new AppError('OBJECT_NOT_FOUND', { key: rec.key, bucket: rec.bucket });
  return remoteOf(out);
}

/** What every GET of a download names: the object, If-Match the version being fetched when one is known, and a pinned version. */
function getInput(job: DownloadJob, ifMatch: boolean): { Bucket: string; Key: string; IfMatch?: string; VersionId?: string } {
  const { rec } = job;
  return {
    Bucket: rec.bucket,
    Key: rec.key,
    ...(ifMatch && rec.etag !== undefined ? { IfMatch: `"${rec.etag}"` } : {}),
    // A pinned older version (journaled in the options), on every GET of this transfer, resumes included.
    ...(rec.options?.versionId ? { VersionId: rec.options.versionId } : {}),
  };
}

/**
 * One GET of the object (a range of it, or all of it), If-Match the version being fetched when one is known. A
 * 412 (If-Match failed) or 416 (a range past the end: the object shrank) means the object changed.
 */
async function getObject(job: DownloadJob, range?: { start: number; end: number }, ifMatch = true): Promise<Omit<GetObjectCommandOutput, 'Body'> & { Body?: unknown }> {
  const { rec, ctx, signal } = job;
  try {
    const input = getInput(job, ifMatch);
    // A small whole object (by the listing; as small as an upload's lean body) below the SDK, whose per-request CPU
    // is most of its cost (docs/benchmarks.md); one that grew past it goes through the SDK.
    const lean = !range && !input.VersionId && rec.size <= BODY_CHUNK ? await leanGetObject(ctx, input, BODY_CHUNK, signal) : undefined;
    if (lean) return lean;
    return await ctx.transferClient.send(new (s3Sdk().GetObjectCommand)({ ...input, ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}) }), { abortSignal: signal });
  } catch (err) {
    const status = httpStatus(err);
    if (status === 412 || status === 416 || s3ErrorCode(err) === 'PreconditionFailed') throw new AppError('OBJECT_CHANGED', { key: rec.key }, { retryable: false, cause: err });
    if (isNotFound(err)) throw new AppError('OBJECT_NOT_FOUND', { key: rec.key, bucket: rec.bucket }, { retryable: false, cause: err });
    throw err;
  }
}

/** A whole-object GET's answer, its body not read yet. */
interface WholeGet {
  remote: Remote;
  body: Readable;
}

/**
 * GETs the whole object: its headers tell all a HEAD would, so a small object costs one request, not two. No
 * If-Match: a changed object is found by comparing, as after a HEAD, and starts over without a failed request.
 */
async function getWhole(job: DownloadJob): Promise<WholeGet> {
  const out = await withRetry(() => getObject(job, undefined, false), { ...errCtxOf(job), action: 'GetObject' }, job.signal, job.settings.retry);
  return { remote: remoteOf(out), body: out.Body as Readable };
}

/** True when the local file provably holds the object's bytes (by SHA-256 or a single-part ETag; size alone proves nothing). */
async function sameAsRemote(path: string, remote: Remote, signal: AbortSignal): Promise<boolean> {
  if (!remote.sha256 && !remote.md5) return false;
  const h = await hashFile(path, { md5: !remote.sha256, signal, sizeHint: remote.size });
  return h.size === remote.size && (remote.sha256 ? h.sha256 === remote.sha256 : h.md5 === remote.md5);
}

/** The existing-file choice, taken once when a download starts: 'skipped', or go on (perhaps under a new name). */
async function applyExisting(job: DownloadJob, remote: Remote): Promise<'skipped' | undefined> {
  const { rec } = job;
  const st = await stat(rec.localPath).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile()) throw new AppError('FOLDER_NOT_WRITABLE', { path: rec.localPath }, { details: 'a folder already has this name' });
  const existing = job.settings.existing;
  if (existing === 'ask') {
    // The file already holds the object's bytes (a download finished just before a crash): nothing to ask about.
    if (await sameAsRemote(rec.localPath, remote, job.signal)) return 'skipped';
    // Nothing was written yet: the queue parks the download until the person chooses, as it does for an upload.
    throw new AppError('EXISTING_NEEDS_ANSWER', { name: basename(rec.localPath), where: dirname(rec.localPath) });
  }
  if (existing === 'skip-identical' && (await sameAsRemote(rec.localPath, remote, job.signal))) return 'skipped';
  if (existing === 'keep-both') {
    const dir = dirname(rec.localPath);
    const name = basename(rec.localPath);
    for (let n = 1; n < 10_000; n++) {
      const candidate = join(dir, keepBothKey(name, n));
      if (!(await stat(candidate).catch(() => undefined))) {
        rec.localPath = candidate;
        return undefined;
      }
    }
    throw new AppError('FOLDER_NOT_WRITABLE', { path: rec.localPath }, { details: 'too many copies with this name already exist' });
  }
  return undefined;
}

/**
 * Downloads one object; throws AppError on failure (OBJECT_CHANGED and DOWNLOAD_MISMATCH make the queue start it
 * over), or the abort reason when paused or cancelled.
 */
export async function downloadFile(job: DownloadJob): Promise<UploadOutcome> {
  const { rec } = job;
  // Nothing fetched yet and small by the listing: one GET, whose headers replace the HEAD. Its body is read only
  // once the existing-file choice allows it; an object that grew past the threshold meanwhile goes in ranges.
  let whole = job.parts.size === 0 && rec.size <= job.settings.threshold ? await getWhole(job) : undefined;
  if (whole && whole.remote.size > job.settings.threshold) {
    whole.body.destroy();
    whole = undefined;
  }
  try {
    return await downloadFrom(job, whole?.remote ?? (await headRemote(job)), whole);
  } finally {
    // Read to its end when it was used; a skipped or refused one is let go here instead of holding its socket.
    whole?.body.destroy();
  }
}

async function downloadFrom(job: DownloadJob, remote: Remote, whole: WholeGet | undefined): Promise<UploadOutcome> {
  const { rec } = job;
  const changed = rec.etag !== undefined && (rec.etag !== remote.etag || (rec.versionId ?? '') !== (remote.versionId ?? ''));
  if (changed) {
    job.logger.info(`transfer ${rec.id}: the object changed since the download began, starting over`);
    job.onBytes(-(await discardDownload(job)));
    rec.partSize = undefined;
  }
  const fresh = rec.etag === undefined || changed;
  rec.size = remote.size;
  rec.sha256 = remote.sha256;
  rec.verifiedBy = undefined;
  // Before the ETag is kept: a download parked by 'ask' must still be fresh when it runs again with the answer.
  if (fresh && (await applyExisting(job, remote)) === 'skipped') return 'skipped';
  rec.etag = remote.etag;
  rec.versionId = remote.versionId;
  if (whole) return downloadWhole(job, whole);
  try {
    await mkdir(dirname(rec.localPath), { recursive: true });
  } catch (err) {
    throw writeError(err, dirname(rec.localPath));
  }
  const partPath = partPathOf(rec.localPath);
  const onDisk = await stat(partPath).catch(() => undefined);
  // Ranges are journaled only after they reached the disk; a part file that is gone or cut short holds none of them.
  if (job.parts.size > 0 && (!onDisk || onDisk.size !== remote.size)) job.onBytes(-(await discardDownload(job)));
  if (job.parts.size === 0) rec.partSize = remote.size <= job.settings.threshold ? Math.max(1, remote.size) : partSizeFor(remote.size, job.settings.partSize);
  const partSize = rec.partSize!;
  const partCount = Math.ceil(remote.size / partSize);
  job.save();
  job.onPlan(Math.max(1, partCount));

  let fh: FileHandle;
  try {
    fh = await open(partPath, onDisk && job.parts.size > 0 ? 'r+' : 'w+');
    await fh.truncate(remote.size);
  } catch (err) {
    throw writeError(err, rec.localPath);
  }
  // Size alone proves nothing a hash would add to the length check, so nothing is hashed for such an object; its
  // thread is still the one that writes the raw path's batches.
  const hash = remote.sha256 !== undefined || remote.md5 !== undefined;
  const follower = hash || canReadRangesRaw(job.ctx) ? new PartFollower(partPath, partSize, remote.size, { hash, md5: !remote.sha256 }) : undefined;
  let h: ContentHashes;
  try {
    await fetchParts(job, fh, partSize, partCount, follower);
    h = hash ? await follower!.result : { sha256: '', size: (await fh.stat()).size };
  } finally {
    follower?.stop();
    await follower?.result.catch(() => undefined);
    await fh.close();
  }
  await verify(job, h, remote);
  try {
    // The object's time, as `aws s3 cp` and rclone give it; a later sync then sees the two as the same.
    if (remote.lastModified) await utimes(partPath, remote.lastModified, remote.lastModified);
    await rename(partPath, rec.localPath);
  } catch (err) {
    throw writeError(err, rec.localPath);
  }
  return 'done';
}

/**
 * A small object in one GET, hashed as it arrives. Nothing is journaled (a crash only means it is fetched again),
 * and the part file is created, written, dated and closed through one handle. It is not fsynced, as browsers, the
 * AWS CLI and rclone do not: a crash or a kill -9 loses nothing the page cache holds, and a flush per file cost
 * more than all the rest of a small download (docs/benchmarks.md).
 */
async function downloadWhole(job: DownloadJob, whole: WholeGet): Promise<UploadOutcome> {
  const { rec, signal } = job;
  const remote = whole.remote;
  rec.partSize = Math.max(1, remote.size);
  job.onPlan(1);
  const partPath = partPathOf(rec.localPath);
  let first: Readable | undefined = whole.body;
  const h = await withRetry(
    () =>
      counting(job, async (counted) => {
        // A retry asks again, If-Match the version whose headers were taken.
        const body = first ?? ((await getObject(job)).Body as Readable);
        first = undefined;
        const fh = await openCreating(partPath, rec.localPath);
        try {
          const hasher = new Hasher({ md5: !remote.sha256 && remote.md5 !== undefined });
          await receive(job, body, fh, 0, remote.size, counted, hasher);
          try {
            // The object's time, as `aws s3 cp` and rclone give it; a later sync then sees the two as the same.
            if (remote.lastModified) await fh.utimes(remote.lastModified, remote.lastModified);
          } catch (err) {
            throw writeError(err, rec.localPath);
          }
          return hasher.digest();
        } catch (err) {
          body.destroy();
          throw err;
        } finally {
          await fh.close();
        }
      }),
    { ...errCtxOf(job), action: 'GetObject' },
    signal,
    job.settings.retry,
  );
  // Its bytes were counted outside the journal's parts: a mismatch takes them back from the progress too.
  await verify(job, h, remote, remote.size);
  try {
    await rename(partPath, rec.localPath);
  } catch (err) {
    throw writeError(err, rec.localPath);
  }
  job.onPartDone();
  return 'done';
}

/** Opens a new part file, making its folder only when it is missing (one call per file, not two, for thousands). */
async function openCreating(partPath: string, localPath: string): Promise<FileHandle> {
  try {
    return await open(partPath, 'w');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(err, localPath);
  }
  try {
    await mkdir(dirname(partPath), { recursive: true });
    return await open(partPath, 'w');
  } catch (err) {
    throw writeError(err, dirname(localPath));
  }
}

/**
 * The least time between two flushes of a download's journal. Each flush makes the disk take the file's dirty pages
 * then and there, which a download that finishes sooner need not wait for (browsers, the AWS CLI and rclone never
 * flush), and which cost a 1 GiB download from a fast server more system time than its network reads
 * (docs/benchmarks.md). A crash loses at most this much fetching: ranges finished since the last flush are fetched
 * again.
 */
const JOURNAL_EVERY_MS = 2_000;

/**
 * Journals fetched ranges once they are on disk, off the fetchers' path: one datasync covers every range that
 * finished since the previous one (an fdatasync flushes the whole file's dirty pages, other ranges' too), at most
 * every JOURNAL_EVERY_MS, so a range in the journal survives even a power cut. It flushes through a handle of its
 * own, so a finished download need not wait for the disk: `stop` lets the datasync in flight end on its own and
 * journals nothing more; a pause or a failure (`drain`) flushes at once.
 */
class RangeJournal {
  private waiting: JournalPart[] = [];
  private running?: Promise<void>;
  private stopped = false;
  private urgent = false;
  private lastFlush = Date.now();
  private timer?: NodeJS.Timeout;
  /** The write error that stopped it; fetchers stop too. */
  failed?: AppError;

  /** Over the part file being written. */
  constructor(
    private readonly job: DownloadJob,
    private readonly partPath: string,
  ) {}

  /** A range whose bytes were all written. */
  add(part: JournalPart): void {
    this.waiting.push(part);
    this.kick();
  }

  /** Starts a flush unless one runs or the last was too recent; a range added meanwhile is picked up after it. */
  private kick(): void {
    if (this.running || this.timer || this.waiting.length === 0 || this.failed || this.stopped) return;
    const wait = this.lastFlush + JOURNAL_EVERY_MS - Date.now();
    if (wait > 0 && !this.urgent) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, wait);
      return;
    }
    this.lastFlush = Date.now();
    this.running = this.flush().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  /** Waits until every range added is journaled (or a write error stopped it): a pause or a failure keeps them. */
  async drain(): Promise<void> {
    this.urgent = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.kick();
    while (this.running) await this.running;
  }

  /**
   * The download is complete: its ranges will not be needed for a resume (a crash before the rename only fetches
   * some again), so nothing more is journaled and nobody waits for the disk.
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async flush(): Promise<void> {
    const { job } = this;
    const batch = this.waiting;
    this.waiting = [];
    let fh: FileHandle | undefined;
    try {
      fh = await open(this.partPath, 'r+');
      await fh.datasync();
      if (this.stopped) return;
      job.journal.batch(() => {
        for (const p of batch) job.journal.putPart(job.rec.id, p);
      });
      for (const p of batch) {
        job.parts.set(p.partNumber, p);
        job.onPartDone();
      }
    } catch (err) {
      if (!this.stopped) this.failed = writeError(err, job.rec.localPath);
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }
}

/**
 * What the part file's thread is told: a batch to write (shared memory, which the fetcher leaves alone until the
 * answer), a range already in the file (journaled by an earlier run, or written by the SDK's path), or nothing more
 * to do.
 */
type FollowerMessage = { kind: 'write'; id: number; buf: SharedArrayBuffer; n: number; pos: number } | { kind: 'landed'; start: number; end: number } | 'stop';

/** What the part file's thread answers: a batch written (or why not), or the file's hashes once. */
type FollowerAnswer = { kind: 'written'; id: number; error?: { message: string; code?: string } } | { kind: 'result'; hashes: ContentHashes } | { kind: 'failed'; error: string };

/**
 * The part file's thread, started from its own source text so that it needs no file of its own in any bundle (CLI,
 * server, Electron's main process). Self-contained on purpose: nothing outside this function exists in the thread.
 * - It writes the raw path's batches, `writePiece` bytes a call: one thread writing the file took about 0.3 s less CPU
 *   a GiB than the thread pool's four, which raced for the file's lock (docs/benchmarks.md).
 * - It hashes the file in order: a batch that lands at the front is hashed from memory before it is answered;
 *   anything else is read back from the page cache once the front reaches it, with writes that come meanwhile done
 *   first, so the sockets never wait on the hash.
 */
function followerThread(): void {
  const { parentPort, workerData, receiveMessageOnPort } = process.getBuiltinModule('node:worker_threads');
  const { openSync, readSync, writeSync, closeSync } = process.getBuiltinModule('node:fs');
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { path, size, hash, md5, readSize, writePiece } = workerData as { path: string; size: number; hash: boolean; md5: boolean; readSize: number; writePiece: number };
  const port = parentPort!;
  const sha = hash ? createHash('sha256') : undefined;
  const md = hash && md5 ? createHash('md5') : undefined;
  const buf = Buffer.allocUnsafe(Math.min(readSize, Math.max(1, size)));
  // Extents in the file that are not hashed yet, by their start.
  const landed = new Map<number, number>();
  let next = 0;
  let answered = false;
  const fd = openSync(path, 'r+');
  const answer = (a: FollowerAnswer) => port.postMessage(a);
  const update = (bytes: Uint8Array) => {
    sha!.update(bytes);
    md?.update(bytes);
  };
  const write = (m: Extract<FollowerMessage, { kind: 'write' }>, front: boolean) => {
    const bytes = new Uint8Array(m.buf, 0, m.n);
    try {
      for (let off = 0; off < m.n; ) off += writeSync(fd, bytes, off, Math.min(writePiece, m.n - off), m.pos + off);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return answer({ kind: 'written', id: m.id, error: { message: e.message, ...(e.code ? { code: e.code } : {}) } });
    }
    const end = m.pos + m.n;
    // At the front, hashed from memory before the fetcher may fill it again (a second try of bytes already hashed is
    // the same bytes: If-Match).
    if (sha && front && m.pos <= next && end > next) {
      update(bytes.subarray(next - m.pos));
      next = end;
    } else if (sha && end > next) landed.set(m.pos, Math.max(landed.get(m.pos) ?? 0, end));
    answer({ kind: 'written', id: m.id });
  };
  const handle = (m: FollowerMessage, front: boolean) => {
    if (m === 'stop') {
      closeSync(fd);
      return process.exit(0);
    }
    if (m.kind === 'write') write(m, front);
    else if (sha) landed.set(m.start, Math.max(landed.get(m.start) ?? 0, m.end));
  };
  /** Hashes what landed at the front, reading it back; a write waiting meanwhile goes first. */
  const advance = () => {
    for (;;) {
      let end = -1;
      for (const [s, e] of landed) {
        if (e <= next) landed.delete(s);
        else if (s <= next && e > end) end = e;
      }
      if (end < 0) return;
      while (next < end) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, end - next), next);
        if (n === 0) throw new Error(`the part file ends at ${next} of ${size} bytes`);
        update(buf.subarray(0, n));
        next += n;
        for (let w = receiveMessageOnPort(port); w; w = receiveMessageOnPort(port)) handle(w.message as FollowerMessage, false);
      }
    }
  };
  port.on('message', (m: FollowerMessage) => {
    if (answered) return handle(m, false);
    try {
      handle(m, true);
      if (!sha) return;
      advance();
      if (next < size) return;
      answered = true;
      answer({ kind: 'result', hashes: { size, sha256: sha.digest('hex'), ...(md ? { md5: md.digest('hex') } : {}) } });
    } catch (err) {
      answered = true;
      answer({ kind: 'failed', error: (err as Error).message });
    }
  });
}

/**
 * A big download's part file, on a thread of its own: it writes the batches the sockets filled and hashes the file in
 * order as its bytes land (see followerThread), so the whole-file check is ready when the last range is, and neither
 * the SHA-256 (most of a fast download's CPU) nor the page-cache copies hold up the thread that reads the sockets.
 */
class PartFollower {
  private readonly worker: Worker;
  private readonly writes = new Map<number, { resolve: () => void; reject: (err: unknown) => void }>();
  private nextId = 0;
  /** The file's hashes once every byte was hashed (no digests when not hashing); rejects when stopped first. */
  readonly result: Promise<ContentHashes>;

  /** Over the part file, whose ranges are `partSize` long; `hash` when the object has a digest to check. */
  constructor(
    path: string,
    private readonly partSize: number,
    private readonly size: number,
    options: { hash: boolean; md5: boolean },
  ) {
    // worker_threads loaded at the first big download, not at every start.
    this.worker = new (process.getBuiltinModule('node:worker_threads').Worker)(`(${followerThread.toString()})()`, {
      eval: true,
      workerData: { path, size, hash: options.hash, md5: options.md5, readSize: HASH_READ, writePiece: WRITE_PIECE },
    });
    let settle!: { resolve: (h: ContentHashes) => void; reject: (err: unknown) => void };
    this.result = new Promise<ContentHashes>((resolve, reject) => (settle = { resolve, reject }));
    if (!options.hash) settle.resolve({ sha256: '', size });
    const gone = (err: unknown) => {
      settle.reject(err);
      for (const w of this.writes.values()) w.reject(err);
      this.writes.clear();
    };
    this.worker.on('message', (a: FollowerAnswer) => {
      if (a.kind === 'result') return settle.resolve(a.hashes);
      if (a.kind === 'failed') return settle.reject(new AppError('NETWORK', {}, { retryable: true, details: a.error }));
      const w = this.writes.get(a.id);
      this.writes.delete(a.id);
      if (!a.error) return w?.resolve();
      w?.reject(Object.assign(new Error(a.error.message), { code: a.error.code }));
    });
    this.worker.once('error', gone);
    this.worker.once('exit', () => gone(new Error('the download stopped before its last range')));
    // A download that fails first stops it; its rejection is then nobody's news.
    this.result.catch(() => undefined);
  }

  /** Range `n` is in the file (journaled by an earlier run, or written by the SDK's path). */
  done(n: number): void {
    this.worker.postMessage({ kind: 'landed', ...partRange(n, this.partSize, this.size) } satisfies FollowerMessage);
  }

  /**
   * Writes the first `n` bytes of `buf` (a batchBuffer) at `pos`; settles once they are in the file, and the buffer
   * must not be filled again before. Shared memory rather than handed over: a socket keeps the buffer it reads into next.
   */
  write(buf: Buffer, n: number, pos: number): Promise<void> {
    const id = this.nextId++;
    const written = new Promise<void>((resolve, reject) => this.writes.set(id, { resolve, reject }));
    this.worker.postMessage({ kind: 'write', id, buf: buf.buffer as SharedArrayBuffer, n, pos } satisfies FollowerMessage);
    return written;
  }

  /** The download ended (complete or not): the thread stops once the writes before this are done. */
  stop(): void {
    this.worker.postMessage('stop' satisfies FollowerMessage);
  }
}

/** Fetches the ranges the journal does not have, `partConcurrency` at a time (one stream each, so memory stays small). */
async function fetchParts(job: DownloadJob, fh: FileHandle, partSize: number, partCount: number, follower?: PartFollower): Promise<void> {
  const { signal } = job;
  const todo: number[] = [];
  for (let n = 1; n <= partCount; n++) {
    if (!job.parts.has(n)) todo.push(n);
    else follower?.done(n);
  }
  const journaled = new RangeJournal(job, partPathOf(job.rec.localPath));
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    // One batch buffer a fetcher, for all its ranges: a fresh one per range is garbage the heap does not count.
    const batch = follower ? batchBuffer(Math.min(job.rec.size, WRITE_BATCH) + RANGE_READ_MAX) : undefined;
    while (next < todo.length && failed === undefined && !journaled.failed && !signal.aborted) {
      const n = todo[next++]!;
      try {
        await fetchPart(job, fh, n, partSize, batch, follower);
        const range = partRange(n, partSize, job.rec.size);
        journaled.add({ partNumber: n, etag: job.rec.etag!, size: range.end - range.start });
        follower?.done(n);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(job.settings.partConcurrency, todo.length)) }, worker));
  if (failed === undefined && !journaled.failed && !signal.aborted) {
    journaled.stop();
    return;
  }
  // Ranges fetched before a pause or a failure are kept for the resume, as soon as they are on disk.
  await journaled.drain();
  if (signal.aborted) throw signal.reason;
  if (failed !== undefined) throw failed;
  if (journaled.failed) throw journaled.failed;
}

/** Fetches one range into its place in the part file (journaled by the caller once it is on disk). */
async function fetchPart(job: DownloadJob, fh: FileHandle, n: number, partSize: number, batch?: Buffer, follower?: PartFollower): Promise<void> {
  const { rec, signal } = job;
  const range = partRange(n, partSize, rec.size);
  await withRetry(
    () =>
      counting(job, async (counted) => {
        if (batch && follower && canReadRangesRaw(job.ctx) && (await receiveRaw(job, follower, batch, range.start, range.end, counted))) return;
        const out = await getObject(job, range);
        const body = out.Body as Readable;
        // A store that ignores If-Match still names the version it sent.
        if (out.ETag && cleanEtag(out.ETag) !== rec.etag) {
          body.destroy();
          throw new AppError('OBJECT_CHANGED', { key: rec.key }, { retryable: false, details: 'the ETag of a range differs' });
        }
        await receive(job, body, fh, range.start, range.end, counted, undefined, batch && follower ? { follower, batch } : undefined);
      }),
    { ...errCtxOf(job), action: 'GetObject' },
    signal,
    job.settings.retry,
  );
}

/**
 * Reads a GET's body into bytes [start, end) of the file, WRITE_BATCH at a time, through the bandwidth limit,
 * counting progress; `hasher` sees the bytes in order when the body is a whole object. A big download's ranges are
 * written by its part file's thread (`writer`), the rest straight from the body's chunks.
 */
async function receive(
  job: DownloadJob,
  body: Readable,
  fh: FileHandle,
  start: number,
  end: number,
  counted: { n: number },
  hasher?: Hasher,
  writer?: { follower: PartFollower; batch: Buffer },
): Promise<void> {
  const { signal } = job;
  let pos = start;
  let flushed = start;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (writer && pendingBytes <= writer.batch.length) {
      // Gathered into the batch buffer for the part file's thread: one copy, cheaper than the thread pool's racing writes.
      let off = 0;
      for (const b of pending) off += b.copy(writer.batch, off);
      await writer.follower.write(writer.batch, pendingBytes, flushed).catch((err: unknown) => {
        throw writeError(err, job.rec.localPath);
      });
    } else await writeAt(fh, pending, flushed, job.rec.localPath);
    flushed += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (pos + buf.length > end) throw new AppError('NETWORK', {}, { retryable: true, details: `GetObject sent more than the ${end - start} bytes asked` });
    await job.bandwidth.take(buf.length, signal);
    hasher?.update(buf);
    pending.push(buf);
    pendingBytes += buf.length;
    pos += buf.length;
    if (pendingBytes >= WRITE_BATCH) await flush();
    counted.n += buf.length;
    job.onBytes(buf.length);
  }
  if (pendingBytes > 0) await flush();
  if (pos !== end) throw new AppError('NETWORK', {}, { retryable: true, details: `GetObject ended after ${pos - start} of ${end - start} bytes` });
}

/** A range fetcher's batch buffer, in memory the part file's thread can write and hash without a copy. */
function batchBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

/**
 * Reads a range off a raw socket (s3/lean-range.ts) into bytes [start, end) of the file: the socket reads straight into
 * the batch buffer, which the part file's thread writes a batch at a time while the socket waits. False when that path
 * leaves the request or its answer to the SDK (nothing was written or counted then).
 */
async function receiveRaw(job: DownloadJob, follower: PartFollower, buf: Buffer, start: number, end: number, counted: { n: number }): Promise<boolean> {
  const { rec, ctx, signal } = job;
  let fill = 0;
  let pos = start;
  let writing: Promise<void> | undefined;
  const flush = async () => {
    const n = fill;
    fill = 0;
    await job.bandwidth.take(n, signal);
    await (writing = follower.write(buf, n, pos).catch((err: unknown) => {
      throw writeError(err, rec.localPath);
    }));
    pos += n;
    counted.n += n;
    job.onBytes(n);
  };
  const answered = await leanGetRange(
    ctx,
    { ...getInput(job, true), start, end },
    {
      // A store that ignores If-Match still names the version it sent.
      onHead: (headers) => {
        if (headers.etag && cleanEtag(headers.etag) !== rec.etag) throw new AppError('OBJECT_CHANGED', { key: rec.key }, { retryable: false, details: 'the ETag of a range differs' });
      },
      // The socket reads straight into the batch; only the bytes that came with the answer's head are copied.
      space: () => buf.subarray(fill),
      consume: (bytes) => {
        if (bytes.buffer !== buf.buffer || bytes.byteOffset !== buf.byteOffset + fill) bytes.copy(buf, fill);
        fill += bytes.length;
        return fill >= WRITE_BATCH || pos + fill === end ? flush() : undefined;
      },
    },
    signal,
    // A socket that fails under a write ends the request at once: the next try (or range) must not fill the buffer
    // before that write is done with it.
  ).finally(() => writing?.catch(() => undefined));
  return answered !== undefined;
}

/**
 * Bytes per write call. Linux (6.x, ext4 and others with large folios) sizes the page-cache folios it allocates by the
 * write's length, and folios above 32 KiB (order 3, the largest the kernel keeps per-CPU lists of) cost much more to
 * get where free memory was handed back to a hypervisor. On the test VM, 1 GiB written by `dd` after the last file's
 * pages went back took 0.24–0.38 s of system CPU at 32 KiB a call, 1.5–2.7 s at 64 KiB and 1.3–2 s at 128 KiB; a 1 MiB
 * call (even as one gathered `writev`) 2.4–3.3 s. rclone writes 32 KiB a call too.
 */
const WRITE_PIECE = 32 * 1024;

/**
 * Writes buffers at a position, WRITE_PIECE bytes a call, all at once (the file's writes are positioned, so their order
 * does not matter), going on after a short one. Returns only when no write is still using the buffers, so that a
 * caller may fill them again even after a failure.
 */
async function writeAt(fh: FileHandle, bufs: Buffer[], pos: number, path: string): Promise<void> {
  const writes: Promise<void>[] = [];
  for (const b of bufs) {
    for (let off = 0; off < b.length; off += WRITE_PIECE) writes.push(writeFully(fh, b.subarray(off, off + WRITE_PIECE), pos + off));
    pos += b.length;
  }
  const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
  if (failed) throw writeError(failed.reason, path);
}

/** Writes one buffer at a position, going on after a short write. */
async function writeFully(fh: FileHandle, b: Buffer, pos: number): Promise<void> {
  for (let off = 0; off < b.length; ) off += (await fh.write(b, off, b.length - off, pos + off)).bytesWritten;
}

/**
 * The whole file's hashes against the object: its SHA-256 where the app stored one, else the MD5 of a single-part
 * ETag, else the size alone; `verifiedBy` records which, for the details. A mismatch throws away what was fetched
 * (the journal's parts and `unjournaled` bytes); the queue then starts over.
 */
async function verify(job: DownloadJob, h: ContentHashes, remote: Remote, unjournaled = 0): Promise<void> {
  const { rec } = job;
  const ok = h.size === remote.size && (remote.sha256 ? h.sha256 === remote.sha256 : remote.md5 ? h.md5 === remote.md5 : true);
  if (ok) {
    rec.verifiedBy = remote.sha256 ? 'sha256' : remote.md5 ? 'md5' : 'size';
    return;
  }
  job.logger.warn(`transfer ${rec.id}: the downloaded bytes do not match the object`);
  job.onBytes(-(await discardDownload(job)) - unjournaled);
  throw new AppError('DOWNLOAD_MISMATCH', { key: rec.key }, { retryable: true, details: `read ${h.size} of ${remote.size} bytes; ${remote.sha256 ? 'SHA-256' : 'MD5'} differs` });
}
