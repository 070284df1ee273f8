/**
 * A loopback HTTP proxy in front of an S3 endpoint that injects the faults real networks and real S3 produce:
 * connection resets mid-body, 500 InternalError / 503 SlowDown / 400 RequestTimeout with proper S3 XML
 * bodies, added latency, a bandwidth limit, and responses that stall forever (so client timeouts must fire).
 *
 * Fault decisions are a pure function of (seed, request identity, how many times that identity was seen),
 * not of arrival order, so a failing run replays with the same seed even when concurrent requests interleave
 * differently. The Host header is forwarded untouched, so SigV4 signatures made for the proxy's address stay
 * valid at a verifying upstream (RGW).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Every fault the proxy can inject. */
export type FaultKind =
  | 'reset' // drop the connection (TCP RST): mid request body when there is one, else after upstream answered
  | 'reset-response' // forward the request, then drop the connection mid response body (or before headers)
  | 'internal-error' // 500 InternalError, request never reaches upstream
  | 'slow-down' // 503 SlowDown
  | 'request-timeout' // 400 RequestTimeout
  | 'expired-token' // 400 ExpiredToken, as S3 answers a request signed with expired temporary credentials
  | 'wrong-region' // 301 PermanentRedirect naming another region (x-amz-bucket-region), as S3 answers a wrong-region request
  | 'html' // 200 text/html: a captive portal or a web server where an S3 endpoint was expected
  | 'swallow' // 200 with an empty body, request never reaches upstream: a store that acknowledges a setting it does not keep
  | 'stall' // read the request, never answer
  | 'stall-body'; // forward, send headers and part of the body, then never send the rest

/** The S3 operation a request is, inferred from method, path (path-style) and query. */
export type RequestKind =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'DeleteBucket'
  | 'HeadBucket'
  | 'GetBucketLocation'
  | 'ListObjects'
  | 'ListMultipartUploads'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'DeleteObjects'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'Other';

/** What the fault filter and the event log see about one request. */
export interface RequestInfo {
  /** 1-based arrival number. */
  n: number;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  kind: RequestKind;
  bucket?: string;
  key?: string;
}

/** One line of the proxy's event log. */
export interface ProxyEvent extends RequestInfo {
  fault?: FaultKind;
  /** Upstream status when forwarded (absent when the proxy answered or dropped it). */
  status?: number;
}

/** Tunable behaviour; every field can be changed while running through `configure`. */
export interface ChaosOptions {
  /** The S3 endpoint to forward to, e.g. http://127.0.0.1:4568. */
  upstream: string;
  /** PRNG seed; same seed + same request sequence per identity = same faults. */
  seed?: number;
  /** Share of eligible requests that get a fault, 0..1. */
  faultRate?: number;
  /** Relative weights of the faults drawn for the random share (default: all but the stalls, equally). */
  faults?: Partial<Record<FaultKind, number>>;
  /** Which requests may receive a random fault (default: all). */
  eligible?: (req: RequestInfo) => boolean;
  /** Added delay before each request is forwarded or answered, in ms. */
  latencyMs?: number;
  /** Shared link speed in bytes/second for bodies in both directions (0 or absent = unlimited). */
  bandwidthBytesPerSec?: number;
  /** Keep the last N events in `events()` (default 10,000). */
  eventLogSize?: number;
}

/** Counters since start (or the last `resetStats`). */
export interface ChaosStats {
  requests: number;
  byKind: Partial<Record<RequestKind, number>>;
  faults: Partial<Record<FaultKind, number>>;
  faultsTotal: number;
  /** Request body bytes received from clients. */
  bytesIn: number;
  /** Response bytes (bodies) sent to clients. */
  bytesOut: number;
}

/** A running proxy. */
export interface ChaosProxy {
  /** http://127.0.0.1:PORT: use it as the S3 endpoint. */
  url: string;
  port: number;
  stats(): ChaosStats;
  resetStats(): void;
  /** The recent request log (arrival order), for replay diagnostics. */
  events(): ProxyEvent[];
  /** Changes options while running (e.g. faultRate 0 for a verification phase). */
  configure(patch: Partial<Omit<ChaosOptions, 'upstream'>>): void;
  /** Forces `fault` on the next request matching `match` (default: any), before the random draw. */
  injectNext(fault: FaultKind, match?: (req: RequestInfo) => boolean): void;
  /**
   * Takes the "server" away until `restore()`: every open connection is reset, and new ones are refused
   * (`'refuse'`: the port is closed, ECONNREFUSED) or accepted and reset at once (`'reset'`: ECONNRESET).
   */
  outage(how: 'refuse' | 'reset'): Promise<void>;
  /** Ends an outage: the same port accepts connections again. */
  restore(): Promise<void>;
  /** Closes the listener and destroys every open connection, stalled ones included. */
  stop(): Promise<void>;
}

/** The region a 'wrong-region' fault names. */
export const CHAOS_OTHER_REGION = 'eu-west-3';

type ErrorFault = 'internal-error' | 'slow-down' | 'request-timeout' | 'expired-token' | 'wrong-region';

const S3_ERRORS: Record<ErrorFault, { status: number; code: string; message: string }> = {
  'expired-token': { status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' },
  'wrong-region': {
    status: 301,
    code: 'PermanentRedirect',
    message: 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
  },
  'internal-error': { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  'slow-down': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  'request-timeout': {
    status: 400,
    code: 'RequestTimeout',
    message: 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
  },
};

const DEFAULT_FAULTS: Partial<Record<FaultKind, number>> = {
  reset: 1,
  'reset-response': 1,
  'internal-error': 1,
  'slow-down': 1,
  'request-timeout': 1,
};

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns a float in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Classifies a path-style S3 request. */
export function classifyRequest(method: string, url: string, headers: Record<string, string | string[] | undefined> = {}): Pick<RequestInfo, 'kind' | 'bucket' | 'key'> {
  const u = new URL(url, 'http://x');
  const parts = u.pathname.split('/').slice(1);
  const bucket = parts[0] ? decodeURIComponent(parts[0]) : undefined;
  const keyRaw = parts.slice(1).join('/');
  const key = keyRaw ? decodeURIComponent(keyRaw) : undefined;
  const q = u.searchParams;
  const copy = headers['x-amz-copy-source'] !== undefined;
  const m = method.toUpperCase();
  const kind = ((): RequestKind => {
    if (!bucket) return m === 'GET' ? 'ListBuckets' : 'Other';
    if (key === undefined) {
      // PUT on a bucket with a query sets one of its configurations (?encryption, ?versioning…); only a bare PUT creates.
      if (m === 'PUT') return u.search === '' ? 'CreateBucket' : 'Other';
      if (m === 'DELETE') return 'DeleteBucket';
      if (m === 'HEAD') return 'HeadBucket';
      if (m === 'POST' && q.has('delete')) return 'DeleteObjects';
      if (m === 'GET' && q.has('location')) return 'GetBucketLocation';
      if (m === 'GET' && q.has('uploads')) return 'ListMultipartUploads';
      if (m === 'GET') return 'ListObjects';
      return 'Other';
    }
    if (m === 'PUT') return q.has('partNumber') ? (copy ? 'UploadPartCopy' : 'UploadPart') : copy ? 'CopyObject' : 'PutObject';
    if (m === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
    if (m === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
    if (m === 'DELETE') return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    if (m === 'GET') return q.has('uploadId') ? 'ListParts' : 'GetObject';
    if (m === 'HEAD') return 'HeadObject';
    return 'Other';
  })();
  return { kind, bucket, key };
}

/** The part of a request that identifies it across retries and runs (no upload ids, dates or signatures). */
function identity(method: string, url: string): string {
  const u = new URL(url, 'http://x');
  const keep = [...u.searchParams.entries()]
    .filter(([k]) => !/^(uploadId|x-id|X-Amz-.*|versionId)$/i.test(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${method} ${u.pathname}?${keep.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** Starts a proxy on 127.0.0.1 (random free port) in front of `options.upstream`. */
export async function startChaosProxy(options: ChaosOptions): Promise<ChaosProxy> {
  const opts: ChaosOptions = { seed: 1, faultRate: 0, latencyMs: 0, bandwidthBytesPerSec: 0, eventLogSize: 10_000, ...options };
  const upstream = new URL(opts.upstream);
  const seen = new Map<string, number>();
  const forced: { fault: FaultKind; match?: (req: RequestInfo) => boolean }[] = [];
  const sockets = new Set<Socket>();
  let log: ProxyEvent[] = [];
  let n = 0;
  let stats: ChaosStats = emptyStats();
  // The shared link: the instant (ms) at which it is free again.
  let linkFreeAt = 0;

  function emptyStats(): ChaosStats {
    return { requests: 0, byKind: {}, faults: {}, faultsTotal: 0, bytesIn: 0, bytesOut: 0 };
  }

  /** Waits until `bytes` may pass the shared link. */
  async function throttle(bytes: number): Promise<void> {
    const rate = opts.bandwidthBytesPerSec ?? 0;
    if (!rate || bytes <= 0) return;
    const now = Date.now();
    linkFreeAt = Math.max(now, linkFreeAt) + (bytes / rate) * 1000;
    await sleep(linkFreeAt - now);
  }

  function decide(info: RequestInfo): FaultKind | undefined {
    const idx = forced.findIndex((f) => !f.match || f.match(info));
    if (idx >= 0) return forced.splice(idx, 1)[0]!.fault;
    const rate = opts.faultRate ?? 0;
    if (rate <= 0 || (opts.eligible && !opts.eligible(info))) return undefined;
    const id = identity(info.method, info.url);
    const nth = (seen.get(id) ?? 0) + 1;
    seen.set(id, nth);
    const rnd = mulberry32((opts.seed ?? 1) ^ fnv1a(`${id}#${nth}`));
    if (rnd() >= rate) return undefined;
    const weights = Object.entries(opts.faults ?? DEFAULT_FAULTS).filter(([, w]) => (w ?? 0) > 0) as [FaultKind, number][];
    const total = weights.reduce((s, [, w]) => s + w, 0);
    if (total <= 0) return undefined;
    let pick = rnd() * total;
    for (const [k, w] of weights) {
      if ((pick -= w) < 0) return k;
    }
    return weights[weights.length - 1]![0];
  }

  function record(ev: ProxyEvent): void {
    log.push(ev);
    const max = opts.eventLogSize ?? 10_000;
    if (log.length > max) log = log.slice(log.length - max);
  }

  /** Reads (and counts, and throttles) the whole request body, discarding it. */
  async function drain(req: IncomingMessage): Promise<void> {
    for await (const chunk of req) {
      stats.bytesIn += (chunk as Buffer).length;
      await throttle((chunk as Buffer).length);
    }
  }

  function reset(req: IncomingMessage): void {
    const s = req.socket;
    if (s.destroyed) return;
    s.resetAndDestroy();
  }

  function sendS3Error(req: IncomingMessage, res: ServerResponse, fault: ErrorFault, info: RequestInfo): void {
    const e = S3_ERRORS[fault];
    const resource = info.bucket ? `/${info.bucket}${info.key ? `/${info.key}` : ''}` : '/';
    const body =
      req.method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${e.message}</Message>` +
          (fault === 'wrong-region' ? `<Endpoint>${info.bucket ?? 'bucket'}.s3.${CHAOS_OTHER_REGION}.amazonaws.com</Endpoint><Bucket>${escapeXml(info.bucket ?? '')}</Bucket>` : '') +
          `<Resource>${escapeXml(resource)}</Resource><RequestId>CHAOS${info.n}</RequestId></Error>`;
    res.writeHead(e.status, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': `CHAOS${info.n}`,
      ...(fault === 'slow-down' ? { 'retry-after': '0' } : {}),
      ...(fault === 'wrong-region' ? { 'x-amz-bucket-region': CHAOS_OTHER_REGION } : {}),
    });
    res.end(body);
    stats.bytesOut += Buffer.byteLength(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const info: RequestInfo = { n: ++n, method, url, ...classifyRequest(method, url, req.headers) };
    stats.requests++;
    stats.byKind[info.kind] = (stats.byKind[info.kind] ?? 0) + 1;
    const fault = decide(info);
    if (fault) {
      stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
      stats.faultsTotal++;
    }
    const ev: ProxyEvent = { ...info, ...(fault ? { fault } : {}) };
    record(ev);
    await sleep(opts.latencyMs ?? 0);

    if (fault && fault in S3_ERRORS) {
      await drain(req);
      sendS3Error(req, res, fault as ErrorFault, info);
      return;
    }
    if (fault === 'html') {
      await drain(req);
      const page = '<!doctype html><html><head><title>Welcome</title></head><body><h1>Sign in to the Wi-Fi</h1></body></html>';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
      res.end(req.method === 'HEAD' ? undefined : page);
      stats.bytesOut += req.method === 'HEAD' ? 0 : Buffer.byteLength(page);
      return;
    }
    if (fault === 'swallow') {
      await drain(req);
      res.writeHead(200, { 'content-length': 0, 'x-amz-request-id': `CHAOS${info.n}` }).end();
      return;
    }
    if (fault === 'stall') {
      // Keep reading so the client finishes sending and then waits on a response that never comes.
      await drain(req);
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    const chunked = /chunked/i.test(String(req.headers['transfer-encoding'] ?? ''));
    if (fault === 'reset' && (length > 0 || chunked)) {
      // Drop mid-body without forwarding anything, so upstream never sees a half object.
      const cut = length > 0 ? Math.max(1, Math.floor(length / 2)) : 1;
      let got = 0;
      for await (const chunk of req) {
        got += (chunk as Buffer).length;
        stats.bytesIn += (chunk as Buffer).length;
        if (got >= cut) {
          reset(req);
          return;
        }
      }
      reset(req);
      return;
    }
    await forward(req, res, info, ev, fault);
  }

  async function forward(req: IncomingMessage, res: ServerResponse, info: RequestInfo, ev: ProxyEvent, fault: FaultKind | undefined): Promise<void> {
    const up = httpRequest({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: info.method,
      path: info.url,
      headers: req.headers,
    });
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      up.once('response', resolve);
      up.once('error', reject);
    });
    // The client may abort mid-body (a cancel); then nobody awaits this, and its rejection must not go unhandled.
    answered.catch(() => {});
    // Pipe the body by hand so it is counted and throttled.
    try {
      for await (const chunk of req) {
        stats.bytesIn += (chunk as Buffer).length;
        await throttle((chunk as Buffer).length);
        if (!up.write(chunk)) await new Promise((r) => up.once('drain', r));
      }
      up.end();
    } catch {
      up.destroy();
      return;
    }
    let upRes: IncomingMessage;
    try {
      upRes = await answered;
    } catch {
      // Upstream unreachable: a gateway error, the way a real load balancer answers.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      return;
    }
    ev.status = upRes.statusCode;
    const bodyLength = Number(upRes.headers['content-length'] ?? -1);
    if ((fault === 'reset' || fault === 'reset-response') && bodyLength <= 0) {
      // The operation happened upstream but the client never learns it: the "lost response" case.
      upRes.resume();
      reset(req);
      return;
    }
    res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, upRes.headers);
    const cutAt = fault === 'reset' || fault === 'reset-response' || fault === 'stall-body' ? Math.max(1, Math.floor(bodyLength / 2)) : Infinity;
    let sent = 0;
    try {
      for await (const raw of upRes) {
        let chunk = raw as Buffer;
        if (sent + chunk.length >= cutAt && cutAt !== Infinity) chunk = chunk.subarray(0, cutAt - sent);
        await throttle(chunk.length);
        stats.bytesOut += chunk.length;
        sent += chunk.length;
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        if (sent >= cutAt) break;
      }
    } catch {
      reset(req);
      return;
    }
    if (sent >= cutAt) {
      upRes.destroy();
      if (fault === 'stall-body') return; // leave the socket open and silent
      reset(req);
      return;
    }
    res.end();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!req.socket.destroyed) req.socket.destroy();
    });
  });
  let down: 'refuse' | 'reset' | undefined;
  server.on('connection', (s) => {
    if (down) {
      s.resetAndDestroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Clients may send large bodies slowly; the proxy itself must never be the one that times out.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    events: () => log.slice(),
    configure(patch) {
      Object.assign(opts, patch);
    },
    injectNext(fault, match) {
      forced.push({ fault, match });
    },
    async outage(how) {
      down = how;
      for (const s of sockets) if (!s.destroyed) s.resetAndDestroy();
      if (how === 'refuse') await new Promise<void>((r) => server.close(() => r()));
    },
    async restore() {
      const was = down;
      down = undefined;
      if (was !== 'refuse') return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    async stop() {
      for (const s of sockets) s.destroy();
      if (down === 'refuse') return;
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
