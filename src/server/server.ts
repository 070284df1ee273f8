/**
 * Browser mode: an HTTP server for the built renderer plus the contract over a WebSocket, both
 * guarded by a random token and by Host/Origin checks (DNS rebinding). Every command goes through
 * the engine's dispatcher, so validation is the same as over Electron IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../main/services/app-services';
import type { Logger } from '../main/services/log/logger';
import { toAppError } from '../main/services/s3/errors';
import { AppError, toErrorData, type AppErrorData } from '../shared/errors';
import { fail, type Result } from '../shared/result';
import { DOWNLOAD_PATH, SESSION_PATH, SPOOL_PATH, WS_PATH, type WireInvoke, type WireMessage } from '../shared/wire';
import type { TransferState, TransfersProgress } from '../shared/contract';
import {
  bearerToken,
  checkHost,
  checkOrigin,
  displayHost,
  displayUrl,
  jsonDepthWithin,
  loadOrCreateToken,
  protocolToken,
  requestTarget,
  tokenMatches,
  type OriginPolicy,
} from './security';
import { Downloads } from './downloads';
import { Spool, SpoolIncomplete } from './spool';
import { loadCsp, securityHeaders, serveStatic } from '../main/services/static-files';

/** What `startServer` needs. */
export interface ServerOptions {
  services: Pick<AppServices, 'dispatch' | 'events' | 'transfers' | 'clients'>;
  logger: Logger;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** The data folder; spooled files go under `<dataDir>/spool`. */
  dataDir: string;
  host?: string;
  port?: number;
  allowRemote?: boolean;
  /** A fixed token (tests); otherwise the data folder's saved one (see `loadOrCreateToken`). */
  token?: string;
  /** Replace the saved token with a new one (`serve --new-token`): open tabs lose access. */
  newToken?: boolean;
  /** Inactivity limits; the defaults suit real use, tests pass small ones. */
  timeouts?: Partial<ServerTimeouts>;
}

/** How long the server waits on a silent client. There is deliberately no limit on a request's total time. */
export interface ServerTimeouts {
  /** A connection, or a dropped file's body, that sends nothing for this long is closed. */
  idleMs: number;
  /** Time allowed to send the request headers (a client that trickles them is cut off). */
  headersMs: number;
}

/** The production limits: two minutes of silence; a minute for headers (Node's default). */
export const DEFAULT_TIMEOUTS: ServerTimeouts = { idleMs: 120_000, headersMs: 60_000 };

/** A running browser-mode server. */
export interface RunningServer {
  /** The address to open, with `#token=…`. */
  url: string;
  token: string;
  port: number;
  /** The limits the HTTP server really runs with, read back from it; `requestMs` 0 means no total limit. */
  timeouts: ServerTimeouts & { requestMs: number };
  /** Closes sockets and the listener; does not dispose the engine (the caller owns it). */
  close(): Promise<void>;
}

/**
 * Largest WebSocket message accepted. The page enqueues spooled files 50 at a time (about 250 KiB at the schema's
 * longest paths) and every other command is far smaller; a 32 MiB message of nested JSON took 1.8 GB to parse.
 */
export const MAX_WS_MESSAGE = 1024 * 1024;

/**
 * States after which a spooled file is no longer needed. Failed and cancelled ones keep theirs, since Retry works
 * on both; their file goes when the row is cleared (a `removed` id).
 */
const SPOOL_DONE_STATES: ReadonlySet<TransferState> = new Set(['done', 'skipped']);

/** Starts listening; rejects (AppError) when the address cannot be used. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { services, logger, staticDir } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? loadOrCreateToken(options.dataDir, options.newToken);
  const csp = loadCsp(staticDir);
  const spool = new Spool(options.dataDir);
  const policy: OriginPolicy = { port: 0, allowRemote: options.allowRemote ?? false };
  const timeouts: ServerTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const downloads = new Downloads({
    clients: services.clients,
    notify: (error) => services.events.emit('app:notice', { level: 'error', error: error.toData() }),
  });

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

  // No total time limit (Node's default requestTimeout cut off any drop that took over 300 s, even while data
  // flowed): silence is what ends a connection, through the socket timeout below and the spool's own check.
  const server = createServer({ requestTimeout: 0, headersTimeout: timeouts.headersMs }, (req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      if (req.socket.destroyed) return;
      if (err instanceof SpoolIncomplete) {
        logger.info(`browser mode: ${err.message}`);
        return refuse(res, 400, err.message);
      }
      logger.error('browser mode: request failed', err);
      // toAppError names a full disk or a dropped connection in plain words instead of UNKNOWN.
      if (!res.headersSent) json(res, 500, { error: toAppError(err).toData() });
      else res.destroy();
    });
  });
  server.setTimeout(timeouts.idleMs);

  const handleHttp = async (req: IncomingMessage, res: ServerResponse) => {
    const own = checkHost(req.headers.host, policy);
    if (!own) return refuse(res, 421, 'unexpected Host');
    if (!checkOrigin(req.headers.origin, own)) return refuse(res, 403, 'foreign Origin');
    const url = requestTarget(req.url);
    if (!url) return refuse(res, 400, 'bad request target');

    if (url.pathname.startsWith(`${DOWNLOAD_PATH}/`)) {
      // A followed download link: a navigation, which cannot carry the token, so the one-time ticket in the path
      // stands for it (only a page that held the token could get one). Fetch metadata, where the browser sends it,
      // must say the link was followed from our own page or typed, never from another site.
      if (req.method !== 'GET') return refuse(res, 405, 'use GET');
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') return refuse(res, 403, 'foreign site');
      return downloads.serve(url.pathname.slice(DOWNLOAD_PATH.length + 1), res, securityHeaders(csp));
    }
    if (url.pathname.startsWith('/api/')) {
      if (!tokenMatches(token, bearerToken(req.headers.authorization))) return refuse(res, 401, 'missing or wrong token');
      if (url.pathname === SESSION_PATH) return void res.writeHead(204, { ...securityHeaders(csp), 'cache-control': 'no-store' }).end();
      if (url.pathname === SPOOL_PATH) {
        if (req.method !== 'PUT' && req.method !== 'POST') return refuse(res, 405, 'use PUT');
        const path = await spool.receive(req, url.searchParams.get('name'), timeouts.idleMs);
        logger.debug('browser mode: spooled a dropped file');
        return json(res, 200, { path });
      }
      if (url.pathname === DOWNLOAD_PATH) {
        if (req.method !== 'POST') return refuse(res, 405, 'use POST');
        try {
          return json(res, 200, { url: await downloads.prepare(req) });
        } catch (err) {
          // The page shows the reason (no such key, no access) as it does for any command.
          return json(res, 400, { error: toAppError(err).toData() });
        }
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

  /** Sockets handed over by 'upgrade' that are not (yet) WebSocket clients; `close` ends them too. */
  const upgrading = new Set<Duplex>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node takes its own error listener off an upgraded socket: without this one a client's reset ends the process.
    socket.on('error', () => socket.destroy());
    upgrading.add(socket);
    socket.once('close', () => upgrading.delete(socket));
    try {
      handleUpgrade(req, socket, head);
    } catch (err) {
      // An exception here is thrown inside Node's HTTP parser, where nothing catches it: answer instead.
      logger.warn('browser mode: refused a malformed upgrade', err);
      rejectUpgrade(socket, '400 Bad Request');
    }
  });

  const rejectUpgrade = (socket: Duplex, status: string) => {
    if (!socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const own = checkHost(req.headers.host, policy);
    if (!own) return rejectUpgrade(socket, '421 Misdirected Request');
    if (!checkOrigin(req.headers.origin, own)) return rejectUpgrade(socket, '403 Forbidden');
    const url = requestTarget(req.url);
    if (!url) return rejectUpgrade(socket, '400 Bad Request');
    if (url.pathname !== WS_PATH) return rejectUpgrade(socket, '404 Not Found');
    const offered = protocolToken(req.headers['sec-websocket-protocol']);
    if (!offered || !tokenMatches(token, offered.token)) return rejectUpgrade(socket, '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgrading.delete(socket);
      wss.emit('connection', ws, req);
    });
  };

  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text only');
      const text = data.toString();
      if (!jsonDepthWithin(text)) return ws.close(1008, 'nested too deeply');
      let msg: WireMessage;
      try {
        msg = JSON.parse(text) as WireMessage;
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
    if (msg.name === 'transfers:enqueue' && result.ok) holdSpooled(new Set((result.value as { ids?: string[] }).ids ?? []));
    if (ws.readyState === ws.OPEN) ws.send(toPage({ type: 'result', id: msg.id, result }));
  };

  /** Asks the engine which files the given transfers (all without ids) may still read, holds the spooled ones, and returns them all. */
  const holdSpooled = (ids?: Set<string>): string[] => {
    const needed: string[] = [];
    for (const t of services.transfers.sources()) {
      if ((ids && !ids.has(t.id)) || SPOOL_DONE_STATES.has(t.state)) continue;
      spool.hold(t.id, t.localPath);
      needed.push(t.localPath);
    }
    return needed;
  };

  /**
   * A message as the page may see it: spooled paths become the name the person dropped (the spool is an internal
   * folder), and a spooled copy that is gone says to drop the file again instead of naming a path they never chose.
   */
  const toPage = (msg: WireMessage) =>
    JSON.stringify(msg, (_key, value: unknown) => {
      if (typeof value === 'string') return spool.hidePaths(value);
      const err = value as Partial<AppErrorData> | null;
      if (err?.code === 'FILE_NOT_FOUND' && typeof err.params?.path === 'string' && spool.owns(err.params.path)) {
        return new AppError('SPOOL_FILE_GONE', { name: basename(err.params.path) }, { ...(err.details ? { details: err.details } : {}) }).toData();
      }
      return value;
    });

  const releaseFinished = (progress: TransfersProgress) => {
    for (const t of progress.changed) if (SPOOL_DONE_STATES.has(t.state)) spool.letGo(t.id);
    for (const id of progress.removed) spool.letGo(id);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new AppError('PORT_IN_USE', { port: options.port ?? 0 }, { cause: err }));
      else reject(new AppError('NOT_SUPPORTED', { what: `listening on ${host} (${err.code ?? err.message})` }, { cause: err }));
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  // Only now that this server owns the address (a second `serve` that fails to start must not touch the spool), and
  // in one step with the subscription so no transfer can finish unseen in between: keep the spooled files the
  // journal's transfers still need, including those restored from an earlier run and already uploading again.
  spool.sweep(holdSpooled());
  const unsubscribe = services.events.onAny((name, payload) => {
    if (name === 'transfers:progress') releaseFinished(payload as TransfersProgress);
    const text = toPage({ type: 'event', name, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  const bound = server.address() as AddressInfo;
  policy.port = bound.port;
  // Print the address really bound ('localhost' may be ::1 only; 127.0.0.2 is not 127.0.0.1), and accept it as Host.
  policy.listenHost = displayHost(bound.address);

  return {
    url: displayUrl(bound.address, policy.port, token),
    token,
    port: policy.port,
    timeouts: { requestMs: server.requestTimeout, idleMs: server.timeout, headersMs: server.headersTimeout },
    async close() {
      unsubscribe();
      // Progress events come at most 5 times a second: a transfer that finished just now has not released its copy.
      spool.keepOnly(new Set(services.transfers.sources().filter((t) => !SPOOL_DONE_STATES.has(t.state)).map((t) => t.id)));
      for (const client of wss.clients) client.terminate();
      for (const socket of upgrading) socket.destroy();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
