/// <reference types="electron" />
/** Tray and application menus: the actions are wired, the texts exist in both languages, the icon follows the state. */
import { describe, expect, it } from 'vitest';
import { appMenuTemplate, trayMenuTemplate, trayTooltip, type MenuActions, type MenuItemTemplate } from '../../src/main/menu';
import { createTray, trayIconPath, type TrayLike } from '../../src/main/tray';
import { label, pickLanguage } from '../../src/main/labels';

function recordingActions() {
  const calls: string[] = [];
  const actions = Object.fromEntries(['open', 'pauseAll', 'resumeAll', 'quit', 'openLogs', 'copyDiagnostics', 'reload'].map((k) => [k, () => calls.push(k)])) as unknown as MenuActions;
  return { actions, calls };
}

const find = (items: MenuItemTemplate[], text: string): MenuItemTemplate | undefined => {
  for (const item of items) {
    if (item.label === text) return item;
    const inner = item.submenu && find(item.submenu, text);
    if (inner) return inner;
  }
  return undefined;
};

describe('tray menu', () => {
  it('has open, pause all, resume all and quit, each calling its action', () => {
    const { actions, calls } = recordingActions();
    const menu = trayMenuTemplate(actions, 'en', 'syncing');
    for (const text of ['Open S3 Drop', 'Pause all', 'Resume all', 'Quit S3 Drop']) find(menu, text)!.click!();
    expect(calls).toEqual(['open', 'pauseAll', 'resumeAll', 'quit']);
    expect(find(menu, 'Pause all')!.enabled).toBe(true);
    expect(find(trayMenuTemplate(actions, 'en', 'paused'), 'Pause all')!.enabled).toBe(false);
    expect(find(trayMenuTemplate(actions, 'en', 'paused'), 'Resume all')!.enabled).toBe(true);
  });

  it('speaks Portuguese when asked', () => {
    const { actions } = recordingActions();
    expect(find(trayMenuTemplate(actions, 'pt-BR', 'idle'), 'Pausar tudo')).toBeDefined();
    expect(trayTooltip('error', 'pt-BR')).toContain('atenção');
    expect(pickLanguage('system', 'pt-BR')).toBe('pt-BR');
    expect(pickLanguage('system', 'de-DE')).toBe('en');
    expect(pickLanguage('en', 'pt-BR')).toBe('en');
    expect(label('batchDoneBody', 'en', { done: 3 })).toBe('3 file(s) uploaded.');
  });
});

describe('application menu', () => {
  it('Help has Open logs folder and Copy diagnostics', () => {
    const { actions, calls } = recordingActions();
    for (const isMac of [true, false]) {
      const menu = appMenuTemplate(actions, 'en', isMac);
      const help = menu.find((m) => m.label === 'Help')!;
      expect(help.submenu!.map((i) => i.label)).toEqual(['Open logs folder', 'Copy diagnostics']);
      help.submenu!.forEach((i) => i.click!());
      find(menu, 'Quit S3 Drop')!.click!();
      // No developer tools in a shipped menu.
      expect(JSON.stringify(menu)).not.toContain('toggleDevTools');
    }
    expect(calls).toEqual(['openLogs', 'copyDiagnostics', 'quit', 'openLogs', 'copyDiagnostics', 'quit']);
  });

  it('View → Reload reloads the page, in both languages', () => {
    const { actions, calls } = recordingActions();
    const view = appMenuTemplate(actions, 'en', false).find((m) => m.label === 'View')!;
    const reload = view.submenu!.find((i) => i.label === 'Reload')!;
    expect(reload.accelerator).toBe('CmdOrCtrl+R');
    reload.click!();
    expect(calls).toEqual(['reload']);
    expect(find(appMenuTemplate(actions, 'pt-BR', true), 'Recarregar')).toBeDefined();
  });
});

describe('createTray', () => {
  class FakeTray implements TrayLike {
    images: string[] = [];
    tips: string[] = [];
    menus: (Electron.Menu | null)[] = [];
    clicks: (() => void)[] = [];
    constructor(image: string) {
      this.images.push(image);
    }
    setImage(i: Electron.NativeImage | string) {
      this.images.push(String(i));
    }
    setToolTip(t: string) {
      this.tips.push(t);
    }
    setContextMenu(m: Electron.Menu | null) {
      this.menus.push(m);
    }
    on(_e: 'click', fn: () => void) {
      this.clicks.push(fn);
    }
    destroy() {}
  }

  it('swaps icon, tooltip and menu when the state changes, and only then', () => {
    const { actions, calls } = recordingActions();
    const t = createTray({ Tray: FakeTray, buildMenu: (tpl) => tpl as unknown as Electron.Menu, iconDir: '/res/tray', platform: 'linux', actions, language: () => 'en' });
    expect(t.tray.images.at(-1)).toBe('/res/tray/tray-idle.png');
    t.setState('syncing');
    t.setState('syncing');
    expect(t.tray.images).toEqual(['/res/tray/tray-idle.png', '/res/tray/tray-idle.png', '/res/tray/tray-syncing.png']);
    expect(t.tray.tips.at(-1)).toBe('S3 Drop: uploading…');
    expect(t.tray.menus).toHaveLength(2);
    t.tray.clicks[0]!();
    expect(calls).toEqual(['open']);
  });

  it('uses the Template icons on macOS', () => {
    expect(trayIconPath('/r', 'paused', 'darwin')).toBe('/r/tray-pausedTemplate.png');
    expect(trayIconPath('/r', 'error', 'win32')).toBe('/r/tray-error.png');
  });
});
