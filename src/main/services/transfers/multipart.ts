/**
 * The multipart half of an upload: create (with a clean-up of uploads whose create answer was lost), resume from the
 * journal checked against ListParts, bounded parallel parts with per-part checksums, complete (recognising a
 * complete whose answer was lost), and abandon.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Part } from '@aws-sdk/client-s3';
import { AppError } from '../../../shared/errors';
import { s3ErrorCode } from '../s3/errors';
import { cleanEtag, headObject } from '../s3/objects';
import { partRange } from '../s3/part-plan';
import { bufferBody, counting } from './accounting';
import type { JournalPart } from './journal';
import { settleUnansweredCreate } from './orphans';
import { withRetry } from './retry';
import { errCtxOf, objectParams, src, type UploadJob } from './upload-job';
import { s3Sdk } from '../lazy-sdk';

/** Aborts this transfer's multipart upload (best effort) and forgets its parts. */
export async function abandonMultipart(job: Pick<UploadJob, 'rec' | 'ctx' | 'journal' | 'parts' | 'logger'>): Promise<void> {
  const { rec, ctx } = job;
  if (rec.uploadId) {
    const uploadId = rec.uploadId;
    try {
      await ctx.client.send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: rec.bucket, Key: rec.key, UploadId: uploadId }));
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

/**
 * Sends a file as a multipart upload: creates it (or resumes the journaled one, checked against ListParts), sends
 * the missing parts `partConcurrency` at a time, and completes it; an upload the store forgot starts over once.
 */
export async function uploadMultipart(job: UploadJob, partSize: number, partCount: number): Promise<void> {
  const { rec, ctx, signal } = job;
  const errCtx = errCtxOf(job);
  for (let round = 0; ; round++) {
    if (!rec.uploadId) {
      job.parts.clear();
      job.journal.clearParts(rec.id);
      // Noted before it is sent: a create whose answer is lost (a reset, a pause, a crash) may still make an upload.
      const earlier = job.journal.unansweredCreates(rec.id).length > 0;
      job.journal.noteCreateSent({ profileId: rec.profileId, bucket: rec.bucket, key: rec.key, transferId: rec.id });
      let createAttempts = 0;
      const created = await withRetry(
        () => {
          createAttempts++;
          return ctx.transferClient.send(
            new (s3Sdk().CreateMultipartUploadCommand)({ ...objectParams(rec, rec.sha256!, rec.options, job.contentType, job.sourceSha256), ...(ctx.customEndpoint ? {} : { ChecksumAlgorithm: 'SHA256' }) }),
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
      // An attempt of this call, or of an earlier one (parked, paused, killed), went unanswered: its upload, if the
      // store made one, would be billed forever. Otherwise the note has done its work.
      if (createAttempts > 1 || earlier) await settleLostCreates(job);
      else job.journal.forgetUnansweredCreates(rec.id);
    } else {
      partSize = rec.partSize ?? partSize;
      partCount = Math.max(1, Math.ceil(rec.size / partSize));
      await reconcileParts(job);
    }
    job.onPlan(partCount);
    try {
      await sendParts(job, partSize, partCount);
      await complete(job, partCount);
      // A sweep that could not reach the store after the create gets one more try now that the upload is done.
      await settleLostCreates(job);
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
      const page = await ctx.client.send(new (s3Sdk().ListPartsCommand)({ Bucket: rec.bucket, Key: rec.key, UploadId: rec.uploadId, PartNumberMarker: marker }), { abortSignal: signal });
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
    if (!s || (s.ETag && p.etag && cleanEtag(s.ETag) !== cleanEtag(p.etag)) || (s.Size !== undefined && s.Size !== p.size)) {
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

async function sendPart(job: UploadJob, fh: FileHandle, n: number, partSize: number, scratch: Buffer): Promise<void> {
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
          new (s3Sdk().UploadPartCommand)({
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
          new (s3Sdk().CompleteMultipartUploadCommand)({
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

/** Aborts uploads of this transfer's key left by its unanswered creates, if any are noted (best effort; see orphans.ts). */
async function settleLostCreates(job: UploadJob): Promise<void> {
  const { rec, ctx, journal } = job;
  // One note per transfer at most (the journal keeps the first).
  const [doubt] = journal.unansweredCreates(rec.id);
  if (!doubt) return;
  // Another transfer of the same key with a create out may be about to learn of its upload: leave it to start-up.
  if (journal.unansweredCreates().some((o) => o.transferId !== rec.id && o.bucket === rec.bucket && o.key === rec.key)) return;
  const known = new Set(journal.openUploads().map((u) => u.uploadId));
  await settleUnansweredCreate(ctx, journal, doubt, (_key, id) => id !== rec.uploadId && !known.has(id), job.logger, job.signal);
}
