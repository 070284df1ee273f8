/**
 * Ranged GETs of big downloads read straight off a keep-alive socket into one reused buffer. Through `node:http`
 * every 16–64 KiB of a body is a new Buffer and an event, which for a 1 GiB download cost more CPU (allocation,
 * garbage collection, the parser's stream machinery) than the bytes' own trip through the kernel
 * (docs/benchmarks.md); a socket's `onread` hands the bytes over in place instead.
 *
 * Narrow on purpose, so every guarantee stays with the path that has it: only a 2xx answer whose Content-Length is
 * exactly the range is read here. Any other answer (an error, a redirect, chunked or unframed, a server that ignored
 * the Range) is dropped unread and the caller asks again through the SDK, which maps it as always. Requests are
 * signed by lean-request.ts (the SDK's own route, signer, credentials and clock offset); a profile with a proxy, and
 * Amazon S3 itself, stay on the SDK path entirely.
 */
import { channel } from 'node:diagnostics_channel';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { CONNECT_TIMEOUT_MS, looksLikeWebPage, SOCKET_IDLE_MS } from './client-factory';
import { canReadLean, correctClock, signLean, type Route } from './lean-request';
import { RAW_REQUEST_CHANNEL, type RawRequestStart } from './raw-requests';
import type { S3Agents, S3Context } from './types';

/** Bytes read from a socket at a time, into the socket's own buffer. */
const READ_BUFFER = 64 * 1024;

/** The longest response head read before giving up on the answer (S3's are well under 2 KiB). */
const MAX_HEAD = 32 * 1024;

/** How long an idle socket is kept for the next range, well under the keep-alive time of S3 servers. */
const IDLE_KEEP_MS = 4_000;

/** What the current request of a socket does with what the socket reads. */
type Reader = (bytes: Buffer) => void;

/** A pooled socket and the reader its one `onread` buffer feeds. */
interface RawSocket {
  socket: Socket;
  reader?: Reader;
  /** Set once the socket closed or failed, with the reason when there is one. */
  closed?: Error;
  onClose?: (err: Error) => void;
  /** Where the current request wants its next body bytes read to, once its answer's head is read. */
  space?: () => Uint8Array | undefined;
  /** The current request's inactivity timeout. */
  onTimeout?: () => void;
  idleTimer?: NodeJS.Timeout;
}

const rawRequestStarted = channel(RAW_REQUEST_CHANNEL);

/** Idle sockets per context (its socket pools stand for it: the SDK client may never be built) and server. */
const pools = new WeakMap<S3Agents, Map<string, RawSocket[]>>();

/** The most bytes handed to a consumer at once. */
export const RANGE_READ_MAX = READ_BUFFER;

/** Where a range's answer goes. */
export interface RangeTarget {
  /** Sees a 2xx answer's headers before its body; what it throws fails the GET. */
  onHead?(headers: Record<string, string>): void;
  /**
   * The body's bytes, in the socket's reused buffer or in the room `space` gave: copy the former before returning. A
   * promise pauses the socket until it settles.
   */
  consume(bytes: Buffer): Promise<void> | undefined;
  /**
   * Where the next body bytes may be read to (at least one byte of room), asked before each read once the answer's
   * head is read; `consume` then gets the bytes read there. Synchronous with `consume`: asked right after it returns.
   */
  space?(): Uint8Array;
}

/** The object's ranged GET input, as the download sends it through the SDK. */
export interface RangeInput {
  Bucket: string;
  Key: string;
  IfMatch?: string;
  VersionId?: string;
  /** Bytes [start, end) of the object. */
  start: number;
  end: number;
}

/** True when a context's ranged GETs can be read here: a custom endpoint reached directly (no proxy). */
export function canReadRangesRaw(ctx: S3Context): boolean {
  return canReadLean(ctx) && !ctx.profile.proxyEnv;
}

function poolKey(route: Route): string {
  return `${route.protocol}//${route.hostname}:${route.port ?? ''}`;
}

function errorWith(message: string, name = 'Error', code?: string): Error {
  return Object.assign(new Error(message), { name }, code ? { code } : {});
}

function open(ctx: S3Context, route: Route): RawSocket {
  const raw: RawSocket = {} as RawSocket;
  const own = Buffer.allocUnsafe(READ_BUFFER);
  const onread = {
    // Asked before each read: the body goes straight where the consumer wants it, without a copy, and in reads as
    // large as its room (a socket's 64 KiB reads were 16,000 system calls and callbacks a GiB).
    buffer: () => raw.space?.() ?? own,
    callback: (n: number, buf: Uint8Array) => {
      raw.reader?.(Buffer.from(buf.buffer, buf.byteOffset, n));
      return true;
    },
  };
  const port = route.port ?? (route.protocol === 'https:' ? 443 : 80);
  raw.socket =
    route.protocol === 'https:'
      ? // Node's TLS sockets take `onread` too (since 15.1), though its types only list it for net.
        process.getBuiltinModule('node:tls').connect({ host: route.hostname, port, ...(isIP(route.hostname) ? {} : { servername: route.hostname }), onread, ...(ctx.profile.caBundle ? { ca: ctx.profile.caBundle } : {}) } as unknown as ConnectionOptions)
      : netConnect({ host: route.hostname, port, onread });
  raw.socket.setNoDelay(true);
  const closed = (err: Error) => {
    if (raw.closed) return;
    raw.closed = err;
    clearTimeout(raw.idleTimer);
    raw.onClose?.(err);
  };
  raw.socket.on('error', closed);
  raw.socket.on('close', () => closed(errorWith('socket hang up', 'Error', 'ECONNRESET')));
  raw.socket.on('end', () => raw.socket.destroy());
  raw.socket.on('timeout', () => raw.onTimeout?.());
  return raw;
}

function take(ctx: S3Context, route: Route): { raw: RawSocket; reused: boolean } {
  const idle = pools.get(ctx.agents!)?.get(poolKey(route));
  while (idle && idle.length > 0) {
    const raw = idle.pop()!;
    clearTimeout(raw.idleTimer);
    if (!raw.closed) {
      raw.socket.ref();
      return { raw, reused: true };
    }
  }
  return { raw: open(ctx, route), reused: false };
}

function putBack(ctx: S3Context, route: Route, raw: RawSocket): void {
  let byServer = pools.get(ctx.agents!);
  if (!byServer) pools.set(ctx.agents!, (byServer = new Map()));
  const key = poolKey(route);
  const idle = byServer.get(key) ?? [];
  byServer.set(key, idle);
  raw.reader = undefined;
  raw.space = undefined;
  raw.onClose = undefined;
  raw.onTimeout = undefined;
  raw.socket.setTimeout(0);
  // An idle socket must not keep a finished CLI alive, nor outlive the server's own keep-alive.
  raw.socket.unref();
  raw.idleTimer = setTimeout(() => raw.socket.destroy(), IDLE_KEEP_MS);
  raw.idleTimer.unref();
  idle.push(raw);
}

/** The answer's status and headers (names lowercased; repeated headers joined), or undefined while incomplete. */
function parseHead(head: string): { status: number; headers: Record<string, string> } | undefined {
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) return undefined;
  // No prototype: a header named like one of Object's own properties is only a header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(m[1]), headers };
}

/**
 * GETs bytes [start, end) of an object and hands them to `target` as they arrive; resolves with the answer's
 * headers once all are consumed. Undefined when this path does not take the request or its answer (see the top):
 * nothing was consumed, and the caller asks through the SDK. Network failures reject as Node gives them, so the
 * retry and outage handling read them as they read the SDK's.
 */
export async function leanGetRange(ctx: S3Context, input: RangeInput, target: RangeTarget, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
  if (!canReadRangesRaw(ctx)) return undefined;
  const headers: Record<string, string> = { range: `bytes=${input.start}-${input.end - 1}` };
  if (input.IfMatch !== undefined) headers['if-match'] = input.IfMatch;
  const query: Record<string, string> = { 'x-id': 'GetObject', ...(input.VersionId ? { versionId: input.VersionId } : {}) };
  const signed = await signLean(ctx, { method: 'GET', bucket: input.Bucket, key: input.Key, commandName: 'GetObjectCommand', query, headers, signal });
  // A value that would break the request line or a header (an ETag with a line break) is left to the SDK, which refuses it.
  if (!signed || Object.values(signed.headers).some((v) => /[\r\n\0]/.test(v))) return undefined;
  signal?.throwIfAborted();
  // A kept-alive socket the server has just closed fails before any answer: that is asked again once, on a new one.
  for (let attempt = 0; ; attempt++) {
    const { raw, reused } = take(ctx, signed.route);
    try {
      const exchanging = exchange(ctx, signed.route, raw, signed.path, signed.headers, input.end - input.start, target, signal);
      if (rawRequestStarted.hasSubscribers) {
        const finished = exchanging.then(
          () => undefined,
          () => undefined,
        );
        rawRequestStarted.publish({ endpoint: `${signed.route.protocol}//${signed.route.host}`, bytes: () => raw.socket.bytesRead + raw.socket.bytesWritten, finished } satisfies RawRequestStart);
      }
      return await exchanging;
    } catch (err) {
      if (!(err instanceof Stale) || !reused || attempt > 0) throw err instanceof Stale ? err.cause : err;
    }
  }
}

/** A reused socket that closed before the answer began. */
class Stale extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

function exchange(
  ctx: S3Context,
  route: Route,
  raw: RawSocket,
  path: string,
  headers: Record<string, string>,
  length: number,
  target: RangeTarget,
  signal?: AbortSignal,
): Promise<Record<string, string> | undefined> {
  return new Promise((resolve, reject) => {
    const { socket } = raw;
    let head: Buffer | undefined;
    let answered = false;
    let left = -1;
    let answer: Record<string, string> = {};
    let settled = false;
    let waiting = 0;
    let connectTimer: NodeJS.Timeout | undefined;
    const finish = (err: Error | undefined, value?: Record<string, string>, keep = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      if (keep && !raw.closed) putBack(ctx, route, raw);
      else {
        raw.reader = undefined;
        raw.space = undefined;
        raw.onClose = undefined;
        raw.onTimeout = undefined;
        socket.destroy();
      }
      if (err) reject(err);
      else resolve(value);
    };
    const onAbort = () => finish(signal!.reason instanceof Error ? signal!.reason : errorWith('The operation was aborted', 'AbortError'));
    signal?.addEventListener('abort', onAbort, { once: true });
    raw.onClose = (err) => finish(answered ? err : new Stale(err));
    if (raw.closed) return raw.onClose(raw.closed);
    const done = () => (waiting === 0 && left === 0 ? finish(undefined, answer, !/\bclose\b/i.test(answer.connection ?? '')) : undefined);
    const body = (bytes: Buffer) => {
      if (bytes.length > left) return finish(errorWith(`GetObject sent more than the ${length} bytes asked`, 'Error', 'ECONNRESET'));
      left -= bytes.length;
      const paused = target.consume(bytes);
      if (paused) {
        waiting++;
        socket.pause();
        paused.then(
          () => {
            waiting--;
            if (!settled) socket.resume();
            done();
          },
          (err: unknown) => finish(err instanceof Error ? err : errorWith(String(err))),
        );
      }
      done();
    };
    raw.reader = (bytes) => {
      try {
        read(bytes);
      } catch (err) {
        // Thrown inside a socket's read callback it would end the process (the app's main process, too).
        finish(err instanceof Error ? err : errorWith(String(err)));
      }
    };
    const read = (bytes: Buffer) => {
      if (settled) return;
      if (answered) return body(bytes);
      head = head ? Buffer.concat([head, bytes]) : Buffer.from(bytes);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) finish(errorWith('the answer\'s headers are too long', 'Error', 'ECONNRESET'));
        return;
      }
      answered = true;
      const parsed = parseHead(head.subarray(0, end).toString('latin1'));
      const rest = head.subarray(end + 4);
      head = undefined;
      correctClock(ctx, parsed?.headers.date);
      const ok =
        parsed !== undefined &&
        parsed.status >= 200 &&
        parsed.status < 300 &&
        parsed.headers['transfer-encoding'] === undefined &&
        parsed.headers['content-length'] === String(length) &&
        !looksLikeWebPage('GetObjectCommand', { statusCode: parsed.status, headers: parsed.headers });
      // Anything else is the SDK's to read and map: dropped unread, the socket with it.
      if (!ok) return finish(undefined, undefined);
      answer = parsed.headers;
      try {
        target.onHead?.(answer);
      } catch (err) {
        return finish(err instanceof Error ? err : errorWith(String(err)));
      }
      left = length;
      if (target.space) raw.space = () => (left > 0 ? target.space!() : undefined);
      if (rest.length > 0) body(rest);
      else done();
    };
    raw.onTimeout = () => finish(errorWith(`Connection timed out after ${SOCKET_IDLE_MS} ms`, 'TimeoutError'));
    socket.setTimeout(SOCKET_IDLE_MS);
    if (socket.connecting) {
      connectTimer = setTimeout(() => finish(errorWith(`Socket timed out without establishing a connection within ${CONNECT_TIMEOUT_MS} ms`, 'TimeoutError')), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => clearTimeout(connectTimer));
    }
    let request = `GET ${path} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) request += `${k}: ${v}\r\n`;
    socket.write(`${request}\r\n`, 'latin1');
  });
}
