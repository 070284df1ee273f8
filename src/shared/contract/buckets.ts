/** Buckets and objects: listing, creating and sharing. */
import { z } from 'zod';
import { command } from './define';

/** A bucket in a listing. */
export interface BucketSummary {
  name: string;
  createdAt?: string;
  region?: string;
}

/** One entry of a folder listing: a folder (common prefix) or an object. */
export interface ObjectEntry {
  kind: 'folder' | 'object';
  /** The full key (folders end with '/'). */
  key: string;
  /** The last path segment, for display. */
  name: string;
  size?: number;
  lastModified?: string;
  etag?: string;
}

/** One page of a folder listing. */
export interface ObjectPage {
  entries: ObjectEntry[];
  nextToken?: string;
}

/** The result of creating a bucket: what the store accepted, and what it could not do. */
export interface CreateBucketResult {
  bucket: string;
  region: string;
  /** Safe defaults that applied, such as 'block-public-access', 'encryption', 'abort-multipart-lifecycle', 'versioning'. */
  applied: string[];
  /** Defaults the store refused, with a plain reason each; the bucket still exists. */
  warnings: string[];
}

const profileId = z.string().min(1).max(200);
const bucket = z.string().min(1).max(255);
const prefix = z.string().max(1024).default('');

/** Bucket and object commands. */
export const bucketCommands = {
  'buckets:list': command<BucketSummary[]>()(z.object({ profileId }).strict()),
  'buckets:create': command<CreateBucketResult>()(
    z
      .object({
        profileId,
        bucket,
        region: z.string().regex(/^[a-z0-9-]{2,32}$/).optional(),
        preset: z.enum(['standard', 'analytics']).default('standard'),
      })
      .strict(),
  ),
  'objects:list': command<ObjectPage>()(
    z.object({ profileId, bucket, prefix, token: z.string().max(4096).optional() }).strict(),
  ),
  'objects:presign': command<string>()(
    z
      .object({ profileId, bucket, key: z.string().min(1).max(1024), expiresInSeconds: z.number().int().min(60).max(604800) })
      .strict(),
  ),
} as const;

/** Bucket events (none yet). */
export interface BucketEvents {}
