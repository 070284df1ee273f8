/**
 * A CreateMultipartUpload whose answer is lost: the server made an upload, the app retried and made a second one.
 * The first would be billed forever on AWS; the engine finds it by listing the key's uploads and aborts it (RGW;
 * s3rver cannot list uploads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { Journal } from '../../../../src/main/services/transfers/journal';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';

const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-lostcreate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Uploads one 6 MiB file through a proxy that drops the answer to the first CreateMultipartUpload, and checks that
 * two creates reached the server, the object is whole, and no upload is left pending.
 */
async function uploadThroughLostCreate(name: string, options: ConstructorParameters<typeof TransferService>[2]): Promise<void> {
  const bucket = await freshBucket(raw, name);
  const proxy = await startChaosProxy({ upstream: info.endpoint, seed: 7, faultRate: 0 });
  try {
    proxy.injectNext('reset-response', (r) => r.kind === 'CreateMultipartUpload');
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5 });
    const engine = new TransferService(core, testClients(core, info, proxy.url), options);
    await engine.start();
    const f = randomFile(work, `${name}.bin`, 6 * 1024 * 1024);
    const [snap] = await engine.waitFor(engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: `lost/${name}.bin` }]));
    expect(snap!.state).toBe('done');
    expect(proxy.events().filter((e) => e.kind === 'CreateMultipartUpload' && e.status === 200).length).toBe(2);
    expect((await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
    expect((await getObjectBytes(raw, bucket, `lost/${name}.bin`)).equals(f.bytes)).toBe(true);
    await engine.dispose();
    core.cleanup();
  } finally {
    await proxy.stop();
  }
}

it.skipIf(!info.features.multipartAdmin)('a lost create answer leaves no pending upload behind', { timeout: 60_000 }, async () => {
  await uploadThroughLostCreate('lostcreate', { retry: { attempts: 5, baseMs: 10, maxMs: 100 } });
});

it.skipIf(!info.features.multipartAdmin)('a lost create answer that parks the transfer (waiting for the network) leaves no pending upload behind', { timeout: 60_000 }, async () => {
  // One attempt per call: the reset parks the transfer, and the create that succeeds later is its call's first.
  await uploadThroughLostCreate('lostpark', { retry: { attempts: 1, baseMs: 10, maxMs: 100 }, networkBackoff: { baseMs: 50, maxMs: 200 } });
});

it.skipIf(!info.features.multipartAdmin)('a create still unanswered when the app stopped is settled at the next start, even with its transfer gone', { timeout: 60_000 }, async () => {
  const bucket = await freshBucket(raw, 'lostkill');
  const core = testCore();
  // The app noted the create, the store made the upload, and the app died before the answer (the transfer's row
  // was then cleared from history). Someone else's upload of another key must be left alone.
  const { journal } = Journal.open(join(core.platform.dataDir, 'journal.sqlite'));
  journal.noteCreateSent({ transferId: 'gone', profileId: 'test', bucket, key: 'lost/killed.bin' });
  journal.close();
  await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'lost/killed.bin' }));
  const other = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'theirs.bin' }));
  const engine = new TransferService(core, testClients(core, info));
  await engine.start();
  const pending = async () => ((await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).map((u) => `${u.Key} ${u.UploadId}`);
  for (let i = 0; i < 200 && (await pending()).length > 1; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await pending()).toEqual([`theirs.bin ${other.UploadId}`]);
  await engine.dispose();
  const reopened = Journal.open(join(core.platform.dataDir, 'journal.sqlite')).journal;
  expect(reopened.unansweredCreates()).toEqual([]);
  reopened.close();
  core.cleanup();
});
