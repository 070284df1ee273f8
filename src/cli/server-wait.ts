/**
 * The lines a command prints while it waits for the storage service: when the engine retries after a refused or
 * dropped connection (`retryLine`), and when a connection is open but the server has gone quiet (`watchQuietServers`).
 * The second case used to print nothing: the SDK's own limits (CONNECT_TIMEOUT_MS, SOCKET_IDLE_MS, the client's
 * attempts) wait minutes before anything fails, and a person at the terminal saw a run that looked frozen.
 */
import { channel } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { RAW_REQUEST_CHANNEL, type RawRequestStart } from '../main/services/s3/raw-requests';

/** How long the server may stay quiet before the line is printed; S3DROP_WAIT_NOTICE_MS changes it (tests). */
export const QUIET_NOTICE_MS = 10_000;

/** The line for the engine's retry after a refused or dropped connection (`attempt` counts from 1). */
export function retryLine(endpoint: string, attempt: number): string {
  return `Waiting for ${endpoint} to answer (attempt ${attempt})…`;
}

/** The line for an open connection that has carried nothing either way for `quietMs`. */
export function quietLine(endpoint: string, quietMs: number): string {
  const s = quietMs / 1000;
  return `Waiting for ${endpoint} to answer (no answer for ${s >= 10 ? Math.floor(s) : Math.round(s * 10) / 10} s)…`;
}

/** The notice threshold from the environment (S3DROP_WAIT_NOTICE_MS, a whole number of ms), or QUIET_NOTICE_MS. */
export function quietNoticeMs(env: Record<string, string | undefined>): number {
  const n = Number(env.S3DROP_WAIT_NOTICE_MS);
  return Number.isInteger(n) && n > 0 ? n : QUIET_NOTICE_MS;
}

interface Server {
  /** The requests to it still open (how to read their socket's byte count), with that count when last seen. */
  open: Map<object, { bytes: () => number; seen: number }>;
  /** When a byte last moved to or from it, a request to it started or one ended. */
  lastActivity: number;
  /** The quiet time at which the next line is due; doubles after each, so a long wait prints a few lines, not many. */
  nextNotice: number;
}

/**
 * Prints `quietLine` through `note` when every open request to a server has moved no byte for `quietMs`, then again
 * each time that wait doubles; a byte moving (or a request starting or ending) starts the count again. It only
 * watches: the timeouts and retries stay the engine's. Every HTTP request of the process is seen (Node's
 * 'http.client.request.start' channel, and RAW_REQUEST_CHANNEL for the big downloads' ranges read off raw sockets), so
 * the SDK clients, the requests sent below the SDK and credential lookups are all covered without a hook in each. Returns the function that stops watching.
 */
export function watchQuietServers(quietMs: number, note: (line: string) => void): () => void {
  const servers = new Map<string, Server>();
  const started = channel('http.client.request.start');
  const serverOf = (endpoint: string): Server => {
    let server = servers.get(endpoint);
    if (!server) servers.set(endpoint, (server = { open: new Map(), lastActivity: 0, nextNotice: quietMs }));
    return server;
  };
  const track = (s: Server, request: object, bytes: () => number) => {
    s.open.set(request, { bytes, seen: bytes() });
    moved(s);
  };
  const ended = (s: Server, request: object) => {
    s.open.delete(request);
    moved(s);
  };
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const s = serverOf(`${request.protocol}//${String(request.getHeader('host') ?? request.host)}`);
    track(s, request, () => bytesOf(request));
    request.once('close', () => ended(s, request));
  };
  // Big downloads read their ranges off raw sockets, which node:http's channel never sees.
  const rawStarted = channel(RAW_REQUEST_CHANNEL);
  const onRawStart = (message: unknown) => {
    const raw = message as RawRequestStart;
    const s = serverOf(raw.endpoint);
    track(s, raw, raw.bytes);
    void raw.finished.then(() => ended(s, raw));
  };
  const moved = (s: Server) => {
    s.lastActivity = Date.now();
    s.nextNotice = quietMs;
  };
  started.subscribe(onStart);
  rawStarted.subscribe(onRawStart);
  // Checked often enough that the line comes soon after the threshold, but never more than once a second.
  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const [endpoint, s] of servers) {
        if (s.open.size === 0) continue;
        for (const request of s.open.values()) {
          const bytes = request.bytes();
          if (bytes === request.seen) continue;
          request.seen = bytes;
          moved(s);
        }
        const quiet = now - s.lastActivity;
        if (quiet < s.nextNotice) continue;
        note(quietLine(endpoint, quiet));
        s.nextNotice = quiet * 2;
      }
    },
    Math.max(25, Math.min(1000, quietMs / 4)),
  );
  // Watching must never keep a finished command's process alive.
  timer.unref();
  return () => {
    clearInterval(timer);
    started.unsubscribe(onStart);
    rawStarted.unsubscribe(onRawStart);
  };
}

/** Bytes read and written on the request's socket so far (a keep-alive socket counts from its first request: only the change matters). */
function bytesOf(request: ClientRequest): number {
  const socket = request.socket;
  return socket ? socket.bytesRead + socket.bytesWritten : 0;
}
