/** Part-size arithmetic: how a file (or a copied object) is cut into multipart parts within S3's limits. */
import { AppError } from '../../../shared/errors';

/** S3's smallest part (all but the last). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** S3's largest part. */
export const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
/** S3's most parts in one upload. */
export const MAX_PARTS = 10_000;
/** S3's largest single PUT. */
export const MAX_SINGLE_PUT = 5 * 1024 * 1024 * 1024;
/** S3's largest single CopyObject; bigger objects are copied part by part. */
export const MAX_SINGLE_COPY = 5 * 1024 * 1024 * 1024;
/** S3's largest object. */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;

/** How a file will be sent. */
export interface PartPlan {
  multipart: boolean;
  partSize: number;
  partCount: number;
}

/**
 * The part size for a file: the preferred size, grown (to a whole MiB) until the file fits in 10,000 parts,
 * and clamped to S3's 5 MiB..5 GiB.
 */
export function partSizeFor(fileSize: number, preferred = 8 * 1024 * 1024): number {
  let size = Math.max(MIN_PART_SIZE, Math.min(MAX_PART_SIZE, preferred));
  const needed = Math.ceil(fileSize / MAX_PARTS);
  if (needed > size) size = Math.ceil(needed / (1024 * 1024)) * 1024 * 1024;
  return Math.min(size, MAX_PART_SIZE);
}

/** Decides single PUT or multipart (and the parts) for a file size; throws past S3's 5 TiB object limit. */
export function planUpload(fileSize: number, thresholdBytes: number, preferredPartSize: number, path = ''): PartPlan {
  if (fileSize > MAX_OBJECT_SIZE) throw new AppError('OBJECT_TOO_LARGE', { path });
  // Over 5 GiB a single PUT is refused by S3, whatever the threshold says.
  const multipart = fileSize >= thresholdBytes || fileSize > MAX_SINGLE_PUT;
  if (!multipart) return { multipart: false, partSize: fileSize, partCount: 1 };
  const partSize = partSizeFor(fileSize, preferredPartSize);
  return { multipart: true, partSize, partCount: Math.max(1, Math.ceil(fileSize / partSize)) };
}

/** Byte range [start, end) of a 1-based part. */
export function partRange(partNumber: number, partSize: number, fileSize: number): { start: number; end: number } {
  const start = (partNumber - 1) * partSize;
  return { start, end: Math.min(fileSize, start + partSize) };
}
