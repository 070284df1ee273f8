/** Parses `s3://bucket[/prefix]` destinations, refusing anything else with the catalogue's S3_URL_INVALID. */
import { AppError } from '../shared/errors';
import { bucketRefProblem } from '../main/services/s3/validate';

/** A parsed destination. */
export interface S3Url {
  bucket: string;
  /** '' for the top of the bucket; otherwise ends with '/'. */
  prefix: string;
}

/** Parses a destination; throws S3_URL_INVALID or BUCKET_NAME_INVALID with a plain reason. */
export function parseS3Url(raw: string): S3Url {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(raw);
  if (!m || !m[1]) throw new AppError('S3_URL_INVALID', { url: raw });
  const bucket = m[1];
  const problem = bucketRefProblem(bucket);
  if (problem) throw new AppError('BUCKET_NAME_INVALID', { bucket, reason: problem });
  let prefix = m[2] ?? '';
  // `s3://b//x` or a prefix of only slashes would produce keys with empty segments.
  if (/^\/|\/\/|(^|\/)\.\.?(\/|$)/.test(prefix)) throw new AppError('S3_URL_INVALID', { url: raw });
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}

/** An object (or folder) address: the bucket, and the key exactly as written ('' for the top of the bucket). */
export interface S3KeyUrl {
  bucket: string;
  key: string;
}

/** Parses `s3://bucket/key` for commands that name one object or folder (rm, mv), keeping a trailing '/' as given. */
export function parseS3KeyUrl(raw: string): S3KeyUrl {
  const { bucket } = parseS3Url(raw);
  const key = /^s3:\/\/[^/]*\/?(.*)$/is.exec(raw)?.[1] ?? '';
  return { bucket, key };
}
