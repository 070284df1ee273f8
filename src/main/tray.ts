/** The tray icon: four states (idle, syncing, paused, error), a tooltip and the tray menu. */
import { join } from 'node:path';
import type { Menu, Tray } from 'electron';
import type { Language } from '../shared/errors';
import type { TrayState } from './desktop-status';
import { trayMenuTemplate, trayTooltip, type MenuActions, type MenuItemTemplate } from './menu';

/** The icon file for a state: macOS gets the monochrome Template variant that follows the menu bar colour. */
export function trayIconPath(dir: string, state: TrayState, platform: NodeJS.Platform): string {
  return join(dir, platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`);
}

/** The parts of Electron's `Tray` instance used here, typed from Electron's own declarations. */
export type TrayLike = Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy'> & {
  on(event: 'click', listener: () => void): unknown;
};

/** What `createTray` needs. */
export interface TrayDeps<T extends TrayLike> {
  Tray: new (image: string) => T;
  buildMenu(template: MenuItemTemplate[]): Menu;
  iconDir: string;
  platform: NodeJS.Platform;
  actions: MenuActions;
  language(): Language;
}

/** The tray controller: `setState` swaps the icon, tooltip and menu only when the state changes. */
export function createTray<T extends TrayLike>(deps: TrayDeps<T>): { tray: T; setState(state: TrayState): void; state(): TrayState; refresh(): void } {
  let current: TrayState = 'idle';
  const tray = new deps.Tray(trayIconPath(deps.iconDir, current, deps.platform));
  const apply = () => {
    const lang = deps.language();
    tray.setImage(trayIconPath(deps.iconDir, current, deps.platform));
    tray.setToolTip(trayTooltip(current, lang));
    tray.setContextMenu(deps.buildMenu(trayMenuTemplate(deps.actions, lang, current)));
  };
  apply();
  // Windows and Linux users expect a click on the tray icon to bring the window back.
  if (deps.platform !== 'darwin') tray.on('click', deps.actions.open);
  return {
    tray,
    state: () => current,
    refresh: apply,
    setState(state) {
      if (state === current) return;
      current = state;
      apply();
    },
  };
}
