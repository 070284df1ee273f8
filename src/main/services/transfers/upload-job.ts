/**
 * What one upload is: the job the queue hands to upload.ts and multipart.ts (its record, parts, client, signal and
 * callbacks), and the request parameters both the single PUT and the multipart upload derive from it.
 */
import type MimeTypes from 'mime-types';
import type { ExistingAction, UploadOptions } from '../../../shared/contract';
import type { Logger } from '../log/logger';
import type { S3ErrorContext } from '../s3/errors';
import { SHA256_META, SOURCE_SHA256_META } from '../s3/objects';
import type { S3Context } from '../s3/types';
import type { BodyMeter } from './accounting';
import type { Journal, JournalPart, JournalTransfer } from './journal';
import type { RetryPolicy } from './retry';

let mime: typeof MimeTypes | undefined;

/**
 * The `mime-types` table, loaded at the first upload that needs a type: building it (the whole mime-db) took about
 * 10 ms at every start, and a no-change sync pass uploads nothing.
 */
function mimeTypes(): typeof MimeTypes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- on purpose: loaded on first use, see above
  return (mime ??= require('mime-types') as typeof MimeTypes);
}

/** Knobs the queue passes to each upload, read from settings when the file starts. */
export interface UploadSettings {
  partSize: number;
  threshold: number;
  partConcurrency: number;
  /** 'ask' throws EXISTING_NEEDS_ANSWER when the name is taken, and the queue parks the transfer for the answer. */
  existing: ExistingAction;
  retry?: RetryPolicy;
  /** Where temporary gzip/UTF-8 copies are written (inside the app's data folder). */
  tmpDir?: string;
}

/** Everything one upload needs; `rec` is mutated and journaled as the upload advances. */
export interface UploadJob extends BodyMeter {
  rec: JournalTransfer;
  /** Finished parts by number (restored from the journal on resume). */
  parts: Map<number, JournalPart>;
  ctx: S3Context;
  settings: UploadSettings;
  journal: Journal;
  logger: Logger;
  /** The number of parts is known (1 for a single PUT); lets the queue show "parts done of total". */
  onPlan(partsTotal: number): void;
  /** A part was journaled. */
  onPartDone(): void;
  /** Persists `rec` (its key, hash, upload id…). */
  save(): void;
  /**
   * Marks `key` as the one this upload writes (letting go of one it claimed before); false when another running upload
   * of the queue writes it. Keep-both asks, so two uploads never pick the same free name. Absent: nothing is claimed.
   */
  claimKey?(key: string): boolean;
  /** The file actually sent: a temporary gzip/UTF-8 copy for landing options, else `rec.localPath`. */
  source?: string;
  /** The Content-Type the landing step chose (text/csv with its charset, application/gzip). */
  contentType?: string;
  /** The local file's hash when `source` is a copy of it (stored as SOURCE_SHA256_META). */
  sourceSha256?: string;
}

/** How an upload ended when it did not throw. */
export type UploadOutcome = 'done' | 'skipped';

/** The bucket, key, type, metadata (with the app's hashes), storage class and encryption of the object an upload writes. */
export function objectParams(rec: JournalTransfer, sha256: string, options: UploadOptions = {}, landingType?: string, sourceSha256?: string) {
  const contentType = landingType || mimeTypes().lookup(rec.key) || mimeTypes().lookup(rec.localPath) || 'application/octet-stream';
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
    ...(options.tags && Object.keys(options.tags).length > 0 ? { Tagging: taggingHeader(options.tags) } : {}),
  };
}

/** Tags as the x-amz-tagging header carries them: a query string, with %20 (not +) for spaces so no store misreads it. */
export function taggingHeader(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** The path whose bytes are sent. */
export function src(job: UploadJob): string {
  return job.source ?? job.rec.localPath;
}

/** What errors of this upload name: the bucket, the key, the local file, the endpoint and the profile. */
export function errCtxOf(job: UploadJob): S3ErrorContext {
  return { bucket: job.rec.bucket, key: job.rec.key, path: job.rec.localPath, endpoint: job.ctx.profile.endpoint, profile: job.ctx.profile.summary.name };
}
