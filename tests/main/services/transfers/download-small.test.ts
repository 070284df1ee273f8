/**
 * The small-object download path, counted through a proxy: one GET per object (its headers stand in for the HEAD),
 * no ranged-resume rows in the journal, and an object that outgrew the threshold after it was listed still goes in
 * ranges.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDownloads } from '../../../../src/main/services/transfers/download-plan';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startCountingProxy, type CountingProxy } from '../../../support/counting-proxy';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore, until } from './harness';

const MiB = 1024 * 1024;
const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-down-small-'));
let bucket: string;
let proxy: CountingProxy;
let core: ReturnType<typeof testCore>;
let clients: ReturnType<typeof testClients>;
let engine: TransferService;

async function put(key: string, body: Buffer, withHash = true): Promise<void> {
  const Metadata = withHash ? { 's3drop-sha256': createHash('sha256').update(body).digest('hex') } : undefined;
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(Metadata ? { Metadata } : {}) }));
}

beforeAll(async () => {
  bucket = await freshBucket(raw, 'downsmall');
  proxy = await startCountingProxy(info.endpoint);
  core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 2 });
  clients = testClients(core, info, proxy.url);
  engine = new TransferService(core, clients, { retry: { attempts: 2, baseMs: 10, maxMs: 50 } });
  await engine.start();
});

afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  await proxy.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('small objects', () => {
  it('cost one GET each and no HEAD, are verified by their stored SHA-256, and leave no part files', async () => {
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 12; i++) bodies.set(`few/f-${i}.bin`, randomBytes(i === 0 ? 0 : 4096 + i));
    for (const [k, b] of bodies) await put(k, b);
    const folder = join(work, 'few');
    const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['few/'], folder });
    proxy.resetStats();
    const snaps = await engine.waitFor(engine.enqueueDownloads(plan.requests));
    expect(snaps.map((s) => s.state)).toEqual(plan.requests.map(() => 'done'));
    expect(snaps.map((s) => s.verifiedBy)).toEqual(plan.requests.map(() => 'sha256'));
    expect(proxy.stats().byKind.HeadObject ?? 0).toBe(0);
    expect(proxy.stats().byKind.GetObject).toBe(bodies.size);
    // Each went below the SDK (lean-request.ts), whose per-request CPU is most of a small download's.
    expect(proxy.stats().viaSdk.GetObject ?? 0).toBe(0);
    for (const [k, b] of bodies) expect(readFileSync(join(folder, 'few', k.slice('few/'.length))).equals(b)).toBe(true);
    expect(readdirSync(join(folder, 'few')).filter((n) => n.endsWith('.s3drop-part'))).toEqual([]);
  });

  it('a paused small download keeps nothing half-done, and its resume is one GET of the whole object', async () => {
    const body = randomBytes(2 * MiB);
    await put('slow/one.bin', body);
    core.settings.update({ bandwidthLimitKiBps: 256 });
    try {
      const folder = join(work, 'slow');
      const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['slow/one.bin'], folder });
      const [id] = engine.enqueueDownloads(plan.requests);
      await until(() => (engine.get(id!)?.bytesDone ?? 0) > 0, 'the first bytes');
      engine.pause(id);
      await until(() => engine.get(id!)?.state === 'paused', 'paused');
      // Once the run unwinds, nothing of it counts as kept.
      await until(() => engine.get(id!)?.bytesDone === 0, 'the unkept bytes taken back');
      expect(engine.get(id!)?.partsDone).toBe(0);
      core.settings.update({ bandwidthLimitKiBps: 0 });
      proxy.resetStats();
      engine.resume(id);
      const [snap] = await engine.waitFor([id!]);
      expect(snap?.state).toBe('done');
      expect(proxy.stats().byKind.GetObject).toBe(1);
      expect(proxy.stats().byKind.HeadObject ?? 0).toBe(0);
      expect(readFileSync(join(folder, 'one.bin')).equals(body)).toBe(true);
      expect(existsSync(join(folder, 'one.bin.s3drop-part'))).toBe(false);
    } finally {
      core.settings.update({ bandwidthLimitKiBps: 0 });
    }
  });

  it('one whose stored SHA-256 does not match its bytes is fetched again below the SDK, never succeeds, and leaves no file', async () => {
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'liar/l.bin', Body: randomBytes(3000), Metadata: { 's3drop-sha256': '0'.repeat(64) } }));
    const folder = join(work, 'liar');
    const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['liar/l.bin'], folder });
    proxy.resetStats();
    const [snap] = await engine.waitFor(engine.enqueueDownloads(plan.requests));
    expect(snap?.state).toBe('failed');
    expect(snap?.error?.code).toBe('DOWNLOAD_MISMATCH');
    expect(snap?.bytesDone).toBe(0);
    expect(proxy.stats().byKind.GetObject).toBeGreaterThan(1);
    expect(proxy.stats().viaSdk.GetObject ?? 0).toBe(0);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
  });

  it('one that grew to more than a lean GET holds, but under the threshold, is streamed from that same GET', async () => {
    await put('mid/m.bin', randomBytes(1000));
    const folder = join(work, 'mid');
    const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['mid/m.bin'], folder });
    const grown = randomBytes(MiB);
    await put('mid/m.bin', grown);
    proxy.resetStats();
    const [snap] = await engine.waitFor(engine.enqueueDownloads(plan.requests));
    expect(snap?.state).toBe('done');
    expect(snap?.verifiedBy).toBe('sha256');
    expect(proxy.stats().byKind.GetObject).toBe(1);
    expect(readFileSync(join(folder, 'm.bin')).equals(grown)).toBe(true);
  });

  it('one that grew past the threshold after it was listed goes in ranges, byte for byte', async () => {
    await put('grow/g.bin', randomBytes(1000));
    const folder = join(work, 'grow');
    const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['grow/g.bin'], folder });
    const grown = randomBytes(11 * MiB);
    await put('grow/g.bin', grown, false);
    proxy.resetStats();
    const [snap] = await engine.waitFor(engine.enqueueDownloads(plan.requests));
    expect(snap?.state).toBe('done');
    expect(snap?.partsTotal).toBe(3);
    expect(snap?.bytesTotal).toBe(grown.length);
    // The first GET's headers told the new size; its body was left unread, and the three ranges followed, read off
    // raw sockets (lean-range.ts) rather than through the SDK.
    expect(proxy.stats().byKind.GetObject).toBe(4);
    expect(proxy.stats().viaSdk.GetObject ?? 0).toBe(0);
    expect(readFileSync(join(folder, 'g.bin')).equals(grown)).toBe(true);
  });
});
