/** Handlers for bucket and object commands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { BucketService } from '../s3/bucket-service';

/** Bucket handlers. */
export function createBucketHandlers(
  _deps: CoreDeps,
  buckets: BucketService,
): Pick<Handlers, 'buckets:list' | 'buckets:create' | 'objects:list' | 'objects:presign'> {
  return {
    'buckets:list': ({ profileId }) => buckets.listBuckets(profileId),
    'buckets:create': ({ profileId, bucket, region, preset }) => buckets.createBucket(profileId, bucket, { ...(region ? { region } : {}), preset }),
    'objects:list': ({ profileId, bucket, prefix, token }) => buckets.listObjects(profileId, bucket, prefix, token),
    'objects:presign': ({ profileId, bucket, key, expiresInSeconds }) => buckets.presign(profileId, bucket, key, expiresInSeconds),
  };
}
