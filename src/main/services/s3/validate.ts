/** Bucket-name and key checks made before any request, so a bad name fails fast with a plain reason. */
import { AppError } from '../../../shared/errors';
import { bucketNameProblems } from '../../../shared/bucket-name';
import { hasDotSegment } from '../../../shared/dot-segments';

/** The most UTF-8 bytes S3 accepts in a key. */
export const MAX_KEY_BYTES = 1024;

/**
 * Why a bucket name cannot be created, in plain words (the first broken rule of shared/bucket-name.ts), or undefined
 * when it is fine. The create dialog lists every broken rule as the name is typed.
 */
export function bucketNameProblem(name: string): string | undefined {
  return bucketNameProblems(name)[0]?.en;
}

/**
 * Why an existing bucket name cannot be addressed, or undefined. Looser than creation: old buckets and
 * S3-compatible stores allow uppercase and underscores, but a slash or an empty name can never work.
 */
export function bucketRefProblem(name: string): string | undefined {
  if (name.length < 1) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (/[/\\\s]/.test(name)) return 'it may not contain slashes or spaces';
  return undefined;
}

/** Throws BUCKET_NAME_INVALID unless the name may be created. */
export function assertBucketNameForCreate(name: string): void {
  const [problem] = bucketNameProblems(name);
  // reasonKey lets the UI show the reason in its own language (src/renderer/error-reasons.ts).
  if (problem) throw new AppError('BUCKET_NAME_INVALID', { bucket: name, reason: problem.en, reasonKey: problem.key, ...problem.values });
}

/** Throws BUCKET_NAME_INVALID unless the name can be addressed. */
export function assertBucketRef(name: string): void {
  const reason = bucketRefProblem(name);
  if (reason) throw new AppError('BUCKET_NAME_INVALID', { bucket: name, reason });
}

/** The control characters (C0 and DEL) a key may not hold; a downloaded name loses them too, so it can go back up. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Why a key cannot be used, in plain words, or undefined when it is fine. */
export function keyProblem(key: string): string | undefined {
  const basic = existingKeyProblem(key);
  if (basic) return basic;
  // Control characters cannot travel in S3's XML listings, so such objects could never be listed again.
  if (CONTROL_CHARS.test(key)) return 'it contains an invisible control character';
  if (/[\ud800-\udfff]/.test(key.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return 'it contains a broken character';
  return undefined;
}

/**
 * Why a key cannot name an object that is already there, or undefined: only what no store holds (empty, too long).
 * Other tools do make keys `keyProblem` refuses (a control character), and such an object must still be deletable.
 */
export function existingKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the name is empty';
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `it is ${bytes} bytes long, and S3 allows at most ${MAX_KEY_BYTES} bytes (accented letters and symbols count as 2 to 4)`;
  return undefined;
}

/** KEY_INVALID for `key`, shortened in the message when long. */
function keyInvalid(key: string, reason: string): AppError {
  return new AppError('KEY_INVALID', { key: key.length > 80 ? `${key.slice(0, 40)}…${key.slice(-30)}` : key, reason });
}

/** Throws KEY_INVALID unless the key can name an object that is there (see `existingKeyProblem`). */
export function assertExistingKey(key: string): void {
  const reason = existingKeyProblem(key);
  if (reason) throw keyInvalid(key, reason);
}

/** Throws KEY_INVALID unless the key may be used; long keys are shortened in the message. */
export function assertKey(key: string): void {
  const reason = keyProblem(key);
  if (reason) throw keyInvalid(key, reason);
}

/**
 * Why a key cannot be the target of an upload: everything `keyProblem` refuses, plus "." and ".." folder names,
 * which tools that mirror a bucket to disk resolve upwards (out of the chosen folder, or the bucket's root).
 */
export function uploadKeyProblem(key: string): string | undefined {
  const basic = keyProblem(key);
  if (basic) return basic;
  if (hasDotSegment(key)) return 'it has "." or ".." as a folder name, which could put the file outside the chosen folder';
  return undefined;
}

/** Throws KEY_INVALID unless the key may be the target of an upload. */
export function assertUploadKey(key: string): void {
  const reason = uploadKeyProblem(key);
  if (reason) throw keyInvalid(key, reason);
}

/**
 * The one normalisation of a folder prefix, for drops, the CLI, landing and sync pairs alike: '' stays '' (the top
 * of the bucket), anything else ends with '/', and leading slashes are dropped. So `/x` means the folder `x/`, as
 * in the AWS console and CLI, never a key starting with '/' (which most tools show as an empty folder name).
 */
export function normalisePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+/, '');
  if (p === '') return '';
  return p.endsWith('/') ? p : `${p}/`;
}
