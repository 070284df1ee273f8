/**
 * Start at login, hidden to the tray. macOS and Windows use `app.setLoginItemSettings`; Linux has no
 * such API, so an XDG autostart entry (~/.config/autostart/s3-drop.desktop) is written instead.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The argument a login start passes, so the app starts hidden in the tray. */
export const HIDDEN_ARG = '--hidden';

/** The parts of Electron's `app` used here. */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[]; path?: string }): void;
  getLoginItemSettings(): { wasOpenedAtLogin: boolean };
}

/** What `applyStartAtLogin` needs. */
export interface LoginItemDeps {
  app: LoginItemApp;
  platform: NodeJS.Platform;
  /** The executable to start (process.execPath, or $APPIMAGE for an AppImage). */
  execPath: string;
  /** $XDG_CONFIG_HOME or ~/.config, for the Linux autostart entry. */
  configHome: string;
}

/** The XDG autostart file for Linux. */
export function autostartFile(configHome: string): string {
  return join(configHome, 'autostart', 's3-drop.desktop');
}

/** Turns start-at-login on or off for this OS. */
export function applyStartAtLogin(deps: LoginItemDeps, enabled: boolean): void {
  if (deps.platform === 'linux') {
    const file = autostartFile(deps.configHome);
    if (!enabled) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(join(deps.configHome, 'autostart'), { recursive: true });
    // Quoted so a path with spaces still starts; the desktop entry spec escapes with double quotes.
    const exec = `"${deps.execPath.replace(/(["`$\\])/g, '\\$1')}" ${HIDDEN_ARG}`;
    writeFileSync(file, ['[Desktop Entry]', 'Type=Application', 'Name=S3 Drop', `Exec=${exec}`, 'X-GNOME-Autostart-enabled=true', 'NoDisplay=false', 'Terminal=false', ''].join('\n'));
    return;
  }
  // Windows passes args to the login start; macOS ignores them and reports wasOpenedAtLogin instead.
  deps.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
}

/** True when this start came from a login item (so the window stays hidden in the tray). */
export function startedHidden(argv: readonly string[], app: LoginItemApp, platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
