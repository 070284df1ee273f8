/**
 * `s3-drop serve` as a real child process: the printed line, the loopback rule, the built UI with its
 * CSP, and the whole browser-mode path (spool a file, enqueue it over the socket, the real engine
 * uploads it, the spooled copy is deleted) against the suite's S3 server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get, request } from 'node:http';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cspFromIndexHtml } from '../../src/main/services/static-files';
import { SPOOL_PATH, TOKEN_PROTOCOL_PREFIX, WS_PATH, type WireMessage } from '../../src/shared/wire';
import type { TransfersProgress } from '../../src/shared/contract';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { builtRendererDir, cliTestEnv, ensureBuiltCli, runCli, startServe, waitUntil, type ServeProcess } from '../support/serve';

let root: string;
let dataDir: string;
let serve: ServeProcess;

function env(): Record<string, string | undefined> {
  return cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir });
}

beforeAll(async () => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-serve-'));
  dataDir = join(root, 'data');
  mkdirSync(join(root, 'home'));
  serve = await startServe(env());
});

afterAll(async () => {
  await serve?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('s3-drop serve', () => {
  it('prints exactly the address line with a 32-byte token, on 127.0.0.1', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(serve.token, 'base64url')).toHaveLength(32);
  });

  it('serves the built UI with a CSP header equal to the page meta tag', async () => {
    const res = await fetch(`${serve.origin}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const meta = cspFromIndexHtml(html);
    expect(meta).toBeDefined();
    expect(res.headers.get('content-security-policy')).toBe(meta);
    expect(meta).toContain("default-src 'self'");
    // Vite writes relative asset paths (./assets/…) so file:// in Electron and http:// here both work.
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${serve.origin}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe(readFileSync(join(builtRendererDir(), script!), 'utf8'));
  });

  it('refuses the API without the token', async () => {
    const res = await fetch(`${serve.origin}${SPOOL_PATH}?name=x`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(401);
  });

  it('spools a dropped file, uploads it through the real engine, then deletes the spooled copy', async () => {
    const client = rawClient();
    const bucket = await freshBucket(client, 'serve');
    const bytes = randomBytes(300_000);
    const spooled = await fetch(`${serve.origin}${SPOOL_PATH}?name=${encodeURIComponent('dropped file.bin')}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${serve.token}`, origin: serve.origin, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(spooled.status).toBe(200);
    const { path } = (await spooled.json()) as { path: string };
    expect(path.startsWith(join(dataDir, 'spool'))).toBe(true);
    expect(readFileSync(path).equals(bytes)).toBe(true);

    const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}${WS_PATH}`, [TOKEN_PROTOCOL_PREFIX + serve.token], { headers: { origin: serve.origin } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const messages: WireMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as WireMessage));

    const profiles = await call(ws, messages, 1, 'profiles:list', {});
    const envProfile = (profiles as { id: string }[]).find((p) => p.id === 'env');
    expect(envProfile).toBeDefined();

    const { ids } = (await call(ws, messages, 2, 'transfers:enqueue', {
      items: [{ path }],
      target: { profileId: 'env', bucket, prefix: 'drops' },
    })) as { ids: string[] };
    expect(ids).toHaveLength(1);

    // Wait for the engine's progress events (broadcast to this socket) to report the transfer done.
    await waitUntil(() =>
      messages.some(
        (m) => m.type === 'event' && m.name === 'transfers:progress' && (m.payload as TransfersProgress).changed.some((t) => t.id === ids[0] && t.state === 'done'),
      ),
    );
    expect((await getObjectBytes(client, bucket, 'drops/dropped file.bin')).equals(bytes)).toBe(true);
    await waitUntil(() => !existsSync(path));
    expect(existsSync(path)).toBe(false);
    ws.close();
  });

  it.skipIf(process.platform !== 'linux')('streams a spooled body to disk instead of holding it in memory', async () => {
    const size = 384 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= size) return this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: serve.port, path: `${SPOOL_PATH}?name=big.bin`, method: 'PUT', headers: { authorization: `Bearer ${serve.token}`, 'content-length': String(size) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      body.pipe(req);
    });
    expect(status).toBe(200);
    // The server's peak resident memory stays well below the body's size (a buffered body would exceed it).
    const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${serve.child.pid}/status`, 'utf8'))?.[1]);
    expect(peakKiB * 1024).toBeLessThan(size);
  });

  it('stops cleanly on SIGTERM', async () => {
    const other = await startServe(env());
    expect(await other.stop()).toBe(0);
  });

  it('refuses to bind 0.0.0.0 without --allow-remote (exit 2, one line)', async () => {
    const run = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], env());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      's3-drop: S3 Drop will not listen on 0.0.0.0, because other computers could reach it. Add --allow-remote if that is really what you want.',
    ]);
  });

  it('with --allow-remote binds 0.0.0.0, still prints a loopback address, and still needs the token', async () => {
    const remote = await startServe(env(), ['--host', '0.0.0.0', '--allow-remote']);
    try {
      expect(remote.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
      // Another machine's name in Host is accepted now; the token is what guards the API.
      // (node:http, because fetch will not send a Host header of our choosing.)
      const status = await new Promise<number>((resolve, reject) =>
        get({ host: '127.0.0.1', port: remote.port, path: '/', headers: { host: `nas.local:${remote.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(status).toBe(200);
      const api = await fetch(`${remote.origin}${SPOOL_PATH}?name=x`, { method: 'PUT', body: 'x' });
      expect(api.status).toBe(401);
    } finally {
      expect(await remote.stop()).toBe(0);
    }
  });

  it('refuses a port that is already taken with one plain line', async () => {
    const run = await runCli(['serve', '--port', String(serve.port)], env());
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`s3-drop: Port ${serve.port} is already in use. Choose another with --port, or leave it out to use any free port.`);
  });
});

/** Invokes a command over the socket and returns its value (fails the test on an error result). */
async function call(ws: WebSocket, messages: WireMessage[], id: number, name: string, payload: unknown): Promise<unknown> {
  ws.send(JSON.stringify({ type: 'invoke', id, name, payload }));
  let found: WireMessage | undefined;
  await waitUntil(() => (found = messages.find((m) => m.type === 'result' && m.id === id)) !== undefined);
  const result = (found as WireMessage & { type: 'result' }).result;
  if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
  return result.value;
}
