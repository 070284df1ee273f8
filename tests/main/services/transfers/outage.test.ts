/**
 * A short outage (issue 13): the "server" goes away for ~10 s in the middle of a multipart upload. The transfers of
 * that endpoint wait ('waiting-network') instead of failing, keep their finished parts and their progress, can be
 * paused and cancelled while they wait, and finish by themselves once the endpoint answers again, byte-identical
 * and without sending a finished part twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TransfersProgress } from '../../../../src/shared/contract';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startChaosProxy, type ChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { expiringResolver, randomFile, testClients, testCore, until } from './harness';

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-outage-'));
let bucket: string;
let proxy: ChaosProxy;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'outage');
  proxy = await startChaosProxy({ upstream: info.endpoint });
});
afterAll(async () => {
  await proxy.stop();
  rmSync(dir, { recursive: true, force: true });
});

// The time limit (below) is a hang guard, not a speed limit: the outage alone is 10 s, and the machine is shared.
it.each(['refuse', 'reset'] as const)('a %s outage mid-upload: the endpoint’s transfers wait, keep their parts and finish when it is back', async (how) => {
  // Slow enough (4 MiB/s) that the outage lands mid-upload; one file at a time, so the small ones are queued then.
  const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 1, concurrency: 1, bandwidthLimitKiBps: 4 * 1024 });
  const engine = new TransferService(core, testClients(core, info, proxy.url), {
    retry: { attempts: 3, baseMs: 50, maxMs: 200 },
    networkBackoff: { baseMs: 200, maxMs: 2_000 },
  });
  await engine.start();
  // Every snapshot of the big file: its progress never falls below what its finished parts hold (sent in order).
  const dropped: string[] = [];
  const off = core.events.on('transfers:progress', (p: TransfersProgress) => {
    for (const t of p.changed) {
      if (t.key.endsWith('big.bin') && t.bytesDone < Math.min((t.partsDone ?? 0) * PART, t.bytesTotal)) dropped.push(`${t.state}: ${t.bytesDone} < ${t.partsDone} parts`);
    }
  });
  try {
    const big = randomFile(dir, `big-${how}.bin`, 6 * PART - 1234);
    const small = randomFile(dir, `small-${how}.bin`, 3000);
    const other = randomFile(dir, `other-${how}.bin`, 2000);
    const ids = engine.enqueue([
      { localPath: big.path, profileId: 'test', bucket, key: `${how}/big.bin` },
      { localPath: small.path, profileId: 'test', bucket, key: `${how}/small.bin` },
      { localPath: other.path, profileId: 'test', bucket, key: `${how}/other.bin` },
    ]);
    const [bigId, smallId, otherId] = ids as [string, string, string];
    await until(() => (engine.get(bigId)?.partsDone ?? 0) >= 2, 'two finished parts');

    await proxy.outage(how);
    await until(() => engine.get(bigId)?.state === 'waiting-network', 'the big file to wait for the network');
    await until(() => engine.get(smallId)?.state === 'waiting-network', 'the queued file of the same endpoint to wait too');
    const waiting = engine.get(bigId)!;
    expect(['ENDPOINT_UNREACHABLE', 'NETWORK']).toContain(waiting.error?.code);
    expect(waiting.partsDone).toBeGreaterThanOrEqual(2);
    expect(waiting.bytesDone).toBe(waiting.partsDone! * PART);
    // A waiting row can be paused and cancelled like any other.
    engine.pause(otherId);
    expect(engine.get(otherId)?.state).toBe('paused');
    await engine.cancel(otherId);
    expect(engine.get(otherId)?.state).toBe('cancelled');

    // The server stays away for ~10 s: far longer than one request's retries, and the probes keep failing.
    await sleep(10_000);
    await until(() => (engine.get(bigId)?.waitAttempt ?? 0) >= 3, 'three probes without an answer');
    const still = engine.get(bigId)!;
    expect(still.state).toBe('waiting-network');
    expect(still.bytesDone).toBe(waiting.bytesDone);
    expect(engine.list().overall.failed).toBe(0);
    expect(engine.list().overall.queued).toBe(2);

    proxy.resetStats();
    await proxy.restore();
    const snaps = await engine.waitFor([bigId, smallId]);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done']);
    expect(snaps[0]!.waitAttempt).toBeUndefined();
    expect((await getObjectBytes(raw, bucket, `${how}/big.bin`)).equals(big.bytes)).toBe(true);
    expect((await getObjectBytes(raw, bucket, `${how}/small.bin`)).equals(small.bytes)).toBe(true);
    // Only the parts not finished before the outage were sent after it (6 parts in all).
    expect(proxy.stats().byKind.UploadPart ?? 0).toBeLessThanOrEqual(6 - waiting.partsDone!);
    expect(dropped).toEqual([]);
  } finally {
    off();
    await proxy.restore();
    await engine.dispose();
    core.cleanup();
  }
}, 180_000);

it('with a wait budget (the CLI’s), waiting transfers fail with a plain message after it, keeping their parts', async () => {
  const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 1, concurrency: 1, bandwidthLimitKiBps: 4 * 1024 });
  const engine = new TransferService(core, testClients(core, info, proxy.url), {
    retry: { attempts: 2, baseMs: 20, maxMs: 50 },
    networkBackoff: { baseMs: 200, maxMs: 400 },
    networkWaitMs: 1_500,
  });
  await engine.start();
  try {
    const big = randomFile(dir, 'budget.bin', 3 * PART);
    const [id] = engine.enqueue([{ localPath: big.path, profileId: 'test', bucket, key: 'budget/big.bin' }]);
    await until(() => (engine.get(id!)?.partsDone ?? 0) >= 1, 'a finished part');
    await proxy.outage('refuse');
    const [failed] = await engine.waitFor([id!]);
    expect(failed!.state).toBe('failed');
    expect(failed!.error?.code).toBe('NETWORK_WAIT_EXPIRED');
    expect(failed!.error?.message).toMatch(new RegExp(`^${proxy.url.replace(/[.]/g, '\\.')} did not answer for \\d+ seconds`));
    expect(failed!.partsDone).toBeGreaterThanOrEqual(1);
    // Retry after the outage sends only what is missing.
    await proxy.restore();
    proxy.resetStats();
    engine.retry(id);
    const [done] = await engine.waitFor([id!]);
    expect(done!.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, 'budget/big.bin')).equals(big.bytes)).toBe(true);
    expect(proxy.stats().byKind.UploadPart ?? 0).toBeLessThanOrEqual(3 - failed!.partsDone!);
  } finally {
    await proxy.restore();
    await engine.dispose();
    core.cleanup();
  }
});

it('an outage that ends with the sign-in gone: the probe’s refusal sends the transfer on to wait for the sign-in', async () => {
  const core = testCore();
  const resolver = expiringResolver(info, proxy.url);
  const engine = new TransferService(core, new S3ClientFactory(core, resolver), { retry: { attempts: 2, baseMs: 5, maxMs: 10 }, networkBackoff: { baseMs: 100, maxMs: 200 } });
  await engine.start();
  try {
    await proxy.outage('refuse');
    const f = randomFile(dir, 'signed-out.bin', 500);
    const [id] = engine.enqueue([{ localPath: f.path, profileId: 'sso', bucket, key: 'signed-out/a.bin' }]);
    await until(() => engine.get(id!)?.state === 'waiting-network', 'waiting for the network');
    // The session runs out while the server is away; a probe that cannot even sign is no reason to knock for ever.
    resolver.signedOut = 'SSO_LOGIN_REQUIRED';
    await proxy.restore();
    await until(() => engine.get(id!)?.state === 'waiting-auth', 'waiting for the sign-in');
    resolver.signedOut = undefined;
    core.events.emit('profiles:changed', []);
    const [done] = await engine.waitFor([id!]);
    expect(done!.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, 'signed-out/a.bin')).equals(f.bytes)).toBe(true);
  } finally {
    await proxy.restore();
    await engine.dispose();
    core.cleanup();
  }
});

it('a file of the same endpoint that gets through sends the waiting ones on at once, without waiting for the probe', async () => {
  const core = testCore();
  // A probe a minute away: only the file that gets through can wake the waiting one in time.
  const engine = new TransferService(core, testClients(core, info, proxy.url), { retry: { attempts: 2, baseMs: 5, maxMs: 10 }, networkBackoff: { baseMs: 60_000, maxMs: 60_000 } });
  await engine.start();
  try {
    await proxy.outage('reset');
    const a = randomFile(dir, 'woken-a.bin', 700);
    const [idA] = engine.enqueue([{ localPath: a.path, profileId: 'test', bucket, key: 'woken/a.bin' }]);
    await until(() => engine.get(idA!)?.state === 'waiting-network', 'waiting for the network');
    await proxy.restore();
    const b = randomFile(dir, 'woken-b.bin', 800);
    const [idB] = engine.enqueue([{ localPath: b.path, profileId: 'test', bucket, key: 'woken/b.bin' }]);
    const snaps = await engine.waitFor([idA!, idB!]);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done']);
    expect((await getObjectBytes(raw, bucket, 'woken/a.bin')).equals(a.bytes)).toBe(true);
  } finally {
    await proxy.restore();
    await engine.dispose();
    core.cleanup();
  }
});
