/**
 * The HTTP requests S3 Drop sends on raw sockets (s3/lean-range.ts), announced for watchers: they bypass `node:http`,
 * so Node's own 'http.client.request.start' channel never sees them. Kept apart from lean-range so a watcher (the
 * CLI's quiet-server line) can listen without loading the request code.
 */

/**
 * The diagnostics channel each raw-socket request is published on when it starts, as a `RawRequestStart`.
 */
export const RAW_REQUEST_CHANNEL = 's3drop.raw-request.start';

/** What RAW_REQUEST_CHANNEL publishes for one request. */
export interface RawRequestStart {
  /** `protocol//host`, the host as the request's Host header names it (as the watchers of node:http requests see it). */
  endpoint: string;
  /** Bytes read and written on its socket so far (a reused socket counts from its first request: only changes matter). */
  bytes: () => number;
  /** Settles when the request is over, whatever its outcome. */
  finished: Promise<void>;
}
