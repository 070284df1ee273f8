/**
 * The one mapping from S3/SDK/Node errors to catalogue codes. Every service that talks to S3 (buckets,
 * transfers, sync, profile tests) passes failures through `toAppError`, so the same cause always reads the same.
 */
import { AppError } from '../../../shared/errors';

/** What was being attempted, so the message can name the permission and the place. */
export interface S3ErrorContext {
  /** The S3 operation, e.g. 'PutObject', 'ListObjectsV2'. */
  action?: string;
  bucket?: string;
  key?: string;
  endpoint?: string;
  profile?: string;
  path?: string;
}

/** The IAM permission each operation needs, for AccessDenied messages. */
const permissions: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  ListObjectsV2: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  GetObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  ListParts: 's3:ListMultipartUploadParts',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  CreateBucket: 's3:CreateBucket',
  PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  PutBucketEncryption: 's3:PutEncryptionConfiguration',
  PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
  PutBucketVersioning: 's3:PutBucketVersioning',
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
  GetBucketVersioning: 's3:GetBucketVersioning',
  DeleteObject: 's3:DeleteObject',
  DeleteObjects: 's3:DeleteObject',
  DeleteObjectVersion: 's3:DeleteObjectVersion',
  ListObjectVersions: 's3:ListBucketVersions',
  CopyObject: 's3:GetObject and s3:PutObject',
  UploadPartCopy: 's3:GetObject and s3:PutObject',
};

const networkCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ERR_STREAM_PREMATURE_CLOSE']);

interface RawError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string>; body?: unknown };
  /** The body the SDK could not parse, when its XML parser gave up. */
  $responseBodyText?: string;
  Region?: string;
  $retryable?: unknown;
  /** Node's network errors: the name a lookup failed for, the address and port a connection was refused at. */
  hostname?: string;
  address?: string;
  port?: number;
}

/**
 * Where a connection was tried, as host:port (the default port when the address names none), so a message names the
 * machine and the service rather than a URL. Falls back to what the Node error says, then to the text given.
 */
function hostAndPort(endpoint: string | undefined, e: RawError): string {
  try {
    const url = new URL(endpoint ?? '');
    return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    if (e.address && e.port) return `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
    // Reads after "the storage service at": never the service's name twice.
    return e.hostname ?? endpoint ?? 'its address';
  }
}

/** The host name a lookup failed for: the Node error's own, else the endpoint's. */
function hostName(endpoint: string | undefined, e: RawError): string {
  if (e.hostname) return e.hostname;
  try {
    return new URL(endpoint ?? '').hostname;
  } catch {
    return endpoint ?? 'the storage service';
  }
}

/**
 * A missing bucket, said with the endpoint when that has a path (http://host:7590/some/path). The SDK, like the AWS
 * CLI, puts the path before the bucket, which a reverse proxy may need; but more often the path is a slip, and the
 * server then looks for a bucket named after its first segment, so "check its name" alone would mislead.
 */
function bucketNotFound(bucket: string, endpoint: string | undefined): ['BUCKET_NOT_FOUND' | 'BUCKET_NOT_FOUND_ENDPOINT_PATH', Record<string, string>] {
  let url: URL | undefined;
  try {
    url = new URL(endpoint ?? '');
  } catch {
    url = undefined;
  }
  if (!url || url.pathname.replace(/\/+$/, '') === '') return ['BUCKET_NOT_FOUND', { bucket }];
  return ['BUCKET_NOT_FOUND_ENDPOINT_PATH', { bucket, endpoint: endpoint!, origin: url.origin }];
}

/** The S3 error code (or Node error code) of anything thrown, for branching without string-matching messages. */
export function s3ErrorCode(err: unknown): string {
  const e = (err ?? {}) as RawError;
  return e.Code ?? e.code ?? e.name ?? 'Error';
}

/** The HTTP status of an SDK error, when there was a response. */
export function httpStatus(err: unknown): number | undefined {
  return ((err ?? {}) as RawError).$metadata?.httpStatusCode;
}

/** True when the SDK or a signal aborted the request (pause, cancel, shutdown). */
export function isAbort(err: unknown): boolean {
  const e = (err ?? {}) as RawError;
  return e.name === 'AbortError' || e.code === 'ABORT_ERR';
}

/** True when an answer is a web page rather than S3: by its Content-Type, or by how its body starts. */
export function isHtmlAnswer(contentType: string | undefined, bodyStart?: string): boolean {
  if ((contentType ?? '').toLowerCase().startsWith('text/html')) return true;
  return bodyStart !== undefined && /^\uFEFF?\s*<(!doctype|html)\b/i.test(bodyStart);
}

/**
 * The error for an S3 call answered with a web page (a captive portal, a web server or a proxy's error page at a
 * wrong address). Retryable unless the page came with a 4xx: a sign-in page or a 5xx page may go away, a 404 won't.
 */
export function webPageError(endpoint: string, status: number | undefined, action: string | undefined): AppError {
  const retryable = status === undefined || status < 400 || status >= 500;
  return new AppError('ENDPOINT_NOT_S3', { endpoint }, { retryable, details: `${action ?? 'request'} was answered with a web page (HTML${status ? `, HTTP ${status}` : ''}), not S3: a Wi-Fi sign-in page or a wrong address` });
}

/** Turns anything an S3 call or a file read throws into an AppError with a plain message and a retryable flag. */
export function toAppError(err: unknown, ctx: S3ErrorContext = {}): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as RawError;
  const code = s3ErrorCode(err);
  const status = httpStatus(err);
  const details = `${code}${status ? ` (HTTP ${status})` : ''}${ctx.action ? ` during ${ctx.action}` : ''}`;
  const make = (c: ConstructorParameters<typeof AppError>[0], params: Record<string, string | number>, retryable: boolean) =>
    new AppError(c, params, { retryable, details, cause: err });
  const bucket = ctx.bucket ?? '';
  const profile = ctx.profile ?? '';
  const endpoint = ctx.endpoint ?? 'the storage service';
  // S3 answers errors in XML, never HTML, whatever the status: an HTML answer is not S3 at all.
  if (status !== undefined) {
    const body = e.$response?.body;
    if (isHtmlAnswer(e.$response?.headers?.['content-type'], typeof body === 'string' ? body : e.$responseBodyText)) return webPageError(endpoint, status, ctx.action);
  }

  // A 301 is S3's "this bucket lives in another region"; a HEAD's answer has no body to name it, only the
  // x-amz-bucket-region header, so the SDK reports it as Unknown (the "Ask" check of a taken name is a HEAD).
  switch (status === 301 ? 'PermanentRedirect' : code) {
    case 'ENOENT':
      return make('FILE_NOT_FOUND', { path: ctx.path ?? '' }, false);
    case 'EACCES':
    case 'EPERM':
    case 'EISDIR':
      return make('FILE_UNREADABLE', { path: ctx.path ?? '' }, false);
    case 'ENOSPC':
      return make('DISK_FULL', {}, false);
    case 'ECONNREFUSED':
      // Something at that address refused the connection, so the network works: the service is down or elsewhere.
      return make('ENDPOINT_UNREACHABLE', { endpoint: hostAndPort(ctx.endpoint, e) }, true);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      // The name could not be looked up: offline (no DNS), or a misspelt address.
      return make('HOST_NOT_FOUND', { host: hostName(ctx.endpoint, e) }, true);
    case 'NoSuchBucket':
      return make(...bucketNotFound(bucket, ctx.endpoint), false);
    case 'BucketAlreadyExists':
    case 'BucketAlreadyOwnedByYou':
      return make('BUCKET_EXISTS', { bucket }, false);
    case 'InvalidBucketName':
      return make('BUCKET_NAME_INVALID', { bucket, reason: 'the storage service refused the name' }, false);
    case 'KeyTooLongError':
      return make('KEY_INVALID', { key: ctx.key ?? '', reason: 'the storage service says it is too long' }, false);
    case 'InvalidAccessKeyId':
      return make('INVALID_ACCESS_KEY', {}, false);
    case 'SignatureDoesNotMatch':
      return make('SIGNATURE_MISMATCH', {}, false);
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
    case 'ExpiredTokenException':
      return make('CREDENTIALS_EXPIRED', { profile }, true);
    case 'RequestTimeTooSkewed':
      return make('CLOCK_SKEW', {}, true);
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException': {
      const region = e.Region ?? e.$response?.headers?.['x-amz-bucket-region'] ?? 'another region';
      return make('WRONG_REGION', { bucket, region }, false);
    }
    case 'SlowDown':
    case 'Throttling':
    case 'ThrottlingException':
    case 'TooManyRequests':
      return make('SLOW_DOWN', {}, true);
    case 'RequestTimeout':
    case 'TimeoutError':
    case 'RequestTimeoutException':
      return make('TIMEOUT', {}, true);
    case 'EntityTooLarge':
      return make('OBJECT_TOO_LARGE', { path: ctx.path ?? ctx.key ?? '' }, false);
    case 'BadDigest':
    case 'InvalidDigest':
    case 'XAmzContentSHA256Mismatch':
      return make('CHECKSUM_MISMATCH', { path: ctx.path ?? ctx.key ?? '' }, true);
    case 'NotImplemented':
      return make('NOT_SUPPORTED', { what: ctx.action ?? 'this operation' }, false);
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    const permission = permissions[ctx.action ?? ''] ?? `the permission for ${ctx.action ?? 'this action'}`;
    // The bucket and folder only: errorText words it (" on …", " em …") in the reader's language.
    const resource = bucket ? `${bucket}${ctx.key !== undefined ? `/${ctx.key.includes('/') ? ctx.key.slice(0, ctx.key.lastIndexOf('/') + 1) : ''}*` : ''}` : '';
    // A HEAD answer has no body, so a wrong secret (SignatureDoesNotMatch) and a missing permission both arrive
    // as a bare 403: say both, rather than send the user to an administrator for a typo in the secret.
    if (status === 403 && (ctx.action === 'HeadObject' || ctx.action === 'HeadBucket')) return make('ACCESS_DENIED_OR_SECRET', { resource, permission }, false);
    return make('ACCESS_DENIED', { resource, permission }, false);
  }
  if (networkCodes.has(code) || /socket hang up|ECONNRESET|network|EPIPE/i.test(e.message ?? '')) return make('NETWORK', {}, true);
  if (status === 503) return make('SLOW_DOWN', {}, true);
  if (status !== undefined && status >= 500) return make('SERVER_ERROR', { status }, true);
  // A HEAD error has no body, so the S3 code (RequestTimeout, a proxy's hiccup) is lost; HEAD is safe to repeat.
  if (ctx.action === 'HeadObject' && status === 400 && /^Unknown/.test(code)) return make('SERVER_ERROR', { status }, true);
  if (status === 404 && ctx.action === 'HeadBucket') return make(...bucketNotFound(bucket, ctx.endpoint), false);
  return new AppError('UNKNOWN', {}, { retryable: false, details: `${details}: ${(e.message ?? '').slice(0, 300)}`, cause: err });
}

/** True when trying the same request again may succeed. */
export function isRetryable(err: unknown): boolean {
  return toAppError(err).options.retryable === true;
}
