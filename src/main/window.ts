/**
 * Creates the main window with the secure defaults from security.ts, and follows its page's life: loads,
 * a renderer that dies (reloaded once), and Windows' session end. Electron classes come in as parameters.
 */
import type { Event as ElectronEvent, RenderProcessGoneDetails, WebContents, WebContentsDidStartNavigationEventParams, WindowSessionEndEvent } from 'electron';
import { hardenWebContents, secureWebPreferences, type WebContentsLike } from './security';

/** The options this module passes to `new BrowserWindow`. */
export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  backgroundColor: string;
  webPreferences: ReturnType<typeof secureWebPreferences>;
}

/** The page events this module follows, with Electron's own listener types. */
export interface PageEventsLike {
  on(event: 'did-start-navigation', listener: (details: ElectronEvent<WebContentsDidStartNavigationEventParams>) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: (event: ElectronEvent, details: RenderProcessGoneDetails) => void): unknown;
}

/** The parts of Electron's `WebContents` this module uses. */
export type PageContentsLike = WebContentsLike & PageEventsLike & Pick<WebContents, 'reload'>;

/** The parts of Electron's `BrowserWindow` instance this module uses. */
export interface BrowserWindowLike {
  webContents: PageContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  /** Windows only: shutdown, restart or log-off. No quit events follow. */
  on(event: 'session-end', listener: (event: WindowSessionEndEvent) => void): unknown;
  show(): void;
  hide(): void;
  isDestroyed(): boolean;
}

/** What `createMainWindow` needs. */
export interface MainWindowDeps<W extends BrowserWindowLike> {
  BrowserWindow: new (options: MainWindowOptions) => W;
  preloadPath: string;
  /** app://s3drop/index.html (src/main/app-protocol.ts). */
  rendererUrl: string;
  /** False when started hidden at login: the window stays in the tray until asked for. */
  showOnReady: boolean;
  icon?: string;
  openExternal(url: string): void;
  /** Read at close time, so a settings change applies at once. */
  closeToTray(): boolean;
  /** True once the user chose Quit: then closing really closes. */
  isQuitting(): boolean;
  onDenied?(what: string, url: string): void;
  /** A page starts loading in the window (first load, reload): events are held until it is ready. */
  onPageLoading?(): void;
  /** The renderer process is gone; `reloading` says whether the window reloads it. */
  onRendererGone?(details: RenderProcessGoneDetails, reloading: boolean): void;
  /** Windows is ending the session (shutdown, log-off): stop the engine now. */
  onSessionEnd?(reasons: readonly string[]): void;
}

/** Builds the window, hardens its web contents before any page loads, and loads the renderer. */
export function createMainWindow<W extends BrowserWindowLike>(deps: MainWindowDeps<W>): W {
  const win = new deps.BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    // Shown on ready-to-show so the user never sees a blank white frame.
    show: false,
    title: 'S3 Drop',
    icon: deps.icon,
    backgroundColor: '#1f2430',
    webPreferences: secureWebPreferences(deps.preloadPath),
  });
  const contents = win.webContents;
  hardenWebContents(contents, { openExternal: deps.openExternal, onDenied: deps.onDenied });
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) deps.onPageLoading?.();
  });
  // One automatic reload, then another only once that page has loaded: a page that dies while loading
  // is not reloaded in a loop (View → Reload is still there).
  let mayReload = true;
  contents.on('did-finish-load', () => {
    mayReload = true;
  });
  contents.on('render-process-gone', (_event, details) => {
    deps.onPageLoading?.();
    const reloading = mayReload && !win.isDestroyed();
    deps.onRendererGone?.(details, reloading);
    if (!reloading) return;
    mayReload = false;
    contents.reload();
  });
  win.on('session-end', (event) => deps.onSessionEnd?.(event.reasons));
  if (deps.showOnReady) win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    // Transfers keep running in the tray; Quit (tray or menu) is the way out.
    if (deps.closeToTray() && !deps.isQuitting()) {
      event.preventDefault();
      win.hide();
    }
  });
  void win.loadURL(deps.rendererUrl);
  return win;
}
