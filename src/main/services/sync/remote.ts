/** The S3 calls sync makes besides uploads: one paged listing, HEADs, trash moves and deletes. */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AppError } from '../../../shared/errors';
import { SOURCE_SHA256_META } from '../transfers/upload';
import type { RemoteEntry } from './planner';

/** The metadata key under which uploads store their SHA-256 (x-amz-meta-s3drop-sha256). */
export const SHA_META = 's3drop-sha256';

/** Strips the quotes S3 puts around ETags. */
export function cleanEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

/** Lists every object under `prefix`, keys made relative to it. */
export async function listPrefix(client: S3Client, bucket: string, prefix: string, signal?: AbortSignal): Promise<Map<string, RemoteEntry>> {
  const out = new Map<string, RemoteEntry>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }), { abortSignal: signal });
    for (const o of page.Contents ?? []) {
      if (!o.Key || !o.Key.startsWith(prefix)) continue;
      const key = o.Key.slice(prefix.length);
      if (key === '' || key.endsWith('/')) continue;
      out.set(key, { key, size: o.Size ?? 0, etag: cleanEtag(o.ETag) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Reads a key's ETag, size, stored SHA-256 and (for a gzip/UTF-8 copy) its source's SHA-256; undefined when it is gone. */
export async function headKey(client: S3Client, bucket: string, key: string): Promise<RemoteEntry | undefined> {
  try {
    const h = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const entry: RemoteEntry = { key, size: h.ContentLength ?? 0, etag: cleanEtag(h.ETag), sha256: h.Metadata?.[SHA_META] };
    const source = h.Metadata?.[SOURCE_SHA256_META];
    if (source) entry.sourceSha256 = source;
    return entry;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** True for NoSuchKey/NotFound answers. */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.Code === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** True when the bucket keeps old versions (then a plain delete is recoverable and no trash copy is needed). */
export async function versioningOn(client: S3Client, bucket: string): Promise<boolean> {
  try {
    const v = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    return v.Status === 'Enabled';
  } catch {
    // Servers without versioning (s3rver) answer with an error: treat as off, so the trash is used.
    return false;
  }
}

/**
 * The CopySource of a key: each segment URL-encoded except `=`, which needs no escaping in a path and which a
 * server decoding with decodeURI (s3rver) would not turn back: a Hive partition key (`dt=2026-03-05/x.csv`)
 * then looked missing, and its trash move was taken as already done, leaving the object in place.
 */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%3D/g, '='))
    .join('/')}`;
}

/** Moves a key into the trash (copy, then delete); a key already gone counts as done. */
export async function moveToTrash(client: S3Client, bucket: string, key: string, trashKey: string): Promise<void> {
  try {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: trashKey, CopySource: copySource(bucket, key) }));
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Deletes one key. */
export async function deleteKey(client: S3Client, bucket: string, key: string): Promise<void> {
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Runs `fn` over items with at most `limit` at once. */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Wraps an unexpected failure in a catalogue error, keeping only technical detail (never secrets). */
export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  if (status && status >= 500) return new AppError('SERVER_ERROR', { status }, { retryable: true, details: e.name, cause: err });
  if (e?.name === 'AccessDenied') return new AppError('ACCESS_DENIED', { where: '', permission: 's3:ListBucket / s3:PutObject' }, { details: e.name, cause: err });
  if (e?.name === 'NoSuchBucket') return new AppError('BUCKET_NOT_FOUND', { bucket: '' }, { details: e.name, cause: err });
  return new AppError('UNKNOWN', {}, { details: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`, cause: err });
}
