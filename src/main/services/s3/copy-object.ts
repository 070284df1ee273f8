/**
 * Server-side copies, verified moves built on them (renaming and moving in the file manager, file-ops.ts) and the
 * trash move (sync's mirror deletes). S3 refuses a single CopyObject above 5 GiB, so larger objects are copied
 * part by part (UploadPartCopy), carrying over the content type, metadata, storage class and encryption a single
 * copy would keep; a failed multipart copy is aborted so no half-copy is left billed.
 */
import type { CompletedPart, HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { AppError } from '../../../shared/errors';
import { eachLimit } from '../concurrency';
import { cleanEtag, clientOf, copySource, deleteObject, headObjectRaw, isNotFound, objectCall, SHA256_META } from './objects';
import { MAX_SINGLE_COPY, partRange, partSizeFor } from './part-plan';
import type { S3Target } from './types';
import { s3Sdk } from '../lazy-sdk';

/** Knobs for a copy; the defaults suit S3, tests lower the threshold to exercise the multipart path quickly. */
export interface CopyOptions {
  /** Objects larger than this are copied part by part (default and maximum: S3's 5 GiB CopyObject limit). */
  partCopyThreshold?: number;
  /** The part size of a multipart copy (default: 512 MiB, grown to fit 10,000 parts). */
  partSize?: number;
  /** Parts copied at once (each is a server-side request, so more costs no bandwidth here). */
  concurrency?: number;
  /** The bucket the copy goes to (default: the source's own; the same profile's client reaches both). */
  destBucket?: string;
  /** Copy this version of the source (a restore of an older version) instead of the current one. */
  sourceVersionId?: string;
  /** Replace the metadata with this (MetadataDirective REPLACE; content headers, storage class and encryption stay). */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

/** The preferred part of a multipart copy: big parts mean few requests, and the bytes never pass through us. */
const COPY_PART_SIZE = 512 * 1024 * 1024;

/** The headers of the source that a multipart copy must set itself (a single CopyObject keeps them); exported for its test. */
export function carriedHeaders(head: HeadObjectCommandOutput) {
  return {
    ...(head.ContentType ? { ContentType: head.ContentType } : {}),
    ...(head.ContentEncoding ? { ContentEncoding: head.ContentEncoding } : {}),
    ...(head.ContentDisposition ? { ContentDisposition: head.ContentDisposition } : {}),
    ...(head.ContentLanguage ? { ContentLanguage: head.ContentLanguage } : {}),
    ...(head.CacheControl ? { CacheControl: head.CacheControl } : {}),
    Metadata: head.Metadata ?? {},
    ...storageAndEncryption(head),
  };
}

/** Storage class and encryption, which even a single CopyObject resets (to STANDARD and the bucket default) unless named. */
function storageAndEncryption(head: HeadObjectCommandOutput) {
  return {
    ...(head.StorageClass ? { StorageClass: head.StorageClass } : {}),
    ...(head.ServerSideEncryption === 'AES256' ? { ServerSideEncryption: head.ServerSideEncryption } : {}),
    ...(head.ServerSideEncryption === 'aws:kms' ? { ServerSideEncryption: head.ServerSideEncryption, ...(head.SSEKMSKeyId ? { SSEKMSKeyId: head.SSEKMSKeyId } : {}) } : {}),
  };
}

/**
 * Copies `key` to `destKey` (in the same bucket, or `options.destBucket`), keeping its content type, metadata,
 * storage class and encryption. Resolves to false when the source does not exist (nothing was copied); throws
 * AppError on any other failure.
 */
export async function copyObject(target: S3Target, bucket: string, key: string, destKey: string, options: CopyOptions = {}): Promise<boolean> {
  return (await copyKeepingHead(target, bucket, key, destKey, options)) !== undefined;
}

/** The copy itself; resolves to the source's HEAD (what the copy must match) and whether it went part by part. */
async function copyKeepingHead(
  target: S3Target,
  bucket: string,
  key: string,
  destKey: string,
  options: CopyOptions,
): Promise<{ head: HeadObjectCommandOutput; multipart: boolean } | undefined> {
  const { signal } = options;
  const destBucket = options.destBucket ?? bucket;
  const { sourceVersionId, metadata } = options;
  const head = await headObjectRaw(target, bucket, key, signal, sourceVersionId);
  if (!head) return undefined;
  // A copy that replaces the metadata must name every header a REPLACE would otherwise drop (content type and the like).
  const replace = metadata ? { MetadataDirective: 'REPLACE' as const, ...carriedHeaders(head), Metadata: metadata } : { MetadataDirective: 'COPY' as const, ...storageAndEncryption(head) };
  const source = sourceVersionId ? `${copySource(bucket, key)}?versionId=${encodeURIComponent(sourceVersionId)}` : copySource(bucket, key);
  const size = head.ContentLength ?? 0;
  const threshold = Math.min(options.partCopyThreshold ?? MAX_SINGLE_COPY, MAX_SINGLE_COPY);
  const multipart = size > threshold;
  try {
    if (!multipart) {
      await objectCall(target, { action: 'CopyObject', bucket: destBucket, key: destKey }, (client) =>
        client.send(
          new (s3Sdk().CopyObjectCommand)({ Bucket: destBucket, Key: destKey, CopySource: source, ...replace }),
          { abortSignal: signal },
        ),
      );
    } else {
      await multipartCopy(target, source, destBucket, destKey, metadata ? { ...head, Metadata: metadata } : head, options);
    }
  } catch (err) {
    // Gone between the HEAD and the copy: the same as gone before it.
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return { head, multipart };
}

/**
 * True when the copy's HEAD shows the source's bytes: the same size always; the same ETag when it is a plain MD5
 * that a single CopyObject keeps (not multipart, not KMS); the same stored SHA-256 where the source has one.
 */
function copyMatches(source: HeadObjectCommandOutput, copy: HeadObjectCommandOutput | undefined, multipart: boolean): boolean {
  if (!copy || (copy.ContentLength ?? 0) !== (source.ContentLength ?? 0)) return false;
  const sha = source.Metadata?.[SHA256_META];
  if (sha && copy.Metadata?.[SHA256_META] !== sha) return false;
  const etag = cleanEtag(source.ETag);
  const md5Etag = /^[0-9a-f]{32}$/i.test(etag) && source.ServerSideEncryption !== 'aws:kms';
  if (!multipart && md5Etag && cleanEtag(copy.ETag) !== etag) return false;
  return true;
}

/**
 * Copies `key` to `destKey` as copyObject does, then reads the copy back and compares it with the source
 * (copyMatches). Resolves to the source's size, or undefined when the source does not exist; a copy that does not
 * match throws COPY_NOT_VERIFIED, so nothing that deletes the source afterwards runs on a bad copy.
 */
export async function copyVerified(target: S3Target, bucket: string, key: string, destKey: string, options: CopyOptions = {}): Promise<number | undefined> {
  const done = await copyKeepingHead(target, bucket, key, destKey, options);
  if (!done) return undefined;
  const copy = await headObjectRaw(target, options.destBucket ?? bucket, destKey, options.signal);
  if (!copyMatches(done.head, copy, done.multipart)) throw new AppError('COPY_NOT_VERIFIED', { key, destKey });
  return done.head.ContentLength ?? 0;
}

/**
 * Moves a key: a verified copy, and only then the delete of the source, so a failure at any step leaves the object
 * at its old name or its new one, never at neither. Resolves to the bytes moved and, on a versioned bucket, the
 * delete marker left at the old name; undefined when the source was already gone.
 */
export async function moveObject(target: S3Target, bucket: string, key: string, destKey: string, options: CopyOptions = {}): Promise<{ size: number; marker?: string } | undefined> {
  const size = await copyVerified(target, bucket, key, destKey, options);
  if (size === undefined) return undefined;
  const { marker } = await deleteObject(target, bucket, key, options.signal);
  return { size, ...(marker ? { marker } : {}) };
}

/** Copies `source` (a CopySource: bucket/key, with a versionId when given) part by part, with the headers of `head`. */
async function multipartCopy(
  target: S3Target,
  source: string,
  destBucket: string,
  destKey: string,
  head: HeadObjectCommandOutput,
  options: CopyOptions,
): Promise<void> {
  const { signal } = options;
  const size = head.ContentLength ?? 0;
  const partSize = partSizeFor(size, options.partSize ?? COPY_PART_SIZE);
  const partCount = Math.ceil(size / partSize);
  const created = await objectCall(target, { action: 'CreateMultipartUpload', bucket: destBucket, key: destKey }, (client) =>
    client.send(new (s3Sdk().CreateMultipartUploadCommand)({ Bucket: destBucket, Key: destKey, ...carriedHeaders(head) }), { abortSignal: signal }),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new AppError('UNKNOWN', {}, { details: 'CreateMultipartUpload returned no UploadId' });
  try {
    const parts: CompletedPart[] = new Array(partCount);
    const numbers = Array.from({ length: partCount }, (_, i) => i + 1);
    await eachLimit(numbers, options.concurrency ?? 4, async (n) => {
      const { start, end } = partRange(n, partSize, size);
      const out = await objectCall(target, { action: 'UploadPartCopy', bucket: destBucket, key: destKey }, (client) =>
        client.send(
          new (s3Sdk().UploadPartCopyCommand)({
            Bucket: destBucket,
            Key: destKey,
            UploadId: uploadId,
            PartNumber: n,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end - 1}`,
            // Every part must come from the same version: a source rewritten meanwhile fails the copy instead of mixing two.
            ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
          }),
          { abortSignal: signal },
        ),
      );
      const etag = out.CopyPartResult?.ETag;
      if (!etag) throw new AppError('UNKNOWN', {}, { details: `UploadPartCopy ${n} returned no ETag` });
      parts[n - 1] = { PartNumber: n, ETag: etag };
    });
    await objectCall(target, { action: 'CompleteMultipartUpload', bucket: destBucket, key: destKey }, (client) =>
      client.send(new (s3Sdk().CompleteMultipartUploadCommand)({ Bucket: destBucket, Key: destKey, UploadId: uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: signal }),
    );
  } catch (err) {
    // Best effort: the original error is the one to report; a store without Abort (s3rver) keeps the parts.
    await clientOf(target)
      .client.send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: destBucket, Key: destKey, UploadId: uploadId }))
      .catch(() => {});
    throw err;
  }
}

/** Moves a key into the trash (a verified copy, then the delete); a key already gone counts as done. */
export async function moveToTrash(target: S3Target, bucket: string, key: string, trashKey: string, options: CopyOptions = {}): Promise<void> {
  await moveObject(target, bucket, key, trashKey, options);
}
