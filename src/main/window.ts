/** Creates the main window with the secure defaults from security.ts; Electron classes come in as parameters. */
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

/** The parts of Electron's `BrowserWindow` instance this module uses. */
export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  show(): void;
  hide(): void;
}

/** What `createMainWindow` needs. */
export interface MainWindowDeps<W extends BrowserWindowLike> {
  BrowserWindow: new (options: MainWindowOptions) => W;
  preloadPath: string;
  /** file:// URL of out/renderer/index.html, or the dev server's URL. */
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
  hardenWebContents(win.webContents, { openExternal: deps.openExternal, onDenied: deps.onDenied });
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
