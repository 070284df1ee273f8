/**
 * The queue under pressure: faults on 20% of requests, pause stopping all traffic, cancel, retry,
 * throttled progress events, a corrupt journal, and a 200 MiB file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice, TransfersProgress } from '../../../../src/shared/contract';
import { Journal } from '../../../../src/main/services/transfers/journal';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startChaosProxy, type ChaosProxy } from '../../../support/chaos-proxy';
import { startCountingProxy, type CountingProxy } from '../../../support/counting-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore, until } from './harness';

const MiB = 1024 * 1024;
const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-queue-'));
const fastRetry = { attempts: 12, baseMs: 10, maxMs: 200 };
let bucket: string;

const file = (name: string, size: number) => randomFile(dir, name, size);


beforeAll(async () => {
  bucket = await freshBucket(raw, 'queue');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('faults on 20% of requests', () => {
  let proxy: ChaosProxy;
  beforeAll(async () => {
    proxy = await startChaosProxy({
      upstream: info.endpoint,
      seed: Number(process.env.S3DROP_CHAOS_SEED ?? 20261125),
      faultRate: 0.2,
      faults: { reset: 1, 'reset-response': 1, 'internal-error': 1, 'slow-down': 1, 'request-timeout': 1 },
    });
  });
  afterAll(() => proxy.stop());

  it('every object still arrives byte-identical', async () => {
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, concurrency: 4, partConcurrency: 3 });
    const engine = new TransferService(core, testClients(core, info, proxy.url), { retry: fastRetry });
    await engine.start();
    try {
      const files = [
        ...Array.from({ length: 24 }, (_, i) => file(`chaos-small-${i}.bin`, 1 + i * 997)),
        file('chaos-mid.bin', 6 * MiB + 3),
        file('chaos-big.bin', 17 * MiB + 11),
      ];
      // The random share depends on each request's identity, and the bucket's name (part of it) is new every run, so
      // about one run in fifty drew fewer than 3 faults; these three make sure the run is under fire whatever it draws.
      proxy.injectNext('internal-error', (r) => r.kind === 'PutObject');
      proxy.injectNext('reset', (r) => r.kind === 'UploadPart');
      proxy.injectNext('slow-down', (r) => r.kind === 'CompleteMultipartUpload');
      const ids = engine.enqueue(files.map((f, i) => ({ localPath: f.path, profileId: 'test', bucket, key: `chaos/${i}-${f.path.split('/').pop()}` })));
      const snaps = await engine.waitFor(ids);
      expect(snaps.map((s) => (s.error ? `${s.error.code} ${s.error.details ?? ''}` : s.state))).toEqual(files.map(() => 'done'));
      // The run really was under fire: the three above and the random share.
      expect(proxy.stats().faultsTotal).toBeGreaterThanOrEqual(3);
      for (const [i, f] of files.entries()) {
        const got = await getObjectBytes(raw, bucket, `chaos/${i}-${f.path.split('/').pop()}`);
        expect(got.equals(f.bytes), `object ${i}`).toBe(true);
      }
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });
});

describe('pause, resume, cancel, retry', () => {
  let proxy: CountingProxy;
  beforeAll(async () => {
    proxy = await startCountingProxy(info.endpoint);
  });
  afterAll(() => proxy.stop());

  it('pause stops all traffic within a second; resume continues from finished parts', async () => {
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 2, bandwidthLimitKiBps: 6 * 1024 });
    const engine = new TransferService(core, testClients(core, info, proxy.url));
    await engine.start();
    try {
      const f = file('pause.bin', 25 * MiB);
      proxy.resetStats();
      const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'pause/pause.bin' }]);
      await until(() => (engine.get(id!)?.partsDone ?? 0) >= 1 && proxy.stats().bytesIn > 7 * MiB, 'a finished part and more bytes');
      engine.pause();
      expect(engine.get(id!)?.state).toBe('paused');
      expect(engine.list().overall.allPaused).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
      const atOneSecond = proxy.stats();
      await new Promise((r) => setTimeout(r, 1500));
      const later = proxy.stats();
      expect(later.bytesIn).toBe(atOneSecond.bytesIn);
      expect(later.requests).toBe(atOneSecond.requests);
      const partsBefore = engine.get(id!)?.partsDone ?? 0;
      expect(partsBefore).toBeGreaterThanOrEqual(1);

      proxy.resetStats();
      core.settings.update({ bandwidthLimitKiBps: 0 });
      engine.resume();
      const [snap] = await engine.waitFor([id!]);
      expect(snap?.state).toBe('done');
      // Only the parts that had not finished go again (with ListParts, a part the server got whole just as the
      // pause cut the response is adopted too, so it can be fewer).
      if (info.features.multipartAdmin) expect(proxy.stats().byKind.UploadPart).toBeLessThanOrEqual(5 - partsBefore);
      else expect(proxy.stats().byKind.UploadPart).toBe(5 - partsBefore);
      expect(proxy.stats().byKind.CreateMultipartUpload ?? 0).toBe(0);
      expect((await getObjectBytes(raw, bucket, 'pause/pause.bin')).equals(f.bytes)).toBe(true);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });

  it('a resume that comes while the paused run is still unwinding still runs the transfer', async () => {
    // Pause aborts the run, but its promise settles a moment later; a resume in that moment used to take the
    // id off the queue, skip it as "still running", and leave the transfer "queued" for ever.
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 2, bandwidthLimitKiBps: 8 * 1024 });
    const engine = new TransferService(core, testClients(core, info, proxy.url));
    await engine.start();
    try {
      const f = file('quick-resume.bin', 12 * MiB);
      const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'pause/quick-resume.bin' }]);
      await until(() => engine.get(id!)?.state === 'running' && proxy.stats().bytesIn > 1 * MiB, 'bytes on the wire');
      engine.pause(id!);
      engine.resume(id!);
      engine.pause();
      engine.resume();
      core.settings.update({ bandwidthLimitKiBps: 0 });
      const [snap] = await engine.waitFor([id!]);
      expect(snap?.state).toBe('done');
      expect((await getObjectBytes(raw, bucket, 'pause/quick-resume.bin')).equals(f.bytes)).toBe(true);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });

  it('cancel all stops every unfinished transfer; clear finished keeps the failed rows, clear failed drops them', async () => {
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, concurrency: 1, bandwidthLimitKiBps: 4 * 1024 });
    const engine = new TransferService(core, testClients(core, info, proxy.url));
    await engine.start();
    try {
      const big = file('cancel-all-big.bin', 12 * MiB);
      const small = file('cancel-all-small.bin', 1000);
      const done = file('cancel-all-done.bin', 10);
      const [doneId] = engine.enqueue([{ localPath: done.path, profileId: 'test', bucket, key: 'cancel-all/done.bin' }]);
      // A file that is gone by the time it runs: a failed row.
      const [failedId] = engine.enqueue([{ localPath: join(dir, 'no-such-file.bin'), profileId: 'test', bucket, key: 'cancel-all/missing.bin' }]);
      await engine.waitFor([doneId!, failedId!]);
      const [bigId, smallId] = engine.enqueue([
        { localPath: big.path, profileId: 'test', bucket, key: 'cancel-all/big.bin' },
        { localPath: small.path, profileId: 'test', bucket, key: 'cancel-all/small.bin' },
      ]);
      await until(() => engine.get(bigId!)?.state === 'running' && (engine.get(bigId!)?.partsDone ?? 0) >= 1, 'a part of the big file sent');
      engine.pause(smallId!);
      await engine.cancelAll();
      const states = () => Object.fromEntries(engine.list().transfers.map((t) => [t.key, t.state]));
      expect(states()).toEqual({ 'cancel-all/done.bin': 'done', 'cancel-all/missing.bin': 'failed', 'cancel-all/big.bin': 'cancelled', 'cancel-all/small.bin': 'cancelled' });
      expect(engine.list().overall).toMatchObject({ running: 0, queued: 0, paused: 0, failed: 1, done: 1, cancelled: 2 });
      if (info.features.multipartAdmin) expect((await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'cancel-all/' }))).Uploads ?? []).toEqual([]);

      engine.clearFinished();
      expect(states()).toEqual({ 'cancel-all/missing.bin': 'failed' });
      engine.clearFailed();
      expect(engine.list().transfers).toEqual([]);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });

  it('cancel leaves no object and no pending multipart upload; retry uploads it', async () => {
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 1, bandwidthLimitKiBps: 8 * 1024 });
    const engine = new TransferService(core, testClients(core, info, proxy.url));
    await engine.start();
    try {
      const f = file('cancel.bin', 20 * MiB);
      const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'cancel/cancel.bin' }]);
      await until(() => (engine.get(id!)?.partsDone ?? 0) >= 1, 'a finished part');
      await engine.cancel(id!);
      const snap = engine.get(id!);
      expect(snap?.state).toBe('cancelled');
      expect(snap?.error?.code).toBe('CANCELLED');
      await expect(raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cancel/cancel.bin' }))).rejects.toMatchObject({ name: 'NotFound' });
      if (info.features.multipartAdmin) {
        const pending = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'cancel/' }));
        expect(pending.Uploads ?? []).toEqual([]);
      }
      core.settings.update({ bandwidthLimitKiBps: 0 });
      engine.retry(id!);
      const [again] = await engine.waitFor([id!]);
      expect(again?.state).toBe('done');
      expect((await getObjectBytes(raw, bucket, 'cancel/cancel.bin')).equals(f.bytes)).toBe(true);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });
});

describe('progress, journal and history', () => {
  it('progress events carry changed rows and totals, at most 5 per second, with by-part bytes', async () => {
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 1, bandwidthLimitKiBps: 10 * 1024 });
    const events: { at: number; p: TransfersProgress }[] = [];
    core.events.on('transfers:progress', (p) => events.push({ at: Date.now(), p }));
    const engine = new TransferService(core, testClients(core, info));
    await engine.start();
    try {
      const f = file('progress.bin', 12 * MiB);
      const ids = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'progress/p.bin' }]);
      await engine.waitFor(ids);
      await new Promise((r) => setTimeout(r, 300));
      // Within any one second there are at most 5 events (+1 for the boundary).
      for (let i = 5; i < events.length; i++) expect(events[i]!.at - events[i - 5]!.at).toBeGreaterThanOrEqual(900);
      const rows = events.flatMap((e) => e.p.changed).filter((s) => s.id === ids[0]);
      // Bytes moved inside the first part, before any part finished: the bar moves smoothly.
      expect(rows.some((s) => s.state === 'running' && s.bytesDone > 0 && s.bytesDone < 5 * MiB && (s.partsDone ?? 0) === 0)).toBe(true);
      expect(rows.some((s) => s.speed > 0 && s.etaSeconds !== null)).toBe(true);
      const last = events[events.length - 1]!.p;
      expect(last.overall.done).toBe(1);
      expect(last.overall.bytesDone).toBe(12 * MiB);
      expect(Object.isFrozen(rows[0])).toBe(true);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });

  it('the queue comes back after a restart; a corrupt journal is moved aside with a notice', async () => {
    const core = testCore();
    const clients = testClients(core, info);
    const first = new TransferService(core, clients);
    await first.start();
    first.pause();
    const f = file('later.txt', 100);
    const [id] = first.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'restart/later.txt' }]);
    await first.dispose();

    const second = new TransferService(core, clients);
    await second.start();
    expect(['queued', 'running']).toContain(second.get(id!)?.state);
    const [snap] = await second.waitFor([id!]);
    expect(snap?.state).toBe('done');
    await second.dispose();

    writeFileSync(join(core.platform.dataDir, 'journal.sqlite'), 'this is not a database'.repeat(100));
    rmSync(join(core.platform.dataDir, 'journal.sqlite-wal'), { force: true });
    rmSync(join(core.platform.dataDir, 'journal.sqlite-shm'), { force: true });
    const notices: Notice[] = [];
    core.events.on('app:notice', (n) => notices.push(n));
    const third = new TransferService(core, clients);
    await third.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(notices.map((n) => n.error?.code)).toEqual(['JOURNAL_CORRUPT']);
    expect(third.list().transfers).toEqual([]);
    await third.dispose();
    core.cleanup();
  });

  it('runs first in, first out within a priority, higher priorities first', async () => {
    const core = testCore({ concurrency: 1 });
    const engine = new TransferService(core, testClients(core, info));
    await engine.start();
    try {
      engine.pause();
      // Over 1 MiB, so each takes a whole file slot (small files share one four ways) and the order is strict.
      const mk = (name: string, priority: number) => ({ localPath: file(name, MiB + 1024).path, profileId: 'test', bucket, key: `prio/${name}`, priority });
      const ids = engine.enqueue([mk('low-1', -1), mk('normal-1', 0), mk('high-1', 5), mk('normal-2', 0), mk('high-2', 5)]);
      const started: string[] = [];
      core.events.on('transfers:progress', (p) => {
        for (const c of p.changed) if (c.state !== 'queued' && c.state !== 'paused' && !started.includes(c.key)) started.push(c.key);
      });
      engine.resume();
      const snaps = await engine.waitFor(ids);
      expect(snaps.every((x) => x.state === 'done')).toBe(true);
      const order = [...snaps].sort((a, b) => a.finishedAt! - b.finishedAt! || started.indexOf(a.key) - started.indexOf(b.key)).map((x) => x.key);
      expect(order).toEqual(['prio/high-1', 'prio/high-2', 'prio/normal-1', 'prio/normal-2', 'prio/low-1']);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });

  it('finished history is capped', async () => {
    const core = testCore();
    const engine = new TransferService(core, testClients(core, info), { historyLimit: 3 });
    await engine.start();
    const ids = engine.enqueue(Array.from({ length: 6 }, (_, i) => ({ localPath: file(`h${i}.txt`, 10).path, profileId: 'test', bucket, key: `hist/${i}.txt` })));
    await engine.waitFor(ids);
    expect(engine.list().transfers.length).toBeLessThanOrEqual(6);
    engine.enqueue([{ localPath: file('h-last.txt', 1).path, profileId: 'test', bucket, key: 'hist/last.txt' }]);
    await engine.idle();
    // Pruning rides on the next progress tick.
    await until(() => engine.list().transfers.length <= 3, 'history pruning', 5_000);
    expect(engine.list().transfers.length).toBe(3);
    expect(engine.list().transfers.map((t) => t.key)).toContain('hist/last.txt');
    await engine.dispose();
    core.cleanup();
  });
});

describe('history never drops a failure', () => {
  it('a failed transfer outlives history pruning, in the run and after a restart, until it is retried', async () => {
    const core = testCore();
    const engine = new TransferService(core, testClients(core, info), { historyLimit: 2 });
    await engine.start();
    // A bucket that does not exist fails at once and for good: the person must see it and press Retry.
    const [failedId] = engine.enqueue([{ localPath: file('f-first.txt', 10).path, profileId: 'test', bucket: `${bucket}-missing`, key: 'x.txt' }]);
    await engine.waitFor([failedId!]);
    const later = engine.enqueue(Array.from({ length: 5 }, (_, i) => ({ localPath: file(`f${i}.txt`, 10).path, profileId: 'test', bucket, key: `keep/${i}.txt` })));
    await engine.waitFor(later);
    engine.enqueue([{ localPath: file('f-last.txt', 1).path, profileId: 'test', bucket, key: 'keep/last.txt' }]);
    await engine.idle();
    await until(() => engine.list().transfers.filter((t) => t.state === 'done').length <= 2, 'history pruning', 5_000);
    expect(engine.list().transfers.find((t) => t.id === failedId)?.state).toBe('failed');
    expect(engine.list().overall.failed).toBe(1);
    await engine.dispose();

    const again = new TransferService(core, testClients(core, info), { historyLimit: 2 });
    await again.start();
    expect(again.list().transfers.find((t) => t.id === failedId)?.state).toBe('failed');
    await again.dispose();
    core.cleanup();
  });
});

describe('a command run and the finished transfers', () => {
  it("leaves the journal's finished transfers out of its list and in the journal, keeping at most the history limit", async () => {
    const core = testCore();
    const journalFile = join(core.platform.dataDir, 'journal.sqlite');
    const app = new TransferService(core, testClients(core, info), { historyLimit: 10 });
    await app.start();
    const done = app.enqueue(Array.from({ length: 5 }, (_, i) => ({ localPath: file(`left-${i}.txt`, 10).path, profileId: 'test', bucket, key: `left/${i}.txt` })));
    await app.waitFor(done);
    const [failedId] = app.enqueue([{ localPath: file('left-failed.txt', 10).path, profileId: 'test', bucket: `${bucket}-missing`, key: 'x.txt' }]);
    await app.waitFor([failedId!]);
    const [pausedId] = app.enqueue([{ localPath: file('left-paused.txt', 10).path, profileId: 'test', bucket, key: 'left/paused.txt' }]);
    app.pause(pausedId);
    await app.dispose();

    const run = new TransferService(core, testClients(core, info), { historyLimit: 3, finished: 'left' });
    await run.start();
    // Only what is unfinished comes back to the queue: the paused transfer, still paused.
    expect(run.list().transfers.map((t) => [t.id, t.state])).toEqual([[pausedId, 'paused']]);
    await run.dispose();
    const { journal } = Journal.open(journalFile);
    const states = journal.all().map((t) => [t.key, t.state]);
    journal.close();
    // The two oldest finished uploads went; the failure waits for its Retry and the paused transfer for its Resume.
    expect(states).toEqual([['left/2.txt', 'done'], ['left/3.txt', 'done'], ['left/4.txt', 'done'], ['x.txt', 'failed'], ['left/paused.txt', 'paused']]);

    // The app's list still shows them.
    const again = new TransferService(core, testClients(core, info), { historyLimit: 3 });
    await again.start();
    expect(again.list().transfers.map((t) => t.state).sort()).toEqual(['done', 'done', 'done', 'failed', 'paused']);
    await again.dispose();
    core.cleanup();
  });
});

describe('large file', () => {
  it('a 200 MiB file arrives byte-identical', async () => {
    const core = testCore({ partSizeMiB: 8, partConcurrency: 4 });
    const engine = new TransferService(core, testClients(core, info));
    await engine.start();
    try {
      const f = file('big-200.bin', 200 * MiB);
      const want = createHash('sha256').update(f.bytes).digest('hex');
      const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'big/200.bin' }]);
      const [snap] = await engine.waitFor([id!]);
      expect(snap?.state).toBe('done');
      expect(snap?.partsTotal).toBe(25);
      const got = await getObjectBytes(raw, bucket, 'big/200.bin');
      expect(createHash('sha256').update(got).digest('hex')).toBe(want);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  }, 180_000);
});
