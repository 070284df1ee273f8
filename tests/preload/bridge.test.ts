/** The preload bridge: only contract commands and events pass; the IPC event object never reaches the page. */
import { describe, expect, it } from 'vitest';
import { createIpcBridge, electronCapabilities, type IpcRendererLike } from '../../src/preload/bridge';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function fakeIpcRenderer() {
  const invoked: [string, unknown][] = [];
  const sent: [string, unknown][] = [];
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (ch, payload) => {
      invoked.push([ch, payload]);
      return { ok: true, value: `did ${ch}` };
    },
    on: (ch, fn) => {
      if (!listeners.has(ch)) listeners.set(ch, new Set());
      listeners.get(ch)!.add(fn);
    },
    removeListener: (ch, fn) => listeners.get(ch)?.delete(fn),
    send: (ch, payload) => void sent.push([ch, payload]),
  };
  const emit = (ch: string, payload: unknown) => {
    for (const fn of listeners.get(ch) ?? []) fn({ sender: 'the ipc event', ports: [] }, payload);
  };
  return { ipc, invoked, sent, listeners, emit };
}

describe('createIpcBridge', () => {
  it('invokes contract commands over IPC and returns their result', async () => {
    const f = fakeIpcRenderer();
    const bridge = createIpcBridge(f.ipc, () => '');
    expect(await bridge.invoke('transfers:list', {})).toEqual({ ok: true, value: 'did transfers:list' });
    expect(f.invoked).toEqual([['transfers:list', {}]]);
  });

  it.each(['shell:exec', 'ELECTRON_BROWSER_WINDOW_ALERT', '__proto__', 'constructor', ''])('refuses the non-contract channel %j without touching IPC', async (name) => {
    const f = fakeIpcRenderer();
    const result = await createIpcBridge(f.ipc, () => '').invoke(name, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('UNKNOWN_COMMAND');
    expect(f.invoked).toEqual([]);
  });

  it('subscribes to contract events only, hands the page the payload alone, and unsubscribes', () => {
    const f = fakeIpcRenderer();
    const bridge = createIpcBridge(f.ipc, () => '');
    const got: unknown[] = [];
    const off = bridge.on('transfers:progress', (...args: unknown[]) => got.push(args));
    f.emit('transfers:progress', { overall: 1 });
    expect(got).toEqual([[{ overall: 1 }]]);
    off();
    f.emit('transfers:progress', { overall: 2 });
    expect(got).toHaveLength(1);
    expect(f.listeners.get('transfers:progress')?.size).toBe(0);

    bridge.on('ELECTRON_RENDERER_WINDOW_OPEN', () => got.push('leak'));
    expect(f.listeners.has('ELECTRON_RENDERER_WINDOW_OPEN')).toBe(false);
  });

  it('reports Electron capabilities and gives dropped files their paths', () => {
    const bridge = createIpcBridge(fakeIpcRenderer().ipc, (file) => `/home/me/${file.name}`);
    expect(bridge.capabilities).toEqual(electronCapabilities);
    expect(bridge.capabilities).toEqual({ transport: 'electron', nativeDialogs: true, dropGivesPaths: true, desktopIntegration: true });
    expect(bridge.getPathForFile!(new File(['x'], 'a.txt'))).toBe('/home/me/a.txt');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('a drag out names a transfer on the one drag channel, never a path or another channel', () => {
    const f = fakeIpcRenderer();
    createIpcBridge(f.ipc, () => '').startDrag!('t-1');
    createIpcBridge(f.ipc, () => '').startDrag!('x'.repeat(5000));
    expect(f.sent.map(([ch]) => ch)).toEqual(['app:dragOut', 'app:dragOut']);
    expect(f.sent[0]![1]).toBe('t-1');
    expect(String(f.sent[1]![1])).toHaveLength(128);
    expect(f.invoked).toEqual([]);
  });

  it('the preload exposes only window.s3drop: no ipcRenderer, no process', () => {
    const src = readFileSync(join(import.meta.dirname, '../../src/preload/index.ts'), 'utf8');
    const exposed = [...src.matchAll(/exposeInMainWorld\(\s*'([^']+)'/g)].map((m) => m[1]);
    expect(exposed).toEqual(['s3drop']);
    expect(src).not.toMatch(/process\.env|exposeInIsolatedWorld/);
  });
});
