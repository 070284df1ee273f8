/**
 * Builds the `Bridge` the preload exposes as `window.s3drop`, over a narrow IPC interface so that the
 * channel allowlists are unit-tested without Electron. Only contract names pass; nothing else leaks.
 */
import { eventNames, isCommandName, type Capabilities } from '../shared/contract';
import { AppError } from '../shared/errors';
import type { Result } from '../shared/result';
import { DRAG_OUT_CHANNEL, type Bridge } from '../shared/bridge';

/** The parts of `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  send(channel: string, payload: unknown): void;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** What Electron offers the UI: native pickers, dropped files with paths, tray and notifications. */
export const electronCapabilities: Capabilities = Object.freeze({
  transport: 'electron',
  nativeDialogs: true,
  dropGivesPaths: true,
  desktopIntegration: true,
});

const allowedEvents: ReadonlySet<string> = new Set(eventNames);

/** The bridge over IPC; `getPathForFile` is Electron's `webUtils.getPathForFile`. */
export function createIpcBridge(ipc: IpcRendererLike, getPathForFile: (file: File) => string): Bridge<File> {
  return Object.freeze({
    capabilities: electronCapabilities,
    async invoke(name: string, payload: unknown): Promise<Result<unknown>> {
      // Refused here too, so a compromised page cannot reach any other channel through us.
      if (!isCommandName(name)) return { ok: false, error: new AppError('UNKNOWN_COMMAND', { command: String(name).slice(0, 64) }).toData() };
      return (await ipc.invoke(name, payload)) as Result<unknown>;
    },
    on(name: string, listener: (payload: unknown) => void): () => void {
      if (!allowedEvents.has(name)) return () => undefined;
      // The IPC event object (with its sender) never reaches the page: only the payload does.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(name, wrapped);
      return () => {
        ipc.removeListener(name, wrapped);
      };
    },
    getPathForFile(file: File): string {
      return getPathForFile(file);
    },
    startDrag(transferId: string): void {
      // A transfer id, never a path: the main process decides which file (a finished download) may be dragged.
      ipc.send(DRAG_OUT_CHANNEL, String(transferId).slice(0, 128));
    },
  });
}
