/**
 * The only place with raw `ipcMain`: one `handle` per contract command, each checking that the sender
 * is our main window's main frame on our own page before the dispatcher parses the payload. Events go
 * out with `webContents.send` to our window only.
 */
import type { IpcMain } from 'electron';
import { commandNames, type EventName } from '../shared/contract';
import { AppError } from '../shared/errors';
import { fail, type Result } from '../shared/result';
import type { Dispatch } from './services/dispatch';
import type { EventBus } from './services/events';
import type { Logger } from './services/log/logger';
import { isTrustedRendererUrl } from './security';

/** The frame an IPC message came from, as Electron reports it (null once the frame is gone). */
export interface SenderFrameLike {
  url: string;
  /** Null for a top-level frame; iframes have a parent. */
  parent: unknown;
}

/** The parts of an IPC event the sender check reads. */
export interface IpcEventLike {
  sender: unknown;
  senderFrame: SenderFrameLike | null;
}

/** The parts of `ipcMain` this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

/** The window the sender must belong to. */
export interface TrustedWindowLike {
  isDestroyed(): boolean;
  webContents: { mainFrame: unknown; isDestroyed(): boolean; send(channel: string, payload: unknown): void };
}

/** Builds the sender check: our window's web contents, its main frame (not an iframe), on our renderer URL. */
export function createSenderCheck(getWindow: () => TrustedWindowLike | undefined, rendererUrl: string): (event: IpcEventLike) => boolean {
  return (event) => {
    const win = getWindow();
    if (!win || win.isDestroyed()) return false;
    const frame = event.senderFrame;
    if (!frame || event.sender !== win.webContents) return false;
    if (frame !== win.webContents.mainFrame || frame.parent) return false;
    return isTrustedRendererUrl(frame.url, rendererUrl);
  };
}

/** Registers one handler per contract command; returns a function that removes them all. */
export function bindIpc(ipcMain: IpcMainLike | IpcMain, dispatch: Dispatch, isTrustedSender: (event: IpcEventLike) => boolean, logger?: Logger): () => void {
  const ipc = ipcMain as IpcMainLike;
  for (const name of commandNames) {
    ipc.handle(name, async (event, payload): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        logger?.warn(`refused ${name} from an untrusted sender`, event.senderFrame?.url ?? '(no frame)');
        return fail(new AppError('FORBIDDEN_SENDER').toData());
      }
      return dispatch(name, payload);
    });
  }
  return () => {
    for (const name of commandNames) ipc.removeHandler(name);
  };
}

/** Binds the real `ipcMain`; loaded lazily so unit tests import this module without Electron. */
export function bindElectronIpc(dispatch: Dispatch, isTrustedSender: (event: IpcEventLike) => boolean, logger?: Logger): () => void {
  // require, not import(): the bundle is CommonJS and Electron's module must come from the same loader.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ipcMain } = require('electron') as typeof import('electron');
  return bindIpc(ipcMain, dispatch, isTrustedSender, logger);
}

/** Forwards every engine event to our window (and nowhere else); returns the unsubscribe function. */
export function forwardEvents(events: EventBus, getWindow: () => TrustedWindowLike | undefined): () => void {
  return events.onAny((name: EventName, payload) => {
    const win = getWindow();
    // A window closed to the tray still exists; a destroyed one must not be written to.
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    win.webContents.send(name, payload);
  });
}
