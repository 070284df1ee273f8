/**
 * The bridge between a UI and the engine: what the preload exposes as `window.s3drop` in Electron, and what the
 * browser-mode WebSocket transport builds. It lives here, not in the renderer, so the preload can implement it
 * without importing the renderer.
 */
import type { Capabilities, DownloadSource } from './contract';
import type { Result } from './result';

/** The one IPC channel outside the contract's commands: a drag of a finished download out of the window (Electron). */
export const DRAG_OUT_CHANNEL = 'app:dragOut';

/** The state of the link between a page and the engine (always 'connected' in Electron). */
export type ConnectionState = 'connected' | 'lost' | 'refused';

/**
 * The narrow bridge: a contract-checked invoke, event subscription, capabilities, and file paths. `F` is the host's
 * file object (the DOM's `File`); it is a parameter because this layer has no DOM types.
 */
export interface Bridge<F> {
  invoke(name: string, payload: unknown): Promise<Result<unknown>>;
  on(name: string, listener: (payload: unknown) => void): () => void;
  capabilities: Capabilities;
  /** Electron: the local path of a dropped File (webUtils.getPathForFile). */
  getPathForFile?(file: F): string;
  /**
   * Browser mode: the link to the engine as it changes. 'connected' after a loss means events were missed, so the UI
   * reloads its snapshots; 'refused' means the page's token is no longer accepted (serve --new-token).
   */
  onConnection?(listener: (state: ConnectionState) => void): () => void;
  /** Electron: starts dragging a finished download's file out of the window (call from the row's dragstart). */
  startDrag?(transferId: string): void;
  /** Browser mode: streams a dropped File to the local server and returns the spooled path. */
  spoolFile?(file: F, onProgress?: (sent: number) => void): Promise<string>;
  /**
   * Browser mode: a one-time link the server streams the chosen keys through (one file as itself, anything more as
   * a ZIP); following it is the browser's own download.
   */
  downloadLink?(source: DownloadSource): Promise<Result<string>>;
}
