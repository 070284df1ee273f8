/**
 * The one home of S3 object operations besides uploading: the app's metadata keys, HEAD, listings (paged, and
 * in parallel by sub-prefix), deletes in batches, and "not found". Buckets, transfers and sync all call these, and
 * every failure leaves through `toAppError` with the action, bucket, key, endpoint and profile, so the same cause
 * reads the same wherever it happens. Copies and trash moves live in copy-object.ts.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AppError } from '../../../shared/errors';
import { eachLimit } from '../concurrency';
import { httpStatus, s3ErrorCode, toAppError, type S3ErrorContext } from './errors';
import type { S3Target } from './types';

/** The metadata key holding the app's own content hash (never trust a multipart or KMS ETag as an MD5). */
export const SHA256_META = 's3drop-sha256';

/**
 * The metadata key holding the hash of the local file when the options turn it into a gzip/UTF-8 copy: the
 * object's own hash is of the copy, so sync compares this one with the file's to find nothing to do.
 */
export const SOURCE_SHA256_META = 's3drop-source-sha256';

/** DeleteObjects takes at most this many keys per request. */
export const DELETE_BATCH = 1000;

/** An object as a listing shows it; keys are relative to the listed prefix. */
export interface StoredObject {
  key: string;
  size: number;
  /** The ETag without quotes ('' when the server returned none). */
  etag: string;
  /** The app's content hash (SHA256_META), when a HEAD has read it. */
  sha256?: string;
  /** The hash of the file a gzip/UTF-8 copy was made from (SOURCE_SHA256_META), when a HEAD has read it. */
  sourceSha256?: string;
}

/** What a HEAD tells about an object: one shape for the bucket browser, transfers and sync. */
export interface ObjectHead extends StoredObject {
  lastModified?: string;
  contentType?: string;
  metadata: Record<string, string>;
}

/** The client behind a target, and what an error should name about where it went. */
export function clientOf(target: S3Target): { client: S3Client; where: Pick<S3ErrorContext, 'endpoint' | 'profile'> } {
  if ('send' in target) return { client: target, where: {} };
  return { client: target.client, where: { endpoint: target.profile.endpoint, profile: target.profile.summary.name } };
}

/** Runs one S3 call, turning its failure into the catalogue's error for that action and place. */
export async function objectCall<T>(target: S3Target, ctx: S3ErrorContext, fn: (client: S3Client) => Promise<T>): Promise<T> {
  const { client, where } = clientOf(target);
  try {
    return await fn(client);
  } catch (err) {
    throw toAppError(err, { ...where, ...ctx });
  }
}

/** Strips the quotes (and a weak marker) S3 puts around ETags. */
export function cleanEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

/**
 * True when the answer means "no such key": NoSuchKey, or a bare 404 (a HEAD has no body to say more). A missing
 * bucket or upload is a different problem and is reported, not taken as "already gone".
 */
export function isNotFound(err: unknown): boolean {
  const raw = err instanceof AppError ? err.cause : err;
  const code = s3ErrorCode(raw);
  if (code === 'NoSuchBucket' || code === 'NoSuchUpload') return false;
  return code === 'NotFound' || code === 'NoSuchKey' || httpStatus(raw) === 404;
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

/**
 * A HEAD answer has no body, so a 400's reason is lost: an expired session (ExpiredToken) or a bad authorization
 * header would read as a server hiccup, be retried, and end as "the server had a problem". The same request as a
 * one-byte GET carries the server's XML answer; its error is the one to report when it names a cause.
 */
async function reasonFromGet(client: S3Client, bucket: string, key: string, errCtx: S3ErrorContext, headErr: AppError, signal?: AbortSignal): Promise<AppError> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }), { abortSignal: signal });
    await out.Body?.transformToByteArray();
  } catch (err) {
    const probed = toAppError(err, { ...errCtx, action: 'GetObject' });
    if (probed.code !== 'UNKNOWN' && probed.code !== 'SERVER_ERROR') return probed;
  }
  // The GET went through, or failed without a reason either (an empty object answers InvalidRange): a passing fault.
  return headErr;
}

/** The SDK's HEAD answer, or undefined when the key does not exist; copies read the headers they must carry over. */
export async function headObjectRaw(target: S3Target, bucket: string, key: string, signal?: AbortSignal): Promise<HeadObjectCommandOutput | undefined> {
  const { client, where } = clientOf(target);
  try {
    return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    const errCtx = { ...where, bucket, key };
    const headErr = toAppError(err, { ...errCtx, action: 'HeadObject' });
    if (httpStatus(err) === 400 && headErr.code === 'SERVER_ERROR' && !signal?.aborted) throw await reasonFromGet(client, bucket, key, errCtx, headErr, signal);
    throw headErr;
  }
}

/** HEAD of an object, or undefined when it does not exist. */
export async function headObject(target: S3Target, bucket: string, key: string, signal?: AbortSignal): Promise<ObjectHead | undefined> {
  const out = await headObjectRaw(target, bucket, key, signal);
  if (!out) return undefined;
  const metadata = out.Metadata ?? {};
  return {
    key,
    size: out.ContentLength ?? 0,
    etag: cleanEtag(out.ETag),
    ...(metadata[SHA256_META] ? { sha256: metadata[SHA256_META] } : {}),
    ...(metadata[SOURCE_SHA256_META] ? { sourceSha256: metadata[SOURCE_SHA256_META] } : {}),
    ...(out.LastModified ? { lastModified: out.LastModified.toISOString() } : {}),
    ...(out.ContentType ? { contentType: out.ContentType } : {}),
    metadata,
  };
}

/** True when `a` sorts before `b` as S3 orders keys: by their UTF-8 bytes (JS compares UTF-16 units, which differs above U+FFFF). */
function keyBefore(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}

/**
 * Pages through the objects under `prefix` whose keys are after `from` (exclusive) and before `to`, adding each to
 * `out` keyed relative to `prefix`; folder markers are left out. Without bounds: everything under the prefix.
 */
async function listRange(target: S3Target, bucket: string, prefix: string, out: Map<string, StoredObject>, signal?: AbortSignal, from?: string, to?: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await objectCall(target, { action: 'ListObjectsV2', bucket, key: prefix }, (client) =>
      client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ...(token ? { ContinuationToken: token } : from ? { StartAfter: from } : {}) }),
        { abortSignal: signal },
      ),
    );
    for (const o of page.Contents ?? []) {
      if (!o.Key || !o.Key.startsWith(prefix)) continue;
      // The rest of this page, and any page after it, belongs to the next range.
      if (to !== undefined && !keyBefore(o.Key, to)) return;
      const key = o.Key.slice(prefix.length);
      if (key === '' || key.endsWith('/')) continue;
      out.set(key, { key, size: o.Size ?? 0, etag: cleanEtag(o.ETag) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Lists every object under `prefix`, one page after another, keys made relative to it. */
export async function listPrefix(target: S3Target, bucket: string, prefix: string, signal?: AbortSignal): Promise<Map<string, StoredObject>> {
  const out = new Map<string, StoredObject>();
  await listRange(target, bucket, prefix, out, signal);
  return out;
}

/**
 * Lists every object under `prefix` as `listPrefix` does, faster for a wide tree, as rclone's checkers do: one
 * delimiter listing ('/') finds the sub-prefixes, then the key range from each sub-prefix to the next is paged on
 * its own, `concurrency` ranges at a time. Ranges rather than each sub-prefix alone, so that the result never
 * depends on the delimiter listing being complete: s3rver leaves out a sub-prefix whose keys all lie two levels
 * further down, and its keys are still found, in the range before it. Only the first delimiter page is used (up to
 * 1,000 sub-prefixes); past it, the last range is paged serially.
 */
export async function listPrefixParallel(target: S3Target, bucket: string, prefix: string, signal?: AbortSignal, concurrency = 8): Promise<Map<string, StoredObject>> {
  const top = await objectCall(target, { action: 'ListObjectsV2', bucket, key: prefix }, (client) =>
    client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, Delimiter: '/' }), { abortSignal: signal }),
  );
  const bounds = (top.CommonPrefixes ?? [])
    .map((cp) => cp.Prefix)
    .filter((p): p is string => p !== undefined && p.startsWith(prefix))
    .sort((a, b) => (keyBefore(a, b) ? -1 : keyBefore(b, a) ? 1 : 0));
  const ranges = [undefined, ...bounds].map((from, i) => ({ from, to: bounds[i] }));
  const out = new Map<string, StoredObject>();
  await eachLimit(ranges, concurrency, (r) => listRange(target, bucket, prefix, out, signal, r.from, r.to));
  return out;
}

/** Deletes one key (a key already gone is not an error: S3 answers 204 either way). */
export async function deleteObject(target: S3Target, bucket: string, key: string, signal?: AbortSignal): Promise<void> {
  await objectCall(target, { action: 'DeleteObject', bucket, key }, (client) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }));
}

/** What a batch delete did: the keys gone, and each key the store refused with its reason. */
export interface DeleteResult {
  deleted: string[];
  failed: { key: string; error: AppError }[];
}

/**
 * Deletes keys with DeleteObjects, 1,000 per request. A key the store refuses (no permission, locked) is reported
 * with its own reason and the rest still go; a request that fails as a whole (network, missing bucket) throws.
 */
export async function deleteObjects(target: S3Target, bucket: string, keys: readonly string[], signal?: AbortSignal): Promise<DeleteResult> {
  const result: DeleteResult = { deleted: [], failed: [] };
  const { where } = clientOf(target);
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH);
    const out = await objectCall(target, { action: 'DeleteObjects', bucket, key: batch[0] }, (client) =>
      client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }), { abortSignal: signal }),
    );
    const refused = new Set<string>();
    for (const e of out.Errors ?? []) {
      if (!e.Key) continue;
      refused.add(e.Key);
      const raw = Object.assign(new Error(e.Message ?? e.Code ?? 'refused'), { name: e.Code ?? 'Error', Code: e.Code });
      result.failed.push({ key: e.Key, error: toAppError(raw, { ...where, action: 'DeleteObject', bucket, key: e.Key }) });
    }
    // Quiet mode lists only failures; a store that ignores it (s3rver) lists every key as deleted, which is the same.
    for (const key of batch) if (!refused.has(key)) result.deleted.push(key);
  }
  return result;
}

/** True when the bucket keeps old versions (then a plain delete is recoverable and no trash copy is needed). */
export async function versioningOn(target: S3Target, bucket: string): Promise<boolean> {
  const { client } = clientOf(target);
  try {
    const v = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    return v.Status === 'Enabled';
  } catch {
    // Servers without versioning (s3rver) answer with an error: treat as off, so the trash is used.
    return false;
  }
}
