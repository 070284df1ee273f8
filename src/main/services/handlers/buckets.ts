/** Handlers for bucket and object commands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { BucketService } from '../s3/bucket-service';
import type { FileOpsService } from '../s3/file-ops';

/** Bucket and object handlers, the file manager's operations included. */
export function createBucketHandlers(
  _deps: CoreDeps,
  buckets: BucketService,
  fileOps: FileOpsService,
): Pick<
  Handlers,
  | 'buckets:list'
  | 'buckets:create'
  | 'objects:list'
  | 'objects:presign'
  | 'objects:deletePreview'
  | 'objects:delete'
  | 'objects:undoDelete'
  | 'objects:recentlyDeleted'
  | 'objects:restore'
  | 'objects:move'
  | 'objects:newFolder'
  | 'objects:properties'
  | 'objects:setMetadata'
  | 'objects:versions'
  | 'objects:restoreVersion'
  | 'objects:preview'
> {
  return {
    'buckets:list': ({ profileId }) => buckets.listBuckets(profileId),
    'buckets:create': ({ profileId, bucket, region, preset }) => buckets.createBucket(profileId, bucket, { ...(region ? { region } : {}), preset }),
    'objects:list': ({ profileId, bucket, prefix, token }) => buckets.listObjects(profileId, bucket, prefix, token),
    'objects:presign': ({ profileId, bucket, key, expiresInSeconds, attachment, versionId }) =>
      buckets.presign(profileId, bucket, key, expiresInSeconds, { attachment, ...(versionId ? { versionId } : {}) }),
    'objects:deletePreview': ({ profileId, bucket, keys }) => fileOps.preview(profileId, bucket, keys),
    'objects:delete': ({ profileId, bucket, keys }) => fileOps.delete(profileId, bucket, keys),
    'objects:undoDelete': ({ profileId, undo }) => fileOps.restore(profileId, undo.bucket, undo.markers),
    'objects:recentlyDeleted': ({ profileId, bucket, prefix }) => fileOps.recentlyDeleted(profileId, bucket, prefix),
    'objects:restore': ({ profileId, bucket, markers }) => fileOps.restore(profileId, bucket, markers),
    'objects:move': ({ profileId, bucket, key, destBucket, destKey, overwrite }) =>
      fileOps.move(profileId, bucket, key, destKey, { ...(destBucket ? { destBucket } : {}), overwrite }),
    'objects:newFolder': ({ profileId, bucket, prefix, name }) => fileOps.newFolder(profileId, bucket, prefix, name),
    'objects:properties': ({ profileId, bucket, key }) => fileOps.properties(profileId, bucket, key),
    'objects:setMetadata': ({ profileId, bucket, key, metadata }) => fileOps.setMetadata(profileId, bucket, key, metadata),
    'objects:versions': ({ profileId, bucket, key }) => fileOps.versions(profileId, bucket, key),
    'objects:restoreVersion': ({ profileId, bucket, key, versionId }) => fileOps.restoreVersion(profileId, bucket, key, versionId),
    'objects:preview': ({ profileId, bucket, key }) => fileOps.objectPreview(profileId, bucket, key),
  };
}
