/**
 * The secrets canary: one recognisable secret key (and session token) goes through every path a secret can
 * travel — adding a profile, uploads (single and multipart), failed requests, debug logging, a crash logged by
 * the logger, settings, the journal, the sync index, diagnostics, and browser-mode WebSocket traffic. Then every
 * file the app wrote, every event it emitted and every frame the browser received is searched: the canary is nowhere.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileSummary } from '../../src/shared/contract';
import { TOKEN_PROTOCOL_PREFIX, WS_PATH } from '../../src/shared/wire';
import { startServer, type RunningServer } from '../../src/server/server';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { startTestApp, type TestApp } from './harness';
import { listKeys, unwrap, waitForTransfers } from './helpers';

const info = s3Info();
const direct = rawClient(info);
// Shaped like neither a known key=value form nor a signature, so only real redaction (or never writing it) hides it.
const CANARY = `CnRy${randomBytes(18).toString('hex')}`;
const CANARY_TOKEN = `TkCnRy${randomBytes(24).toString('hex')}`;
const canaries = [CANARY, CANARY_TOKEN];

let t: TestApp;
let proxy: ChaosProxy;
let server: RunningServer | undefined;
let profileId: string;
let bucket: string;
/** Everything that left the engine toward a UI: dispatch results and browser-mode frames. */
const outbound: string[] = [];

function leaks(text: string): string[] {
  return canaries.filter((c) => text.includes(c));
}

/** Every file under a folder, recursively. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function call(name: string, payload: unknown) {
  const res = await t.app.dispatch(name, payload);
  outbound.push(JSON.stringify(res));
  return res;
}

beforeAll(async () => {
  t = await startTestApp({ logLevel: 'debug' });
  proxy = await startChaosProxy({ upstream: info.endpoint, seed: 99 });
  bucket = await freshBucket(direct, 'canary');
});

afterAll(async () => {
  await server?.close();
  await proxy?.stop();
  await t?.close();
});

// The canary is not a real key, and the steps below build on each other: a server that checks signatures (RGW,
// AWS) refuses the canary's uploads, so this file runs where signatures are not checked (s3rver, every `npm test`).
describe.skipIf(info.features.verifiesSignatures)('secrets canary', () => {
  it('adding a profile: the summary shows neither secret', async () => {
    const res = await call('profiles:add', {
      name: 'canary',
      accessKeyId: info.accessKeyId,
      secretAccessKey: CANARY,
      sessionToken: CANARY_TOKEN,
      endpoint: proxy.url,
      region: info.region,
      preset: 'custom',
      forcePathStyle: true,
    });
    const summary = unwrap<ProfileSummary>(res);
    profileId = summary.id;
    expect(summary.hasSecret).toBe(true);
    expect(leaks(JSON.stringify(summary))).toEqual([]);
    // A refused add (bad name) echoes nothing of the payload's secret either.
    const refused = await call('profiles:add', { name: 'bad/name', accessKeyId: 'AKIAXXXX', secretAccessKey: CANARY });
    expect(refused.ok).toBe(false);
    // Unknown keys are named in INVALID_INPUT (zod's message), so only values are checked here: never echoed.
    const extra = await call('profiles:add', { name: 'x', accessKeyId: 'AKIAXXXX', secretAccessKey: CANARY, extra: CANARY_TOKEN });
    expect(extra.ok).toBe(false);
  });

  it('uploads (single and multipart) and a sync pass use the secret', async () => {
    unwrap(await call('settings:update', { multipartThresholdMiB: 5, partSizeMiB: 5, lastProfileId: profileId, lastBucket: bucket }));
    const dir = join(t.root, 'files');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'small.txt'), 'small');
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(6 * 1024 * 1024, 1));
    const res = await call('transfers:enqueue', { items: [{ path: join(dir, 'small.txt') }, { path: join(dir, 'big.bin') }], target: { profileId, bucket } });
    const snaps = await waitForTransfers(t, unwrap<{ ids: string[] }>(res).ids);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done']);
    const folder = join(t.root, 'synced');
    mkdirSync(folder);
    writeFileSync(join(folder, 's.txt'), 'synced');
    const pair = await call('sync:add', { folder, target: { profileId, bucket, prefix: 'sync/' }, stableMs: 0 });
    expect(pair.ok).toBe(true);
    const deadline = Date.now() + 30_000;
    while (!(await listKeys(direct, bucket, 'sync/')).includes('sync/s.txt')) {
      if (Date.now() > deadline) throw new Error('sync did not upload');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(leaks(JSON.stringify(snaps))).toEqual([]);
  });

  it('errors: failed requests, an expired token and a connection test all report without the secret', async () => {
    proxy.configure({ faultRate: 1, faults: { 'internal-error': 1, 'expired-token': 1, reset: 1 } });
    writeFileSync(join(t.root, 'files', 'fail.txt'), 'fail');
    const res = await call('transfers:enqueue', { items: [{ path: join(t.root, 'files', 'fail.txt') }], target: { profileId, bucket } });
    const [snap] = await waitForTransfers(t, unwrap<{ ids: string[] }>(res).ids, 60_000);
    outbound.push(JSON.stringify(snap));
    expect(snap!.state).not.toBe('done');
    const test = await call('profiles:test', { id: profileId });
    expect(leaks(JSON.stringify(test))).toEqual([]);
    proxy.configure({ faultRate: 0 });
  });

  it('debug logging and a crash logged by the logger are redacted', () => {
    // What the hosts' uncaught-exception handlers do: log the error (message, stack, attached detail) and go on.
    const crash = Object.assign(new Error(`request failed with credentials ${CANARY} / ${CANARY_TOKEN}`), {
      $response: { headers: { 'x-amz-security-token': CANARY_TOKEN } },
    });
    t.logger.error('uncaught exception', crash, { credentials: { accessKeyId: info.accessKeyId, secretAccessKey: CANARY, sessionToken: CANARY_TOKEN } });
    t.logger.debug(`raw ${CANARY}`, `token ${CANARY_TOKEN}`);
    const log = readFileSync(t.logger.file, 'utf8');
    expect(log).toContain('uncaught exception');
    expect(log).toContain('[redacted]');
    expect(leaks(log)).toEqual([]);
  });

  it('diagnostics and the profile list carry no secret', async () => {
    const diag = unwrap<string>(await call('app:diagnostics', {}));
    expect(leaks(diag)).toEqual([]);
    const list = unwrap<ProfileSummary[]>(await call('profiles:list', {}));
    expect(list.find((p) => p.id === profileId)?.accessKeyIdMasked).not.toBe(info.accessKeyId);
    expect(leaks(JSON.stringify(list))).toEqual([]);
  });

  it('browser mode: no frame the browser receives carries the secret', async () => {
    const staticDir = join(t.root, 'static');
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
    server = await startServer({ services: t.app, logger: t.logger, staticDir, dataDir: t.dataDir, port: 0 });
    const frames: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}`, [TOKEN_PROTOCOL_PREFIX + server.token], {
      headers: { origin: `http://127.0.0.1:${server.port}` },
    });
    ws.on('message', (d) => frames.push(d.toString()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const calls: [string, unknown][] = [
      ['profiles:list', {}],
      ['profiles:update', { id: profileId, secretAccessKey: CANARY, sessionToken: CANARY_TOKEN }],
      ['profiles:test', { id: profileId }],
      ['settings:get', {}],
      ['app:diagnostics', {}],
      ['transfers:list', {}],
      ['sync:list', {}],
      ['app:info', {}],
    ];
    let id = 0;
    for (const [name, payload] of calls) {
      const mine = ++id;
      ws.send(JSON.stringify({ type: 'invoke', id: mine, name, payload }));
      const deadline = Date.now() + 30_000;
      while (!frames.some((f) => f.includes(`"id":${mine}`) && f.includes('"type":"result"'))) {
        if (Date.now() > deadline) throw new Error(`no answer to ${name}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    ws.close();
    expect(frames.length).toBeGreaterThanOrEqual(calls.length);
    expect(frames.filter((f) => leaks(f).length > 0)).toEqual([]);
  });

  it('the canary is in no file the app wrote, no event it emitted, and no result it returned', () => {
    const files = allFiles(t.root).filter((f) => !f.startsWith(join(t.root, 'files')) && !f.startsWith(join(t.root, 'synced')));
    // The app did write its journal, settings, profiles, sync index and logs here.
    expect(files.some((f) => /journal\.sqlite/.test(f))).toBe(true);
    expect(files.some((f) => f.endsWith('settings.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.log'))).toBe(true);
    const hits = files.filter((f) => statSync(f).size > 0 && leaks(readFileSync(f).toString('latin1')).length > 0);
    expect(hits).toEqual([]);
    expect(t.events.length).toBeGreaterThan(0);
    expect(t.events.filter((e) => leaks(JSON.stringify(e.payload)).length > 0).map((e) => e.name)).toEqual([]);
    expect(outbound.filter((o) => leaks(o).length > 0)).toEqual([]);
  });
});
