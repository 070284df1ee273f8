/// <reference types="electron" />
/**
 * The main window: secure webPreferences, hardened before loading, shown when ready, closed to the tray, its
 * page's life followed (loads, a dead renderer reloaded once, Windows' session end). Typed fakes from
 * fake-electron.ts stand in for BrowserWindow.
 */
import { describe, expect, it } from 'vitest';
import { APP_RENDERER_URL } from '../../src/main/app-protocol';
import { createMainWindow, type MainWindowDeps } from '../../src/main/window';
import { FakeBrowserWindow } from './fake-electron';

const flush = () => new Promise((r) => setImmediate(r));

function make(overrides: Partial<Omit<MainWindowDeps<FakeBrowserWindow>, 'closeToTray'>> & { closeToTray?: boolean; quitting?: boolean } = {}) {
  const { closeToTray, quitting, ...rest } = overrides;
  return createMainWindow({
    BrowserWindow: FakeBrowserWindow,
    preloadPath: '/app/out/preload/index.cjs',
    rendererUrl: APP_RENDERER_URL,
    showOnReady: true,
    openExternal: () => undefined,
    closeToTray: () => closeToTray ?? true,
    isQuitting: () => quitting ?? false,
    ...rest,
  });
}

describe('createMainWindow', () => {
  it('creates the window hidden with the secure webPreferences', () => {
    const { options } = make();
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, webSecurity: true, nodeIntegration: false, preload: '/app/out/preload/index.cjs' });
  });

  it('hardens navigation and window.open before loading the app:// page', () => {
    const win = make();
    expect(win.loads).toHaveLength(1);
    const [load] = win.loads;
    expect(load!.url).toBe('app://s3drop/index.html');
    expect(load!.listeners).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview', 'render-process-gone', 'did-start-navigation']));
    expect(load!.openHandler).toBe(true);
    expect(win.webContents.openHandler!({ url: 'https://evil.example/' } as Electron.HandlerDetails)).toEqual({ action: 'deny' });
  });

  it('shows on ready-to-show, unless started hidden at login', async () => {
    const shown = make();
    await flush();
    expect(shown.visible).toBe(true);
    const hidden = make({ showOnReady: false });
    await flush();
    expect(hidden.visible).toBe(false);
  });

  it('closing hides to the tray when the setting is on, and really closes when quitting or when off', () => {
    expect(make({ closeToTray: true, quitting: false }).close()).toBe(true);
    expect(make({ closeToTray: true, quitting: true }).close()).toBe(false);
    expect(make({ closeToTray: false, quitting: false }).close()).toBe(false);
  });

  it('says when a page starts loading (first load, reload), not for in-page navigation', async () => {
    let loading = 0;
    const win = make({ onPageLoading: () => loading++ });
    expect(loading).toBe(1);
    win.webContents.reload();
    expect(loading).toBe(2);
    win.webContents.emit('did-start-navigation', { url: APP_RENDERER_URL + '#/settings', isMainFrame: true, isSameDocument: true });
    win.webContents.emit('did-start-navigation', { url: 'about:blank', isMainFrame: false, isSameDocument: false });
    expect(loading).toBe(2);
  });

  it('reloads a page whose renderer died, once, and again only after a page has loaded', async () => {
    const gone: [string, boolean][] = [];
    let loading = 0;
    const win = make({ onRendererGone: (details, reloading) => gone.push([details.reason, reloading]), onPageLoading: () => loading++ });
    await flush();
    expect(win.webContents.loaded).toBe(true);
    win.webContents.crash('crashed');
    expect(gone).toEqual([['crashed', true]]);
    expect(win.webContents.reloads).toBe(1);
    // It dies again before the reloaded page has loaded: no loop.
    win.webContents.crash('oom');
    expect(gone).toEqual([
      ['crashed', true],
      ['oom', false],
    ]);
    expect(win.webContents.reloads).toBe(1);
    // View → Reload (or any load) brings it back; once that page has loaded, a later crash reloads again.
    win.webContents.reload();
    await flush();
    win.webContents.crash('killed');
    expect(gone.at(-1)).toEqual(['killed', true]);
    expect(win.webContents.reloads).toBe(3);
    // Events are held from the moment the page is gone.
    expect(loading).toBeGreaterThanOrEqual(4);
  });

  it('does not reload a destroyed window', () => {
    const gone: boolean[] = [];
    const win = make({ onRendererGone: (_d, reloading) => gone.push(reloading) });
    win.destroyed = true;
    win.webContents.crash('killed');
    expect(gone).toEqual([false]);
    expect(win.webContents.reloads).toBe(0);
  });

  it("passes on Windows' session end with its reasons", () => {
    const ends: (readonly string[])[] = [];
    const win = make({ onSessionEnd: (reasons) => ends.push(reasons) });
    win.endSession(['logoff']);
    expect(ends).toEqual([['logoff']]);
  });
});
