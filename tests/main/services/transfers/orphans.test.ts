/**
 * Start-up clean-up through ListMultipartUploads (RGW; s3rver cannot list uploads): an upload under a key our
 * transfer wrote, started while that transfer was alive, that no journal entry knows (a CreateMultipartUpload
 * whose response was lost) is aborted; another tool's upload in the same bucket is left alone. A CLI run
 * ('on-first-transfer') looks only once it transfers something.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, HeadBucketCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { planDownloads } from '../../../../src/main/services/transfers/download-plan';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';

const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-orphans-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function pending(bucket: string): Promise<{ key: string; id: string }[]> {
  const out = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => ({ key: u.Key!, id: u.UploadId! }));
}

/**
 * A transfer of `<dir>/mine.bin` done and its queue stopped, then the "lost response": an upload of that key which
 * the journal never recorded.
 */
async function uploadedWithLostUpload(dir: string) {
  const bucket = await freshBucket(raw, 'orphans');
  const f = randomFile(work, `${dir}.bin`, 2000);
  const core = testCore({}, join(work, `data-${dir}`));
  const first = new TransferService(core, testClients(core, info));
  await first.start();
  const [done] = await first.waitFor(first.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: `${dir}/mine.bin` }]));
  expect(done!.state).toBe('done');
  const mine = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${dir}/mine.bin` }));
  await first.dispose();
  return { bucket, core, mine };
}

it.skipIf(!info.features.multipartAdmin)('an orphan under our key is aborted at start; someone else’s upload stays', { timeout: 60_000 }, async () => {
  const { bucket, core, mine } = await uploadedWithLostUpload('orph');
  // Another tool's upload in the same bucket.
  const theirs = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'orph/theirs.bin' }));
  expect((await pending(bucket)).map((u) => u.key).sort()).toEqual(['orph/mine.bin', 'orph/theirs.bin']);

  const again = new TransferService(core, testClients(core, info));
  await again.start();
  try {
    let left = await pending(bucket);
    // The clean-up runs in the background after start; poll the server (a hang guard, not a timing assertion).
    for (let i = 0; i < 100 && left.some((u) => u.id === mine.UploadId); i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await pending(bucket);
    }
    expect(left).toEqual([{ key: 'orph/theirs.bin', id: theirs.UploadId }]);
  } finally {
    await again.dispose();
    await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'orph/theirs.bin', UploadId: theirs.UploadId }));
    core.cleanup();
  }
});

it.skipIf(!info.features.multipartAdmin)(
  "with 'on-first-transfer' (a CLI run), start asks nothing of the store; the first transfer starts the clean-up",
  { timeout: 60_000 },
  async () => {
    const { bucket, core, mine } = await uploadedWithLostUpload('lazy');
    const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
    const again = new TransferService(core, testClients(core, info, proxy.url), { staleUploads: 'on-first-transfer' });
    await again.start();
    try {
      // A round trip through the same proxy: a clean-up started by start() would have asked before it ends.
      await (await testClients(core, info, proxy.url).forProfile('test')).client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect(proxy.events().filter((e) => e.kind === 'ListMultipartUploads')).toHaveLength(1);
      expect((await pending(bucket)).map((u) => u.id)).toContain(mine.UploadId);

      const g = randomFile(work, 'other.bin', 100);
      const [next] = await again.waitFor(again.enqueue([{ localPath: g.path, profileId: 'test', bucket, key: 'lazy/other.bin' }]));
      expect(next!.state).toBe('done');
      let left = await pending(bucket);
      // The clean-up runs in the background once a transfer starts; poll the server (a hang guard, not a timing assertion).
      for (let i = 0; i < 100 && left.some((u) => u.id === mine.UploadId); i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = await pending(bucket);
      }
      expect(left).toEqual([]);
    } finally {
      await again.dispose();
      await proxy.stop();
      core.cleanup();
    }
  },
);

it('a download-only run asks no bucket for its multipart uploads: a download starts none', { timeout: 60_000 }, async () => {
  const bucket = await freshBucket(raw, 'orphans-down');
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'down/one.txt', Body: 'one' }));
  const core = testCore({}, join(work, 'data-down'));
  const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
  const clients = testClients(core, info, proxy.url);
  const engine = new TransferService(core, clients, { staleUploads: 'on-first-transfer' });
  await engine.start();
  try {
    const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['down/one.txt'], folder: join(work, 'down') });
    const [done] = await engine.waitFor(engine.enqueueDownloads(plan.requests));
    expect(done!.state).toBe('done');
    // The clean-up starts with the first transfer and runs in the background: a round trip through the same proxy
    // after it, then the count (a clean-up that asked would have asked before this answer).
    await clients.forProfile('test').then((c) => c.client.send(new HeadBucketCommand({ Bucket: bucket })));
    await new Promise((r) => setTimeout(r, 200));
    expect(proxy.events().filter((e) => e.kind === 'ListMultipartUploads')).toEqual([]);
  } finally {
    await engine.dispose();
    await proxy.stop();
    core.cleanup();
  }
});
