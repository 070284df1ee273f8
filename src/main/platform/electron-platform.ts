/** The engine's `Platform` backed by Electron: native pickers, the system browser and the file manager. */
import type { Shell } from 'electron';
import type { Capabilities } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { isAllowedExternalUrl } from '../services/handlers/app';
import type { Platform } from '../services/platform';

/** The picker properties this adapter asks for. */
export type OpenProperty = 'openFile' | 'openDirectory' | 'multiSelections';

/** The parts of Electron's `dialog` and `shell` used here. */
export interface ElectronPlatformDeps {
  /** Electron's dialog.showOpenDialog, bound to the main window when it is open. */
  showOpenDialog(options: { properties: OpenProperty[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
  shell: Pick<Shell, 'openExternal' | 'openPath'>;
  dataDir: string;
  logsDir: string;
  version: string;
}

/** What the Electron host can do. */
export const desktopCapabilities: Capabilities = { transport: 'electron', nativeDialogs: true, dropGivesPaths: true, desktopIntegration: true };

/** Builds the Platform for `createAppServices`. */
export function createElectronPlatform(deps: ElectronPlatformDeps): Platform {
  return {
    dataDir: deps.dataDir,
    logsDir: deps.logsDir,
    version: deps.version,
    capabilities: desktopCapabilities,
    async pickFiles({ folders }) {
      const properties: OpenProperty[] = folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'];
      const result = await deps.showOpenDialog({ properties });
      // Cancelling is not an error: the UI simply adds nothing.
      return result.canceled ? [] : result.filePaths;
    },
    async openExternal(url) {
      // Checked again here: this adapter is the last step before the OS opens anything.
      if (!isAllowedExternalUrl(url)) throw new AppError('NOT_SUPPORTED', { what: 'opening this link' });
      await deps.shell.openExternal(url);
    },
    async openPath(path) {
      const problem = await deps.shell.openPath(path);
      if (problem) throw new AppError('NOT_SUPPORTED', { what: `opening ${path}` }, { details: problem });
    },
  };
}
