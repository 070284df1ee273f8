/**
 * The Electron composition root (src/main/index.ts), bundled exactly as scripts/build.mjs bundles it, run
 * in plain Node with a stand-in for the `electron` module (composition-stand-in.ts over the typed fakes of
 * fake-electron.ts; no Electron binary exists here). Everything else is real: the engine, settings on disk,
 * electron-log, the IPC wrapper and the window code. It proves the wiring: paths, single-instance lock, the
 * app:// scheme, hardened session and window, IPC sender checks, tray, menu, taskbar progress, the batch
 * notification, a clean quit; and the start-up and lifecycle cases of issue 18, one scenario each.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
// Under node_modules/.cache so the bundle's external packages resolve, and lint and git never see it.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
// node_modules may be a symlink: the bundle sees its real path as __dirname.
const work = realpathSync(mkdtempSync(join(root, 'node_modules/.cache', 's3drop-main-smoke-')));
afterAll(() => {
  if (!process.env.KEEP_SMOKE) rmSync(work, { recursive: true, force: true });
});

/** Runs the bundled main process once with the stand-in and one scenario, and returns what it recorded. */
function runApp(name: string, env: Record<string, string> = {}, args: string[] = [], prepare?: (dataDir: string) => void): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dataDir = join(work, name);
  mkdirSync(dataDir, { recursive: true });
  prepare?.(dataDir);
  const reportFile = join(work, `${name}-report.json`);
  const r = spawnSync(join(root, 'node_modules/.bin/node'), ['--expose-gc', '--require', join(work, 'stand-in.cjs'), join(work, 'out/main/index.cjs'), ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: work, FAKE_USER_DATA: dataDir, FAKE_APP_PATH: root, FAKE_REPORT: reportFile, S3DROP_DISABLE_UPDATES: '1', ...env },
  });
  if (!existsSync(reportFile)) throw new Error(`the app did not finish:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(readFileSync(reportFile, 'utf8'));
}

const logOf = (name: string) => readFileSync(join(work, name, 'logs', 's3-drop.log'), 'utf8');

let report: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', packages: 'external', logLevel: 'silent' } as const;
  // The same options as the main entry in scripts/build.mjs.
  await build({
    ...common,
    entryPoints: { index: join(root, 'src/main/index.ts') },
    outdir: join(work, 'out/main'),
    outExtension: { '.js': '.cjs' },
    external: ['electron'],
    define: { __APP_VERSION__: JSON.stringify('0.0.0-test') },
  });
  await build({ ...common, entryPoints: [join(import.meta.dirname, 'composition-stand-in.ts')], outfile: join(work, 'stand-in.cjs') });
  // The scenario reaches the engine's bus through this one line, inserted right after the engine is built.
  const bundle = readFileSync(join(work, 'out/main/index.cjs'), 'utf8');
  const patched = bundle.replace(/(const services = await createAppServices\([\s\S]*?\}\);)/, `$1\n  process.emit('fake:services', services);`);
  expect(patched).not.toBe(bundle);
  writeFileSync(join(work, 'out/main/index.cjs'), patched);
  // What app:// serves: out/renderer next to out/main.
  mkdirSync(join(work, 'out/renderer'), { recursive: true });
  writeFileSync(join(work, 'out/renderer/index.html'), '<!doctype html><title>S3 Drop</title>');
  report = runApp('data', { S3DROP_TEST_HOOKS: '1' });
});

describe('src/main/index.ts wired to Electron', () => {
  it('exposes no test hook unless asked (S3DROP_TEST_HOOKS=1)', () => {
    const plain = runApp('nohooks', { FAKE_SCENARIO: 'main' });
    expect(plain.trayMenu).toHaveLength(4);
    expect(plain.testHookTray).toBeUndefined();
  });

  it('a second copy that cannot take the single-instance lock quits before building anything', () => {
    const second = runApp('second', { FAKE_NO_LOCK: '1' });
    expect(second.lock).toBe(1);
    expect(second.windowsCreated).toBe(0);
    expect(second.ipcBound).toBe(0);
    expect(second.exitCode).toBe(0);
    expect(existsSync(join(work, 'second', 'settings.json'))).toBe(false);
  });

  it('starts: lock taken, data and logs in userData, the window loads app://s3drop with secure preferences', () => {
    expect(report.startupError).toBeUndefined();
    expect(report.lock).toBe(1);
    expect(report.paths.logs).toBe(join(work, 'data', 'logs'));
    expect(report.url).toBe('app://s3drop/index.html');
    expect(report.windowOptions.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: join(work, 'out/preload/index.cjs') });
    expect(report.visible).toBe(true);
    expect(existsSync(join(work, 'data', 'logs', 's3-drop.log'))).toBe(true);
  });

  it('registers app:// as privileged before ready, and serves out/renderer through it with the CSP', () => {
    expect(report.schemes).toEqual([{ schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }], beforeReady: true }]);
    expect(report.protocol).toMatchObject({ status: 200, body: '<!doctype html><title>S3 Drop</title>' });
    expect(report.protocol.type).toMatch(/^text\/html/);
    expect(report.protocol.csp).toContain("script-src 'self'");
    expect(report.protocolOutside).toBe(404);
  });

  it('binds every contract command; our frame is served, foreign frames and iframes are refused, bad payloads too', () => {
    expect(report.ipcChannels.length).toBeGreaterThan(20);
    // The one listener outside the contract: dragging a finished download out of the window.
    expect(report.ipcOnChannels).toEqual(['app:dragOut']);
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

  it('builds the menus and the tray in the system language (pt-BR here), with the tray icons from assets/', () => {
    expect(report.appMenu).toEqual(expect.arrayContaining(['Exibir', 'Recarregar', 'Ajuda', 'Abrir a pasta de logs', 'Copiar diagnóstico']));
    expect(report.trayMenu).toEqual(['Abrir o S3 Drop', 'Pausar tudo', 'Retomar tudo', 'Sair do S3 Drop']);
    // The same menu, as the real-Electron suite reads it from the main process.
    expect(report.testHookTray).toEqual(report.trayMenu);
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

  it('keeps the notification alive through garbage collection until it is clicked, and the click opens the window', () => {
    expect(report.notificationAliveAfterGc).toBe(true);
    expect(report.visibleAfterClick).toBe(true);
    expect(report.notificationReleasedAfterClick).toBe(true);
  });

  it('Help → Copy diagnostics puts versions, settings and the log tail on the clipboard; View → Reload reloads', () => {
    expect(report.clipboard).toContain('S3 Drop diagnostics');
    expect(report.clipboard).toContain('"version": "0.0.0-test"');
    expect(report.clipboard).toContain('"closeToTray": true');
    expect(report.clipboard).toMatch(/Last 200 log lines:\n\[.*\] \[info\] S3 Drop 0\.0\.0-test starting/);
    expect(report.reloads).toBe(1);
    expect(report.pageStarts).toBe(2);
  });

  it('opens allowlisted links in the browser, and quits cleanly after stopping the engine', () => {
    expect(report.opened).toEqual(['https://docs.aws.amazon.com/s3/']);
    expect(report.exitCode).toBe(0);
    expect(report.trayDestroyed).toBe(true);
    expect(logOf('data')).toMatch(/shutting down \(quit\)[\s\S]*engine stopped/);
  });
});

describe('issue 18: start-up and lifecycle', () => {
  it('notices raised at start-up (damaged settings and journal) wait for the page and then reach it', () => {
    const r = runApp('damaged', {}, [], (dir) => {
      writeFileSync(join(dir, 'settings.json'), '{ not json');
      writeFileSync(join(dir, 'journal.sqlite'), 'this is not a database, just bytes that look damaged '.repeat(200));
    });
    expect(r.startupError).toBeUndefined();
    expect(r.noticeCodes).toEqual(expect.arrayContaining(['SETTINGS_CORRUPT', 'JOURNAL_CORRUPT']));
    expect(r.dropped).not.toContain('app:notice');
  });

  it('a second launch during a slow start (hidden at login) still brings the window', () => {
    const r = runApp('slow', { FAKE_SECOND_INSTANCE: '1', FAKE_SCENARIO: 'slow-start' }, ['--hidden']);
    expect(r.startupError).toBeUndefined();
    expect(r.visible).toBe(true);
  });

  it('a renderer that dies is reloaded once, the reason is logged, and a notice raised meanwhile reaches the new page', () => {
    const r = runApp('gone', { FAKE_SCENARIO: 'gone' });
    expect(r.reloads).toBe(1);
    expect(r.pageStarts).toBe(2);
    expect(r.heldNotice).toBe(true);
    expect(logOf('gone')).toMatch(/\[error\] the window's page stopped \(crashed, exit code 139\); reloading it/);
  });

  it('a refused clipboard write is logged, not an unhandled rejection with a crash dialog', () => {
    const r = runApp('clipboard', { FAKE_SCENARIO: 'clipboard', FAKE_CLIPBOARD_REFUSES: '1' });
    expect(r.unhandled).toEqual([]);
    expect(r.dialogs).toEqual([]);
    expect(logOf('clipboard')).toContain('could not copy the diagnostics to the clipboard');
  });

  it('starts without the keychain binary: secrets stay in memory and the page is told', () => {
    const r = runApp('nokeyring', { FAKE_SCENARIO: 'no-keyring', FAKE_NO_KEYRING: '1' });
    expect(r.startupError).toBeUndefined();
    expect(r.added).toMatchObject({ ok: true, value: { hasSecret: true, secretStorage: 'memory' } });
    expect(r.noticeCodes).toContain('KEYCHAIN_UNAVAILABLE');
    expect(logOf('nokeyring')).toContain("keychain unavailable, keeping secrets in memory for this session: Cannot find module '@napi-rs/keyring-linux-x64-gnu'");
  });

  it('a relative S3DROP_DATA_DIR is resolved against the working directory', () => {
    const r = runApp('relative', { S3DROP_DATA_DIR: 'rel-data', FAKE_SCENARIO: 'idle' });
    expect(r.startupError).toBeUndefined();
    expect(r.paths.userData).toBe(join(work, 'rel-data'));
    expect(existsSync(join(work, 'rel-data', 'logs', 's3-drop.log'))).toBe(true);
  });

  it("Windows' session end stops the engine and exits, without quit events", () => {
    const r = runApp('session', { FAKE_SCENARIO: 'session-end' });
    expect(r.exitCode).toBe(0);
    expect(r.willQuit).toBe(0);
    expect(logOf('session')).toMatch(/shutting down \(session end: logoff\)[\s\S]*engine stopped/);
  });
});
