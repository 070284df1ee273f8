/**
 * The preload as Electron's sandbox loads it: bundled like scripts/build.mjs does into one CommonJS file
 * that may require nothing but 'electron', then evaluated in a bare VM context (no Node globals) with a
 * recording contextBridge. It must expose exactly `window.s3drop` and route only contract channels.
 */
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
let code = '';

beforeAll(async () => {
  const out = await build({
    entryPoints: [join(root, 'src/preload/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
    define: { __APP_VERSION__: '"0.0.0-test"' },
  });
  code = out.outputFiles[0]!.text;
});

function load() {
  const exposed: [string, unknown][] = [];
  const invoked: [string, unknown][] = [];
  const sent: [string, unknown][] = [];
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
    ipcRenderer: {
      invoke: async (ch: string, payload: unknown) => (invoked.push([ch, payload]), { ok: true, value: ch }),
      on: () => undefined,
      removeListener: () => undefined,
      // Only the drag-out channel is sent on (startDrag must run in the main process while the drag starts).
      send: (ch: string, payload: unknown) => {
        if (ch !== 'app:dragOut') throw new Error(`the preload must not send on ${ch}`);
        sent.push([ch, payload]);
      },
    },
    webUtils: { getPathForFile: (f: { name: string }) => `/dropped/${f.name}` },
  };
  const module = { exports: {} };
  const sandboxRequire = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  // No process, no Buffer, no setImmediate: only what a sandboxed preload may rely on.
  runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console }, { filename: 'preload.cjs' });
  return { exposed, invoked, sent, required };
}

describe('preload bundle', () => {
  it('requires only electron', () => {
    const requires = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(requires)]).toEqual(['electron']);
    expect(load().required).toEqual(['electron']);
  });

  it('exposes exactly window.s3drop, whose invoke reaches contract channels only', async () => {
    const { exposed, invoked, sent } = load();
    expect(exposed.map(([k]) => k)).toEqual(['s3drop']);
    const api = exposed[0]![1] as { invoke(n: string, p: unknown): Promise<{ ok: boolean }>; getPathForFile(f: unknown): string; startDrag(id: string): void; capabilities: unknown };
    expect(Object.keys(api).sort()).toEqual(['capabilities', 'getPathForFile', 'invoke', 'on', 'startDrag']);
    api.startDrag('t-1');
    expect(sent).toEqual([['app:dragOut', 't-1']]);
    expect(await api.invoke('app:info', {})).toEqual({ ok: true, value: 'app:info' });
    expect((await api.invoke('ELECTRON_GUEST_WINDOW_MANAGER_WINDOW_OPEN', {})).ok).toBe(false);
    expect(invoked.map(([ch]) => ch)).toEqual(['app:info']);
    expect(api.getPathForFile({ name: 'a.txt' })).toBe('/dropped/a.txt');
  });
});
