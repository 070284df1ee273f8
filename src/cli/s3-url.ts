/** Parses `s3://bucket[/prefix]` destinations, refusing anything else with the catalogue's S3_URL_INVALID. */
import { AppError } from '../shared/errors';
import { bucketRefProblem, uploadKeyProblem } from '../main/services/s3/validate';
import { hasDotSegment } from '../shared/dot-segments';

/** A parsed destination. */
export interface S3Url {
  bucket: string;
  /** '' for the top of the bucket; otherwise ends with '/'. */
  prefix: string;
}

/** The bucket of an `s3://bucket[/rest]` address and the rest as written; throws S3_URL_INVALID or BUCKET_NAME_INVALID. */
function split(raw: string): { bucket: string; rest: string } {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/is.exec(raw);
  if (!m || !m[1]) throw new AppError('S3_URL_INVALID', { url: raw });
  const bucket = m[1];
  const problem = bucketRefProblem(bucket);
  if (problem) throw new AppError('BUCKET_NAME_INVALID', { bucket, reason: problem });
  return { bucket, rest: m[2] ?? '' };
}

/** Parses a destination; throws S3_URL_INVALID or BUCKET_NAME_INVALID with a plain reason. */
export function parseS3Url(raw: string): S3Url {
  const { bucket, rest } = split(raw);
  // A line break in a place to write to is a pasting mistake, never a folder name.
  if (/[\n\r\u2028\u2029]/.test(rest)) throw new AppError('S3_URL_INVALID', { url: raw });
  let prefix = rest;
  // `s3://b//x` or a prefix of only slashes would produce keys with empty segments.
  if (/^\/|\/\//.test(prefix)) throw new AppError('S3_URL_INVALID', { url: raw });
  // "." and ".." parts are a name problem, said as such (the address itself is well formed).
  const dots = hasDotSegment(prefix) ? uploadKeyProblem(prefix) : undefined;
  if (dots) throw new AppError('KEY_INVALID', { key: prefix, reason: dots });
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}

/** An object (or folder) address: the bucket, and the key exactly as written ('' for the top of the bucket). */
export interface S3KeyUrl {
  bucket: string;
  key: string;
}

/**
 * Parses `s3://bucket/key` for a place to write one object or folder (mv's destination), keeping a trailing '/' as
 * given; the key's parts are refused as a destination's are.
 */
export function parseS3KeyUrl(raw: string): S3KeyUrl {
  parseS3Url(raw);
  return parseS3ObjectUrl(raw);
}

/**
 * Parses `s3://bucket/key` naming what is already in the bucket (download, rm, mv's source), keeping a trailing '/'
 * as given: any key a store holds, "." and ".." parts and doubled slashes too (other tools make them, and such an
 * object must still be reachable); only the bucket is checked. Where it lands locally is the download's to make safe.
 */
export function parseS3ObjectUrl(raw: string): S3KeyUrl {
  const { bucket, rest } = split(raw);
  return { bucket, key: rest };
}
