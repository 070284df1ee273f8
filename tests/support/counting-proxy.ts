/**
 * A minimal loopback proxy that counts what reaches the S3 server: requests by S3 operation and request-body
 * bytes. Unlike the chaos proxy it injects nothing, and a client that dies mid-body (kill -9, pause) is a normal
 * event here, never an error. The Host header is forwarded untouched so SigV4 stays valid at RGW.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { classifyRequest, type RequestKind } from './chaos-proxy';

/** Counters since start or the last reset. */
export interface CountingStats {
  byKind: Partial<Record<RequestKind, number>>;
  /** Requests by operation that came through the SDK (its `amz-sdk-invocation-id` header): those sent below it have none. */
  viaSdk: Partial<Record<RequestKind, number>>;
  /** Request-body bytes received from clients. */
  bytesIn: number;
  requests: number;
  /** Responses the client went away from before their end (a reader that stopped reading). */
  cutShort: number;
}

/** A request whose body the proxy kept, to assert what reached the server. */
export interface KeptRequest {
  kind: RequestKind;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  body: string;
}

/** A running counting proxy. */
export interface CountingProxy {
  url: string;
  stats(): CountingStats;
  resetStats(): void;
  /** The requests whose bodies were kept (see `keepBodies`), in arrival order. */
  kept(): KeptRequest[];
  stop(): Promise<void>;
}

/** Starts a counting proxy on 127.0.0.1 in front of `upstream`; `keepBodies` picks the (small) requests to keep whole. */
export async function startCountingProxy(upstream: string, options: { keepBodies?: (kind: RequestKind) => boolean } = {}): Promise<CountingProxy> {
  const up = new URL(upstream);
  let stats: CountingStats = { byKind: {}, viaSdk: {}, bytesIn: 0, requests: 0, cutShort: 0 };
  const kept: KeptRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const { kind } = classifyRequest(req.method ?? 'GET', req.url ?? '/', req.headers);
    res.on('close', () => {
      if (!res.writableFinished) stats.cutShort++;
    });
    stats.requests++;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    if (req.headers['amz-sdk-invocation-id'] !== undefined) stats.viaSdk[kind] = (stats.viaSdk[kind] ?? 0) + 1;
    const out = httpRequest({ hostname: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, upRes.headers);
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    // A client that goes away mid-request takes the upstream request with it, quietly.
    out.on('error', () => res.destroy());
    const keep = options.keepBodies?.(kind) ? { kind, method: req.method ?? 'GET', url: req.url ?? '/', chunks: [] as Buffer[] } : undefined;
    req.on('data', (chunk: Buffer) => {
      stats.bytesIn += chunk.length;
      keep?.chunks.push(chunk);
    });
    if (keep) req.on('end', () => kept.push({ kind, method: keep.method, url: keep.url, body: Buffer.concat(keep.chunks).toString('utf8') }));
    req.on('error', () => out.destroy());
    req.on('aborted', () => out.destroy());
    req.pipe(out);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.requestTimeout = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = { byKind: {}, viaSdk: {}, bytesIn: 0, requests: 0, cutShort: 0 };
    },
    kept: () => structuredClone(kept),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
