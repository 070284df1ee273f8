/**
 * Browser mode: an HTTP server for the built renderer plus the contract over a WebSocket, both
 * guarded by a random token and by Host/Origin checks (DNS rebinding). Every command goes through
 * the engine's dispatcher, so validation is the same as over Electron IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../main/services/app-services';
import type { Logger } from '../main/services/log/logger';
import { toAppError } from '../main/services/s3/errors';
import { AppError, toErrorData } from '../shared/errors';
import { fail, type Result } from '../shared/result';
import { SPOOL_PATH, WS_PATH, type WireInvoke, type WireMessage } from '../shared/wire';
import type { TransfersProgress } from '../shared/contract';
import { bearerToken, checkHost, checkOrigin, displayUrl, newToken, protocolToken, tokenMatches, type OriginPolicy } from './security';
import { Spool } from './spool';
import { loadCsp, securityHeaders, serveStatic } from '../main/services/static-files';

/** What `startServer` needs. */
export interface ServerOptions {
  services: Pick<AppServices, 'dispatch' | 'events'>;
  logger: Logger;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** The data folder; spooled files go under `<dataDir>/spool`. */
  dataDir: string;
  host?: string;
  port?: number;
  allowRemote?: boolean;
  /** A fixed token (tests); a fresh random one otherwise. */
  token?: string;
}

/** A running browser-mode server. */
export interface RunningServer {
  /** The address to open, with `#token=…`. */
  url: string;
  token: string;
  port: number;
  /** Closes sockets and the listener; does not dispose the engine (the caller owns it). */
  close(): Promise<void>;
}

/** Largest WebSocket message accepted: enqueues of many paths fit; anything bigger is refused. */
const MAX_WS_MESSAGE = 32 * 1024 * 1024;

/** States after which a spooled file is no longer needed (failed ones stay, for Retry). */
const SPOOL_DONE_STATES = new Set(['done', 'skipped', 'cancelled']);

/** Starts listening; rejects (AppError) when the address cannot be used. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { services, logger, staticDir } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const csp = loadCsp(staticDir);
  const spool = new Spool(options.dataDir);
  spool.clear();
  const policy: OriginPolicy = { port: 0, allowRemote: options.allowRemote ?? false };

  /** Transfer id → spooled file, so the file goes once its upload is over. */
  const spooledByTransfer = new Map<string, string>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...securityHeaders(csp), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text);
  };
  const refuse = (res: ServerResponse, status: number, reason: string) => {
    // Drain nothing: close the connection so an unauthenticated upload body is not read to the end.
    res.setHeader('connection', 'close');
    json(res, status, { error: reason });
  };

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((err) => {
      logger.error('browser mode: request failed', err);
      // toAppError names a full disk or a dropped connection in plain words instead of UNKNOWN.
      if (!res.headersSent) json(res, 500, { error: toAppError(err).toData() });
      else res.destroy();
    });
  });

  const handleHttp = async (req: IncomingMessage, res: ServerResponse) => {
    const own = checkHost(req.headers.host, policy);
    if (!own) return refuse(res, 421, 'unexpected Host');
    if (!checkOrigin(req.headers.origin, own)) return refuse(res, 403, 'foreign Origin');
    const url = new URL(req.url ?? '/', own);

    if (url.pathname.startsWith('/api/')) {
      if (!tokenMatches(token, bearerToken(req.headers.authorization))) return refuse(res, 401, 'missing or wrong token');
      if (url.pathname === SPOOL_PATH) {
        if (req.method !== 'PUT' && req.method !== 'POST') return refuse(res, 405, 'use PUT');
        const path = await spool.receive(req, url.searchParams.get('name'));
        logger.debug('browser mode: spooled a dropped file');
        return json(res, 200, { path });
      }
      return refuse(res, 404, 'no such API');
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'read-only');
    if (!serveStatic(staticDir, csp, req, res, url.pathname)) return refuse(res, 404, 'not found');
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WS_MESSAGE,
    // Echo back exactly the token protocol the client offered; the check itself happened in 'upgrade'.
    handleProtocols: (protocols) => protocolToken([...protocols].join(','))?.protocol ?? false,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const own = checkHost(req.headers.host, policy);
    if (!own) return reject('421 Misdirected Request');
    if (!checkOrigin(req.headers.origin, own)) return reject('403 Forbidden');
    const path = new URL(req.url ?? '/', own).pathname;
    if (path !== WS_PATH) return reject('404 Not Found');
    const offered = protocolToken(req.headers['sec-websocket-protocol']);
    if (!offered || !tokenMatches(token, offered.token)) return reject('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text only');
      let msg: WireMessage;
      try {
        msg = JSON.parse(data.toString()) as WireMessage;
      } catch {
        return ws.close(1007, 'not JSON');
      }
      if (!msg || msg.type !== 'invoke' || !Number.isSafeInteger(msg.id)) return ws.close(1008, 'unexpected message');
      void invoke(ws, msg);
    });
    ws.on('error', () => ws.terminate());
  });

  const invoke = async (ws: WebSocket, msg: WireInvoke) => {
    let result: Result<unknown>;
    try {
      result = await services.dispatch(msg.name, msg.payload);
    } catch (err) {
      // The dispatcher should never throw; if it does, one hostile message must not take the server down.
      logger.error('browser mode: dispatch threw', err);
      result = fail(toErrorData(err));
    }
    if (msg.name === 'transfers:enqueue' && result.ok) rememberSpooled(msg.payload, result.value);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id: msg.id, result }));
  };

  /** Spooled items are single files, so their ids come back in item order. */
  const rememberSpooled = (payload: unknown, value: unknown) => {
    const items = (payload as { items?: { path?: unknown }[] }).items ?? [];
    const ids = (value as { ids?: string[] }).ids ?? [];
    if (items.length !== ids.length) return;
    items.forEach((item, i) => {
      if (typeof item.path === 'string' && spool.owns(item.path) && ids[i]) spooledByTransfer.set(ids[i], item.path);
    });
  };

  const unsubscribe = services.events.onAny((name, payload) => {
    if (name === 'transfers:progress') releaseFinished(payload as TransfersProgress);
    const text = JSON.stringify({ type: 'event', name, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  const releaseFinished = (progress: TransfersProgress) => {
    const over = [...progress.changed.filter((t) => SPOOL_DONE_STATES.has(t.state)).map((t) => t.id), ...progress.removed];
    for (const id of over) {
      const path = spooledByTransfer.get(id);
      if (!path) continue;
      spooledByTransfer.delete(id);
      spool.release(path);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new AppError('PORT_IN_USE', { port: options.port ?? 0 }, { cause: err }));
      else reject(new AppError('NOT_SUPPORTED', { what: `listening on ${host} (${err.code ?? err.message})` }, { cause: err }));
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  policy.port = bound.port;

  return {
    // 'localhost' may have bound to ::1 only; print the address that was really bound.
    url: displayUrl(host === 'localhost' ? bound.address : host, policy.port, token),
    token,
    port: policy.port,
    async close() {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
