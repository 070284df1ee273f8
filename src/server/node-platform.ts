/**
 * The `Platform` for the two non-Electron roots (`s3-drop serve` and the CLI). The data folder is the
 * same one Electron uses as `userData`, so the app, the CLI and browser mode share settings and journal.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from '../main/services/platform';
import { createFileLogger, type Logger, type LogLevel } from '../main/services/log/logger';
import { homeDir } from '../main/services/local-folders';
import { spoolDir } from './spool';

declare const __APP_VERSION__: string | undefined;

/** The product name Electron derives `userData` from; keep in step with electron-builder's productName. */
export const PRODUCT_DIR_NAME = 'S3 Drop';

/** The app version baked in by the build (esbuild `define`), or a dev marker when run from source. */
export const appVersion: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';

/** Where Electron's `app.getPath('userData')` points on each OS, honouring S3DROP_DATA_DIR first. */
export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  os: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.S3DROP_DATA_DIR) return env.S3DROP_DATA_DIR;
  if (os === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_DIR_NAME);
  if (os === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), PRODUCT_DIR_NAME);
  // Electron's appData on Linux is $XDG_CONFIG_HOME, else ~/.config.
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PRODUCT_DIR_NAME);
}

/**
 * Builds the Node platform: browser transport, no native dialogs, no desktop integration. `serve` asks for
 * `browserMode`, which keeps every local path a command names inside home and the spool (`Platform.localRoots`);
 * the CLI does not, since its paths come from the person's own command line.
 */
export function createNodePlatform(env: Record<string, string | undefined> = process.env, options: { browserMode?: boolean } = {}): Platform {
  const dataDir = defaultDataDir(env);
  return {
    dataDir,
    logsDir: join(dataDir, 'logs'),
    version: appVersion,
    capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    ...(options.browserMode ? { localRoots: [homeDir(env), spoolDir(dataDir)] } : {}),
  };
}

/** The file logger the CLI and browser mode share; `echo` mirrors lines to stderr under --debug. */
export function createNodeLogger(platform: Platform, options: { fileName: string; debug?: boolean }): Logger {
  const level: LogLevel = options.debug ? 'debug' : 'info';
  return createFileLogger({
    dir: platform.logsDir,
    fileName: options.fileName,
    level,
    echo: options.debug ? (line) => process.stderr.write(line + '\n') : undefined,
  });
}
