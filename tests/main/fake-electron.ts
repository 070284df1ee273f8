/// <reference types="electron" />
/**
 * Stand-ins for the Electron objects the main process uses, each typed against Electron's own declarations
 * (node_modules/electron/electron.d.ts, through the global `Electron` namespace, so no test imports
 * `electron`). An API change there, like `clipboard.writeText` returning a Promise since Electron 44, fails
 * the typecheck here instead of passing unnoticed. They also behave like the real ones where the app depends
 * on it: `webContents.send` delivers nothing while no page has loaded (ipcRenderer buffers nothing),
 * `app.setPath` refuses a relative path, and the system keeps no strong reference to a notification.
 * The unit tests use them directly; tests/main/composition-root.test.ts bundles them as the `electron` module.
 */
import { EventEmitter } from 'node:events';

/** A frame as IPC reports it: the main frame has no parent. */
export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

/** An Electron event object with its parameters. */
export function fakeEvent<P extends object = object>(params?: P): Electron.Event<P> {
  let prevented = false;
  return Object.assign(
    {
      preventDefault: () => {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    },
    params,
  ) as Electron.Event<P>;
}

/** A window's web contents: one main frame whose page loads a turn after it is asked to. */
export class FakeWebContents extends EventEmitter implements Pick<Electron.WebContents, 'send' | 'isDestroyed' | 'reload' | 'setWindowOpenHandler'> {
  readonly mainFrame: FakeFrame = { url: '', parent: null };
  /** What the page received. */
  readonly received: [string, unknown][] = [];
  /** What was sent while no page had loaded: lost, as with the real one. */
  readonly dropped: [string, unknown][] = [];
  /** True from did-finish-load until the next navigation or crash. */
  loaded = false;
  destroyed = false;
  reloads = 0;
  openHandler?: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse;
  /** What the page does once loaded (the composition test plays the renderer's start-up here). */
  onPageLoaded?: () => void;

  send(channel: string, ...args: unknown[]): void {
    (this.loaded ? this.received : this.dropped).push([channel, args[0]]);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setWindowOpenHandler(handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }

  reload(): void {
    this.reloads++;
    this.load(this.mainFrame.url);
  }

  /** A main-frame load: did-start-navigation now, did-finish-load a turn later. */
  load(url: string): void {
    this.loaded = false;
    this.mainFrame.url = url;
    this.emit('did-start-navigation', fakeEvent<Electron.WebContentsDidStartNavigationEventParams>({ url, isSameDocument: false, isMainFrame: true, frame: null }));
    setImmediate(() => {
      if (this.destroyed) return;
      this.loaded = true;
      this.emit('did-finish-load');
      this.onPageLoaded?.();
    });
  }

  /** The renderer process dies. */
  crash(reason: Electron.RenderProcessGoneDetails['reason'] = 'crashed'): void {
    this.loaded = false;
    const details: Electron.RenderProcessGoneDetails = { reason, exitCode: 139 };
    this.emit('render-process-gone', fakeEvent(), details);
  }

  /** Fires a navigation event as Electron does; true when a listener prevented it. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    const e = fakeEvent();
    this.emit(event, e, url);
    return e.defaultPrevented;
  }
}

/** What a window looked like when its page was asked for. */
export interface LoadRecord {
  url: string;
  /** The web-contents events that had listeners at that moment. */
  listeners: string[];
  openHandler: boolean;
}

/** A BrowserWindow: emits ready-to-show a turn after loading. */
export class FakeBrowserWindow extends EventEmitter
  implements Pick<Electron.BrowserWindow, 'loadURL' | 'show' | 'hide' | 'focus' | 'restore' | 'isMinimized' | 'isDestroyed' | 'setProgressBar'>
{
  /** Called for every window made (the composition test records them). */
  static onCreate?: (win: FakeBrowserWindow) => void;
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  readonly progress: [number, string | undefined][] = [];
  loads: LoadRecord[] = [];

  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.onCreate?.(this);
  }

  async loadURL(url: string): Promise<void> {
    this.loads.push({ url, listeners: this.webContents.eventNames().map(String), openHandler: this.webContents.openHandler !== undefined });
    this.webContents.load(url);
    setImmediate(() => this.emit('ready-to-show'));
  }

  show(): void {
    this.visible = true;
  }

  hide(): void {
    this.visible = false;
  }

  focus(): void {}

  restore(): void {}

  isMinimized(): boolean {
    return false;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setProgressBar(progress: number, options?: Electron.ProgressBarOptions): void {
    this.progress.push([progress, options?.mode]);
  }

  /** Closing as a person does; true when a listener kept the window open. */
  close(): boolean {
    const e = fakeEvent();
    this.emit('close', e);
    return e.defaultPrevented;
  }

  /** Windows ends the session. */
  endSession(reasons: Electron.WindowSessionEndEvent['reasons']): void {
    const e: Electron.WindowSessionEndEvent = fakeEvent({ reasons });
    this.emit('session-end', e);
  }
}

/** A notification. Like the OS, the fake keeps no strong reference: only the app keeps it alive. */
export class FakeNotification extends EventEmitter implements Pick<Electron.Notification, 'show' | 'close'> {
  static supported = true;
  /** Called when one is shown (the composition test records its texts and a weak reference). */
  static onShow?: (n: FakeNotification) => void;
  shown = false;
  closed = false;

  static isSupported(): boolean {
    return FakeNotification.supported;
  }

  constructor(readonly options: Electron.NotificationConstructorOptions = {}) {
    super();
  }

  show(): void {
    this.shown = true;
    FakeNotification.onShow?.(this);
  }

  close(): void {
    this.closed = true;
    this.emit('close', fakeEvent({ reason: 'unknown' }));
  }

  /** The person clicks it. */
  click(): void {
    this.emit('click', fakeEvent());
  }
}

/** A tray icon. */
export class FakeTray extends EventEmitter implements Pick<Electron.Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy'> {
  static onCreate?: (tray: FakeTray) => void;
  readonly images: string[] = [];
  tip = '';
  menu: Electron.Menu | null = null;
  destroyed = false;

  constructor(image: Electron.NativeImage | string) {
    super();
    this.images.push(String(image));
    FakeTray.onCreate?.(this);
  }

  setImage(image: Electron.NativeImage | string): void {
    this.images.push(String(image));
  }

  setToolTip(toolTip: string): void {
    this.tip = toolTip;
  }

  setContextMenu(menu: Electron.Menu | null): void {
    this.menu = menu;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

/** The clipboard: a Promise, as since Electron 44; `refuse` makes the next writes fail as a locked session would. */
export function fakeClipboard(options: { refuse?: boolean } = {}): Pick<Electron.Clipboard, 'writeText'> & { text?: string } {
  const clip: Pick<Electron.Clipboard, 'writeText'> & { text?: string } = {
    async writeText(text: string) {
      if (options.refuse) throw new Error('the clipboard is not available');
      clip.text = text;
    },
  };
  return clip;
}
