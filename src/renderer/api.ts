/**
 * The contract client. In Electron it wraps the preload bridge; in browser mode it speaks the same
 * contract over a token-protected WebSocket. The UI cannot tell which, except through `capabilities`.
 */
import type { Result } from '../shared/result';
import { SPOOL_PATH, TOKEN_PROTOCOL_PREFIX, WS_PATH, type WireMessage } from '../shared/wire';
import type { Api } from './api-types';
import type { Bridge } from '../shared/bridge';

/** Re-exported so imports of `Api` from this module keep working. */
export type { Api } from './api-types';

declare global {
  interface Window {
    /** Set by the preload in Electron; absent in browser mode. */
    s3drop?: Bridge<File>;
  }
}

/** Wraps a bridge in the typed API. */
export function createApi(bridge: Bridge<File>): Api {
  return {
    bridge,
    invoke: (name, input) => bridge.invoke(name, input) as never,
    on: (name, listener) => bridge.on(name, listener as (p: unknown) => void),
  };
}

/** Reads the browser-mode token from the URL fragment (never sent to the server in a request line). */
export function tokenFromLocation(loc: Location = window.location): string | undefined {
  const m = /[#&]token=([A-Za-z0-9_-]+)/.exec(loc.hash);
  return m?.[1];
}

/** A bridge over the browser-mode WebSocket. Reconnects when the socket drops. */
export function createWebSocketBridge(token: string, base: string = window.location.origin): Bridge<File> {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const reconnectListeners = new Set<() => void>();
  let everOpened = false;
  let nextId = 1;
  let opened: Promise<WebSocket> | undefined;

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(base.replace(/^http/, 'ws') + WS_PATH, [TOKEN_PROTOCOL_PREFIX + token]);
      ws.onopen = () => {
        resolve(ws);
        // Events sent while the socket was down are gone: tell the UI to reload its snapshots.
        if (everOpened) for (const fn of reconnectListeners) fn();
        everOpened = true;
      };
      ws.onerror = () => reject(new Error('socket error'));
      ws.onclose = () => {
        opened = undefined;
        for (const [id, done] of pending) {
          done({ ok: false, error: { code: 'NETWORK', message: 'The connection to S3 Drop was lost.', retryable: true } });
          pending.delete(id);
        }
        // Come back on our own: the server may have restarted (the journal keeps the queue).
        setTimeout(() => void connect().catch(() => undefined), 1000);
      };
      ws.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data)) as WireMessage;
        if (msg.type === 'result') {
          pending.get(msg.id)?.(msg.result);
          pending.delete(msg.id);
        } else if (msg.type === 'event') {
          for (const fn of listeners.get(msg.name) ?? []) fn(msg.payload);
        }
      };
    });
    return opened;
  };

  return {
    capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    async invoke(name, payload) {
      let ws: WebSocket;
      try {
        ws = await connect();
      } catch {
        return { ok: false, error: { code: 'NETWORK', message: 'Could not reach S3 Drop.', retryable: true } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'invoke', id, name, payload }));
      });
    },
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      void connect().catch(() => undefined);
      return () => set.delete(listener);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    async spoolFile(file, onProgress) {
      const res = await fetch(`${base}${SPOOL_PATH}?name=${encodeURIComponent(file.name)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: file,
      });
      if (!res.ok) throw new Error(`spool failed: ${res.status}`);
      onProgress?.(file.size);
      const body = (await res.json()) as { path: string };
      return body.path;
    },
  };
}

/** The bridge for this window: the preload's in Electron, a WebSocket in browser mode. */
export function detectBridge(): Bridge<File> {
  if (window.s3drop) return window.s3drop;
  const token = tokenFromLocation();
  if (!token) throw new Error('S3 Drop: open the address printed by `s3-drop serve`, including its #token=… part.');
  return createWebSocketBridge(token);
}
