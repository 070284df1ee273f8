/**
 * The one home of S3 object operations besides uploading: the app's metadata keys, HEAD, listings (paged, and
 * in parallel by sub-prefix), deletes in batches, delete markers (list and remove), folder markers, and "not found". Buckets, transfers and sync all call these, and
 * every failure leaves through `toAppError` with the action, bucket, key, endpoint and profile, so the same cause
 * reads the same wherever it happens. Copies and trash moves live in copy-object.ts.
 */
import type { HeadObjectCommandOutput, ListObjectsV2CommandInput, ListObjectsV2CommandOutput, ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import type { DeserializeMiddleware } from '@smithy/types';
import { AppError } from '../../../shared/errors';
import { eachLimit } from '../concurrency';
import { httpStatus, s3ErrorCode, toAppError, type S3ErrorContext } from './errors';
import { withRetry, type RetryPolicy } from '../transfers/retry';
import { CLIENT_ATTEMPTS } from './client-factory';
import { leanHeadObject, leanListObjects, type LeanObjectFields } from './lean-request';
import { CONTROL_CHARS } from './validate';
import { parseListBucketResult, type ListPage } from './list-xml';
import type { S3Context, S3Target } from './types';
import { s3Sdk } from '../lazy-sdk';

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
  // A getter: a context builds its SDK client at first use, and a caller after `where` alone must not build it.
  return {
    get client() {
      return target.client;
    },
    where: { endpoint: target.profile.endpoint, profile: target.profile.summary.name },
  };
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

/** What an object's own headers (a HEAD's or a GET's) let a reader check its bytes against. */
export interface ContentCheck {
  /** The app's stored SHA-256 (SHA256_META). */
  sha256?: string;
  /** The ETag when it is the MD5 of the content: a single-part upload without SSE-KMS or SSE-C. */
  md5?: string;
}

/** The content check an object's headers allow: its stored SHA-256, else the MD5 of a single-part ETag, else none. */
export function contentCheckOf(head: Pick<HeadObjectCommandOutput, 'ETag' | 'Metadata' | 'ServerSideEncryption' | 'SSECustomerAlgorithm'>): ContentCheck {
  const etag = cleanEtag(head.ETag);
  // An SSE-KMS or SSE-C ETag is no MD5 of the content, and a multipart one ('…-3') never is.
  const md5 = /^[0-9a-f]{32}$/i.test(etag) && head.ServerSideEncryption !== 'aws:kms' && !head.SSECustomerAlgorithm ? etag.toLowerCase() : undefined;
  const sha256 = head.Metadata?.[SHA256_META];
  return { ...(sha256 ? { sha256 } : {}), ...(md5 ? { md5 } : {}) };
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
    const out = await client.send(new (s3Sdk().GetObjectCommand)({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }), { abortSignal: signal });
    await out.Body?.transformToByteArray();
  } catch (err) {
    const probed = toAppError(err, { ...errCtx, action: 'GetObject' });
    if (probed.code !== 'UNKNOWN' && probed.code !== 'SERVER_ERROR') return probed;
  }
  // The GET went through, or failed without a reason either (an empty object answers InvalidRange): a passing fault.
  return headErr;
}

/**
 * The SDK's HEAD answer (of `versionId` when given, else the current version), or undefined when the key does not
 * exist; copies read the headers they must carry over.
 */
export async function headObjectRaw(target: S3Target, bucket: string, key: string, signal?: AbortSignal, versionId?: string): Promise<HeadObjectCommandOutput | undefined> {
  const { client, where } = clientOf(target);
  try {
    return await client.send(new (s3Sdk().HeadObjectCommand)({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }), { abortSignal: signal });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    const errCtx = { ...where, bucket, key };
    const headErr = toAppError(err, { ...errCtx, action: 'HeadObject' });
    if (httpStatus(err) === 400 && headErr.code === 'SERVER_ERROR' && !signal?.aborted) throw await reasonFromGet(client, bucket, key, errCtx, headErr, signal);
    throw headErr;
  }
}

/**
 * HEAD of an object (of `versionId` when given) for the fields a download reads (lean-request.ts LeanObjectFields):
 * below the SDK where it can go (custom endpoints), so a big download needs no SDK at all, else headObjectRaw.
 * Undefined when it does not exist. A 400, whose reason a HEAD cannot carry, goes to headObjectRaw, which asks a GET.
 */
export async function headObjectFields(target: S3Target, bucket: string, key: string, signal?: AbortSignal, versionId?: string): Promise<LeanObjectFields | undefined> {
  if (!('send' in target)) {
    const { where } = clientOf(target);
    const lean = await leanHeadObject(target, { Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }, signal).catch((err: unknown) => {
      if (isNotFound(err)) return null;
      if (httpStatus(err) === 400 && !signal?.aborted) return undefined;
      throw err instanceof AppError ? err : toAppError(err, { ...where, bucket, key, action: 'HeadObject' });
    });
    if (lean !== undefined) return lean ?? undefined;
  }
  return headObjectRaw(target, bucket, key, signal, versionId);
}

/** HEAD of an object (of `versionId` when given), or undefined when it does not exist. */
export async function headObject(target: S3Target, bucket: string, key: string, signal?: AbortSignal, versionId?: string): Promise<ObjectHead | undefined> {
  const out = await headObjectRaw(target, bucket, key, signal, versionId);
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

/** A UTF-16 unit from which JS's order and UTF-8's part ways (surrogates sort below U+E000–U+FFFF in JS, above in UTF-8). */
const UTF16_ORDER_DIFFERS = /[\uD800-\uFFFF]/;

/**
 * Orders keys as S3 does: by their UTF-8 bytes. Below U+D800 that is JS's own order, so most keys are compared
 * without being encoded (a listing compares every key with its range's end).
 */
function compareKeys(a: string, b: string): number {
  if (!UTF16_ORDER_DIFFERS.test(a) && !UTF16_ORDER_DIFFERS.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** What the SDK reads from a page the lean reader refused (an empty answer's body, so its own parse costs nothing). */
const EMPTY_LIST = new TextEncoder().encode('<ListBucketResult></ListBucketResult>');

/** A page's body, read whole. */
async function bodyBytes(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function') return undefined;
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** The ListObjectsV2 fields the lean path sends, as the SDK's serializer names them in the query; any other field goes through the SDK. */
const listQuery: Partial<Record<keyof ListObjectsV2CommandInput, string>> = {
  Prefix: 'prefix',
  Delimiter: 'delimiter',
  StartAfter: 'start-after',
  ContinuationToken: 'continuation-token',
  MaxKeys: 'max-keys',
};

/** The general client's own retries for a listing: its attempts, with the SDK's standard backoff (100 ms base, 20 s cap). */
const LIST_RETRY: RetryPolicy = { attempts: CLIENT_ATTEMPTS, baseMs: 100, maxMs: 20_000 };

/**
 * One page below the SDK (lean-request.ts: the SDK's route, credentials, sockets, clock and web-page guard, without
 * its per-request middleware), retried and its failure mapped as the SDK path's would be. Undefined when that path
 * cannot answer: a bare client, a field it does not send, a route or endpoint it leaves to the SDK, or an answer the
 * small reader refuses (the SDK then asks again and reads it).
 */
async function leanListPage(ctx: S3Context, input: Omit<ListObjectsV2CommandInput, 'EncodingType'>, signal?: AbortSignal): Promise<ListPage | undefined> {
  const query: Record<string, string> = { 'encoding-type': 'url' };
  for (const [field, value] of Object.entries(input) as [keyof ListObjectsV2CommandInput, unknown][]) {
    if (value === undefined || field === 'Bucket') continue;
    const name = listQuery[field];
    if (!name) return undefined;
    query[name] = String(value);
  }
  const errCtx: S3ErrorContext = { endpoint: ctx.profile.endpoint, profile: ctx.profile.summary.name, action: 'ListObjectsV2', bucket: input.Bucket, key: input.Prefix };
  try {
    const answer = await withRetry(
      () =>
        leanListObjects(ctx, input.Bucket!, query, signal).then(
          (text) => ({ text }),
          (err: unknown) => {
            // The web-page guard's own error: the SDK's retries never saw it as a failed request, so neither do these.
            if (err instanceof AppError) return { refused: err };
            throw err;
          },
        ),
      errCtx,
      signal,
      LIST_RETRY,
    );
    if ('refused' in answer) throw answer.refused;
    return answer.text === undefined ? undefined : parseListBucketResult(answer.text);
  } catch (err) {
    throw toAppError(err, errCtx);
  }
}

/**
 * One ListObjectsV2 page: below the SDK where lean-request.ts can send it (custom endpoints, `leanListPage`), else
 * through the SDK (its route, signature, retries, clock correction, error answers and web-page guard all stay as
 * they are), where only a 2xx answer's body is read by the small reader of list-xml.ts, just inside the SDK's
 * deserializer, which is then handed an empty listing. A body the reader refuses
 * goes to the SDK unchanged. Keys come URL-encoded (encoding-type=url), so a key with a character XML cannot
 * carry is still listed.
 */
export async function listObjectsPage(target: S3Target, input: Omit<ListObjectsV2CommandInput, 'EncodingType'>, signal?: AbortSignal): Promise<ListPage> {
  const below = 'send' in target ? undefined : await leanListPage(target, input, signal);
  if (below) return below;
  const command = new (s3Sdk().ListObjectsV2Command)({ ...input, EncodingType: 'url' });
  let lean: ListPage | undefined;
  const reader: DeserializeMiddleware<ListObjectsV2CommandInput, ListObjectsV2CommandOutput> = (next) => async (args) => {
    const out = await next(args);
    const response = out.response as { statusCode?: number; body?: unknown };
    lean = undefined; // a retried request's earlier answer does not count
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) return out;
    const bytes = await bodyBytes(response.body);
    if (!bytes) return out;
    lean = parseListBucketResult(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    response.body = lean ? EMPTY_LIST : bytes;
    return out;
  };
  command.middlewareStack.addRelativeTo(reader, { toMiddleware: 'deserializerMiddleware', relation: 'after', name: 's3dropLeanListReader' });
  const page = await objectCall(target, { action: 'ListObjectsV2', bucket: input.Bucket, key: input.Prefix }, (client) => client.send(command, { abortSignal: signal }));
  if (lean) return lean;
  // The SDK's own reading (a body the small reader refused), decoded as the small reader would.
  const decode = page.EncodingType === 'url' ? (s: string) => decodeURIComponent(s.replace(/\+/g, ' ')) : (s: string) => s;
  return {
    objects: (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: decode(o.Key), size: o.Size ?? 0, etag: o.ETag ?? '' }])),
    prefixes: (page.CommonPrefixes ?? []).flatMap((cp) => (cp.Prefix === undefined ? [] : [decode(cp.Prefix)])),
    isTruncated: page.IsTruncated ?? false,
    ...(page.NextContinuationToken !== undefined ? { nextContinuationToken: page.NextContinuationToken } : {}),
  };
}

/** One key range of a parallel listing: the keys after `from` up to and including `to`; `expect` keys were there last time. */
interface KeyRange {
  from?: string;
  to?: string;
  /** How many keys the range held when last listed: its first page asks for about that many, not the server's 1,000. */
  expect?: number;
}

/**
 * Pages through the objects under `prefix` whose keys are after `range.from` and up to `range.to` (both full keys),
 * adding each to `out` keyed relative to `prefix`; folder markers are left out unless `markers`. Without bounds:
 * everything under the prefix.
 */
async function listRange(target: S3Target, bucket: string, prefix: string, out: Map<string, StoredObject>, range: KeyRange, markers: boolean, signal?: AbortSignal): Promise<void> {
  const { from, to, expect } = range;
  let token: string | undefined;
  // A little over what the range held, so a few new keys still fit in one page; past it, the server's usual pages.
  const first = expect === undefined ? {} : { MaxKeys: Math.min(1000, expect + 8 + Math.ceil(expect / 16)) };
  do {
    const page = await listObjectsPage(target, { Bucket: bucket, Prefix: prefix || undefined, ...(token ? { ContinuationToken: token } : { ...first, ...(from ? { StartAfter: from } : {}) }) }, signal);
    for (const o of page.objects) {
      if (!o.key.startsWith(prefix)) continue;
      // The rest of this page, and any page after it, belongs to the next range, which starts after this range's bound
      // (StartAfter): the bound itself (a folder marker, or a key) is this range's last key.
      const past = to === undefined ? -1 : compareKeys(o.key, to);
      if (past > 0) return;
      const key = o.key.slice(prefix.length);
      if (markers || (key !== '' && !key.endsWith('/'))) out.set(key, { key, size: o.size, etag: cleanEtag(o.etag) });
      if (past === 0) return;
    }
    token = page.isTruncated ? page.nextContinuationToken : undefined;
  } while (token);
}

/**
 * Lists every object under `prefix`, one page after another, keys made relative to it. With `markers`, folder
 * markers (`name/`, and the prefix's own as '') are kept: deleting or moving a folder must take them along.
 */
export async function listPrefix(target: S3Target, bucket: string, prefix: string, signal?: AbortSignal, options: { markers?: boolean } = {}): Promise<Map<string, StoredObject>> {
  const out = new Map<string, StoredObject>();
  await listRange(target, bucket, prefix, out, {}, options.markers ?? false, signal);
  return out;
}

/**
 * The fewest keys worth a range of their own: a page's worth (S3's most per answer), so each range is one request
 * when nothing changed. Smaller ranges cost more than they save: on RGW a no-change pass over 2,000 known keys took
 * 185 ms with 8 ranges of 250 and 167 ms with 2 of 1,000 (docs/benchmarks.md); each request is a connection, a
 * signature and a walk of the bucket index's shards.
 */
const KEYS_PER_RANGE = 1000;

/**
 * Ranges cut between keys known to be under the prefix (relative to it; what the last pass listed), `concurrency` at
 * most, each holding about as many of them. Any cut covers every key: the ranges only split the key space.
 */
function rangesFromKnown(prefix: string, known: readonly string[], concurrency: number): KeyRange[] {
  const keys = known.map((k) => prefix + k);
  // Tested once per key rather than at every comparison: an index may know 100,000 keys.
  if (keys.some((k) => UTF16_ORDER_DIFFERS.test(k))) keys.sort(compareKeys);
  else keys.sort();
  const count = Math.max(1, Math.min(concurrency, Math.ceil(keys.length / KEYS_PER_RANGE)));
  const size = Math.ceil(keys.length / count);
  const ranges: KeyRange[] = [];
  for (let start = 0; start < keys.length; start += size) {
    const last = start + size >= keys.length;
    ranges.push({ from: start === 0 ? undefined : keys[start - 1], to: last ? undefined : keys[start + size - 1], expect: Math.min(size, keys.length - start) });
  }
  return ranges;
}

/**
 * Ranges from one delimiter listing ('/'): from each sub-prefix to the next. Only its first page is used (up to 1,000
 * sub-prefixes); past it, the last range is paged serially.
 */
async function rangesFromDelimiter(target: S3Target, bucket: string, prefix: string, signal?: AbortSignal): Promise<KeyRange[]> {
  const top = await listObjectsPage(target, { Bucket: bucket, Prefix: prefix || undefined, Delimiter: '/' }, signal);
  const bounds = top.prefixes.filter((p) => p.startsWith(prefix)).sort(compareKeys);
  return [undefined, ...bounds].map((from, i) => ({ from, to: bounds[i] }));
}

/**
 * Lists every object under `prefix` as `listPrefix` does, faster for a wide tree, as rclone's checkers do: the key
 * space is cut into ranges, each paged on its own, `concurrency` at a time. With `known` (the keys the last listing
 * found, relative to the prefix) the cuts fall between those keys, so no request waits for another and no range's
 * page reads on into the next; without, one delimiter listing ('/') finds the sub-prefixes to cut at. Ranges rather
 * than each sub-prefix alone, so that the result never depends on the cuts: s3rver's delimiter listing leaves out a
 * sub-prefix whose keys all lie two levels further down, and keys added since `known` was taken are found all the
 * same, in the range around them. With `markers`, folder markers are kept, as in `listPrefix` (a download makes them
 * empty folders).
 */
export async function listPrefixParallel(
  target: S3Target,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
  concurrency = 8,
  options: { markers?: boolean; known?: readonly string[] } = {},
): Promise<Map<string, StoredObject>> {
  const known = options.known ?? [];
  const ranges = known.length > 0 ? rangesFromKnown(prefix, known, concurrency) : await rangesFromDelimiter(target, bucket, prefix, signal);
  const out = new Map<string, StoredObject>();
  await eachLimit(ranges, concurrency, (r) => listRange(target, bucket, prefix, out, r, options.markers ?? false, signal));
  return out;
}

/**
 * Deletes one key (a key already gone is not an error: S3 answers 204 either way). On a versioned bucket the store
 * adds a delete marker instead, and its version id is returned.
 */
export async function deleteObject(target: S3Target, bucket: string, key: string, signal?: AbortSignal): Promise<{ marker?: string }> {
  const out = await objectCall(target, { action: 'DeleteObject', bucket, key }, (client) => client.send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket, Key: key }), { abortSignal: signal }));
  return out.DeleteMarker && out.VersionId ? { marker: out.VersionId } : {};
}

/** One version of a key: a delete marker to remove, or the marker a delete added. */
export interface KeyVersion {
  key: string;
  versionId: string;
}

/** What a batch delete did: the keys gone, each key the store refused with its reason, and the delete markers it added. */
export interface DeleteResult {
  deleted: string[];
  failed: { key: string; error: AppError }[];
  /** The delete markers a versioned bucket added (only when asked for with `reportMarkers`). */
  markers: KeyVersion[];
}

/**
 * Deletes keys with DeleteObjects, 1,000 per request. A key the store refuses (no permission, locked) is reported
 * with its own reason and the rest still go; a request that fails as a whole (network, missing bucket) throws.
 * With `reportMarkers` the store is asked to list every deletion (not Quiet), so the delete markers a versioned
 * bucket adds are known and can be removed again (undo).
 */
export async function deleteObjects(target: S3Target, bucket: string, keys: readonly string[], signal?: AbortSignal, options: { reportMarkers?: boolean } = {}): Promise<DeleteResult> {
  return deleteBatches(target, bucket, keys.map((Key) => ({ Key })), signal, options.reportMarkers ?? false);
}

/**
 * Deletes given versions of keys, 1,000 per request: with the version id of a delete marker this removes the
 * marker, and the version below it is the current one again. Per-key refusals are reported as by deleteObjects.
 */
export async function deleteVersions(target: S3Target, bucket: string, versions: readonly KeyVersion[], signal?: AbortSignal): Promise<DeleteResult> {
  return deleteBatches(target, bucket, versions.map((v) => ({ Key: v.key, VersionId: v.versionId })), signal, false);
}

async function deleteBatches(target: S3Target, bucket: string, all: readonly ObjectIdentifier[], signal: AbortSignal | undefined, reportMarkers: boolean): Promise<DeleteResult> {
  const result: DeleteResult = { deleted: [], failed: [], markers: [] };
  const { where } = clientOf(target);
  const action = all.some((id) => id.VersionId) ? 'DeleteObjectVersion' : 'DeleteObject';
  // XML 1.0 cannot carry a control character at all, not even escaped, so a key holding one (other tools make them)
  // goes alone, with the key in the URL, rather than make the store refuse its whole batch as malformed.
  const ids = all.filter((id) => !CONTROL_CHARS.test(id.Key ?? ''));
  for (const id of all) {
    if (!CONTROL_CHARS.test(id.Key ?? '')) continue;
    const key = id.Key!;
    try {
      const out = await objectCall(target, { action, bucket, key }, (client) => client.send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket, Key: key, ...(id.VersionId ? { VersionId: id.VersionId } : {}) }), { abortSignal: signal }));
      result.deleted.push(key);
      if (reportMarkers && out.DeleteMarker && out.VersionId) result.markers.push({ key, versionId: out.VersionId });
    } catch (err) {
      if (signal?.aborted) throw err;
      result.failed.push({ key, error: toAppError(err, { ...where, action, bucket, key }) });
    }
  }
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    const batch = ids.slice(i, i + DELETE_BATCH);
    const out = await objectCall(target, { action: 'DeleteObjects', bucket, key: batch[0]?.Key }, (client) =>
      client.send(new (s3Sdk().DeleteObjectsCommand)({ Bucket: bucket, Delete: { Objects: batch, Quiet: !reportMarkers } }), { abortSignal: signal }),
    );
    const refused = new Set<string>();
    for (const e of out.Errors ?? []) {
      if (!e.Key) continue;
      refused.add(e.Key);
      const raw = Object.assign(new Error(e.Message ?? e.Code ?? 'refused'), { name: e.Code ?? 'Error', Code: e.Code });
      result.failed.push({ key: e.Key, error: toAppError(raw, { ...where, action, bucket, key: e.Key }) });
    }
    if (reportMarkers) for (const d of out.Deleted ?? []) if (d.Key && d.DeleteMarker && d.DeleteMarkerVersionId) result.markers.push({ key: d.Key, versionId: d.DeleteMarkerVersionId });
    // Quiet mode lists only failures; a store that ignores it (s3rver) lists every key as deleted, which is the same.
    for (const id of batch) if (id.Key !== undefined && !refused.has(id.Key)) result.deleted.push(id.Key);
  }
  return result;
}

/** A delete marker; when it is the key's latest version the key looks deleted, and removing it brings the key back. */
export interface DeletedKey extends KeyVersion {
  /** True when the marker is the key's current version (the key is listed as deleted). */
  latest: boolean;
  /** When the delete happened (the marker's date). */
  deletedAt?: string;
  /** The size of the version the marker hides, when the listing shows one. */
  size?: number;
}

/**
 * The delete markers of the keys under `prefix` (ListObjectVersions, paged), newest delete first. Only versioned
 * buckets have them; other stores answer with nothing or an error.
 */
export async function listDeleteMarkers(target: S3Target, bucket: string, prefix: string, signal?: AbortSignal): Promise<DeletedKey[]> {
  const out: DeletedKey[] = [];
  // The newest real version of each key, so the list can say how big the hidden object is.
  const hidden = new Map<string, number>();
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await objectCall(target, { action: 'ListObjectVersions', bucket, key: prefix }, (client) =>
      client.send(new (s3Sdk().ListObjectVersionsCommand)({ Bucket: bucket, Prefix: prefix || undefined, KeyMarker: keyMarker, VersionIdMarker: versionMarker }), { abortSignal: signal }),
    );
    for (const m of page.DeleteMarkers ?? []) {
      if (!m.Key || !m.VersionId) continue;
      out.push({ key: m.Key, versionId: m.VersionId, latest: m.IsLatest === true, ...(m.LastModified ? { deletedAt: m.LastModified.toISOString() } : {}) });
    }
    // Versions come newest first per key, so the first one seen is the one a restore brings back.
    for (const v of page.Versions ?? []) if (v.Key && !hidden.has(v.Key)) hidden.set(v.Key, v.Size ?? 0);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  for (const d of out) if (hidden.has(d.key)) d.size = hidden.get(d.key);
  return out.sort((a, b) => (b.deletedAt ?? '').localeCompare(a.deletedAt ?? ''));
}

/** One version of one key, as ListObjectVersions tells it. */
export interface StoredVersion extends KeyVersion {
  size?: number;
  lastModified?: string;
  etag?: string;
  latest: boolean;
  deleteMarker: boolean;
}

/**
 * Every version and delete marker of exactly `key` (ListObjectVersions over the key as a prefix, paged, keeping only
 * the key itself: `a.txt` as a prefix also lists `a.txt.bak`), newest first.
 */
export async function listKeyVersions(target: S3Target, bucket: string, key: string, signal?: AbortSignal): Promise<StoredVersion[]> {
  const out: StoredVersion[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await objectCall(target, { action: 'ListObjectVersions', bucket, key }, (client) =>
      client.send(new (s3Sdk().ListObjectVersionsCommand)({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionMarker }), { abortSignal: signal }),
    );
    for (const v of page.Versions ?? []) {
      if (v.Key !== key || !v.VersionId) continue;
      out.push({
        key,
        versionId: v.VersionId,
        latest: v.IsLatest === true,
        deleteMarker: false,
        ...(v.Size !== undefined ? { size: v.Size } : {}),
        ...(v.LastModified ? { lastModified: v.LastModified.toISOString() } : {}),
        ...(v.ETag ? { etag: cleanEtag(v.ETag) } : {}),
      });
    }
    for (const m of page.DeleteMarkers ?? []) {
      if (m.Key !== key || !m.VersionId) continue;
      out.push({ key, versionId: m.VersionId, latest: m.IsLatest === true, deleteMarker: true, ...(m.LastModified ? { lastModified: m.LastModified.toISOString() } : {}) });
    }
    // The key sorts first among those it is a prefix of; a page that ends past it leaves nothing of it to list.
    keyMarker = page.IsTruncated && page.NextKeyMarker === key ? key : undefined;
    versionMarker = keyMarker ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  // Dates tie within a second on some stores; the latest version goes first regardless.
  return out.sort((a, b) => Number(b.latest) - Number(a.latest) || (b.lastModified ?? '').localeCompare(a.lastModified ?? ''));
}

/** The bytes `start` to `end` (inclusive) of an object, or fewer when it is shorter; for small previews only (held in memory). */
export async function getObjectRange(target: S3Target, bucket: string, key: string, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
  return objectCall(target, { action: 'GetObject', bucket, key }, async (client) => {
    const out = await client.send(new (s3Sdk().GetObjectCommand)({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }), { abortSignal: signal });
    return (await out.Body?.transformToByteArray()) ?? new Uint8Array(0);
  });
}

/** True when at least one key starts with `prefix` (a one-key listing; a folder marker counts). */
export async function prefixHasObjects(target: S3Target, bucket: string, prefix: string, signal?: AbortSignal): Promise<boolean> {
  const page = await objectCall(target, { action: 'ListObjectsV2', bucket, key: prefix }, (client) =>
    client.send(new (s3Sdk().ListObjectsV2Command)({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }), { abortSignal: signal }),
  );
  return (page.Contents ?? []).length > 0;
}

/** Writes the zero-byte `folder/` marker the S3 console makes for a new folder, so an empty folder is listed. */
export async function putFolderMarker(target: S3Target, bucket: string, folderKey: string, signal?: AbortSignal): Promise<void> {
  await objectCall(target, { action: 'PutObject', bucket, key: folderKey }, (client) =>
    client.send(new (s3Sdk().PutObjectCommand)({ Bucket: bucket, Key: folderKey, Body: new Uint8Array(0), ContentLength: 0 }), { abortSignal: signal }),
  );
}

/** True when the bucket keeps old versions (then a plain delete is recoverable and no trash copy is needed). */
export async function versioningOn(target: S3Target, bucket: string): Promise<boolean> {
  const { client } = clientOf(target);
  try {
    const v = await client.send(new (s3Sdk().GetBucketVersioningCommand)({ Bucket: bucket }));
    return v.Status === 'Enabled';
  } catch {
    // Servers without versioning (s3rver) answer with an error: treat as off, so the trash is used.
    return false;
  }
}
