/**
 * A CreateMultipartUpload whose answer is lost: the server made an upload, the app retried and made a second one.
 * The first would be billed forever on AWS; the engine finds it by listing the key's uploads and aborts it (RGW;
 * s3rver cannot list uploads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';

const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-lostcreate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it.skipIf(!info.features.multipartAdmin)('a lost create answer leaves no pending upload behind', { timeout: 60_000 }, async () => {
  const bucket = await freshBucket(raw, 'lostcreate');
  const proxy = await startChaosProxy({ upstream: info.endpoint, seed: 7, faultRate: 0 });
  try {
    proxy.injectNext('reset-response', (r) => r.kind === 'CreateMultipartUpload');
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5 });
    const engine = new TransferService(core, testClients(core, info, proxy.url), { retry: { attempts: 5, baseMs: 10, maxMs: 100 } });
    await engine.start();
    const f = randomFile(work, 'big.bin', 6 * 1024 * 1024);
    const [snap] = await engine.waitFor(engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'lost/big.bin' }]));
    expect(snap!.state).toBe('done');
    // Two creates reached the server (the first answer was dropped), and none is left pending.
    expect(proxy.events().filter((e) => e.kind === 'CreateMultipartUpload' && e.status === 200).length).toBe(2);
    expect((await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
    expect((await getObjectBytes(raw, bucket, 'lost/big.bin')).equals(f.bytes)).toBe(true);
    await engine.dispose();
    core.cleanup();
  } finally {
    await proxy.stop();
  }
});
