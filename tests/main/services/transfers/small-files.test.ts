/**
 * The small-file path: sizes known at enqueue (a dropped folder's total before anything starts), one buffer body
 * per file that still honours the bandwidth limit, and the final journal rows that a group of single PUTs shares.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandItems } from '../../../../src/main/services/handlers/transfers';
import { Journal } from '../../../../src/main/services/transfers/journal';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startChaosProxy } from '../../../support/chaos-proxy';
import { startCountingProxy, type CountingProxy } from '../../../support/counting-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';

const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-small-'));
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'small');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sizes at enqueue', () => {
  it('a dropped folder gives every request its size, so the overall total is right before the first upload', async () => {
    const folder = join(dir, 'album');
    mkdirSync(join(folder, 'inner'), { recursive: true });
    const files = [randomFile(folder, 'a.bin', 10), randomFile(folder, 'b.bin', 2_000), randomFile(join(folder, 'inner'), 'c.bin', 70_000)];
    const { requests } = await expandItems([{ path: folder }], { profileId: 'test', bucket, prefix: 'sizes' });
    expect(requests.map((r) => [r.key, r.size])).toEqual([
      ['sizes/album/a.bin', 10],
      ['sizes/album/b.bin', 2_000],
      ['sizes/album/inner/c.bin', 70_000],
    ]);

    const core = testCore();
    const engine = new TransferService(core, testClients(core, info));
    await engine.start();
    try {
      engine.pause();
      const ids = engine.enqueue(requests);
      expect(engine.list().overall.bytesTotal).toBe(72_010);
      engine.resume();
      const snaps = await engine.waitFor(ids);
      expect(snaps.map((s) => [s.state, s.bytesDone, s.bytesTotal])).toEqual(files.map((f) => ['done', f.bytes.length, f.bytes.length]));
      for (const [i, f] of files.entries()) expect((await getObjectBytes(raw, bucket, requests[i]!.key)).equals(f.bytes)).toBe(true);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });

  it('a size given at enqueue is only a hint: the upload measures the file again', async () => {
    const f = randomFile(dir, 'grown.bin', 5_000);
    const core = testCore();
    const engine = new TransferService(core, testClients(core, info));
    await engine.start();
    try {
      const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'sizes/grown.bin', size: 12 }]);
      const [snap] = await engine.waitFor([id!]);
      expect([snap?.state, snap?.bytesTotal]).toEqual(['done', 5_000]);
      expect((await getObjectBytes(raw, bucket, 'sizes/grown.bin')).equals(f.bytes)).toBe(true);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });
});

describe('small bodies', () => {
  it('still wait for the bandwidth limit (a lower bound: a slower machine only makes it longer)', async () => {
    // 4 KiB/s with a burst of a quarter second: 3 × 4 KiB cannot all be granted in under 2 s.
    const core = testCore({ bandwidthLimitKiBps: 4, concurrency: 8 });
    const engine = new TransferService(core, testClients(core, info));
    await engine.start();
    try {
      const files = [0, 1, 2].map((i) => randomFile(dir, `limited-${i}.bin`, 4096));
      const started = Date.now();
      const snaps = await engine.waitFor(engine.enqueue(files.map((f, i) => ({ localPath: f.path, profileId: 'test', bucket, key: `limited/${i}.bin` }))));
      expect(snaps.map((s) => s.state)).toEqual(['done', 'done', 'done']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });
});

describe('final journal rows written in groups', () => {
  let proxy: CountingProxy;
  beforeAll(async () => {
    proxy = await startCountingProxy(info.endpoint);
  });
  afterAll(() => proxy.stop());

  it('a clean stop right after the uploads keeps them done: the next start sends nothing', async () => {
    const core = testCore();
    const clients = testClients(core, info, proxy.url);
    const first = new TransferService(core, clients);
    await first.start();
    const files = Array.from({ length: 20 }, (_, i) => randomFile(dir, `group-${i}.bin`, 100 + i));
    const ids = first.enqueue(files.map((f, i) => ({ localPath: f.path, profileId: 'test', bucket, key: `group/${i}.bin` })));
    expect((await first.waitFor(ids)).every((s) => s.state === 'done')).toBe(true);
    // No pause before dispose: the final rows may still be waiting for their shared transaction.
    await first.dispose();

    const putsBefore = (proxy.stats().byKind.PutObject ?? 0);
    const second = new TransferService(core, clients);
    await second.start();
    try {
      expect(ids.map((id) => second.get(id)?.state)).toEqual(ids.map(() => 'done'));
      await new Promise((r) => setTimeout(r, 300));
      expect((proxy.stats().byKind.PutObject ?? 0)).toBe(putsBefore);
    } finally {
      await second.dispose();
      core.cleanup();
    }
  });

  it('a transfer is announced finished only once its journal row says so (browser mode deletes the dropped copy on that event)', async () => {
    // Requests of uneven length, so finishes fall all over the progress interval (a flush comes every 200 ms).
    const slow = await startChaosProxy({ upstream: info.endpoint, latencyMs: 30 });
    const core = testCore();
    const engine = new TransferService(core, testClients(core, info, slow.url));
    await engine.start();
    // What a process killed right after the event would find at its next start.
    const seenInJournal: string[] = [];
    const off = core.events.on('transfers:progress', ({ changed }) => {
      const finished = changed.filter((t) => t.state === 'done');
      if (finished.length === 0) return;
      const { journal } = Journal.open(join(core.platform.dataDir, 'journal.sqlite'));
      try {
        const rows = new Map(journal.all().map((r) => [r.id, r.state] as const));
        for (const t of finished) seenInJournal.push(`${t.key}: ${rows.get(t.id)}`);
      } finally {
        journal.close();
      }
    });
    try {
      const files = Array.from({ length: 60 }, (_, i) => randomFile(dir, `announced-${i}.bin`, 50 + i));
      const ids = engine.enqueue(files.map((f, i) => ({ localPath: f.path, profileId: 'test', bucket, key: `announced/${i}.bin` })));
      await engine.waitFor(ids);
      await new Promise((r) => setTimeout(r, 300));
      expect(seenInJournal.filter((line) => !line.endsWith(': done'))).toEqual([]);
      expect(seenInJournal).toHaveLength(files.length);
    } finally {
      off();
      await engine.dispose();
      core.cleanup();
      await slow.stop();
    }
  });

  it('clearing finished transfers before their rows are written does not bring them back', async () => {
    const core = testCore();
    const clients = testClients(core, info);
    const first = new TransferService(core, clients);
    await first.start();
    const f = randomFile(dir, 'cleared.bin', 300);
    const [id] = first.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'group/cleared.bin' }]);
    await first.waitFor([id!]);
    first.clearFinished();
    expect(first.list().transfers).toEqual([]);
    await first.dispose();

    const second = new TransferService(core, clients);
    await second.start();
    try {
      expect(second.list().transfers).toEqual([]);
    } finally {
      await second.dispose();
      core.cleanup();
    }
  });
});
