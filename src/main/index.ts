/**
 * Electron composition root: single-instance lock, paths, logging, the app:// scheme, the engine
 * (createAppServices) with an Electron Platform, IPC, the hardened window, tray, menus, notifications,
 * taskbar progress, start at login, crash handling, shutdown and auto-update. Everything security-relevant
 * lives in testable modules; this file only connects them to the real Electron objects.
 */
import { app, BrowserWindow, clipboard, dialog, Menu, net, Notification, protocol, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
// The Node flavour: the same file transport, without the renderer IPC channel electron-log/main registers.
import log from 'electron-log/node';
import { autoUpdater } from 'electron-updater';
import { homedir, release, type } from 'node:os';
import { join, resolve } from 'node:path';
import type { Language } from '../shared/errors';
import { APP_RENDERER_URL, APP_SCHEME, appSchemePrivileges, createAppProtocolHandler } from './app-protocol';
import { installCrashHandler } from './crash';
import { BatchWatcher, taskbarProgress, trayStateFor } from './desktop-status';
import { copyDiagnostics, diagnosticsExtra } from './diagnostics';
import { bindElectronDragOut, bindElectronIpc, createSenderCheck, forwardEvents } from './ipc';
import { label, pickLanguage } from './labels';
import { createElectronLogger } from './log';
import { appMenuTemplate, trayMenuTemplate, type MenuActions } from './menu';
import { createNotifier } from './notifications';
import { createElectronPlatform } from './platform/electron-platform';
import { applyStartAtLogin, startedHidden } from './platform/login-items';
import { buildCsp, hardenSession, hardenWebContents } from './security';
import { createAppServices } from './services/app-services';
import { EventBus } from './services/events';
import { createDefaultSecretStore, keyringEntries, type KeyringLoader } from './services/secrets/keychain-store';
import { createShutdown } from './shutdown';
import { createTray } from './tray';
import { setupAutoUpdate } from './updater';
import { createMainWindow } from './window';
import type { OverallProgress, SyncPairStatus } from '../shared/contract';

declare const __APP_VERSION__: string;

async function main(): Promise<void> {
  // The same data folder as the CLI and browser mode (src/server/node-platform.ts), so they share the
  // settings, the journal and the logs; set before the lock, which lives in it. app.setPath throws on a
  // relative path, which the CLI accepts: resolve it against the working directory as the CLI does.
  if (process.env.S3DROP_DATA_DIR) app.setPath('userData', resolve(process.env.S3DROP_DATA_DIR));
  const dataDir = app.getPath('userData');
  const logsDir = join(dataDir, 'logs');
  app.setAppLogsPath(logsDir);
  // A second copy would fight over the journal and the sync index: hand over to the first one.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Right after the lock: a second launch while this one is still starting (a slow disk, a big journal) must
  // not be lost. It is remembered and honoured once the window exists.
  let win: BrowserWindow | undefined;
  let started = false;
  let showAsked = false;
  const showWindow = () => {
    if (!started) {
      showAsked = true;
      return;
    }
    if (!win || win.isDestroyed()) win = openWindow(true);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  app.on('second-instance', showWindow);
  // macOS sends `activate` for the launch itself too; during start-up it is left to the start (hidden at
  // login, shown otherwise), so only a real click on the dock icon later brings the window.
  app.on('activate', () => {
    if (started) showWindow();
  });
  // Before ready, or the scheme is not privileged for the first page.
  protocol.registerSchemesAsPrivileged(appSchemePrivileges);
  app.setAppUserModelId('com.s3drop.app');
  const debug = process.env.S3DROP_DEBUG === '1';
  const logger = createElectronLogger(log, { logsDir, level: debug ? 'debug' : 'info', console: !app.isPackaged || debug });
  logger.info(`S3 Drop ${__APP_VERSION__} starting (electron ${process.versions.electron}, ${process.platform})`);

  // Always the built renderer over app:// (npm start builds first). A Vite dev server is not loaded: the
  // production CSP forbids the inline script its React refresh preamble needs.
  const rendererDir = join(__dirname, '../renderer');
  const rendererUrl = APP_RENDERER_URL;
  const preloadPath = join(__dirname, '../preload/index.cjs');
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'assets');
  const trayDir = join(resources, 'tray');
  const windowIcon = join(resources, app.isPackaged ? 'icon.png' : 'icons/512x512.png');

  let quitting = false;
  const onDenied = (what: string, url: string) => logger.warn(`denied ${what}`, url);
  const platform = createElectronPlatform({
    showOpenDialog: (options) => (win && !win.isDestroyed() ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options)),
    shell,
    dataDir,
    logsDir,
    version: __APP_VERSION__,
  });
  // Every link the app opens goes through the platform adapter, which checks the https allowlist again.
  const openExternal = (url: string) => void platform.openExternal!(url).catch((err: unknown) => logger.warn('openExternal refused or failed', String(err)));

  await app.whenReady();
  // Files of out/renderer only; net.fetch reads them inside app.asar.
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: rendererDir, fetch: (url) => net.fetch(url), csp: buildCsp() }));
  hardenSession(session.defaultSession, { rendererUrl });
  // Any web contents created later (there should be none) gets the same navigation rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openExternal, onDenied }));

  // Subscribed before the engine starts: its start-up notices (settings that could not be read, a damaged
  // journal, no keychain) wait in the forwarder until the page is ready for them.
  const events = new EventBus();
  const forwarder = forwardEvents(events, () => win);
  // The keychain library through require, as the rest of this CommonJS bundle loads from app.asar; on first
  // use, so a missing native binary (an installer for the other architecture) means memory and a notice.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loadKeyring: KeyringLoader = async () => require('@napi-rs/keyring') as Awaited<ReturnType<KeyringLoader>>;
  const services = await createAppServices({
    platform,
    logger,
    events,
    secrets: createDefaultSecretStore({ events, logger }, keyringEntries(loadKeyring)),
    diagnosticsExtra: diagnosticsExtra({ electron: process.versions.electron, chrome: process.versions.chrome, os: `${type()} ${release()}`, locale: app.getLocale() }, logger.tail),
  });
  const settings = services.core.settings;
  const language = (): Language => pickLanguage(settings.get().language, app.getLocale());

  const copy = () => void copyDiagnostics({ dispatch: services.dispatch, clipboard, logger });
  installCrashHandler({
    process,
    logger,
    language,
    showDialog: (options) => dialog.showMessageBox(options),
    copyDiagnostics: copy,
  });

  const actions: MenuActions = {
    open: showWindow,
    pauseAll: () => void services.dispatch('transfers:pause', {}),
    resumeAll: () => void services.dispatch('transfers:resume', {}),
    quit: () => {
      quitting = true;
      app.quit();
    },
    openLogs: () => void shell.openPath(logsDir),
    copyDiagnostics: copy,
    reload: () => {
      if (win && !win.isDestroyed()) win.webContents.reload();
    },
  };
  const openWindow = (show: boolean) =>
    createMainWindow({
      BrowserWindow,
      preloadPath,
      rendererUrl,
      showOnReady: show,
      icon: process.platform === 'linux' ? windowIcon : undefined,
      openExternal,
      onDenied,
      closeToTray: () => settings.get().closeToTray,
      isQuitting: () => quitting,
      onPageLoading: () => forwarder.pageLoading(),
      onRendererGone: (details, reloading) =>
        logger.error(`the window's page stopped (${details.reason}, exit code ${details.exitCode}); ${reloading ? 'reloading it' : 'not reloading it again until a page has loaded'}`),
      // Windows sends neither before-quit nor will-quit at shutdown or log-off: close the journal now.
      onSessionEnd: (reasons) => void shutdown(`session end: ${reasons.join(', ')}`),
    });

  const isTrusted = createSenderCheck(() => win, rendererUrl);
  bindElectronIpc(services.dispatch, isTrusted, { logger, onTrustedCommand: () => forwarder.pageReady() });
  bindElectronDragOut(services.transfers, isTrusted, windowIcon);

  const buildMenu = (template: unknown) => Menu.buildFromTemplate(template as MenuItemConstructorOptions[]);
  const setAppMenu = () => Menu.setApplicationMenu(buildMenu(appMenuTemplate(actions, language(), process.platform === 'darwin')));
  setAppMenu();
  const tray = createTray({ Tray, buildMenu, iconDir: trayDir, platform: process.platform, actions, language });

  // Tray state, taskbar progress and end-of-batch notifications follow the engine's snapshots.
  let overall: OverallProgress | undefined;
  let pairs: SyncPairStatus[] = [];
  const batches = new BatchWatcher();
  const notifier = createNotifier({ Notification, onClick: showWindow });
  services.events.on('transfers:progress', (progress) => {
    overall = progress.overall;
    tray.setState(trayStateFor(overall, pairs));
    const bar = taskbarProgress(overall);
    if (win && !win.isDestroyed()) win.setProgressBar(bar.value, { mode: bar.mode });
    const notice = batches.update(overall);
    if (notice && settings.get().notifications) {
      const lang = language();
      notifier.show(
        notice.kind === 'done'
          ? { title: label('batchDoneTitle', lang), body: label('batchDoneBody', lang, { done: notice.done }) }
          : { title: label('batchFailedTitle', lang), body: label('batchFailedBody', lang, { done: notice.done, failed: notice.failed }) },
      );
    }
  });
  services.events.on('sync:status', (next) => {
    pairs = next;
    tray.setState(trayStateFor(overall, pairs));
  });

  const loginDeps = { app, platform: process.platform, execPath: process.env.APPIMAGE ?? process.execPath, configHome: process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config') };
  const applyLogin = (enabled: boolean) => {
    // Only a packaged app should register itself: a dev build would start a bare Electron at login.
    if (!app.isPackaged) return;
    try {
      applyStartAtLogin(loginDeps, enabled);
    } catch (err) {
      logger.warn('could not change start at login', String(err));
    }
  };
  applyLogin(settings.get().startAtLogin);
  let lastLanguage = language();
  settings.onChange((next) => {
    applyLogin(next.startAtLogin);
    if (language() !== lastLanguage) {
      lastLanguage = language();
      setAppMenu();
      tray.refresh();
    }
  });

  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    // With close-to-tray the tray keeps the app (and its transfers) alive.
    if (!settings.get().closeToTray) app.quit();
  });

  const updates = setupAutoUpdate({
    getUpdater: () => {
      // electron-updater logs through ours, so its lines are redacted and rotated like the rest.
      autoUpdater.logger = logger;
      return autoUpdater;
    },
    isPackaged: app.isPackaged,
    env: process.env,
    logger,
    beforeRestart: () => {
      quitting = true;
    },
    askToRestart: async (version) => {
      const lang = language();
      const { response } = await dialog.showMessageBox({
        type: 'info',
        title: label('updateTitle', lang),
        message: label('updateTitle', lang),
        detail: label('updateBody', lang, { version }),
        buttons: [label('restart', lang), label('later', lang)],
        defaultId: 0,
        cancelId: 1,
      });
      return response === 0;
    },
  });

  const shutdown = createShutdown({
    dispose: () => services.dispose(),
    exit: (code) => app.exit(code),
    logger,
    before: () => {
      quitting = true;
      forwarder.dispose();
      updates.dispose();
      tray.tray.destroy();
    },
  });
  app.on('will-quit', (event) => {
    // Let the engine close its journal and watchers (within a time limit) before the process ends.
    event.preventDefault();
    void shutdown('quit');
  });

  if (process.env.S3DROP_TEST_HOOKS === '1') {
    // For `npm run test:electron` (tests/electron): the tray menu cannot be read back from Electron's Tray.
    Object.assign(globalThis, { __s3dropTest: { trayMenu: () => trayMenuTemplate(actions, language(), tray.state()) } });
  }

  const hidden = startedHidden(process.argv, app, process.platform);
  win = openWindow(!hidden);
  started = true;
  // A second launch during start-up asked for the window; a start that is not hidden shows it anyway.
  if (showAsked && hidden) showWindow();
}

void main().catch((err: unknown) => {
  // Start-up failed before the crash handler existed: say so plainly and leave.
  log.error(err);
  dialog.showErrorBox('S3 Drop could not start', 'Something went wrong while starting. The details are in the log file.');
  app.exit(1);
});
