/** STUB: the transfer engine; replaced by the transfers work. */
import type { CoreDeps } from '../context';
import type { S3Clients } from '../s3/types';

/** The durable upload queue. */
export class TransferService {
  /** Builds the service. */
  constructor(
    readonly deps: CoreDeps,
    readonly clients: S3Clients,
  ) {}
  /** Restores the journal and starts the queue. */
  async start(): Promise<void> {}
  /** Stops the queue, keeping the journal for the next start. */
  async dispose(): Promise<void> {}
}
