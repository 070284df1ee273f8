/** The transfer engine's interface, as sync, the CLI and the handlers use it. */
import type { ExistingChoice, OverallProgress, TransferSnapshot, TransferState, UploadOptions } from '../../../shared/contract';

/** The states a transfer does not leave by itself: done, skipped, failed, cancelled. */
export const FINAL_STATES: ReadonlySet<TransferState> = new Set(['done', 'skipped', 'failed', 'cancelled']);

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
  /** The size the caller just saw, so totals and queue slots are right before the file is opened; re-measured at upload. */
  size?: number;
}

/** One download request: a key to a local file (its path already made safe, see local-names.ts). */
export interface DownloadRequest {
  profileId: string;
  bucket: string;
  key: string;
  localPath: string;
  /** The size the listing gave, so totals and queue slots are right before the HEAD. */
  size?: number;
  /** An older version to fetch instead of the current one (kept in the journal's options, so a resume fetches it too). */
  versionId?: string;
  priority?: number;
  /** 'drop', 'cli', … as for uploads. */
  origin?: string;
}

/** The transfer engine: a durable queue of uploads with accounting. */
export interface TransferEngine {
  /** Adds uploads; returns their ids in order. They start as soon as the queue allows. Throws KEY_INVALID/BUCKET_NAME_INVALID before adding any. */
  enqueue(requests: UploadRequest[]): string[];
  /** Adds downloads through the same queue; returns their ids in order. Throws BUCKET_NAME_INVALID before adding any. */
  enqueueDownloads(requests: DownloadRequest[]): string[];
  /** Resolves when every listed transfer has reached a final state (done, skipped, failed, cancelled). */
  waitFor(ids: string[]): Promise<TransferSnapshot[]>;
  /** One transfer's snapshot. */
  get(id: string): TransferSnapshot | undefined;
  /** Every transfer and the totals. */
  list(): { transfers: TransferSnapshot[]; overall: OverallProgress };
  /** Pauses one transfer, or all (and the queue) without an id. */
  pause(id?: string): void;
  /** Resumes one transfer, or all without an id. */
  resume(id?: string): void;
  /** Cancels a transfer: aborts its multipart upload; never deletes anything else. */
  cancel(id: string): Promise<void>;
  /** Cancels every transfer that has not finished; failed ones stay for Retry. */
  cancelAll(): Promise<void>;
  /** Answers 'waiting-answer' transfers (and with `applyToAll` the rest of their batches); returns how many took it. */
  answer(ids: string[], choice: ExistingChoice, applyToAll?: boolean): number;
  /** Re-queues a failed (or cancelled) transfer, or every failed one without an id. */
  retry(id?: string): void;
  /** Drops finished transfers (done, skipped, cancelled) from the list and the journal; failed ones stay. */
  clearFinished(): void;
  /** Drops failed transfers from the list and the journal. */
  clearFailed(): void;
}
