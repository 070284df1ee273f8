/**
 * The only place with raw `ipcMain`: one `handle` per contract command, each checking that the sender
 * is our main window's main frame on our own page before the dispatcher parses the payload. Events go
 * out with `webContents.send` to our window only, once its page is ready for them.
 */
import type { IpcMain, WebContents } from 'electron';
import { commandNames, type EventName } from '../shared/contract';
import { AppError } from '../shared/errors';
import { fail, type Result } from '../shared/result';
import { bindDragOut, type DragTransfers } from './drag-out';
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

/** The window the sender must belong to, and events go to; typed from Electron's own declarations. */
export interface TrustedWindowLike {
  isDestroyed(): boolean;
  webContents: Pick<WebContents, 'isDestroyed' | 'send'> & { mainFrame: unknown };
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

/** Optional hooks of `bindIpc`. */
export interface BindIpcOptions {
  logger?: Logger;
  /**
   * Called before a trusted command is dispatched. The page subscribes to every event before it sends
   * its first command (src/renderer/state/store.ts `start`), so a command means it is ready for events.
   */
  onTrustedCommand?(): void;
}

/** Registers one handler per contract command; returns a function that removes them all. */
export function bindIpc(ipcMain: IpcMainLike | IpcMain, dispatch: Dispatch, isTrustedSender: (event: IpcEventLike) => boolean, options: BindIpcOptions = {}): () => void {
  const ipc = ipcMain as IpcMainLike;
  const { logger } = options;
  for (const name of commandNames) {
    ipc.handle(name, async (event, payload): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        logger?.warn(`refused ${name} from an untrusted sender`, event.senderFrame?.url ?? '(no frame)');
        return fail(new AppError('FORBIDDEN_SENDER').toData());
      }
      options.onTrustedCommand?.();
      return dispatch(name, payload);
    });
  }
  return () => {
    for (const name of commandNames) ipc.removeHandler(name);
  };
}

/** Binds the real `ipcMain`; loaded lazily so unit tests import this module without Electron. */
export function bindElectronIpc(dispatch: Dispatch, isTrustedSender: (event: IpcEventLike) => boolean, options: BindIpcOptions = {}): () => void {
  // require, not import(): the bundle is CommonJS and Electron's module must come from the same loader.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ipcMain } = require('electron') as typeof import('electron');
  return bindIpc(ipcMain, dispatch, isTrustedSender, options);
}

/** Binds drag-out (drag-out.ts) on the real `ipcMain`; here because raw IPC lives only in this file. */
export function bindElectronDragOut(transfers: DragTransfers, isTrustedSender: (event: IpcEventLike) => boolean, icon: string): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ipcMain } = require('electron') as typeof import('electron');
  return bindDragOut(ipcMain as unknown as Parameters<typeof bindDragOut>[0], transfers, isTrustedSender, icon);
}

/**
 * Events a page must not miss, held while no page is ready for them: notices (a damaged journal, settings that
 * could not be read, no keychain) and the sign-in prompts the engine waits on. Every other event is a snapshot
 * or a delta that the page's first commands read afresh (settings:get, transfers:list, …).
 */
export const heldEvents: ReadonlySet<EventName> = new Set<EventName>(['app:notice', 'profiles:mfaRequest', 'profiles:ssoStatus']);

/** At most this many held events are kept (the oldest go first): a page that never comes must not grow memory. */
export const MAX_HELD_EVENTS = 100;

/** The event forwarder: delivery follows the page's life. */
export interface EventForwarder {
  /** The page has subscribed (it sent a trusted command): deliver what was held, in order, then everything live. */
  pageReady(): void;
  /** A new page is loading (reload, crash recovery, a new window), or the old one is gone: hold again. */
  pageLoading(): void;
  /** Stops forwarding. */
  dispose(): void;
}

/**
 * Forwards every engine event to our window (and nowhere else). `ipcRenderer` buffers nothing, so an event sent
 * before the page has subscribed is lost: until `pageReady`, the events in `heldEvents` wait here.
 */
export function forwardEvents(events: EventBus, getWindow: () => TrustedWindowLike | undefined): EventForwarder {
  let ready = false;
  const held: [EventName, unknown][] = [];
  const target = () => {
    const win = getWindow();
    // A window closed to the tray still exists; a destroyed one must not be written to.
    return !win || win.isDestroyed() || win.webContents.isDestroyed() ? undefined : win;
  };
  const stop = events.onAny((name: EventName, payload) => {
    const win = ready ? target() : undefined;
    if (win) {
      win.webContents.send(name, payload);
      return;
    }
    if (!heldEvents.has(name)) return;
    held.push([name, payload]);
    if (held.length > MAX_HELD_EVENTS) held.shift();
  });
  return {
    pageReady() {
      if (ready) return;
      const win = target();
      if (!win) return;
      ready = true;
      for (const [name, payload] of held.splice(0)) win.webContents.send(name, payload);
    },
    pageLoading() {
      ready = false;
    },
    dispose: stop,
  };
}
