/** The main window: secure webPreferences, hardened before loading, shown when ready, closed to the tray. */
import { describe, expect, it } from 'vitest';
import { createMainWindow, type BrowserWindowLike, type MainWindowOptions } from '../../src/main/window';

const rendererUrl = 'file:///app/out/renderer/index.html';

function fakeBrowserWindow() {
  const log: string[] = [];
  const made: FakeWindow[] = [];
  class FakeWindow implements BrowserWindowLike {
    visible = false;
    handlers = new Map<string, (...args: never[]) => void>();
    openHandler?: (d: { url: string }) => { action: string };
    webContents = {
      on: (event: string) => {
        log.push(`contents.on ${event}`);
      },
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => {
        log.push('setWindowOpenHandler');
        this.openHandler = h;
      },
    } as unknown as BrowserWindowLike['webContents'];
    constructor(readonly options: MainWindowOptions) {
      made.push(this);
    }
    async loadURL(url: string) {
      log.push(`loadURL ${url}`);
    }
    once(event: string, fn: () => void) {
      this.handlers.set(event, fn);
    }
    on(event: string, fn: (e: { preventDefault(): void }) => void) {
      this.handlers.set(event, fn);
    }
    show() {
      this.visible = true;
    }
    hide() {
      this.visible = false;
      log.push('hide');
    }
  }
  return { FakeWindow, log, created: () => made[0]! };
}

function make(overrides: { closeToTray?: boolean; quitting?: boolean; show?: boolean } = {}) {
  const fake = fakeBrowserWindow();
  const win = createMainWindow({
    BrowserWindow: fake.FakeWindow,
    preloadPath: '/app/out/preload/index.cjs',
    rendererUrl,
    showOnReady: overrides.show ?? true,
    openExternal: () => undefined,
    closeToTray: () => overrides.closeToTray ?? true,
    isQuitting: () => overrides.quitting ?? false,
  });
  return { win, ...fake };
}

describe('createMainWindow', () => {
  it('creates the window hidden with the secure webPreferences', () => {
    const { created } = make();
    const { options } = created();
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, webSecurity: true, nodeIntegration: false, preload: '/app/out/preload/index.cjs' });
  });

  it('hardens navigation and window.open before loading the page', () => {
    const { log } = make();
    const load = log.indexOf(`loadURL ${rendererUrl}`);
    expect(load).toBeGreaterThan(-1);
    for (const step of ['contents.on will-navigate', 'contents.on will-redirect', 'contents.on will-attach-webview', 'setWindowOpenHandler']) {
      expect(log.indexOf(step), step).toBeGreaterThan(-1);
      expect(log.indexOf(step), step).toBeLessThan(load);
    }
    expect(make().created().openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('shows on ready-to-show, unless started hidden at login', () => {
    const shown = make();
    shown.created().handlers.get('ready-to-show')!();
    expect(shown.created().visible).toBe(true);
    expect(make({ show: false }).created().handlers.has('ready-to-show')).toBe(false);
  });

  it('closing hides to the tray when the setting is on, and really closes when quitting or when off', () => {
    const close = (opts: { closeToTray: boolean; quitting: boolean }) => {
      const { created } = make(opts);
      let prevented = false;
      (created().handlers.get('close') as (e: { preventDefault(): void }) => void)({ preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(close({ closeToTray: true, quitting: false })).toBe(true);
    expect(close({ closeToTray: true, quitting: true })).toBe(false);
    expect(close({ closeToTray: false, quitting: false })).toBe(false);
  });
});
