/**
 * Electron composition root: single-instance lock, paths, logging, the engine (createAppServices) with an
 * Electron Platform, IPC, the hardened window, tray, menus, notifications, taskbar progress, start at
 * login, crash handling and auto-update. Everything security-relevant lives in testable modules; this
 * file only connects them to the real Electron objects.
 */
import { app, BrowserWindow, clipboard, dialog, Menu, Notification, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
// The Node flavour: the same file transport, without the renderer IPC channel electron-log/main registers.
import log from 'electron-log/node';
import { autoUpdater } from 'electron-updater';
import { homedir, release, type } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Language } from '../shared/errors';
import { installCrashHandler } from './crash';
import { BatchWatcher, taskbarProgress, trayStateFor } from './desktop-status';
import { diagnosticsExtra, diagnosticsText } from './diagnostics';
import { bindElectronIpc, createSenderCheck, forwardEvents } from './ipc';
import { label, pickLanguage } from './labels';
import { createElectronLogger } from './log';
import { appMenuTemplate, type MenuActions } from './menu';
import { createElectronPlatform } from './platform/electron-platform';
import { applyStartAtLogin, startedHidden } from './platform/login-items';
import { hardenSession, hardenWebContents } from './security';
import { createAppServices } from './services/app-services';
import { createTray } from './tray';
import { setupAutoUpdate } from './updater';
import { createMainWindow } from './window';
import type { OverallProgress, SyncPairStatus } from '../shared/contract';

declare const __APP_VERSION__: string;

async function main(): Promise<void> {
  // The same data folder as the CLI and browser mode (src/server/node-platform.ts), so they share the
  // settings, the journal and the logs; set before the lock, which lives in it.
  if (process.env.S3DROP_DATA_DIR) app.setPath('userData', process.env.S3DROP_DATA_DIR);
  const dataDir = app.getPath('userData');
  const logsDir = join(dataDir, 'logs');
  app.setAppLogsPath(logsDir);
  // A second copy would fight over the journal and the sync index: hand over to the first one.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setAppUserModelId('com.s3drop.app');
  const debug = process.env.S3DROP_DEBUG === '1';
  const logger = createElectronLogger(log, { logsDir, level: debug ? 'debug' : 'info', console: !app.isPackaged || debug });
  logger.info(`S3 Drop ${__APP_VERSION__} starting (electron ${process.versions.electron}, ${process.platform})`);

  const devServerUrl = !app.isPackaged ? process.env.S3DROP_DEV_SERVER_URL : undefined;
  const rendererUrl = devServerUrl ?? pathToFileURL(join(__dirname, '../renderer/index.html')).href;
  const preloadPath = join(__dirname, '../preload/index.cjs');
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'assets');
  const trayDir = join(resources, 'tray');
  const windowIcon = join(resources, app.isPackaged ? 'icon.png' : 'icons/512x512.png');

  let win: BrowserWindow | undefined;
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
  hardenSession(session.defaultSession, { rendererUrl, devServerUrl });
  // Any web contents created later (there should be none) gets the same navigation rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openExternal, onDenied }));

  const services = await createAppServices({
    platform,
    logger,
    diagnosticsExtra: diagnosticsExtra({ electron: process.versions.electron, chrome: process.versions.chrome, os: `${type()} ${release()}`, locale: app.getLocale() }, logger.tail),
  });
  const settings = services.core.settings;
  const language = (): Language => pickLanguage(settings.get().language, app.getLocale());

  const copyDiagnostics = async () => {
    const result = await services.dispatch('app:diagnostics', {});
    clipboard.writeText(diagnosticsText(result.ok ? String(result.value) : JSON.stringify(result.error)));
  };
  installCrashHandler({
    process,
    logger,
    language,
    showDialog: (options) => dialog.showMessageBox(options),
    copyDiagnostics: () => void copyDiagnostics(),
  });

  const showWindow = () => {
    if (!win || win.isDestroyed()) win = openWindow(true);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  const actions: MenuActions = {
    open: showWindow,
    pauseAll: () => void services.dispatch('transfers:pause', {}),
    resumeAll: () => void services.dispatch('transfers:resume', {}),
    quit: () => {
      quitting = true;
      app.quit();
    },
    openLogs: () => void shell.openPath(logsDir),
    copyDiagnostics: () => void copyDiagnostics(),
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
    });

  const isTrusted = createSenderCheck(() => win, rendererUrl);
  bindElectronIpc(services.dispatch, isTrusted, logger);
  forwardEvents(services.events, () => win);

  const buildMenu = (template: unknown) => Menu.buildFromTemplate(template as MenuItemConstructorOptions[]);
  const setAppMenu = () => Menu.setApplicationMenu(buildMenu(appMenuTemplate(actions, language(), process.platform === 'darwin')));
  setAppMenu();
  const tray = createTray({ Tray, buildMenu, iconDir: trayDir, platform: process.platform, actions, language });

  // Tray state, taskbar progress and end-of-batch notifications follow the engine's snapshots.
  let overall: OverallProgress | undefined;
  let pairs: SyncPairStatus[] = [];
  const batches = new BatchWatcher();
  services.events.on('transfers:progress', (progress) => {
    overall = progress.overall;
    tray.setState(trayStateFor(overall, pairs));
    const bar = taskbarProgress(overall);
    if (win && !win.isDestroyed()) win.setProgressBar(bar.value, { mode: bar.mode });
    const notice = batches.update(overall);
    if (notice && settings.get().notifications && Notification.isSupported()) {
      const lang = language();
      const n =
        notice.kind === 'done'
          ? new Notification({ title: label('batchDoneTitle', lang), body: label('batchDoneBody', lang, { done: notice.done }) })
          : new Notification({ title: label('batchFailedTitle', lang), body: label('batchFailedBody', lang, { done: notice.done, failed: notice.failed }) });
      n.on('click', showWindow);
      n.show();
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

  win = openWindow(!startedHidden(process.argv, app, process.platform));
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
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

  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    // Let the engine close its journal and watchers before the process ends.
    event.preventDefault();
    disposed = true;
    updates.dispose();
    tray.tray.destroy();
    void services
      .dispose()
      .catch((err: unknown) => logger.error('shutdown failed', err instanceof Error ? err : String(err)))
      .finally(() => app.exit(0));
  });
}

void main().catch((err: unknown) => {
  // Start-up failed before the crash handler existed: say so plainly and leave.
  log.error(err);
  dialog.showErrorBox('S3 Drop could not start', 'Something went wrong while starting. The details are in the log file.');
  app.exit(1);
});
