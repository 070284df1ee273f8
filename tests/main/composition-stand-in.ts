/// <reference types="electron" />
/**
 * The `electron` module for tests/main/composition-root.test.ts: loaded with `node --require` before the bundled
 * main process, it answers `require('electron')` with the typed fakes of fake-electron.ts, plays the page (which
 * starts by asking `app:info`, as src/renderer/state/store.ts does) and one scenario (FAKE_SCENARIO), and writes
 * what happened to FAKE_REPORT. Bundled by esbuild; never imported by a test.
 */
import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppServices } from '../../src/main/services/app-services';
import { FakeBrowserWindow, fakeClipboard, fakeEvent, FakeNotification, FakeTray } from './fake-electron';

// Answer `require('electron')` with this file's exports; play a missing keychain binary when asked.
const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = resolver._resolveFilename;
resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === 'electron') return __filename;
  if (request === '@napi-rs/keyring' && process.env.FAKE_NO_KEYRING) {
    throw Object.assign(new Error("Cannot find module '@napi-rs/keyring-linux-x64-gnu'"), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, ...rest);
};

type Handler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown;
type MenuTemplate = Electron.MenuItemConstructorOptions[];

/** Everything the app did to Electron. */
const rec = {
  windows: [] as FakeBrowserWindow[],
  trays: [] as FakeTray[],
  menus: [] as MenuTemplate[],
  notifications: [] as Electron.NotificationConstructorOptions[],
  notificationRefs: [] as WeakRef<FakeNotification>[],
  ipc: new Map<string, Handler>(),
  ipcOn: new Map<string, Handler>(),
  headersListener: undefined as undefined | ((details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders?: Record<string, string[]> }) => void) => void),
  permission: undefined as undefined | ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void),
  schemes: [] as { schemes: Electron.CustomScheme[]; beforeReady: boolean }[],
  protocols: new Map<string, (request: Request) => Response | Promise<Response>>(),
  dialogs: [] as Electron.MessageBoxOptions[],
  opened: [] as string[],
  lock: 0,
  paths: {} as Record<string, string>,
  willQuit: 0,
  startupError: undefined as string | undefined,
  exitCode: undefined as number | undefined,
  unhandled: [] as string[],
  pageStarts: 0,
  firstInfo: undefined as unknown,
};
let services: AppServices | undefined;
process.on('fake:services' as never, (s: AppServices) => (services = s));
process.on('unhandledRejection', (err) => rec.unhandled.push(String(err)));

class FakeApp extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'isPackaged'
      | 'requestSingleInstanceLock'
      | 'setAppUserModelId'
      | 'setAppLogsPath'
      | 'setPath'
      | 'getPath'
      | 'getAppPath'
      | 'getLocale'
      | 'isReady'
      | 'whenReady'
      | 'setLoginItemSettings'
      | 'getLoginItemSettings'
      | 'quit'
      | 'exit'
    >
{
  isPackaged = false;
  private ready = false;
  requestSingleInstanceLock(): boolean {
    rec.lock++;
    // Another launch arrives while this one is still starting.
    if (process.env.FAKE_SECOND_INSTANCE) setImmediate(() => this.emit('second-instance', fakeEvent(), ['s3-drop'], process.cwd(), {}));
    return !process.env.FAKE_NO_LOCK;
  }
  setAppUserModelId(): void {}
  setAppLogsPath(path?: string): void {
    rec.paths.logs = path ?? '';
  }
  setPath(name: string, path: string): void {
    // As Electron does.
    if (!isAbsolute(path)) throw new Error(`Path must be absolute: ${path}`);
    rec.paths[name] = path;
  }
  getPath(name: string): string {
    return rec.paths[name] ?? process.env.FAKE_USER_DATA!;
  }
  getAppPath(): string {
    return process.env.FAKE_APP_PATH!;
  }
  getLocale(): string {
    return 'pt-BR';
  }
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    return new Promise((r) =>
      setImmediate(() => {
        this.ready = true;
        r();
      }),
    );
  }
  setLoginItemSettings(): void {}
  getLoginItemSettings(): Electron.LoginItemSettings {
    return { openAtLogin: false, wasOpenedAtLogin: false, status: 'not-registered', executableWillLaunchAtLogin: false, launchItems: [] };
  }
  quit(): void {
    this.emit('before-quit', fakeEvent());
    const e = fakeEvent();
    rec.willQuit++;
    this.emit('will-quit', e);
    if (!e.defaultPrevented) this.exit(0);
  }
  exit(code = 0): void {
    rec.exitCode = code;
    finish();
  }
}

export const app = new FakeApp();
FakeBrowserWindow.onCreate = (win) => {
  rec.windows.push(win);
  app.emit('web-contents-created', fakeEvent(), win.webContents);
  // The page: once loaded it has subscribed, and its first command is app:info.
  win.webContents.onPageLoaded = () => {
    void invoke('app:info', {}).then((info) => {
      rec.pageStarts++;
      rec.firstInfo ??= info;
    });
  };
};
FakeTray.onCreate = (tray) => rec.trays.push(tray);
FakeNotification.onShow = (n) => {
  rec.notifications.push({ ...n.options });
  rec.notificationRefs.push(new WeakRef(n));
};
export { FakeBrowserWindow as BrowserWindow, FakeNotification as Notification, FakeTray as Tray };

export const session: { defaultSession: Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & { webRequest: Pick<Electron.WebRequest, 'onHeadersReceived'> } } = {
  defaultSession: {
    webRequest: {
      // Electron's overloads: (listener) or (filter, listener); the listener comes last either way.
      onHeadersReceived: (...args: unknown[]) => {
        rec.headersListener = args.at(-1) as typeof rec.headersListener;
      },
    },
    setPermissionRequestHandler: (handler) => {
      rec.permission = handler as unknown as typeof rec.permission;
    },
    setPermissionCheckHandler: () => undefined,
  },
};
export const ipcMain: Pick<Electron.IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'> = {
  handle: (channel, listener) => void rec.ipc.set(channel, listener),
  removeHandler: (channel) => void rec.ipc.delete(channel),
  on(channel, listener) {
    rec.ipcOn.set(channel, listener as unknown as Handler);
    return ipcMain as Electron.IpcMain;
  },
  removeListener(channel) {
    rec.ipcOn.delete(channel);
    return ipcMain as Electron.IpcMain;
  },
};
export const protocol: Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'> = {
  registerSchemesAsPrivileged(schemes) {
    // Electron refuses this after ready.
    if (app.isReady()) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
    rec.schemes.push({ schemes, beforeReady: true });
  },
  handle(scheme, handler) {
    if (!app.isReady()) throw new Error('protocol.handle must be called after the app is ready');
    rec.protocols.set(scheme, handler);
  },
};
/** net.fetch for file:// URLs, from disk. */
export const net: Pick<Electron.Net, 'fetch'> = {
  async fetch(input) {
    return new Response(readFileSync(fileURLToPath(typeof input === 'string' ? input : input.url)));
  },
};
export const Menu: Pick<typeof Electron.Menu, 'buildFromTemplate' | 'setApplicationMenu'> = {
  // The template stands for the menu: the scenario reads its labels and clicks its items.
  buildFromTemplate: (template) => template as unknown as Electron.Menu,
  setApplicationMenu: (menu) => void rec.menus.push(menu as unknown as MenuTemplate),
};
export const dialog: Pick<Electron.Dialog, 'showOpenDialog' | 'showMessageBox' | 'showErrorBox'> = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showMessageBox: async (...args: unknown[]) => {
    rec.dialogs.push(args.at(-1) as Electron.MessageBoxOptions);
    return { response: 1, checkboxChecked: false };
  },
  showErrorBox: (title, content) => void (rec.startupError = `${title}: ${content}`),
};
export const shell: Pick<Electron.Shell, 'openExternal' | 'openPath'> = {
  openExternal: async (url) => void rec.opened.push(url),
  openPath: async () => '',
};
export const clipboard = fakeClipboard({ refuse: !!process.env.FAKE_CLIPBOARD_REFUSES });

// ---- the scenario ------------------------------------------------------------------------------------------

const tick = () => new Promise((r) => setTimeout(r, 10));
/** Waits (without asserting any time) until the condition holds; gives up after a while so a broken app still reports. */
async function until(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 1500 && !rec.startupError && rec.exitCode === undefined; i++) {
    if (condition()) return true;
    await tick();
  }
  return condition();
}
const win = () => rec.windows[0]!;
const trusted = () => ({ sender: win().webContents, senderFrame: win().webContents.mainFrame }) as unknown as Electron.IpcMainInvokeEvent;
async function invoke(name: string, payload: unknown, event = trusted()): Promise<unknown> {
  return rec.ipc.get(name)!(event, payload);
}
function labelsOf(items: MenuTemplate | undefined, out: string[] = []): string[] {
  for (const i of items ?? []) {
    if (i.label) out.push(i.label);
    labelsOf(i.submenu as MenuTemplate | undefined, out);
  }
  return out;
}
function find(items: MenuTemplate | undefined, text: string): Electron.MenuItemConstructorOptions | undefined {
  for (const i of items ?? []) {
    if (i.label === text) return i;
    const inner = find(i.submenu as MenuTemplate | undefined, text);
    if (inner) return inner;
  }
  return undefined;
}
const click = (item: Electron.MenuItemConstructorOptions | undefined) => (item?.click as (() => void) | undefined)?.();
const received = () => win().webContents.received;
const noticeCodes = () => received().filter(([ch]) => ch === 'app:notice').map(([, p]) => (p as { error?: { code: string } }).error?.code);
const progress = (o: Partial<Record<string, number | boolean>>) => ({
  changed: [],
  removed: [],
  overall: { bytesDone: 0, bytesTotal: 10, speed: 0, etaSeconds: null, queued: 0, running: 0, paused: 0, failed: 0, done: 0, cancelled: 0, allPaused: false, ...o },
});
/** A full collection in a later turn: an object deref'ed in this turn is kept until the turn ends. */
async function gc(): Promise<void> {
  await tick();
  (globalThis as unknown as { gc(): void }).gc();
  await tick();
}

const report: Record<string, unknown> = {};
let finished = false;
function finish(): void {
  if (finished) return;
  finished = true;
  Object.assign(report, {
    startupError: rec.startupError,
    lock: rec.lock,
    paths: rec.paths,
    windowsCreated: rec.windows.length,
    ipcBound: rec.ipc.size,
    exitCode: rec.exitCode,
    willQuit: rec.willQuit,
    trayDestroyed: rec.trays[0]?.destroyed,
    dialogs: rec.dialogs.map((d) => d.title),
    unhandled: rec.unhandled,
    pageStarts: rec.pageStarts,
  });
  if (rec.windows[0]) Object.assign(report, { visible: win().visible, noticeCodes: noticeCodes(), dropped: win().webContents.dropped.map(([ch]) => ch), reloads: win().webContents.reloads });
  writeFileSync(process.env.FAKE_REPORT!, JSON.stringify(report, null, 2));
  process.exit(0);
}

const scenarios: Record<string, () => Promise<void>> = {
  async main() {
    const wc = win().webContents;
    Object.assign(report, {
      windowOptions: win().options,
      url: win().loads[0]?.url,
      ipcChannels: [...rec.ipc.keys()].sort(),
      ipcOnChannels: [...rec.ipcOn.keys()].sort(),
      info: rec.firstInfo,
      foreign: await invoke('app:info', {}, { sender: wc, senderFrame: { url: 'https://evil.example/', parent: null } } as unknown as Electron.IpcMainInvokeEvent),
      iframe: await invoke('settings:get', {}, { sender: wc, senderFrame: { url: wc.mainFrame.url, parent: wc.mainFrame } } as unknown as Electron.IpcMainInvokeEvent),
      badPayload: await invoke('settings:update', { theme: 'neon' }),
      openEvil: wc.openHandler!({ url: 'https://evil.example/' } as Electron.HandlerDetails),
      openDocs: wc.openHandler!({ url: 'https://docs.aws.amazon.com/s3/' } as Electron.HandlerDetails),
      navigationPrevented: wc.navigate('will-navigate', 'https://evil.example/'),
      schemes: rec.schemes,
      appMenu: labelsOf(rec.menus.at(-1)),
      trayMenu: labelsOf(rec.trays[0]!.menu as unknown as MenuTemplate),
      trayImages: [...rec.trays[0]!.images],
      // What `npm run test:electron` reads through app.evaluate (S3DROP_TEST_HOOKS=1).
      testHookTray: (globalThis as { __s3dropTest?: { trayMenu(): { label?: string }[] } }).__s3dropTest?.trayMenu().flatMap((i) => (i.label ? [i.label] : [])),
    });
    rec.headersListener!({ responseHeaders: {} }, (r) => (report.csp = r.responseHeaders?.['Content-Security-Policy']));
    rec.permission!(null, 'media', (g) => (report.mediaGranted = g), { requestingUrl: wc.mainFrame.url });
    rec.permission!(null, 'notifications', (g) => (report.notificationsGranted = g), { requestingUrl: wc.mainFrame.url });
    const serve = rec.protocols.get('app');
    if (serve) {
      const page = await serve({ url: 'app://s3drop/index.html', method: 'GET' } as Request);
      report.protocol = { status: page.status, type: page.headers.get('content-type'), csp: page.headers.get('content-security-policy'), body: await page.text() };
      report.protocolOutside = (await serve({ url: 'app://s3drop/../main/index.cjs', method: 'GET' } as Request)).status;
    }

    // The engine's own bus drives tray, taskbar and the notification: a batch runs, then ends with one failure.
    services!.events.emit('transfers:progress', progress({ bytesDone: 5, queued: 1, running: 1 }));
    services!.events.emit('transfers:progress', progress({ bytesDone: 10, done: 2, failed: 1 }));
    Object.assign(report, { progress: win().progress, notifications: rec.notifications, trayImagesAfter: [...rec.trays[0]!.images] });
    // The notification must outlive a garbage collection (the OS holds no reference; the app must), and the
    // click must still reach the app: the window is hidden to the tray first, the click brings it back.
    await gc();
    report.notificationAliveAfterGc = rec.notificationRefs[0]!.deref() !== undefined;
    win().hide();
    rec.notificationRefs[0]!.deref()?.click();
    report.visibleAfterClick = win().visible;
    await gc();
    report.notificationReleasedAfterClick = rec.notificationRefs[0]!.deref() === undefined;

    // Help → Copy diagnostics, clicked as a person would.
    click(find(rec.menus.at(-1), 'Copiar diagnóstico'));
    await until(() => clipboard.text !== undefined);
    report.clipboard = clipboard.text;
    // View → Reload: the page loads again and asks again.
    click(find(rec.menus.at(-1), 'Recarregar'));
    await until(() => rec.pageStarts >= 2);
    report.sentEvents = [...new Set(received().map(([ch]) => ch))];
    report.opened = rec.opened;
  },

  /** Starts and quits. */
  async idle() {},

  /** Settings and journal were damaged before the start: both notices reach the page. */
  async damaged() {
    await until(() => noticeCodes().length >= 2);
  },

  /** A second launch while this one starts hidden at login: the window is shown once it exists. */
  async 'slow-start'() {
    await until(() => win().visible);
  },

  /** The renderer dies: the window reloads once; a notice raised meanwhile reaches the new page. */
  async gone() {
    win().webContents.crash('crashed');
    services!.events.emit('app:notice', { level: 'warning', key: 'while-gone' });
    await until(() => rec.pageStarts >= 2);
    report.heldNotice = received().some(([ch, p]) => ch === 'app:notice' && (p as { key?: string }).key === 'while-gone');
  },

  /** The clipboard refuses the write: logged, no unhandled rejection and so no crash dialog. */
  async clipboard() {
    click(find(rec.menus.at(-1), 'Copiar diagnóstico'));
    const log = () => readFileSync(`${rec.paths.logs}/s3-drop.log`, 'utf8');
    await until(() => rec.dialogs.length > 0 || log().includes('could not copy the diagnostics'));
    // A few more turns, so a late rejection would show too.
    for (let i = 0; i < 5; i++) await tick();
  },

  /** The keychain's native binary is missing: the app starts, a key is kept in memory, and the page is told. */
  async 'no-keyring'() {
    report.added = await invoke('profiles:add', { name: 'one', accessKeyId: 'AKIAMEMORY000001', secretAccessKey: 'memoryOnlySecret/abcdefghijklmnopqrstuvwx', preset: 'aws' });
    await until(() => noticeCodes().includes('KEYCHAIN_UNAVAILABLE'));
  },

  /** Windows ends the session: no quit events, yet the engine is stopped and the app exits. */
  async 'session-end'() {
    win().endSession(['logoff']);
    await until(() => rec.exitCode !== undefined);
  },
};

async function run(): Promise<void> {
  const scenario = process.env.FAKE_SCENARIO ?? 'main';
  await until(() => rec.windows.length > 0 && rec.pageStarts > 0 && services !== undefined);
  if (!rec.startupError && rec.exitCode === undefined && rec.windows.length > 0) await scenarios[scenario]!();
  if (rec.exitCode === undefined && !rec.startupError) app.quit();
  // quit ends in app.exit, which writes the report; if it never comes, report what there is.
  await until(() => false);
  finish();
}
void run();
