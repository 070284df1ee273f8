/** STUB: folder sync; replaced by the sync work. */
import type { CoreDeps } from '../context';
import type { S3Clients } from '../s3/types';
import type { TransferService } from '../transfers/transfer-service';

/** Sync pairs. */
export class SyncService {
  /** Builds the service. */
  constructor(
    readonly deps: CoreDeps,
    readonly clients: S3Clients,
    readonly transfers: TransferService,
  ) {}
  /** Loads pairs and starts watchers. */
  async start(): Promise<void> {}
  /** Stops watchers. */
  async dispose(): Promise<void> {}
}
