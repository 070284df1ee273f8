/** The shape of what the preload exposes as `window.s3drop` (and what the WebSocket transport mimics). */
import type { Capabilities } from '../shared/contract';
import type { Result } from '../shared/result';

/** The narrow bridge: a contract-checked invoke, event subscription, capabilities, and file paths. */
export interface Bridge {
  invoke(name: string, payload: unknown): Promise<Result<unknown>>;
  on(name: string, listener: (payload: unknown) => void): () => void;
  capabilities: Capabilities;
  /** Electron: the local path of a dropped File (webUtils.getPathForFile). */
  getPathForFile?(file: File): string;
  /** Browser mode: called after the socket comes back, so the UI can reload what it missed meanwhile. */
  onReconnect?(listener: () => void): () => void;
  /** Browser mode: streams a dropped File to the local server and returns the spooled path. */
  spoolFile?(file: File, onProgress?: (sent: number) => void): Promise<string>;
}

declare global {
  interface Window {
    /** Set by the preload in Electron; absent in browser mode. */
    s3drop?: Bridge;
  }
}
