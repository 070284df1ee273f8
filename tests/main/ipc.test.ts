/**
 * The IPC wrapper: one handler per contract command; every handler refuses a sender that is not our
 * window's main frame on our page, and the real dispatcher refuses payloads that fail their schema.
 */
import { describe, expect, it } from 'vitest';
import { commandNames, eventNames } from '../../src/shared/contract';
import { APP_RENDERER_URL } from '../../src/main/app-protocol';
import { bindIpc, createSenderCheck, forwardEvents, heldEvents, MAX_HELD_EVENTS, type IpcEventLike, type IpcMainLike, type TrustedWindowLike } from '../../src/main/ipc';
import { createDispatcher, type Handlers } from '../../src/main/services/dispatch';
import { EventBus } from '../../src/main/services/events';
import type { TransfersProgress } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { FakeWebContents } from './fake-electron';

const rendererUrl = APP_RENDERER_URL;

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const ipc: IpcMainLike = {
    handle: (ch, fn) => {
      if (handlers.has(ch)) throw new Error(`second handler for ${ch}`);
      handlers.set(ch, fn);
    },
    removeHandler: (ch) => handlers.delete(ch),
  };
  return { ipc, handlers };
}

/** Our window on our page; the page has loaded unless asked otherwise. */
function fakeWindow(loaded = true) {
  const webContents = new FakeWebContents();
  webContents.mainFrame.url = rendererUrl;
  webContents.loaded = loaded;
  let destroyed = false;
  const win: TrustedWindowLike = { isDestroyed: () => destroyed, webContents };
  const destroy = () => {
    destroyed = true;
    webContents.destroyed = true;
  };
  return { win, webContents, mainFrame: webContents.mainFrame, sent: webContents.received, destroy };
}

/** Handlers that record each call: a refused request must never reach one. */
function recordingHandlers() {
  const calls: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_t, name: string) => (args: unknown) => {
      calls.push(name);
      return { echoed: args };
    },
  });
  return { handlers, calls };
}

function setup() {
  const { ipc, handlers } = fakeIpcMain();
  const w = fakeWindow();
  const rec = recordingHandlers();
  let trustedCommands = 0;
  const unbind = bindIpc(ipc, createDispatcher(rec.handlers), createSenderCheck(() => w.win, rendererUrl), { onTrustedCommand: () => trustedCommands++ });
  return { ipc, handlers, w, rec, unbind, trustedCommands: () => trustedCommands };
}

describe('bindIpc', () => {
  it('registers exactly one handler per contract command and removes them all', () => {
    const { handlers, unbind } = setup();
    expect([...handlers.keys()].sort()).toEqual([...commandNames].sort());
    unbind();
    expect(handlers.size).toBe(0);
  });

  it('passes a good request from our main frame to the dispatcher', async () => {
    const { handlers, w, rec } = setup();
    const result = (await handlers.get('app:openExternal')!({ sender: w.webContents, senderFrame: w.mainFrame }, { url: 'https://github.com/' })) as Result<unknown>;
    expect(result).toEqual({ ok: true, value: { echoed: { url: 'https://github.com/' } } });
    expect(rec.calls).toEqual(['app:openExternal']);
  });

  it('tells the page is ready only for trusted commands', async () => {
    const { handlers, w, trustedCommands } = setup();
    await handlers.get('app:info')!({ sender: w.webContents, senderFrame: { url: 'https://evil.example/', parent: null } }, {});
    expect(trustedCommands()).toBe(0);
    await handlers.get('app:info')!({ sender: w.webContents, senderFrame: w.mainFrame }, {});
    expect(trustedCommands()).toBe(1);
  });

  const foreign: [string, (w: ReturnType<typeof fakeWindow>) => IpcEventLike][] = [
    ['another page in our window', (w) => ({ sender: w.webContents, senderFrame: { url: 'https://evil.example/', parent: null } })],
    ['an iframe inside our page', (w) => ({ sender: w.webContents, senderFrame: { url: rendererUrl, parent: w.mainFrame } })],
    ['another web contents on our URL', () => ({ sender: {}, senderFrame: { url: rendererUrl, parent: null } })],
    ['a frame that is gone', (w) => ({ sender: w.webContents, senderFrame: null })],
    ['our frame object after navigating away', (w) => ({ sender: w.webContents, senderFrame: Object.assign(w.mainFrame, { url: 'file:///tmp/evil.html' }) })],
  ];

  it.each(foreign)('every handler refuses %s without calling the engine', async (_what, make) => {
    const { handlers, w, rec } = setup();
    for (const name of commandNames) {
      const result = (await handlers.get(name)!(make(w), {})) as Result<unknown>;
      expect(result.ok, name).toBe(false);
      if (!result.ok) expect(result.error.code, name).toBe('FORBIDDEN_SENDER');
    }
    expect(rec.calls).toEqual([]);
  });

  it('every handler refuses a request once our window is destroyed', async () => {
    const { handlers, w, rec } = setup();
    w.destroy();
    for (const name of commandNames) {
      const result = (await handlers.get(name)!({ sender: w.webContents, senderFrame: w.mainFrame }, {})) as Result<unknown>;
      expect(!result.ok && result.error.code).toBe('FORBIDDEN_SENDER');
    }
    expect(rec.calls).toEqual([]);
  });

  it.each([['a string', 'rm -rf /'], ['a number', 42], ['an array', [1, 2]], ['an object with an unknown field', { __evil: true, url: 'x', id: '' }]])(
    'every handler refuses %s from our own frame as invalid input',
    async (_what, payload) => {
      const { handlers, w, rec } = setup();
      for (const name of commandNames) {
        const result = (await handlers.get(name)!({ sender: w.webContents, senderFrame: w.mainFrame }, payload)) as Result<unknown>;
        expect(result.ok, name).toBe(false);
        if (!result.ok) expect(result.error.code, name).toBe('INVALID_INPUT');
      }
      expect(rec.calls).toEqual([]);
    },
  );
});

describe('forwardEvents', () => {
  const notice = (key: string) => ({ level: 'info' as const, key });
  const progress = { changed: [], removed: [], overall: { bytesDone: 0, bytesTotal: 0, speed: 0, etaSeconds: null, queued: 0, running: 0, paused: 0, failed: 0, done: 0, cancelled: 0, allPaused: false } } as TransfersProgress;

  it('sends engine events to our window only while it exists', () => {
    const events = new EventBus();
    const w = fakeWindow();
    const forwarder = forwardEvents(events, () => w.win);
    forwarder.pageReady();
    events.emit('app:notice', notice('hello'));
    expect(w.sent).toEqual([['app:notice', notice('hello')]]);
    expect(eventNames).toContain(w.sent[0]![0]);
    w.destroy();
    events.emit('app:notice', notice('later'));
    expect(w.sent).toHaveLength(1);
    forwarder.dispose();
  });

  it('holds notices emitted before the page is ready, then delivers them in order', () => {
    const events = new EventBus();
    // No window yet, then a window whose page is still loading: the engine's start-up notices come now.
    let w: ReturnType<typeof fakeWindow> | undefined = undefined;
    const forwarder = forwardEvents(events, () => w?.win);
    events.emit('app:notice', notice('settings damaged'));
    w = fakeWindow(false);
    events.emit('app:notice', notice('journal damaged'));
    // A snapshot is not held: the page reads it afresh with its first commands.
    events.emit('transfers:progress', progress);
    expect(w.webContents.dropped).toEqual([]);
    // The page loads and subscribes; its first command says so.
    w.webContents.loaded = true;
    forwarder.pageReady();
    events.emit('app:notice', notice('no keychain'));
    expect(w.sent).toEqual([
      ['app:notice', notice('settings damaged')],
      ['app:notice', notice('journal damaged')],
      ['app:notice', notice('no keychain')],
    ]);
    // Ready twice delivers nothing twice.
    forwarder.pageReady();
    expect(w.sent).toHaveLength(3);
  });

  it('holds again while a new page loads (reload, crash), and delivers to it once it is ready', () => {
    const events = new EventBus();
    const w = fakeWindow();
    const forwarder = forwardEvents(events, () => w.win);
    forwarder.pageReady();
    w.webContents.crash();
    forwarder.pageLoading();
    events.emit('app:notice', notice('while gone'));
    events.emit('transfers:progress', progress);
    expect(w.webContents.dropped).toEqual([]);
    w.webContents.loaded = true;
    forwarder.pageReady();
    expect(w.sent).toEqual([['app:notice', notice('while gone')]]);
  });

  it('holds the events a page must not miss, and keeps only the newest when no page comes', () => {
    expect([...heldEvents].sort()).toEqual(['app:notice', 'profiles:mfaRequest', 'profiles:ssoStatus']);
    const events = new EventBus();
    const w = fakeWindow(false);
    const forwarder = forwardEvents(events, () => w.win);
    for (let i = 0; i < MAX_HELD_EVENTS + 5; i++) events.emit('app:notice', notice(`n${i}`));
    w.webContents.loaded = true;
    forwarder.pageReady();
    expect(w.sent).toHaveLength(MAX_HELD_EVENTS);
    expect(w.sent[0]).toEqual(['app:notice', notice('n5')]);
  });

  it('keeps holding while the window is gone, and delivers to the next window once its page is ready', () => {
    const events = new EventBus();
    let w = fakeWindow();
    const forwarder = forwardEvents(events, () => w.win);
    w.destroy();
    forwarder.pageReady();
    events.emit('app:notice', notice('kept'));
    expect(w.sent).toEqual([]);
    w = fakeWindow();
    forwarder.pageReady();
    expect(w.sent).toEqual([['app:notice', notice('kept')]]);
    forwarder.dispose();
  });
});
