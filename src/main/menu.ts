/** Menu templates for the tray and the application menu, as plain data so they are unit-tested. */
import type { Language } from '../shared/errors';
import type { TrayState } from './desktop-status';
import { label } from './labels';

/** One menu entry in Electron's template shape (the subset we use). */
export interface MenuItemTemplate {
  label?: string;
  role?: string;
  type?: 'separator' | 'normal';
  enabled?: boolean;
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

/** The actions the menus trigger. */
export interface MenuActions {
  open(): void;
  pauseAll(): void;
  resumeAll(): void;
  quit(): void;
  openLogs(): void;
  copyDiagnostics(): void;
  /** Reloads the window's page (the way back from a page that stopped answering). */
  reload(): void;
}

/** The tray menu: open, pause all, resume all, quit. Pause/resume are enabled by the current state. */
export function trayMenuTemplate(actions: MenuActions, lang: Language, state: TrayState): MenuItemTemplate[] {
  return [
    { label: label('open', lang), click: actions.open },
    { type: 'separator' },
    { label: label('pauseAll', lang), enabled: state !== 'paused', click: actions.pauseAll },
    { label: label('resumeAll', lang), enabled: state === 'paused' || state === 'error', click: actions.resumeAll },
    { type: 'separator' },
    { label: label('quit', lang), click: actions.quit },
  ];
}

/** The tray tooltip for a state. */
export function trayTooltip(state: TrayState, lang: Language): string {
  const key = ({ idle: 'trayIdle', syncing: 'traySyncing', paused: 'trayPaused', error: 'trayError' } as const)[state];
  return label(key, lang);
}

/** The application menu, with View → Reload and Help → Open logs folder and Copy diagnostics. No dev tools in the menu. */
export function appMenuTemplate(actions: MenuActions, lang: Language, isMac: boolean): MenuItemTemplate[] {
  const menu: MenuItemTemplate[] = [];
  if (isMac) menu.push({ label: 'S3 Drop', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'unhide' }, { type: 'separator' }, { label: label('quit', lang), accelerator: 'Cmd+Q', click: actions.quit }] });
  else menu.push({ label: label('file', lang), submenu: [{ label: label('quit', lang), accelerator: 'Ctrl+Q', click: actions.quit }] });
  menu.push({ label: label('edit', lang), submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] });
  menu.push({ label: label('view', lang), submenu: [{ label: label('reload', lang), accelerator: 'CmdOrCtrl+R', click: actions.reload }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] });
  menu.push({ label: label('window', lang), submenu: [{ role: 'minimize' }, { role: 'close' }] });
  menu.push({
    label: label('help', lang),
    role: 'help',
    submenu: [
      { label: label('openLogs', lang), click: actions.openLogs },
      { label: label('copyDiagnostics', lang), click: actions.copyDiagnostics },
    ],
  });
  return menu;
}
