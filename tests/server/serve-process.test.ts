/**
 * `s3-drop serve` as a real child process: the printed line, the loopback rule, the built UI with its
 * CSP, and the whole browser-mode path (spool a file, enqueue it over the socket, the real engine
 * uploads it, the spooled copy is deleted) against the suite's S3 server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get, request } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cspFromIndexHtml, HEADER_ONLY_CSP } from '../../src/main/services/static-files';
import { SPOOL_PATH, TOKEN_PROTOCOL_PREFIX, WS_PATH } from '../../src/shared/wire';
import type { TransferList, TransfersProgress } from '../../src/shared/contract';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { builtRendererDir, cliTestEnv, ensureBuiltCli, runCli, startServe, waitUntil, type ServeProcess } from '../support/serve';
import { openPage, spoolFile } from '../support/serve-page';

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

  it('serves the built UI with a CSP header equal to the page meta tag plus the header-only frame-ancestors', async () => {
    const res = await fetch(`${serve.origin}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const meta = cspFromIndexHtml(html);
    expect(meta).toBeDefined();
    expect(res.headers.get('content-security-policy')).toBe(`${meta}; ${HEADER_ONLY_CSP}`);
    expect(meta).toContain("default-src 'self'");
    // Chromium ignores frame-ancestors in a meta tag and logs an error on every load; the header carries it.
    expect(meta).not.toContain('frame-ancestors');
    expect(HEADER_ONLY_CSP).toBe("frame-ancestors 'none'");
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

    const page = await openPage(serve);
    const messages = page.messages;

    const profiles = await page.call('profiles:list', {});
    const envProfile = (profiles as { id: string }[]).find((p) => p.id === 'env');
    expect(envProfile).toBeDefined();

    const { ids } = (await page.call('transfers:enqueue', {
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
    page.ws.close();
  });

  it('keeps the spooled files restored transfers need across a SIGKILL and a SIGTERM restart; only orphans go', async () => {
    const client = rawClient();
    const bucket = await freshBucket(client, 'restart');
    const restartData = join(root, 'data-restart');
    const restartEnv = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: restartData });
    let s = await startServe(restartEnv);
    let page = await openPage(s);
    try {
      // Nothing may start before the kill: with the queue paused, new transfers wait as 'queued'.
      await page.call('transfers:pause', {});
      const bytes = { queued: randomBytes(300_000), paused: randomBytes(200_000), cancelled: randomBytes(100_000), orphan: randomBytes(1000) };
      const paths = {
        queued: await spoolFile(s, 'queued one.bin', bytes.queued),
        paused: await spoolFile(s, 'paused.bin', bytes.paused),
        cancelled: await spoolFile(s, 'cancelled.bin', bytes.cancelled),
        // Spooled but never queued (the page went away): an orphan at the next start.
        orphan: await spoolFile(s, 'orphan.bin', bytes.orphan),
      };
      const { ids } = (await page.call('transfers:enqueue', {
        items: [{ path: paths.queued }, { path: paths.paused }, { path: paths.cancelled }],
        target: { profileId: 'env', bucket, prefix: 'restart' },
      })) as { ids: string[] };
      const [queuedId, pausedId, cancelledId] = ids as [string, string, string];
      await page.call('transfers:pause', { id: pausedId });
      await page.call('transfers:cancel', { id: cancelledId });
      expect(existsSync(paths.cancelled)).toBe(true);
      page.ws.close();

      // kill -9: the journal says queued, paused and cancelled.
      const killed = new Promise((r) => s.child.once('exit', r));
      s.child.kill('SIGKILL');
      await killed;
      s = await startServe(restartEnv);
      page = await openPage(s);
      // The queued transfer was restored and started again at once, from its spooled copy.
      await page.waitForState(queuedId, 'done');
      expect((await getObjectBytes(client, bucket, 'restart/queued one.bin')).equals(bytes.queued)).toBe(true);
      await waitUntil(() => !existsSync(paths.queued));
      // What a transfer can still use is kept; the orphan is gone.
      expect(existsSync(paths.paused)).toBe(true);
      expect(existsSync(paths.cancelled)).toBe(true);
      expect(existsSync(paths.orphan)).toBe(false);
      page.ws.close();

      // A clean stop (SIGTERM) and a start: still kept, and now Resume and Retry (after Cancel) both work.
      expect(await s.stop()).toBe(0);
      s = await startServe(restartEnv);
      page = await openPage(s);
      expect(existsSync(paths.paused)).toBe(true);
      expect(existsSync(paths.cancelled)).toBe(true);
      await page.call('transfers:resume', { id: pausedId });
      await page.call('transfers:retry', { id: cancelledId });
      await page.waitForState(pausedId, 'done');
      await page.waitForState(cancelledId, 'done');
      expect((await getObjectBytes(client, bucket, 'restart/paused.bin')).equals(bytes.paused)).toBe(true);
      expect((await getObjectBytes(client, bucket, 'restart/cancelled.bin')).equals(bytes.cancelled)).toBe(true);
      // Done: their copies go.
      await waitUntil(() => !existsSync(paths.paused) && !existsSync(paths.cancelled));
      // No message to the page named the spool folder.
      expect(page.messages.map((m) => JSON.stringify(m)).filter((m) => m.includes(join(restartData, 'spool')))).toEqual([]);
    } finally {
      page.ws.close();
      await s.stop();
    }
  });

  it('a spooled copy that is gone fails in plain words that name the dropped file, never the spool path', async () => {
    const client = rawClient();
    const bucket = await freshBucket(client, 'gone');
    const page = await openPage(serve);
    try {
      const path = await spoolFile(serve, 'report.csv', Buffer.from('a,b\n1,2\n'));
      const target = { profileId: 'env', bucket, prefix: '' };
      // Gone behind the app's back (a cleaner, a person) after it was queued: the upload fails, and says why.
      await page.call('transfers:pause', {});
      const { ids } = (await page.call('transfers:enqueue', { items: [{ path }], target })) as { ids: string[] };
      rmSync(path);
      await page.call('transfers:resume', {});
      const failed = await page.waitForState(ids[0]!, 'failed');
      expect(failed.error).toMatchObject({ code: 'SPOOL_FILE_GONE', params: { name: 'report.csv' } });
      expect(failed.error!.message).toBe('The copy of report.csv that was dropped on this page is gone, so it cannot be sent. Drop the file again.');
      // Gone before it was queued: refused at once, in the same words.
      const late = await spoolFile(serve, 'late.csv', Buffer.from('x'));
      rmSync(late);
      const refused = await page.call('transfers:enqueue', { items: [{ path: late }], target }).catch((e: Error) => e.message);
      expect(refused).toContain('"code":"SPOOL_FILE_GONE"');
      expect(refused).toContain('The copy of late.csv that was dropped on this page is gone');
      const listed = (await page.call('transfers:list', {})) as TransferList;
      expect(listed.transfers.find((t) => t.id === ids[0])?.error?.code).toBe('SPOOL_FILE_GONE');
      expect(page.messages.map((m) => JSON.stringify(m)).filter((m) => m.includes(join(dataDir, 'spool')))).toEqual([]);
    } finally {
      page.ws.close();
    }
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

  it.skipIf(process.platform !== 'linux')('survives a malformed upgrade and nested-JSON messages (4 x 32 MiB, 4 x 1 MiB), with a small peak memory', async () => {
    const fresh = await startServe(env());
    try {
      // GET //[ with Upgrade and a valid Host used to throw inside Node's parser and end the process.
      const answer = await new Promise<string>((resolve) => {
        const sock = connect(fresh.port, '127.0.0.1', () =>
          sock.end(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${fresh.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
        );
        let got = '';
        sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);

      // Four sockets at once, each sending 32 MiB of `[[[[…]]]]` (the old limit let these in: 2.7 GB of RSS), then
      // four sending just under the new 1 MiB limit, which the nesting check refuses before parsing.
      const nested = (bytes: number) => {
        const depth = Math.floor((bytes - 64) / 2);
        return `{"type":"invoke","id":1,"name":"settings:get","payload":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      };
      const sendFour = (message: string) =>
        Promise.all(
          Array.from({ length: 4 }, async () => {
            const ws = new WebSocket(`${fresh.origin.replace('http', 'ws')}${WS_PATH}`, [TOKEN_PROTOCOL_PREFIX + fresh.token], { headers: { origin: fresh.origin } });
            await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
            const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
            ws.on('error', () => undefined);
            ws.send(message);
            return closed;
          }),
        );
      // 1009 (too big), or 1006 when the server's close cut our send short: either way it was not read.
      for (const code of await sendFour(nested(32 * 1024 * 1024))) expect([1006, 1009]).toContain(code);
      expect(await sendFour(nested(1024 * 1024 - 16))).toEqual([1008, 1008, 1008, 1008]);
      expect(fresh.child.exitCode).toBeNull();
      expect((await fetch(`${fresh.origin}/`)).status).toBe(200);
      const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${fresh.child.pid}/status`, 'utf8'))?.[1]);
      expect(peakKiB * 1024).toBeLessThan(400 * 1024 * 1024);
      console.log(`[serve] peak RSS after 4 x 32 MiB and 4 x 1 MiB nested messages: ${Math.round(peakKiB / 1024)} MiB`);
    } finally {
      expect(await fresh.stop()).toBe(0);
    }
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
