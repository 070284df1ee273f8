/**
 * Uploads one file: hashing, the existing-object policy, a single PUT or a resumable multipart upload
 * with bounded parallel parts, per-request checksums, and verification of what landed.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream, type Stats } from 'node:fs';
import { mkdir, open, stat, utimes, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type Part,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import mime from 'mime-types';
import { AppError } from '../../../shared/errors';
import type { UploadOptions } from '../../../shared/contract';
import { prepareCsvUpload } from '../landing/prepare-upload';
import type { Logger } from '../log/logger';
import { s3ErrorCode } from '../s3/errors';
import { base64Of, hashBuffer, hashFile } from '../s3/content-hash';
import { cleanEtag, headObject, SHA256_META, SOURCE_SHA256_META } from '../s3/objects';
import { partRange, planUpload } from '../s3/part-plan';
import type { S3Context } from '../s3/types';
import type { Journal, JournalPart, JournalTransfer } from './journal';
import { withRetry, type RetryPolicy } from './retry';
import type { TokenBucket } from './token-bucket';

/** Chunk size for counting and throttling request bodies. */
const CHUNK = 64 * 1024;

/** Knobs the queue passes to each upload, read from settings when the file starts. */
export interface UploadSettings {
  partSize: number;
  threshold: number;
  partConcurrency: number;
  existing: 'overwrite' | 'skip-identical' | 'keep-both';
  retry?: RetryPolicy;
  /** Where temporary gzip/UTF-8 copies are written (inside the app's data folder). */
  tmpDir?: string;
}

/** Everything one upload needs; `rec` is mutated and journaled as the upload advances. */
export interface UploadJob {
  rec: JournalTransfer;
  /** Finished parts by number (restored from the journal on resume). */
  parts: Map<number, JournalPart>;
  ctx: S3Context;
  signal: AbortSignal;
  settings: UploadSettings;
  journal: Journal;
  bandwidth: TokenBucket;
  logger: Logger;
  /** Bytes of request bodies as they stream out (negative to take back a failed attempt). */
  onBytes(delta: number): void;
  /** The number of parts is known (1 for a single PUT); lets the queue show "parts done of total". */
  onPlan(partsTotal: number): void;
  /** A part was journaled. */
  onPartDone(): void;
  /** Persists `rec` (its key, hash, upload id…). */
  save(): void;
  /** The file actually sent: a temporary gzip/UTF-8 copy for landing options, else `rec.localPath`. */
  source?: string;
  /** The Content-Type the landing step chose (text/csv with its charset, application/gzip). */
  contentType?: string;
  /** The local file's hash when `source` is a copy of it (stored as SOURCE_SHA256_META). */
  sourceSha256?: string;
}

/** How an upload ended when it did not throw. */
export type UploadOutcome = 'done' | 'skipped';

/** A transform that waits on the bandwidth limit and counts each chunk as the HTTP request pulls it. */
function meter(job: UploadJob, counted: { n: number }): Transform {
  const t = new Transform({
    highWaterMark: CHUNK,
    transform(chunk: Buffer, _enc, cb) {
      const grain = job.bandwidth.grain(chunk.length);
      if (grain >= chunk.length) {
        job.bandwidth.take(chunk.length, job.signal).then(
          () => {
            counted.n += chunk.length;
            job.onBytes(chunk.length);
            cb(null, chunk);
          },
          (err: unknown) => cb(err as Error),
        );
        return;
      }
      // Under a low limit the chunk goes out in slices, so the socket never sits idle long enough to be cut.
      void (async () => {
        for (let off = 0; off < chunk.length; off += grain) {
          const slice = chunk.subarray(off, off + grain);
          await job.bandwidth.take(slice.length, job.signal);
          counted.n += slice.length;
          job.onBytes(slice.length);
          t.push(slice);
        }
      })().then(
        () => cb(),
        (err: unknown) => cb(err as Error),
      );
    },
  });
  // A pause or cancel ends the body with the abort reason; the aborted request reports it, not this stream.
  t.on('error', () => {});
  return t;
}

/** Pipes a source into a meter, passing a read failure on (pipe alone would leave the request waiting). */
function metered(source: Readable, job: UploadJob, counted: { n: number }): Transform {
  const t = meter(job, counted);
  source.on('error', (err) => t.destroy(err));
  return source.pipe(t);
}

/**
 * A body over a buffer, cut into chunks so progress and the limit apply within a part. A body of one chunk or less
 * is the buffer itself, counted once its bandwidth is granted: for thousands of small files a stream pipeline per
 * file cost more CPU than the upload, and progress within 64 KiB is invisible anyway.
 */
async function bufferBody(buf: Buffer, job: UploadJob, counted: { n: number }): Promise<Readable | Buffer> {
  if (buf.length <= CHUNK) {
    await job.bandwidth.take(buf.length, job.signal);
    counted.n += buf.length;
    job.onBytes(buf.length);
    return buf;
  }
  function* slices() {
    for (let off = 0; off < buf.length; off += CHUNK) yield buf.subarray(off, off + CHUNK);
  }
  return metered(Readable.from(slices(), { objectMode: false }), job, counted);
}

/** Runs `fn` for a request body and takes back the counted bytes when the attempt fails. */
async function counting<T>(job: UploadJob, fn: (counted: { n: number }) => Promise<T>): Promise<T> {
  const counted = { n: 0 };
  try {
    return await fn(counted);
  } catch (err) {
    job.onBytes(-counted.n);
    throw err;
  }
}

/** The key with ` (n)` before the extension: `a/photo.jpg` → `a/photo (1).jpg`. */
export function keepBothKey(key: string, n: number): string {
  const dir = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  const base = key.slice(dir.length);
  const ext = posix.extname(base);
  const stem = ext && ext !== base ? base.slice(0, -ext.length) : base;
  return `${dir}${stem} (${n})${ext && ext !== base ? ext : ''}`;
}

function objectParams(rec: JournalTransfer, sha256: string, options: UploadOptions = {}, landingType?: string, sourceSha256?: string) {
  const contentType = landingType || mime.lookup(rec.key) || mime.lookup(rec.localPath) || 'application/octet-stream';
  // With gzip/UTF-8 options the source hash is always stored (the bytes sent when no copy was needed).
  const source: Record<string, string> = options.gzip || options.convertToUtf8 ? { [SOURCE_SHA256_META]: sourceSha256 ?? sha256 } : {};
  return {
    Bucket: rec.bucket,
    Key: rec.key,
    ContentType: contentType,
    Metadata: { ...(options.metadata ?? {}), [SHA256_META]: sha256, ...source },
    ...(options.storageClass ? { StorageClass: options.storageClass } : {}),
    ...(options.sse === 'AES256' ? { ServerSideEncryption: 'AES256' as const } : {}),
    ...(options.sse === 'aws:kms' ? { ServerSideEncryption: 'aws:kms' as const, ...(options.kmsKeyId ? { SSEKMSKeyId: options.kmsKeyId } : {}) } : {}),
  };
}

/** The path whose bytes are sent. */
function src(job: UploadJob): string {
  return job.source ?? job.rec.localPath;
}

/** True when the upload carries landing options that change the body or its type. */
export function hasLanding(options: UploadOptions | undefined): boolean {
  return Boolean(options && (options.template || options.gzip || options.convertToUtf8));
}

/**
 * Uploads one file; throws AppError on failure, or the abort reason when paused or cancelled. With landing
 * options the body is a temporary gzip/UTF-8 copy (the key was rendered at enqueue), removed afterwards.
 */
export async function uploadFile(job: UploadJob): Promise<UploadOutcome> {
  if (!hasLanding(job.rec.options)) return uploadSource(job);
  const { rec } = job;
  const tmpDir = job.settings.tmpDir ?? join(tmpdir(), 's3drop-landing');
  await mkdir(tmpDir, { recursive: true });
  // A hash given with the request (sync's index; the transfer has not started yet) is the local file's.
  const given = rec.mtimeMs === 0 ? rec.sha256 : undefined;
  const prepared = await prepareCsvUpload(rec.localPath, { gzip: rec.options?.gzip, convertToUtf8: rec.options?.convertToUtf8, tmpDir });
  try {
    let sourceSha256: string | undefined;
    if (prepared.path !== rec.localPath) {
      // The copy carries the source's times, so an unchanged source gives an unchanged copy (same size and
      // mtime, deterministic gzip) and a multipart upload resumes after a restart instead of starting over.
      const st = await stat(rec.localPath);
      await utimes(prepared.path, st.atime, st.mtime);
      // The given hash is not the copy's: the copy is hashed as it is sent, the source's kept for the metadata.
      if (given !== undefined) rec.sha256 = undefined;
      sourceSha256 = given ?? (await hashFile(rec.localPath, { signal: job.signal })).sha256;
    }
    return await uploadSource({ ...job, source: prepared.path, ...(prepared.contentType ? { contentType: prepared.contentType } : {}), ...(sourceSha256 ? { sourceSha256 } : {}) });
  } finally {
    await prepared.cleanup();
  }
}

async function uploadSource(job: UploadJob): Promise<UploadOutcome> {
  const { rec, ctx, signal } = job;
  const errCtx = { bucket: rec.bucket, key: rec.key, path: rec.localPath, endpoint: ctx.profile.endpoint, profile: ctx.profile.summary.name };
  // A file no bigger than one part is read once, through the handle that gave its size: hashed and sent from the
  // same buffer (memory stays at file concurrency × part size), which halves the disk reads for many small files.
  const opened = await openSource(job, (size) => {
    const p = planUpload(size, job.settings.threshold, rec.partSize ?? job.settings.partSize, rec.localPath);
    return !p.multipart && size <= job.settings.partSize;
  });
  const { st, whole } = opened;
  const plan = planUpload(st.size, job.settings.threshold, rec.partSize ?? job.settings.partSize, rec.localPath);

  // A changed file invalidates the hash and every finished part: abort the old upload and start over.
  // mtimeMs 0 means the file was never seen, so a hash the caller supplied (sync's index) still stands.
  const seen = rec.mtimeMs !== 0;
  const changed = seen && (st.size !== rec.size || Math.trunc(st.mtimeMs) !== Math.trunc(rec.mtimeMs));
  if (changed && (rec.uploadId || rec.sha256)) {
    job.logger.info(`transfer ${rec.id}: source changed, starting over`);
    await abandonMultipart(job);
    rec.sha256 = undefined;
  }
  rec.size = st.size;
  rec.mtimeMs = st.mtimeMs;

  // Hex MD5 (Content-MD5 for custom stores, which echo it as the ETag); only a single PUT needs one.
  let md5: string | undefined;
  if (whole) {
    const h = hashBuffer(whole, { md5: ctx.customEndpoint });
    rec.sha256 = h.sha256;
    md5 = h.md5;
  } else if (!rec.sha256 || (!plan.multipart && ctx.customEndpoint)) {
    const h = await hashFile(src(job), { md5: !plan.multipart && ctx.customEndpoint, signal, sizeHint: st.size });
    if (h.size !== st.size) throw new AppError('FILE_CHANGED', { path: rec.localPath }, { retryable: true });
    rec.sha256 = h.sha256;
    md5 = h.md5;
  }
  // Only a multipart upload resumes from its hash; a single PUT re-reads the file anyway after a restart.
  if (plan.multipart) job.save();

  // The existing-object policy applies once, before anything is sent (not on a resumed multipart).
  if (!rec.uploadId && job.settings.existing !== 'overwrite') {
    const head = await withRetry(() => headObject(ctx, rec.bucket, rec.key, signal), { ...errCtx, action: 'HeadObject' }, signal, job.settings.retry);
    if (head) {
      if (job.settings.existing === 'skip-identical') {
        if (head.size === st.size && head.sha256 === rec.sha256) return 'skipped';
      } else {
        rec.key = await freeKeepBothKey(job, errCtx);
        job.save();
      }
    }
  }

  // The server checked the body against Content-MD5 / the SHA-256 we sent; when its answer echoes that digest
  // the object is the file, and the HEAD is only needed otherwise (multipart, SSE-KMS ETags, other stores).
  const verified = !plan.multipart ? await singlePut(job, st.size, md5, whole) : (await multipart(job, plan.partSize, plan.partCount), false);
  if (!verified) await verify(job, st.size);
  // A file sent from one in-memory read is a consistent snapshot whatever happens to it afterwards.
  if (whole) return 'done';
  const after = await stat(src(job)).catch(() => undefined);
  if (!after || after.size !== st.size || Math.trunc(after.mtimeMs) !== Math.trunc(st.mtimeMs)) {
    throw new AppError('FILE_CHANGED', { path: rec.localPath }, { retryable: true });
  }
  return 'done';
}

/**
 * Opens the file to send, takes its stats from the open handle, and reads it whole when `readWhole(size)` says so:
 * one open, fstat, read and close, rather than a stat and then readFile's own four calls. O_NONBLOCK, so that a
 * FIFO that looks like a file is refused (NOT_A_FILE) instead of holding a thread until someone writes to it.
 */
async function openSource(job: UploadJob, readWhole: (size: number) => boolean): Promise<{ st: Stats; whole?: Buffer }> {
  const path = job.rec.localPath;
  let fh: FileHandle;
  try {
    fh = await open(src(job), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new AppError('NOT_A_FILE', { path });
    throw new AppError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', { path }, { cause: err });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new AppError('NOT_A_FILE', { path });
    if (!readWhole(st.size)) return { st };
    // One byte more than the size is asked for, so a file that grew since the fstat is caught like one that shrank.
    const buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    for (;;) {
      job.signal.throwIfAborted();
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      n += bytesRead;
      if (bytesRead === 0 || n === buf.length) break;
    }
    if (n !== st.size) throw new AppError('FILE_CHANGED', { path }, { retryable: true });
    return { st, whole: buf.subarray(0, n) };
  } catch (err) {
    if (err instanceof AppError || job.signal.aborted) throw err;
    throw new AppError('FILE_UNREADABLE', { path }, { cause: err, details: (err as NodeJS.ErrnoException).code });
  } finally {
    await fh.close();
  }
}

async function freeKeepBothKey(job: UploadJob, errCtx: object): Promise<string> {
  const { rec, ctx, signal } = job;
  for (let n = 1; n < 10_000; n++) {
    const candidate = keepBothKey(rec.key, n);
    const head = await withRetry(() => headObject(ctx, rec.bucket, candidate, signal), { ...errCtx, action: 'HeadObject' }, signal, job.settings.retry);
    if (!head) return candidate;
  }
  throw new AppError('KEY_INVALID', { key: rec.key, reason: 'too many copies with this name already exist' });
}

/** Sends the file in one PUT; true when the response proves the server stored exactly these bytes. */
async function singlePut(job: UploadJob, size: number, md5?: string, whole?: Buffer): Promise<boolean> {
  const { rec, ctx, signal } = job;
  job.onPlan(1);
  const sha256b64 = base64Of(rec.sha256!);
  const out = await withRetry(
    () =>
      counting(job, async (counted) => {
        const input: PutObjectCommandInput = {
          ...objectParams(rec, rec.sha256!, rec.options, job.contentType, job.sourceSha256),
          ContentLength: size,
          // Custom stores check Content-MD5; AWS checks the SHA-256 of the whole body.
          ...(ctx.customEndpoint ? (md5 ? { ContentMD5: base64Of(md5) } : {}) : { ChecksumSHA256: sha256b64 }),
          Body:
            size === 0
              ? Buffer.alloc(0)
              : whole
                ? await bufferBody(whole, job, counted)
                : metered(createReadStream(src(job), { highWaterMark: CHUNK, end: size - 1 }), job, counted),
        };
        return ctx.transferClient.send(new PutObjectCommand(input), { abortSignal: signal });
      }),
    { ...errCtxOf(job), action: 'PutObject' },
    signal,
    job.settings.retry,
  );
  if (ctx.customEndpoint) return md5 !== undefined && rec.options?.sse !== 'aws:kms' && cleanEtag(out.ETag) === md5;
  return out.ChecksumSHA256 === sha256b64;
}

function errCtxOf(job: UploadJob) {
  return { bucket: job.rec.bucket, key: job.rec.key, path: job.rec.localPath, endpoint: job.ctx.profile.endpoint, profile: job.ctx.profile.summary.name };
}

/** Aborts this transfer's multipart upload (best effort) and forgets its parts. */
export async function abandonMultipart(job: Pick<UploadJob, 'rec' | 'ctx' | 'journal' | 'parts' | 'logger'>): Promise<void> {
  const { rec, ctx } = job;
  if (rec.uploadId) {
    const uploadId = rec.uploadId;
    try {
      await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: rec.bucket, Key: rec.key, UploadId: uploadId }));
      job.journal.removeOpenUpload(uploadId);
    } catch (err) {
      const code = s3ErrorCode(err);
      if (code === 'NoSuchUpload' || code === 'NoSuchKey') job.journal.removeOpenUpload(uploadId);
      else job.logger.warn(`abort of upload for ${rec.bucket}/${rec.key} failed (${code}); it stays listed for cleanup`);
    }
  }
  rec.uploadId = undefined;
  rec.partSize = undefined;
  job.parts.clear();
  job.journal.clearParts(rec.id);
}

async function multipart(job: UploadJob, partSize: number, partCount: number): Promise<void> {
  const { rec, ctx, signal } = job;
  const errCtx = errCtxOf(job);
  for (let round = 0; ; round++) {
    if (!rec.uploadId) {
      job.parts.clear();
      job.journal.clearParts(rec.id);
      const createStarted = new Date();
      let createAttempts = 0;
      const created = await withRetry(
        () => {
          createAttempts++;
          return ctx.transferClient.send(
            new CreateMultipartUploadCommand({ ...objectParams(rec, rec.sha256!, rec.options, job.contentType, job.sourceSha256), ...(ctx.customEndpoint ? {} : { ChecksumAlgorithm: 'SHA256' }) }),
            { abortSignal: signal },
          );
        },
        { ...errCtx, action: 'CreateMultipartUpload' },
        signal,
        job.settings.retry,
      );
      if (!created.UploadId) throw new AppError('UNKNOWN', {}, { details: 'CreateMultipartUpload returned no UploadId' });
      rec.uploadId = created.UploadId;
      rec.partSize = partSize;
      job.journal.batch(() => {
        job.journal.addOpenUpload({ uploadId: created.UploadId!, profileId: rec.profileId, bucket: rec.bucket, key: rec.key, transferId: rec.id });
        job.save();
      });
      // A failed attempt may have created an upload whose answer was lost; nobody would ever abort it.
      if (createAttempts > 1) await abortLostCreates(job, created.UploadId, createStarted);
    } else {
      partSize = rec.partSize ?? partSize;
      partCount = Math.max(1, Math.ceil(rec.size / partSize));
      await reconcileParts(job);
    }
    job.onPlan(partCount);
    try {
      await sendParts(job, partSize, partCount);
      await complete(job, partCount);
      return;
    } catch (err) {
      // The store forgot the upload (expired, or aborted by a lifecycle rule): start it over, once.
      const code = s3ErrorCode(err instanceof AppError ? err.cause : err);
      if ((code === 'NoSuchUpload' || (err instanceof AppError && /NoSuchUpload/.test(err.options.details ?? ''))) && round === 0) {
        job.logger.info(`transfer ${rec.id}: upload ${rec.uploadId} is gone, starting over`);
        job.journal.removeOpenUpload(rec.uploadId!);
        rec.uploadId = undefined;
        job.onBytes(-[...job.parts.values()].reduce((s, p) => s + p.size, 0));
        continue;
      }
      throw err;
    }
  }
}

/** Checks journaled parts against ListParts where the store has it; otherwise trusts the journal. */
async function reconcileParts(job: UploadJob): Promise<void> {
  const { rec, ctx, signal } = job;
  const server = new Map<number, Part>();
  try {
    let marker: string | undefined;
    do {
      const page = await ctx.client.send(new ListPartsCommand({ Bucket: rec.bucket, Key: rec.key, UploadId: rec.uploadId, PartNumberMarker: marker }), { abortSignal: signal });
      for (const p of page.Parts ?? []) if (p.PartNumber) server.set(p.PartNumber, p);
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    const code = s3ErrorCode(err);
    if (code === 'NoSuchUpload') {
      job.logger.info(`transfer ${rec.id}: upload ${rec.uploadId} no longer exists, starting over`);
      job.journal.removeOpenUpload(rec.uploadId!);
      rec.uploadId = undefined;
      throw Object.assign(new Error('NoSuchUpload'), { name: 'NoSuchUpload' });
    }
    // Stores without ListParts (s3rver) or a transient failure: the journal's parts stand; a bad part
    // surfaces as NoSuchUpload or InvalidPart at completion and the upload starts over.
    job.logger.debug(`transfer ${rec.id}: ListParts unavailable (${code}); trusting the journal`);
    return;
  }
  for (const [n, p] of job.parts) {
    const s = server.get(n);
    if (!s || (s.ETag && p.etag && s.ETag.replace(/"/g, '') !== p.etag.replace(/"/g, '')) || (s.Size !== undefined && s.Size !== p.size)) {
      job.parts.delete(n);
      job.onBytes(-p.size);
    }
  }
  // Parts the server has but the journal missed (killed between the response and the journal write).
  for (const [n, s] of server) {
    if (!job.parts.has(n) && s.ETag && s.Size !== undefined) {
      const expected = partRange(n, rec.partSize!, rec.size);
      if (s.Size !== expected.end - expected.start) continue;
      const part: JournalPart = { partNumber: n, etag: s.ETag, ...(s.ChecksumSHA256 ? { checksum: s.ChecksumSHA256 } : {}), size: s.Size };
      if (!ctx.customEndpoint && !part.checksum) continue;
      job.parts.set(n, part);
      job.onBytes(part.size);
    }
  }
  job.journal.batch(() => {
    job.journal.clearParts(rec.id);
    for (const p of job.parts.values()) job.journal.putPart(rec.id, p);
  });
}

async function sendParts(job: UploadJob, partSize: number, partCount: number): Promise<void> {
  const { rec, signal } = job;
  const todo: number[] = [];
  for (let n = 1; n <= partCount; n++) if (!job.parts.has(n)) todo.push(n);
  const fh = await open(src(job), 'r');
  try {
    let next = 0;
    let failed: unknown;
    const worker = async () => {
      // One buffer per worker, reused part after part: memory stays at part concurrency × part size per file,
      // and the garbage collector is not asked to sweep a gigabyte of dead part buffers.
      const buf = Buffer.allocUnsafe(Math.min(partSize, rec.size));
      while (next < todo.length && failed === undefined && !signal.aborted) {
        const n = todo[next++]!;
        try {
          await sendPart(job, fh, n, partSize, buf);
        } catch (err) {
          failed ??= err;
        }
      }
    };
    const workers = Math.max(1, Math.min(job.settings.partConcurrency, todo.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (signal.aborted) throw signal.reason;
    if (failed !== undefined) throw failed;
  } finally {
    await fh.close();
  }
}

async function sendPart(job: UploadJob, fh: import('node:fs/promises').FileHandle, n: number, partSize: number, scratch: Buffer): Promise<void> {
  const { rec, ctx, signal } = job;
  const { start, end } = partRange(n, partSize, rec.size);
  const buf = scratch.subarray(0, end - start);
  let read = 0;
  while (read < buf.length) {
    const r = await fh.read(buf, read, buf.length - read, start + read);
    if (r.bytesRead === 0) throw new AppError('FILE_CHANGED', { path: rec.localPath }, { retryable: true });
    read += r.bytesRead;
  }
  const checksum = ctx.customEndpoint ? createHash('md5').update(buf).digest('base64') : createHash('sha256').update(buf).digest('base64');
  const out = await withRetry(
    () =>
      counting(job, async (counted) =>
        ctx.transferClient.send(
          new UploadPartCommand({
            Bucket: rec.bucket,
            Key: rec.key,
            UploadId: rec.uploadId,
            PartNumber: n,
            ContentLength: buf.length,
            ...(ctx.customEndpoint ? { ContentMD5: checksum } : { ChecksumSHA256: checksum }),
            Body: await bufferBody(buf, job, counted),
          }),
          { abortSignal: signal },
        ),
      ),
    { ...errCtxOf(job), action: 'UploadPart' },
    signal,
    job.settings.retry,
  );
  if (!out.ETag) throw new AppError('UNKNOWN', {}, { details: `UploadPart ${n} returned no ETag` });
  const part: JournalPart = { partNumber: n, etag: out.ETag, checksum, size: buf.length };
  job.parts.set(n, part);
  job.journal.putPart(rec.id, part);
  job.onPartDone();
}

async function complete(job: UploadJob, partCount: number): Promise<void> {
  const { rec, ctx, signal } = job;
  const parts = [...job.parts.values()].sort((a, b) => a.partNumber - b.partNumber);
  if (parts.length !== partCount) throw new AppError('UNKNOWN', {}, { details: `have ${parts.length} of ${partCount} parts` });
  await withRetry(
    async (attempt) => {
      try {
        await ctx.transferClient.send(
          new CompleteMultipartUploadCommand({
            Bucket: rec.bucket,
            Key: rec.key,
            UploadId: rec.uploadId,
            MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ...(!ctx.customEndpoint && p.checksum ? { ChecksumSHA256: p.checksum } : {}) })) },
          }),
          { abortSignal: signal },
        );
      } catch (err) {
        // A lost response to a Complete that did happen: the object is there, the upload is not, and a
        // repeat fails (NoSuchUpload on AWS, a reset or a 5xx elsewhere). The object with our hash settles it.
        if (s3ErrorCode(err) === 'NoSuchUpload' || attempt > 1) {
          const head = await headObject(ctx, rec.bucket, rec.key, signal);
          if (head && head.size === rec.size && head.sha256 === rec.sha256) return;
        }
        throw err;
      }
    },
    { ...errCtxOf(job), action: 'CompleteMultipartUpload' },
    signal,
    job.settings.retry,
  );
  job.journal.removeOpenUpload(rec.uploadId!);
}

/** HEAD after upload: size and the stored content hash must match, or the upload is retried. */
async function verify(job: UploadJob, size: number): Promise<void> {
  const { rec, ctx, signal } = job;
  const head = await withRetry(() => headObject(ctx, rec.bucket, rec.key, signal), { ...errCtxOf(job), action: 'HeadObject' }, signal, job.settings.retry);
  if (!head || head.size !== size || (head.sha256 !== undefined && head.sha256 !== rec.sha256)) {
    job.logger.warn(`transfer ${rec.id}: verification failed (size ${head?.size ?? 'missing'} vs ${size})`);
    throw new AppError('CHECKSUM_MISMATCH', { path: rec.localPath }, { retryable: true, details: `HEAD size ${head?.size ?? 'missing'}, expected ${size}` });
  }
}

/**
 * After a CreateMultipartUpload that needed more than one attempt: aborts uploads of this key that began while we
 * were creating ours and that the journal does not know (a lost answer's upload, billed forever on AWS). Best
 * effort, and only where the store lists multipart uploads (s3rver does not).
 */
async function abortLostCreates(job: UploadJob, keep: string, since: Date): Promise<void> {
  const { rec, ctx } = job;
  // A minute of slack for clock differences between us and the store.
  const from = since.getTime() - 60_000;
  const known = new Set(job.journal.openUploads().map((u) => u.uploadId));
  try {
    const page = await ctx.client.send(new ListMultipartUploadsCommand({ Bucket: rec.bucket, Prefix: rec.key }));
    for (const u of page.Uploads ?? []) {
      if (u.Key !== rec.key || !u.UploadId || u.UploadId === keep || known.has(u.UploadId)) continue;
      if (!u.Initiated || u.Initiated.getTime() < from) continue;
      await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: rec.bucket, Key: rec.key, UploadId: u.UploadId }));
      job.logger.info(`transfer ${rec.id}: aborted an upload left by a create whose answer was lost`);
    }
  } catch (err) {
    job.logger.debug(`transfer ${rec.id}: could not look for lost multipart creates`, s3ErrorCode(err) ?? String(err));
  }
}
