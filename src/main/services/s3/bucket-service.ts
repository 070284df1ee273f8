/** STUB: buckets and objects; replaced by the transfers work. */
import type { CoreDeps } from '../context';
import type { S3Clients } from './types';

/** Lists, creates and presigns. */
export class BucketService {
  /** Builds the service. */
  constructor(
    readonly deps: CoreDeps,
    readonly clients: S3Clients,
  ) {}
}
