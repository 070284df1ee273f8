/**
 * Start-up clean-up of multipart uploads nobody needs: those the journal recorded for transfers that are gone or
 * finished (after a crash, or a cancel whose abort failed), and, where the store lists pending uploads, those whose
 * CreateMultipartUpload answer was lost so the journal never heard of them. Billed storage, never data: only
 * uploads under our own keys, in our own time windows, are touched.
 */
import type { MultipartUpload } from '@aws-sdk/client-s3';
import type { Logger } from '../log/logger';
import { isRetryable, s3ErrorCode } from '../s3/errors';
import type { S3Clients, S3Context } from '../s3/types';
import type { Journal, JournalTransfer, UnansweredCreate } from './journal';
import { FINAL_STATES } from './types';
import { s3Sdk } from '../lazy-sdk';

/** How far the store's clock (an upload's Initiated) may be from ours: windows and notes are widened by this much. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** What the clean-up reads of the queue; live views, since transfers come and go while it runs. */
export interface QueueView {
  clients: S3Clients;
  logger: Logger;
  /** The open journal, or undefined once the queue has stopped. */
  journal(): Journal | undefined;
  /** Every transfer in the queue, finished ones included. */
  transfers(): JournalTransfer[];
  disposed(): boolean;
}

/** Aborts multipart uploads this app started that no unfinished transfer still needs (after a crash or a cancel that failed). */
export async function cleanupStaleUploads(q: QueueView): Promise<void> {
  const needed = new Set<string>();
  for (const r of q.transfers()) if (r.uploadId && !FINAL_STATES.has(r.state)) needed.add(r.uploadId);
  for (const u of q.journal()?.openUploads() ?? []) {
    if (needed.has(u.uploadId)) continue;
    try {
      const ctx = await q.clients.forProfile(u.profileId);
      await ctx.client.send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId }));
      q.journal()?.removeOpenUpload(u.uploadId);
    } catch (err) {
      const code = s3ErrorCode(err);
      if (code === 'NoSuchUpload' || code === 'NoSuchKey') q.journal()?.removeOpenUpload(u.uploadId);
      else q.logger.info(`stale upload ${u.bucket}/${u.key} not aborted yet (${code})`);
    }
  }
  await settleUnansweredCreates(q);
  await sweepListedUploads(q);
}

/**
 * Settles the creates whose answers never came (the app stopped while one was out, or a transfer was cancelled or
 * its clean-up failed): the key's uploads since then that nobody needs are aborted. A key with a transfer running
 * is left for that transfer, which settles its own when its next create is answered.
 */
async function settleUnansweredCreates(q: QueueView): Promise<void> {
  for (const doubt of q.journal()?.unansweredCreates() ?? []) {
    if (q.disposed()) return;
    if (q.transfers().some((r) => r.bucket === doubt.bucket && r.key === doubt.key && r.state === 'running')) continue;
    let ctx: S3Context;
    try {
      ctx = await q.clients.forProfile(doubt.profileId);
    } catch (err) {
      // The profile is gone (or cannot sign in now): keep the note unless it can never be used.
      if (!isRetryable(err)) q.journal()?.forgetUnansweredCreates(doubt.transferId);
      continue;
    }
    const journal = q.journal();
    if (journal) await settleUnansweredCreate(ctx, journal, doubt, (key, id) => isOrphan(q, key, id, doubt.bucket), q.logger);
  }
}

/**
 * Aborts the uploads of a transfer's key that began after its first unanswered CreateMultipartUpload and that
 * `isOrphan` lets go (a lost answer's upload, billed forever on AWS), then forgets the note. The note stays for a
 * later try when the store cannot be asked now (offline, throttled); it is dropped where the store will never
 * answer (s3rver cannot list uploads) or refuses. True when settled.
 */
export async function settleUnansweredCreate(
  ctx: S3Context,
  journal: Journal,
  doubt: UnansweredCreate,
  isOrphan: (key: string, uploadId: string) => boolean,
  logger: Logger,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    for (const u of await listUploads(ctx, doubt.bucket, doubt.key, signal)) {
      if (u.Key !== doubt.key || !u.UploadId || !u.Initiated || u.Initiated.getTime() < doubt.since - CLOCK_SLACK_MS) continue;
      if (!isOrphan(u.Key, u.UploadId)) continue;
      try {
        await ctx.client.send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: doubt.bucket, Key: u.Key, UploadId: u.UploadId }), { abortSignal: signal });
      } catch (err) {
        if (s3ErrorCode(err) !== 'NoSuchUpload') throw err;
      }
      logger.info(`transfer ${doubt.transferId}: aborted an upload left by a create whose answer was lost`);
    }
  } catch (err) {
    if (isRetryable(err) || signal?.aborted) {
      logger.info(`transfer ${doubt.transferId}: lost creates of ${doubt.bucket}/${doubt.key} not settled yet (${s3ErrorCode(err)})`);
      return false;
    }
    logger.debug(`ListMultipartUploads on ${doubt.bucket} unavailable (${s3ErrorCode(err)})`);
  }
  journal.forgetUnansweredCreates(doubt.transferId);
  return true;
}

/**
 * Where the store lists pending uploads (ListMultipartUploads; s3rver cannot), also aborts those the journal
 * never heard of: a CreateMultipartUpload whose response was lost leaves an upload with no UploadId on our
 * side. Only uploads under a key one of our transfers wrote, initiated while that transfer was alive, and
 * needed by no entry are aborted; anyone else's upload, even in the same bucket, is left alone.
 */
async function sweepListedUploads(q: QueueView): Promise<void> {
  // Clocks differ (ours versus the server's Initiated), so each transfer's window is widened.
  const slack = CLOCK_SLACK_MS;
  const groups = new Map<string, { profileId: string; bucket: string; windows: Map<string, { from: number; to: number }[]> }>();
  for (const r of q.transfers()) {
    // A download starts no multipart upload: a bucket only downloaded from is not asked (nor the SDK loaded for it).
    if (r.direction === 'download') continue;
    const g = `${r.profileId}\u0000${r.bucket}`;
    let group = groups.get(g);
    if (!group) groups.set(g, (group = { profileId: r.profileId, bucket: r.bucket, windows: new Map() }));
    const list = group.windows.get(r.key) ?? [];
    list.push({ from: r.createdAt - slack, to: r.finishedAt !== undefined && FINAL_STATES.has(r.state) ? r.finishedAt + slack : Infinity });
    group.windows.set(r.key, list);
  }
  for (const group of groups.values()) {
    if (q.disposed()) return;
    let uploads: MultipartUpload[];
    try {
      uploads = await listUploads(await q.clients.forProfile(group.profileId), group.bucket);
    } catch (err) {
      // NotImplemented (s3rver), no permission, offline: the journal-based clean-up above is all we can do.
      q.logger.debug(`ListMultipartUploads on ${group.bucket} unavailable (${s3ErrorCode(err)})`);
      continue;
    }
    for (const u of uploads) {
      if (!u.Key || !u.UploadId || !u.Initiated) continue;
      const at = u.Initiated.getTime();
      if (!(group.windows.get(u.Key) ?? []).some((w) => at >= w.from && at <= w.to)) continue;
      if (!isOrphan(q, u.Key, u.UploadId, group.bucket)) continue;
      try {
        const ctx = await q.clients.forProfile(group.profileId);
        await ctx.client.send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: group.bucket, Key: u.Key, UploadId: u.UploadId }));
        q.logger.info(`aborted an orphaned upload of ${group.bucket}/${u.Key} that no transfer needs`);
      } catch (err) {
        q.logger.info(`orphaned upload of ${group.bucket}/${u.Key} not aborted yet (${s3ErrorCode(err)})`);
      }
    }
  }
}

/** True unless a transfer uses this upload, or one for the same key is running (its CreateMultipartUpload may be in flight). */
function isOrphan(q: QueueView, key: string, uploadId: string, bucket: string): boolean {
  if (q.disposed()) return false;
  for (const r of q.transfers()) {
    if (r.uploadId === uploadId) return false;
    if (r.bucket === bucket && r.key === key && r.state === 'running') return false;
  }
  return !(q.journal()?.openUploads() ?? []).some((o) => o.uploadId === uploadId);
}

/** Every pending multipart upload in a bucket (under a prefix), page after page (throws where the store cannot list them: s3rver). */
async function listUploads(ctx: S3Context, bucket: string, prefix?: string, signal?: AbortSignal): Promise<MultipartUpload[]> {
  const out: MultipartUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await ctx.client.send(new (s3Sdk().ListMultipartUploadsCommand)({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }), { abortSignal: signal });
    out.push(...(page.Uploads ?? []));
    if (!page.IsTruncated || (!page.NextKeyMarker && !page.NextUploadIdMarker)) return out;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
