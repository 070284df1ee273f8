/** The transfer engine's interface, as sync and the handlers use it. */
import type { OverallProgress, TransferSnapshot, UploadOptions } from '../../../shared/contract';

/** One upload request: a local file to a key. */
export interface UploadRequest {
  localPath: string;
  profileId: string;
  bucket: string;
  key: string;
  options?: UploadOptions;
  priority?: number;
  /** 'drop', 'cli', or `sync:<pairId>`. */
  origin?: string;
  /** The content hash when the caller already knows it (sync's index), to skip hashing twice. */
  sha256?: string;
}

/** The transfer engine: a durable queue of uploads with accounting. */
export interface TransferEngine {
  /** Adds uploads; returns their ids in order. They start as soon as the queue allows. */
  enqueue(requests: UploadRequest[]): string[];
  /** Resolves when every listed transfer has reached a final state (done, skipped, failed, cancelled). */
  waitFor(ids: string[]): Promise<TransferSnapshot[]>;
  get(id: string): TransferSnapshot | undefined;
  list(): { transfers: TransferSnapshot[]; overall: OverallProgress };
  pause(id?: string): void;
  resume(id?: string): void;
  cancel(id: string): Promise<void>;
  retry(id?: string): void;
  clearFinished(): void;
}
