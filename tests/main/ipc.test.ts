/**
 * The IPC wrapper: one handler per contract command; every handler refuses a sender that is not our
 * window's main frame on our page, and the real dispatcher refuses payloads that fail their schema.
 */
import { describe, expect, it } from 'vitest';
import { commandNames, eventNames } from '../../src/shared/contract';
import { bindIpc, createSenderCheck, forwardEvents, type IpcEventLike, type IpcMainLike, type TrustedWindowLike } from '../../src/main/ipc';
import { createDispatcher, type Handlers } from '../../src/main/services/dispatch';
import { EventBus } from '../../src/main/services/events';
import type { Result } from '../../src/shared/result';

const rendererUrl = 'file:///app/out/renderer/index.html';

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

function fakeWindow() {
  const mainFrame = { url: rendererUrl, parent: null };
  const sent: [string, unknown][] = [];
  let destroyed = false;
  const webContents = { mainFrame, isDestroyed: () => destroyed, send: (ch: string, p: unknown) => sent.push([ch, p]) };
  const win: TrustedWindowLike = { isDestroyed: () => destroyed, webContents };
  return { win, webContents, mainFrame, sent, destroy: () => (destroyed = true) };
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
  const unbind = bindIpc(ipc, createDispatcher(rec.handlers), createSenderCheck(() => w.win, rendererUrl));
  return { ipc, handlers, w, rec, unbind };
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
  it('sends engine events to our window only while it exists', () => {
    const events = new EventBus();
    const w = fakeWindow();
    const stop = forwardEvents(events, () => w.win);
    events.emit('app:notice', { level: 'info', key: 'hello' });
    expect(w.sent).toEqual([['app:notice', { level: 'info', key: 'hello' }]]);
    expect(eventNames).toContain(w.sent[0]![0]);
    w.destroy();
    events.emit('app:notice', { level: 'info', key: 'later' });
    expect(w.sent).toHaveLength(1);
    stop();
  });
});
