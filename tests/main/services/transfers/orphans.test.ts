/**
 * Start-up clean-up through ListMultipartUploads (RGW; s3rver cannot list uploads): an upload under a key our
 * transfer wrote, started while that transfer was alive, that no journal entry knows (a CreateMultipartUpload
 * whose response was lost) is aborted; another tool's upload in the same bucket is left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
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

it.skipIf(!info.features.multipartAdmin)('an orphan under our key is aborted at start; someone else’s upload stays', { timeout: 60_000 }, async () => {
  const bucket = await freshBucket(raw, 'orphans');
  const dataDir = join(work, 'data');
  const f = randomFile(work, 'mine.bin', 2000);
  const core = testCore({}, dataDir);
  const first = new TransferService(core, testClients(core, info));
  await first.start();
  const [done] = await first.waitFor(first.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'orph/mine.bin' }]));
  expect(done!.state).toBe('done');
  // The "lost response": an upload of our key that our journal never recorded, and another tool's upload.
  const mine = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'orph/mine.bin' }));
  const theirs = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'orph/theirs.bin' }));
  await first.dispose();
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
