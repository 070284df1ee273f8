/** Handlers for bucket and object commands. STUB until the transfers work lands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { BucketService } from '../s3/bucket-service';
import { notYet } from './not-yet';

/** Bucket handlers. */
export function createBucketHandlers(
  _deps: CoreDeps,
  _buckets: BucketService,
): Pick<Handlers, 'buckets:list' | 'buckets:create' | 'objects:list' | 'objects:presign'> {
  return {
    'buckets:list': notYet('buckets:list'),
    'buckets:create': notYet('buckets:create'),
    'objects:list': notYet('objects:list'),
    'objects:presign': notYet('objects:presign'),
  };
}
