/**
 * Uploads one file: the landing step's body, hashing, the existing-object policy, a single PUT (or the resumable
 * multipart upload of multipart.ts), per-request checksums, and verification of what landed.
 */
import { constants, createReadStream, type Stats } from 'node:fs';
import { mkdir, open, stat, utimes, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { PutObjectCommand, PutObjectCommandInput } from '@aws-sdk/client-s3';
import { AppError } from '../../../shared/errors';
import type { UploadOptions } from '../../../shared/contract';
import { prepareCsvUpload } from '../landing/prepare-upload';
import { base64Of, hashBuffer, hashFile } from '../s3/content-hash';
import { leanPutObject } from '../s3/lean-request';
import { cleanEtag, headObject } from '../s3/objects';
import { planUpload } from '../s3/part-plan';
import { BODY_CHUNK, bufferBody, counting, metered } from './accounting';
import { abandonMultipart, uploadMultipart } from './multipart';
import { withRetry } from './retry';
import { errCtxOf, objectParams, src, type UploadJob, type UploadOutcome } from './upload-job';
import { s3Sdk } from '../lazy-sdk';

/** The key with ` (n)` before the extension: `a/photo.jpg` → `a/photo (1).jpg`. */
export function keepBothKey(key: string, n: number): string {
  const dir = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  const base = key.slice(dir.length);
  const ext = posix.extname(base);
  const stem = ext && ext !== base ? base.slice(0, -ext.length) : base;
  return `${dir}${stem} (${n})${ext && ext !== base ? ext : ''}`;
}

/**
 * The first `keepBothKey(key, n)` (n from 1) that `taken` does not hold, added to `taken` so the next call gives
 * another: for names settled in one go from a known set (same-key files of one drop, a sync pass's trash names).
 */
export function claimKeepBothKey(key: string, taken: Set<string>): string {
  let n = 1;
  while (taken.has(keepBothKey(key, n))) n++;
  const free = keepBothKey(key, n);
  taken.add(free);
  return free;
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
  // Claimed whatever the policy (a resumed multipart too): a keep-both upload of the same name must see this one,
  // which its HEAD cannot until it is complete.
  const mine = claimed(job, rec.key);
  if (!rec.uploadId && job.settings.existing !== 'overwrite') {
    const head = await withRetry(() => headObject(ctx, rec.bucket, rec.key, signal), { ...errCtx, action: 'HeadObject' }, signal, job.settings.retry);
    // Another upload writing this key now is an object the HEAD cannot see yet: keep-both looks further.
    if (!head && job.settings.existing === 'keep-both' && !mine) {
      rec.key = await freeKeepBothKey(job, errCtx);
      job.save();
    } else if (head) {
      if (job.settings.existing === 'ask') {
        // The same bytes are there already (often this very file, sent just before a crash and not yet journaled as
        // done): nothing to ask about.
        if (head.size === st.size && head.sha256 === rec.sha256) return 'skipped';
        // Nothing was sent yet: the queue parks the transfer until the person chooses, so 'ask' never replaces.
        throw new AppError('EXISTING_NEEDS_ANSWER', { name: posix.basename(rec.key), where: `${rec.bucket}/${posix.dirname(rec.key) === '.' ? '' : `${posix.dirname(rec.key)}/`}` });
      }
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
  const verified = !plan.multipart ? await singlePut(job, st.size, md5, whole) : (await uploadMultipart(job, plan.partSize, plan.partCount), false);
  if (!verified) await verify(job, st.size);
  // A file sent from one in-memory read is a consistent snapshot whatever happens to it afterwards.
  if (whole) return 'done';
  const after = await stat(src(job)).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? ('deleted' as const) : undefined));
  if (after === 'deleted') {
    // Deleting a file removes its name, not the bytes an open handle reads: the upload read it whole and the bucket
    // holds what was read (checked above), so it counts; a read cut short fails before any object is completed.
    // (docs/reliability.md, "A file deleted during its upload")
    job.logger.info(`transfer ${rec.id}: the file was deleted after it was read; the uploaded copy is complete`);
    return 'done';
  }
  if (!after || after.size !== st.size || Math.trunc(after.mtimeMs) !== Math.trunc(st.mtimeMs)) {
    // The object under rec.key is now this transfer's own (of the file as it was): the new try replaces it with the
    // file as it is. Without this, 'ask' would ask about the transfer's own object and 'keep both' would keep it.
    rec.options = { ...rec.options, existing: 'overwrite' };
    job.save();
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
    // A read that comes back short exactly at the size has met the end of the file: no second read to find it.
    const buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    for (;;) {
      job.signal.throwIfAborted();
      const want = buf.length - n;
      const { bytesRead } = await fh.read(buf, n, want, n);
      n += bytesRead;
      if (bytesRead === 0 || n === buf.length || (n === st.size && bytesRead < want)) break;
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

/** Claims `key` for this upload (true when the queue has no claims to make). */
function claimed(job: UploadJob, key: string): boolean {
  return job.claimKey?.(key) ?? true;
}

/**
 * The first `name (n).ext` neither in the bucket nor being written by another upload, so two uploads of one name (the
 * second renamed at enqueue, say) never both take it. Each name is claimed before its HEAD: an upload lets go of its
 * key only once its object is complete, so a HEAD sent after the claim sees that object, where a HEAD sent before
 * might not (it could answer "none" just before the other's PUT lands, and be read just after it let go).
 */
async function freeKeepBothKey(job: UploadJob, errCtx: object): Promise<string> {
  const { rec, ctx, signal } = job;
  for (let n = 1; n < 10_000; n++) {
    const candidate = keepBothKey(rec.key, n);
    if (!claimed(job, candidate)) continue;
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
        const body = size === 0 ? Buffer.alloc(0) : whole ? await bufferBody(whole, job, counted) : undefined;
        const input: PutObjectCommandInput = {
          ...objectParams(rec, rec.sha256!, rec.options, job.contentType, job.sourceSha256),
          ContentLength: size,
          // Custom stores check Content-MD5; AWS checks the SHA-256 of the whole body.
          ...(ctx.customEndpoint ? (md5 ? { ContentMD5: base64Of(md5) } : {}) : { ChecksumSHA256: sha256b64 }),
          Body: body ?? metered(createReadStream(src(job), { highWaterMark: BODY_CHUNK, end: size - 1 }), job, counted),
        };
        // A small body in memory goes below the SDK (lean-request.ts keeps its guarantees), unless the input or the
        // bucket's route is one it leaves to the SDK.
        if (Buffer.isBuffer(body) && (whole || size === 0)) {
          const lean = await leanPutObject(ctx, { ...input, Body: body }, rec.sha256!, signal);
          if (lean) return lean;
        }
        const command = new (s3Sdk().PutObjectCommand)(input);
        // Sent from memory, the body is exactly the bytes rec.sha256 was taken from.
        if (whole) signWithKnownHash(command, rec.sha256!);
        return ctx.transferClient.send(command, { abortSignal: signal });
      }),
    { ...errCtxOf(job), action: 'PutObject' },
    signal,
    job.settings.retry,
  );
  if (ctx.customEndpoint) return md5 !== undefined && rec.options?.sse !== 'aws:kms' && cleanEtag(out.ETag) === md5;
  return out.ChecksumSHA256 === sha256b64;
}

/**
 * Gives the SigV4 signer the body's SHA-256 we already took (the x-amz-content-sha256 header, which the signer uses
 * when present) so it does not hash the same bytes again: a third of the hashing per small PUT. The server still
 * checks the body against it, so a wrong hash would be refused, never stored.
 */
function signWithKnownHash(command: PutObjectCommand, sha256Hex: string): void {
  command.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = sha256Hex;
      return next(args);
    },
    { step: 'build', name: 's3dropKnownPayloadHash' },
  );
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

