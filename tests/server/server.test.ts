/** Browser-mode server, in process: token, Host and Origin checks, the contract over the socket, spooling and static files. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { EventBus } from '../../src/main/services/events';
import type { TransferState } from '../../src/shared/contract';
import { silentLogger } from '../../src/main/services/log/logger';
import { createNodePlatform } from '../../src/server/node-platform';
import { MAX_WS_MESSAGE, startServer, type RunningServer } from '../../src/server/server';
import { TOKEN_FILE, tokenMatches } from '../../src/server/security';
import { HEADER_ONLY_CSP } from '../../src/main/services/static-files';
import { Spool } from '../../src/server/spool';
import { waitUntil } from '../support/serve';
import { SESSION_PATH, SPOOL_PATH, TOKEN_PROTOCOL_PREFIX, WS_PATH, type WireMessage } from '../../src/shared/wire';
import { staticTraversalCorpus } from '../support/traversal-corpus';

const csp = "default-src 'self'; script-src 'self'; object-src 'none'";
let root: string;
let staticDir: string;
let dataDir: string;
let services: AppServices;
let server: RunningServer;
let origin: string;

/** A raw HTTP request whose path is sent exactly as given (fetch would normalise `..`). */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a socket with the given token/headers; resolves to the open socket or the HTTP status that refused it. */
function openSocket(token: string | undefined, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}`, token === undefined ? [] : [TOKEN_PROTOCOL_PREFIX + token], { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

/** Sends one invoke and waits for its result. */
function invoke(ws: WebSocket, id: number, name: string, payload: unknown): Promise<WireMessage & { type: 'result' }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as WireMessage;
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'invoke', id, name, payload }));
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 's3drop-server-'));
  staticDir = join(root, 'renderer');
  dataDir = join(root, 'data');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${csp}" /></head><body>ui</body></html>`);
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log("app");');
  writeFileSync(join(staticDir, 'assets', 'style-1234.css'), 'body{}');
  // A file next to the UI folder that traversal must never reach.
  writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-CONTENT');
  // Left by an "earlier run": start-up must clear it.
  mkdirSync(join(dataDir, 'spool', 'old'), { recursive: true });
  writeFileSync(join(dataDir, 'spool', 'old', 'stale.bin'), 'stale');
  const platform = createNodePlatform({ S3DROP_DATA_DIR: dataDir });
  services = await createAppServices({ platform, logger: silentLogger, env: { S3DROP_DATA_DIR: dataDir } });
  server = await startServer({ services, logger: silentLogger, staticDir, dataDir, port: 0 });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await services?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('start-up', () => {
  it('listens on 127.0.0.1 and gives a URL with a 32-byte token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('with --host localhost prints an address that answers', async () => {
    const local = await startServer({ services, logger: silentLogger, staticDir, dataDir: join(root, 'data-localhost'), host: 'localhost', port: 0 });
    try {
      expect(local.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/#token=/);
      const res = await fetch(local.url.replace(/#.*/, ''));
      expect(res.status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('with --host 127.0.0.2 prints that address, and it answers (the Host check accepts it)', async () => {
    const other = await startServer({ services, logger: silentLogger, staticDir, dataDir: join(root, 'data-127-0-0-2'), host: '127.0.0.2', port: 0 });
    try {
      expect(other.url).toBe(`http://127.0.0.2:${other.port}/#token=${other.token}`);
      const res = await fetch(other.url.replace(/#.*/, ''));
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    } finally {
      await other.close();
    }
  });

  it('has no limit on a request’s total time, only on silence', () => {
    expect(server.timeouts).toEqual({ requestMs: 0, idleMs: 120_000, headersMs: 60_000 });
  });

  it('removes what an earlier run spooled that no transfer points to', () => {
    expect(existsSync(join(dataDir, 'spool', 'old', 'stale.bin'))).toBe(false);
    expect(existsSync(join(dataDir, 'spool'))).toBe(true);
  });
});

describe('the token across restarts', () => {
  it('is kept in the data folder (0600) and reused by the next start; --new-token replaces it; a damaged file is replaced', async () => {
    const dir = join(root, 'data-token');
    const first = await startServer({ services, logger: silentLogger, staticDir, dataDir: dir, port: 0 });
    await first.close();
    const file = join(dir, TOKEN_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await startServer({ services, logger: silentLogger, staticDir, dataDir: dir, port: 0 });
    await second.close();
    expect(second.token).toBe(first.token);
    const rotated = await startServer({ services, logger: silentLogger, staticDir, dataDir: dir, port: 0, newToken: true });
    await rotated.close();
    expect(rotated.token).not.toBe(first.token);
    expect(readFileSync(file, 'utf8').trim()).toBe(rotated.token);
    writeFileSync(file, 'short');
    const repaired = await startServer({ services, logger: silentLogger, staticDir, dataDir: dir, port: 0 });
    await repaired.close();
    expect(Buffer.from(repaired.token, 'base64url')).toHaveLength(32);
  });

  it('answers the session check 204 with the token and 401 without or with another (the page tells "away" from "replaced")', async () => {
    expect((await raw(SESSION_PATH, { headers: { authorization: `Bearer ${server.token}` } })).status).toBe(204);
    expect((await raw(SESSION_PATH)).status).toBe(401);
    expect((await raw(SESSION_PATH, { headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}` } })).status).toBe(401);
  });
});

describe('token comparison', () => {
  it('accepts only the exact token, whatever the length of the guess', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
  });
});

describe('HTTP API guard', () => {
  const body = Buffer.from('hello');
  it('refuses a spool without a token', async () => {
    const res = await raw(`${SPOOL_PATH}?name=a.txt`, { method: 'PUT', body });
    expect(res.status).toBe(401);
  });

  it('refuses a spool with a wrong token', async () => {
    const res = await raw(`${SPOOL_PATH}?name=a.txt`, { method: 'PUT', body, headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}` } });
    expect(res.status).toBe(401);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    const res = await raw(`${SPOOL_PATH}?name=a.txt`, { method: 'PUT', body, headers: { authorization: `Bearer ${server.token}`, origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
  });

  it('refuses a non-loopback Host (DNS rebinding) even with the right token', async () => {
    const res = await raw(`${SPOOL_PATH}?name=a.txt`, {
      method: 'PUT',
      body,
      headers: { authorization: `Bearer ${server.token}`, host: `evil.example:${server.port}` },
    });
    expect(res.status).toBe(421);
  });

  it('refuses a loopback Host with another port', async () => {
    const res = await raw('/', { headers: { host: `127.0.0.1:${server.port + 1}` } });
    expect(res.status).toBe(421);
  });

  it('accepts localhost and [::1] as Host', async () => {
    expect((await raw('/', { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    expect((await raw('/', { headers: { host: `[::1]:${server.port}` } })).status).toBe(200);
  });
});

describe('spooling', () => {
  it('streams a dropped file to a temp file under dataDir/spool, keeping its name', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const res = await raw(`${SPOOL_PATH}?name=${encodeURIComponent('relatório final.bin')}`, {
      method: 'PUT',
      body: bytes,
      headers: { authorization: `Bearer ${server.token}`, origin, 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(200);
    const { path } = JSON.parse(res.body.toString()) as { path: string };
    expect(path.startsWith(join(dataDir, 'spool') + '/')).toBe(true);
    expect(path.endsWith('/relatório final.bin')).toBe(true);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('never lets the name escape the spool folder', async () => {
    const res = await raw(`${SPOOL_PATH}?name=${encodeURIComponent('../../../escape.txt')}`, {
      method: 'PUT',
      body: Buffer.from('x'),
      headers: { authorization: `Bearer ${server.token}` },
    });
    const { path } = JSON.parse(res.body.toString()) as { path: string };
    expect(path.startsWith(join(dataDir, 'spool') + '/')).toBe(true);
    expect(path.endsWith('/escape.txt')).toBe(true);
    expect(existsSync(join(dataDir, 'escape.txt'))).toBe(false);
  });
});

describe('spool bookkeeping', () => {
  it('a file queued twice stays until the last transfer reading it lets go', () => {
    const spool = new Spool(join(root, 'data-holders'));
    spool.sweep([]);
    const folder = join(spool.dir, 'a'.repeat(24));
    mkdirSync(folder);
    const file = join(folder, 'twice.bin');
    writeFileSync(file, 'x');
    spool.hold('t1', file);
    spool.hold('t2', file);
    spool.letGo('t1');
    expect(existsSync(file)).toBe(true);
    spool.letGo('t2');
    expect(existsSync(folder)).toBe(false);
  });

  it('at shutdown, lets go of a copy whose transfer finished after the last progress event', async () => {
    // A small fake engine of our own interfaces: one transfer, whose progress event never comes.
    let source = { id: 't1', state: 'queued' as TransferState, localPath: '' };
    const fake = {
      dispatch: async (name: unknown) => (name === 'transfers:enqueue' ? { ok: true as const, value: { ids: ['t1'] } } : { ok: true as const, value: undefined }),
      events: new EventBus(),
      transfers: { sources: () => [source] },
    } as unknown as Pick<AppServices, 'dispatch' | 'events' | 'transfers' | 'clients'>;
    const own = await startServer({ services: fake, logger: silentLogger, staticDir, dataDir: join(root, 'data-shutdown'), port: 0 });
    const res = await fetch(`http://127.0.0.1:${own.port}${SPOOL_PATH}?name=last.bin`, { method: 'PUT', headers: { authorization: `Bearer ${own.token}` }, body: 'x' });
    const { path } = (await res.json()) as { path: string };
    source = { ...source, localPath: path };
    const ws = new WebSocket(`ws://127.0.0.1:${own.port}${WS_PATH}`, [TOKEN_PROTOCOL_PREFIX + own.token]);
    await new Promise((resolve) => ws.once('open', resolve));
    await invoke(ws, 1, 'transfers:enqueue', { items: [{ path }], target: { profileId: 'p', bucket: 'b' } });
    ws.close();
    source = { ...source, state: 'done' };
    expect(existsSync(path)).toBe(true);
    await own.close();
    expect(existsSync(path)).toBe(false);
  });

  it('shows a spooled path as the dropped name only', () => {
    const spool = new Spool(join(root, 'data-names'));
    const path = join(spool.dir, '0123456789abcdef01234567', 'relatório.csv');
    expect(spool.hidePaths(`The file ${path} no longer exists.`)).toBe('The file relatório.csv no longer exists.');
    expect(spool.hidePaths('/home/me/other.csv')).toBe('/home/me/other.csv');
  });
});

describe('spooling: silence ends a drop, time does not', () => {
  const idleMs = 1_000;
  let slow: RunningServer;
  let slowData: string;
  beforeAll(async () => {
    slowData = join(root, 'data-idle');
    slow = await startServer({ services, logger: silentLogger, staticDir, dataDir: slowData, port: 0, timeouts: { idleMs } });
  });
  afterAll(() => slow?.close());

  /** PUTs `chunks` pieces of a body to the spool, one per `gapMs`, then stops (`stopAfter`) or ends the body. */
  function trickle(chunks: Buffer[], gapMs: number, stopAfter?: number): Promise<{ status?: number; body?: string; closedEarly: boolean }> {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    return new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: slow.port, path: `${SPOOL_PATH}?name=slow.bin`, method: 'PUT', headers: { authorization: `Bearer ${slow.token}`, 'content-length': String(size) } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode, body, closedEarly: false }));
        },
      );
      req.on('error', () => resolve({ closedEarly: true }));
      let i = 0;
      const next = () => {
        if (stopAfter !== undefined && i >= stopAfter) return; // silence: the socket stays open, nothing more comes
        if (i >= chunks.length) return void req.end();
        req.write(chunks[i++]);
        setTimeout(next, gapMs);
      };
      next();
    });
  }

  it('a drop that takes several idle periods but keeps sending arrives whole', async () => {
    // 30 pieces a tenth of the idle limit apart: three times the limit in total, never silent for one.
    const chunks = Array.from({ length: 30 }, () => randomBytes(64 * 1024));
    const out = await trickle(chunks, idleMs / 10);
    expect(out.status).toBe(200);
    const { path } = JSON.parse(out.body!) as { path: string };
    expect(readFileSync(path).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('a drop that goes silent is cut off, and leaves nothing in the spool', async () => {
    const before = new Set(readdirSync(join(slowData, 'spool')));
    const out = await trickle(Array.from({ length: 4 }, () => randomBytes(64 * 1024)), 10, 2);
    expect(out.closedEarly).toBe(true);
    await waitUntil(() => readdirSync(join(slowData, 'spool')).every((f) => before.has(f)));
    expect(readdirSync(join(slowData, 'spool')).filter((f) => !before.has(f))).toEqual([]);
  });
});

describe('static files', () => {
  it('serves the page with a CSP header equal to its meta tag plus the header-only frame-ancestors', async () => {
    const res = await raw('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(`${csp}; ${HEADER_ONLY_CSP}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.toString()).toContain('ui');
  });

  it('serves assets with their MIME types and without a token', async () => {
    const js = await raw('/assets/app-1234.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    const css = await raw('/assets/style-1234.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it.each(staticTraversalCorpus)(
    'refuses the traversal %s',
    async (path) => {
      const res = await raw(path);
      expect(res.status).toBe(404);
      expect(res.body.toString()).not.toContain('TOP-SECRET-CONTENT');
    },
  );

  it('refuses writes outside the API', async () => {
    const res = await raw('/index.html', { method: 'POST', body: Buffer.from('x') });
    expect(res.status).toBe(405);
  });
});

describe('WebSocket', () => {
  it('refuses a socket without a token', async () => {
    expect(await openSocket(undefined, { origin })).toBe(401);
  });

  it('refuses a socket with a wrong token', async () => {
    expect(await openSocket('wrong-token', { origin })).toBe(401);
  });

  it('refuses a socket from a foreign Origin', async () => {
    expect(await openSocket(server.token, { origin: 'http://evil.example' })).toBe(403);
  });

  it('refuses a socket with a non-loopback Host', async () => {
    expect(await openSocket(server.token, { origin: `http://evil.example:${server.port}`, host: `evil.example:${server.port}` })).toBe(421);
  });

  it('carries commands through the engine dispatcher and broadcasts events', async () => {
    const ws = await openSocket(server.token, { origin });
    expect(ws).toBeInstanceOf(WebSocket);
    const sock = ws as WebSocket;
    expect(sock.protocol).toBe(TOKEN_PROTOCOL_PREFIX + server.token);

    const info = await invoke(sock, 1, 'app:info', {});
    expect(info.result.ok).toBe(true);
    const value = (info.result as { ok: true; value: { capabilities: { transport: string; dropGivesPaths: boolean }; dataDir: string } }).value;
    expect(value.capabilities).toEqual({ transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false });
    expect(value.dataDir).toBe(dataDir);

    // The schema check happens in the dispatcher, exactly as over Electron IPC.
    const bad = await invoke(sock, 2, 'settings:update', { concurrency: 'lots' });
    expect(bad.result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const unknown = await invoke(sock, 3, 'fs:readEverything', {});
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });

    const event = new Promise<WireMessage>((resolve) =>
      sock.on('message', (d) => {
        const msg = JSON.parse(d.toString()) as WireMessage;
        if (msg.type === 'event' && msg.name === 'settings:changed') resolve(msg);
      }),
    );
    const updated = await invoke(sock, 4, 'settings:update', { theme: 'dark' });
    expect(updated.result).toMatchObject({ ok: true, value: { theme: 'dark' } });
    expect(await event).toMatchObject({ type: 'event', name: 'settings:changed', payload: { theme: 'dark' } });
    sock.close();
  });

  it('broadcasts each event to every connected socket (two tabs)', async () => {
    const a = (await openSocket(server.token, { origin })) as WebSocket;
    const b = (await openSocket(server.token, { origin })) as WebSocket;
    const heard = (ws: WebSocket) =>
      new Promise<unknown>((resolve) =>
        ws.on('message', (d) => {
          const msg = JSON.parse(d.toString()) as WireMessage;
          if (msg.type === 'event' && msg.name === 'settings:changed') resolve(msg.payload);
        }),
      );
    const both = Promise.all([heard(a), heard(b)]);
    await invoke(a, 1, 'settings:update', { theme: 'light' });
    const [pa, pb] = await both;
    expect(pa).toMatchObject({ theme: 'light' });
    expect(pb).toEqual(pa);
    a.close();
    b.close();
  });

  it('answers a hostile command name with an error result and keeps serving', async () => {
    const sock = (await openSocket(server.token, { origin })) as WebSocket;
    const odd = await invoke(sock, 7, { toString: 1 } as unknown as string, {});
    expect(odd.result.ok).toBe(false);
    const after = await invoke(sock, 8, 'settings:get', {});
    expect(after.result.ok).toBe(true);
    sock.close();
  });

  it('refuses a message over 1 MiB (1009) before reading it, and keeps serving', async () => {
    const sock = (await openSocket(server.token, { origin })) as WebSocket;
    const closed = new Promise<number>((resolve) => sock.once('close', (code) => resolve(code)));
    sock.send(JSON.stringify({ type: 'invoke', id: 1, name: 'settings:get', payload: { pad: 'x'.repeat(1024 * 1024) } }));
    expect(MAX_WS_MESSAGE).toBe(1024 * 1024);
    expect(await closed).toBe(1009);
    const again = (await openSocket(server.token, { origin })) as WebSocket;
    expect((await invoke(again, 2, 'settings:get', {})).result.ok).toBe(true);
    again.close();
  });

  it('refuses deeply nested JSON (1008) without parsing it, and keeps serving', async () => {
    const sock = (await openSocket(server.token, { origin })) as WebSocket;
    const closed = new Promise<number>((resolve) => sock.once('close', (code) => resolve(code)));
    const depth = 400_000;
    sock.send(`{"type":"invoke","id":1,"name":"settings:get","payload":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(await closed).toBe(1008);
    // A message nested as deep as the contract ever needs still goes through (and is refused by the schema).
    const ok = (await openSocket(server.token, { origin })) as WebSocket;
    const nested = (await invoke(ok, 2, 'settings:update', { theme: [[[[[['x']]]]]] })).result;
    expect(nested).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    ok.close();
  });

  it('closes a socket that sends something other than an invoke', async () => {
    const sock = (await openSocket(server.token, { origin })) as WebSocket;
    const closed = new Promise<number>((resolve) => sock.once('close', (code) => resolve(code)));
    sock.send('not json');
    expect(await closed).toBe(1007);
  });
});
