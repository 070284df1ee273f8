/**
 * The contract client. In Electron it wraps the preload bridge; in browser mode it speaks the same
 * contract over a token-protected WebSocket. The UI cannot tell which, except through `capabilities`.
 */
import type { AppErrorData } from '../shared/errors';
import type { Result } from '../shared/result';
import { DOWNLOAD_PATH, SESSION_PATH, SPOOL_PATH, TOKEN_PROTOCOL_PREFIX, WS_PATH, type WireMessage } from '../shared/wire';
import type { Api } from './api-types';
import type { Bridge, ConnectionState } from '../shared/bridge';

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

/** How long the page waits between attempts to reach a server that went away: soon at first, then every few seconds. */
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000];

/** A bridge over the browser-mode WebSocket. Reconnects when the socket drops, and says so through `onConnection`. */
export function createWebSocketBridge(token: string, base: string = window.location.origin): Bridge<File> {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connected';
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  let opened: Promise<WebSocket> | undefined;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const fn of connectionListeners) fn(next);
  };
  // A socket that will not open says nothing about why; the session check tells a server that is away (no answer)
  // from one that no longer accepts this page's token (401), which no number of retries would fix.
  const tokenRefused = async () => {
    try {
      return (await fetch(base + SESSION_PATH, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' })).status === 401;
    } catch {
      return false;
    }
  };
  const scheduleRetry = () => {
    if (retry) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(failures, RECONNECT_DELAYS_MS.length - 1)]!;
    retry = setTimeout(() => {
      retry = undefined;
      void connect().catch(() => undefined);
    }, delay);
  };

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(base.replace(/^http/, 'ws') + WS_PATH, [TOKEN_PROTOCOL_PREFIX + token]);
      let open = false;
      ws.onopen = () => {
        open = true;
        failures = 0;
        resolve(ws);
        // After a loss, events sent meanwhile are gone: listeners of 'connected' reload their snapshots.
        setState('connected');
      };
      ws.onerror = () => reject(new Error('socket error'));
      ws.onclose = () => {
        opened = undefined;
        for (const [id, done] of pending) {
          done({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'The connection to S3 Drop was lost.', retryable: true } });
          pending.delete(id);
        }
        if (!open) failures++;
        // Come back on our own: the server may have restarted (the journal keeps the queue, the data folder the token).
        void tokenRefused().then((refused) => {
          setState(refused ? 'refused' : 'lost');
          if (!refused) scheduleRetry();
        });
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
        return { ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'Could not reach S3 Drop.', retryable: true } };
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
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
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
    async downloadLink(source) {
      try {
        const res = await fetch(base + DOWNLOAD_PATH, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(source),
          cache: 'no-store',
        });
        const body = (await res.json()) as { url?: string; error?: AppErrorData | string };
        if (res.ok && body.url) return { ok: true, value: base + body.url };
        if (typeof body.error === 'object') return { ok: false, error: body.error };
      } catch {
        // No answer, or not JSON: the server is away, as below.
      }
      return { ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'Could not reach S3 Drop.', retryable: true } };
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
