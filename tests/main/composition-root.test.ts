/**
 * The Electron composition root (src/main/index.ts), bundled exactly as scripts/build.mjs bundles it, run
 * in plain Node with a recording stand-in for the `electron` module (no Electron binary exists here).
 * Everything else is real: the engine, settings on disk, electron-log, the IPC wrapper and the window code.
 * It proves the wiring: paths, single-instance lock, hardened session and window, IPC sender checks,
 * tray, menu, taskbar progress, the batch notification, and a clean quit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
// Under node_modules/.cache so the bundle's external packages resolve, and lint and git never see it.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const work = mkdtempSync(join(root, 'node_modules/.cache', 's3drop-main-smoke-'));
afterAll(() => {
  if (!process.env.KEEP_SMOKE) rmSync(work, { recursive: true, force: true });
});

/** The stand-in: records what the app does and plays the renderer's part once everything is wired. */
const fakeElectron = String.raw`
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const rec = { windows: [], trays: [], menus: [], notifications: [], ipc: new Map(), sessionHeaders: null, permission: null, progress: [], lock: 0, paths: {} };
const app = new EventEmitter();
let ready = false;
Object.assign(app, {
  isPackaged: false,
  requestSingleInstanceLock: () => (rec.lock++, !process.env.FAKE_NO_LOCK),
  setAppUserModelId() {},
  setAppLogsPath: (p) => (rec.paths.logs = p),
  setPath: (k, v) => (rec.paths[k] = v),
  getPath: (k) => rec.paths[k] ?? process.env.FAKE_USER_DATA,
  getAppPath: () => process.env.FAKE_APP_PATH,
  getLocale: () => 'pt-BR',
  getVersion: () => '0.0.0-test',
  getName: () => 'S3 Drop',
  isReady: () => ready,
  whenReady: () => new Promise((r) => setImmediate(() => { ready = true; r(); })),
  setLoginItemSettings: (s) => (rec.login = s),
  getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
  quit: () => {
    app.emit('before-quit');
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) app.exit(0);
  },
  exit: (code) => {
    rec.exitCode = code;
    finish();
  },
});
class WebContents extends EventEmitter {
  constructor() { super(); this.mainFrame = { url: '', parent: null }; this.sent = []; }
  setWindowOpenHandler(h) { this.openHandler = h; }
  send(ch, p) { this.sent.push([ch, p]); }
  isDestroyed() { return false; }
}
class BrowserWindow extends EventEmitter {
  constructor(options) { super(); this.options = options; this.webContents = new WebContents(); this.visible = false; rec.windows.push(this); app.emit('web-contents-created', {}, this.webContents); }
  async loadURL(url) { this.webContents.mainFrame.url = url; this.url = url; setImmediate(() => this.emit('ready-to-show')); }
  show() { this.visible = true; } hide() { this.visible = false; } focus() {} restore() {} isMinimized() { return false; } isDestroyed() { return false; }
  setProgressBar(v, o) { rec.progress.push([v, o && o.mode]); }
}
class Tray { constructor(img) { this.images = [img]; rec.trays.push(this); } setImage(i) { this.images.push(i); } setToolTip(t) { this.tip = t; } setContextMenu(m) { this.menu = m; } on() {} destroy() { this.destroyed = true; } }
class Notification extends EventEmitter { static isSupported() { return true; } constructor(o) { super(); this.o = o; } show() { rec.notifications.push(this.o); } }
const session = { defaultSession: {
  webRequest: { onHeadersReceived: (l) => (rec.sessionHeaders = l) },
  setPermissionRequestHandler: (h) => (rec.permission = h),
  setPermissionCheckHandler: (h) => (rec.permissionCheck = h),
} };
const ipcMain = { handle: (ch, fn) => rec.ipc.set(ch, fn), removeHandler: (ch) => rec.ipc.delete(ch) };
const Menu = { buildFromTemplate: (t) => t, setApplicationMenu: (m) => rec.menus.push(m) };
const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showMessageBox: async () => ({ response: 1 }), showErrorBox: (t, m) => (rec.startupError = t + ': ' + m) };
const shell = { openExternal: async (u) => (rec.opened = (rec.opened || []).concat(u)), openPath: async () => '' };
const clipboard = { writeText: (t) => (rec.clipboard = t) };
module.exports = { app, BrowserWindow, Tray, Notification, session, ipcMain, Menu, dialog, shell, clipboard };

function labelsOf(items, out = []) { for (const i of items || []) { if (i.label) out.push(i.label); labelsOf(i.submenu, out); } return out; }

async function play() {
  const win = rec.windows[0];
  const wc = win.webContents;
  const trusted = { sender: wc, senderFrame: wc.mainFrame };
  const report = {
    lock: rec.lock, paths: rec.paths, windowOptions: win.options, url: win.url, visible: win.visible,
    ipcChannels: [...rec.ipc.keys()].sort(),
    info: await rec.ipc.get('app:info')(trusted, {}),
    foreign: await rec.ipc.get('app:info')({ sender: wc, senderFrame: { url: 'https://evil.example/', parent: null } }, {}),
    iframe: await rec.ipc.get('settings:get')({ sender: wc, senderFrame: { url: wc.mainFrame.url, parent: wc.mainFrame } }, {}),
    badPayload: await rec.ipc.get('settings:update')(trusted, { theme: 'neon' }),
    openEvil: wc.openHandler({ url: 'https://evil.example/' }),
    openDocs: wc.openHandler({ url: 'https://docs.aws.amazon.com/s3/' }),
  };
  const nav = { prevented: false };
  wc.emit('will-navigate', { preventDefault: () => (nav.prevented = true) }, 'https://evil.example/');
  report.navigationPrevented = nav.prevented;
  rec.sessionHeaders({ responseHeaders: {} }, (r) => (report.csp = r.responseHeaders['Content-Security-Policy']));
  rec.permission(null, 'media', (g) => (report.mediaGranted = g), { requestingUrl: wc.mainFrame.url });
  rec.permission(null, 'notifications', (g) => (report.notificationsGranted = g), { requestingUrl: wc.mainFrame.url });
  report.appMenu = labelsOf(rec.menus.at(-1));
  report.trayMenu = labelsOf(rec.trays[0].menu);
  report.trayImages = rec.trays[0].images;
  // The engine's own bus drives tray, taskbar and notifications: a batch runs, then ends with one failure.
  process.emit('fake:progress');
  // Help → Copy diagnostics, clicked as a person would.
  const find = (items, text) => { for (const i of items || []) { if (i.label === text) return i; const f = find(i.submenu, text); if (f) return f; } };
  find(rec.menus.at(-1), 'Copiar diagnóstico').click();
  const tail = () => {
    if (rec.clipboard === undefined) return void setImmediate(tail);
    report.clipboard = rec.clipboard;
    report.progress = rec.progress;
    report.notifications = rec.notifications;
    report.trayImagesAfter = rec.trays[0].images;
    report.sentEvents = [...new Set(wc.sent.map((s) => s[0]))];
    report.opened = rec.opened || [];
    globalThis.__report = report;
    app.quit();
  };
  setImmediate(tail);
}
function finish() {
  const r = globalThis.__report || { startupError: rec.startupError, lock: rec.lock, windowsCreated: rec.windows.length, ipcBound: rec.ipc.size };
  r.exitCode = rec.exitCode;
  r.trayDestroyed = rec.trays[0] && rec.trays[0].destroyed;
  fs.writeFileSync(process.env.FAKE_REPORT, JSON.stringify(r, null, 2));
  process.exit(0);
}
const wait = setInterval(() => {
  if (rec.startupError) { clearInterval(wait); finish(); }
  if (rec.windows.length && rec.ipc.size && rec.trays.length && rec.windows[0].visible) { clearInterval(wait); void play(); }
}, 20);
`;

/** Resolves require('electron') to the stand-in, and lets the scenario emit engine events through the real bus. */
const hook = String.raw`
const Module = require('node:module');
const path = require('node:path');
const orig = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'electron') return path.join(__dirname, 'fake-electron.cjs');
  return orig.call(this, request, ...rest);
};
`;

/** Runs the bundled main process once with the stand-in and returns what it recorded. */
function runApp(name: string, env: Record<string, string>): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dataDir = join(work, name);
  mkdirSync(dataDir, { recursive: true });
  const reportFile = join(work, `${name}-report.json`);
  const r = spawnSync(join(root, 'node_modules/.bin/node'), ['--require', join(work, 'hook.cjs'), join(work, 'out/main/index.cjs')], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: work, FAKE_USER_DATA: dataDir, FAKE_APP_PATH: root, FAKE_REPORT: reportFile, S3DROP_DISABLE_UPDATES: '1', ...env },
  });
  if (!existsSync(reportFile)) throw new Error(`the app did not finish:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(readFileSync(reportFile, 'utf8'));
}

let report: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  // The same options as the main entry in scripts/build.mjs.
  await build({
    entryPoints: { index: join(root, 'src/main/index.ts') },
    outdir: join(work, 'out/main'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    packages: 'external',
    external: ['electron'],
    define: { __APP_VERSION__: JSON.stringify('0.0.0-test') },
    logLevel: 'silent',
  });
  writeFileSync(join(work, 'fake-electron.cjs'), fakeElectron);
  writeFileSync(join(work, 'hook.cjs'), hook);
  // A progress event goes through the engine's bus: the scenario asks, this shim (bundled into the app) emits.
  const bundle = readFileSync(join(work, 'out/main/index.cjs'), 'utf8');
  const patched = bundle.replace(
    /(const services = await createAppServices\([\s\S]*?\}\);)/,
    `$1\n  process.on('fake:progress', () => {\n    const o = { bytesDone: 0, bytesTotal: 10, speed: 0, etaSeconds: null, queued: 1, running: 1, paused: 0, failed: 0, done: 0, allPaused: false };\n    services.events.emit('transfers:progress', { changed: [], removed: [], overall: { ...o, bytesDone: 5 } });\n    services.events.emit('transfers:progress', { changed: [], removed: [], overall: { ...o, bytesDone: 10, queued: 0, running: 0, done: 2, failed: 1 } });\n  });`,
  );
  expect(patched).not.toBe(bundle);
  writeFileSync(join(work, 'out/main/index.cjs'), patched);
  report = runApp('data', {});
});

describe('src/main/index.ts wired to Electron', () => {
  it('a second copy that cannot take the single-instance lock quits before building anything', () => {
    const second = runApp('second', { FAKE_NO_LOCK: '1' });
    expect(second.lock).toBe(1);
    expect(second.windowsCreated).toBe(0);
    expect(second.ipcBound).toBe(0);
    expect(second.exitCode).toBe(0);
    expect(existsSync(join(work, 'second', 'settings.json'))).toBe(false);
  });

  it('starts: lock taken, data and logs in userData, the window loads out/renderer with secure preferences', () => {
    expect(report.startupError).toBeUndefined();
    expect(report.lock).toBe(1);
    expect(report.paths.logs).toBe(join(work, 'data', 'logs'));
    expect(report.url).toBe(`file://${join(work, 'out/renderer/index.html')}`);
    expect(report.windowOptions.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: join(work, 'out/preload/index.cjs') });
    expect(report.visible).toBe(true);
    expect(existsSync(join(work, 'data', 'logs', 's3-drop.log'))).toBe(true);
  });

  it('binds every contract command; our frame is served, foreign frames and iframes are refused, bad payloads too', () => {
    expect(report.ipcChannels.length).toBeGreaterThan(20);
    expect(report.info.ok).toBe(true);
    expect(report.info.value.capabilities).toEqual({ transport: 'electron', nativeDialogs: true, dropGivesPaths: true, desktopIntegration: true });
    expect(report.info.value.logsDir).toBe(join(work, 'data', 'logs'));
    expect(report.foreign.error.code).toBe('FORBIDDEN_SENDER');
    expect(report.iframe.error.code).toBe('FORBIDDEN_SENDER');
    expect(report.badPayload.error.code).toBe('INVALID_INPUT');
  });

  it('hardens the session and the page: CSP header, permissions, navigation and window.open', () => {
    expect(report.csp[0]).toContain("default-src 'self'");
    expect(report.mediaGranted).toBe(false);
    expect(report.notificationsGranted).toBe(true);
    expect(report.navigationPrevented).toBe(true);
    expect(report.openEvil).toEqual({ action: 'deny' });
    expect(report.openDocs).toEqual({ action: 'deny' });
  });

  it('builds the Help menu and the tray in the system language (pt-BR here), with the tray icons from assets/', () => {
    expect(report.appMenu).toEqual(expect.arrayContaining(['Ajuda', 'Abrir a pasta de logs', 'Copiar diagnóstico']));
    expect(report.trayMenu).toEqual(['Abrir o S3 Drop', 'Pausar tudo', 'Retomar tudo', 'Sair do S3 Drop']);
    expect(report.trayImages[0]).toBe(join(root, 'assets/tray/tray-idle.png'));
    expect(existsSync(report.trayImages[0])).toBe(true);
  });

  it('follows progress: taskbar bar, error tray icon, one notification for the batch, events sent to the window', () => {
    expect(report.progress).toEqual([
      [0.5, 'normal'],
      [-1, 'none'],
    ]);
    expect(report.trayImagesAfter).toContain(join(root, 'assets/tray/tray-syncing.png'));
    expect(report.trayImagesAfter.at(-1)).toBe(join(root, 'assets/tray/tray-error.png'));
    expect(report.notifications).toEqual([{ title: 'Alguns arquivos não foram enviados', body: '1 falharam, 2 enviados. Abra o S3 Drop para ver o motivo.' }]);
    expect(report.sentEvents).toContain('transfers:progress');
  });

  it('Help → Copy diagnostics puts versions, settings and the log tail on the clipboard', () => {
    expect(report.clipboard).toContain('S3 Drop diagnostics');
    expect(report.clipboard).toContain('"version": "0.0.0-test"');
    expect(report.clipboard).toContain('"closeToTray": true');
    expect(report.clipboard).toMatch(/Last 200 log lines:\n\[.*\] \[info\] S3 Drop 0\.0\.0-test starting/);
  });

  it('opens allowlisted links in the browser, and quits cleanly after disposing the engine', () => {
    expect(report.opened).toEqual(['https://docs.aws.amazon.com/s3/']);
    expect(report.exitCode).toBe(0);
    expect(report.trayDestroyed).toBe(true);
  });
});
