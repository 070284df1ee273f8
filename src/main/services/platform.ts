/**
 * What the engine needs from its host (Electron, the browser-mode server, or the CLI).
 * The engine never imports electron; each composition root passes an implementation of this.
 */
import type { Capabilities } from '../../shared/contract';

/** Host services the engine may use; optional ones degrade gracefully when absent. */
export interface Platform {
  /** Where settings, the journal, the sync index and spooled files live. */
  dataDir: string;
  /** Where logs are written. */
  logsDir: string;
  /** The app version, for diagnostics. */
  version: string;
  capabilities: Capabilities;
  /**
   * Browser mode only: the folders every local path a command names must lead inside (home, and the spool for dropped
   * files), as the folder picker's (`local-folders.ts` `assertInsideRoots`), since whoever holds the page's token is not
   * necessarily the person at this computer. Absent in the desktop app and the CLI: there the person chose each path.
   */
  localRoots?: readonly string[];
  /** Native file or folder picker; absent in browser mode and the CLI. */
  pickFiles?(options: { folders: boolean }): Promise<string[]>;
  /** Opens an https URL in the user's browser (the caller has already checked the allowlist). */
  openExternal?(url: string): Promise<void>;
  /** Opens a local folder in the file manager. */
  openPath?(path: string): Promise<void>;
}
