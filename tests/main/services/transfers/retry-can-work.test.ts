/** Retry is offered only where it can work: "Retry failed" leaves a file that is gone, and takes a missing bucket. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryCanWork } from '../../../../src/shared/errors';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';

const info = s3Info();
const dir = mkdtempSync(join(tmpdir(), 's3drop-retry-'));
let bucket: string;
const core = testCore();
const engine = new TransferService(core, testClients(core, info));

beforeAll(async () => {
  bucket = await freshBucket(rawClient(info), 'retry');
  await engine.start();
});
afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('retry where it can work', () => {
  it('the codes: a file that is gone or a refused name cannot be helped by a retry; access, a bucket or the network can', () => {
    expect(retryCanWork({ code: 'FILE_NOT_FOUND' })).toBe(false);
    expect(retryCanWork({ code: 'BUCKET_NAME_INVALID' })).toBe(false);
    expect(retryCanWork({ code: 'SPOOL_FILE_GONE' })).toBe(false);
    expect(retryCanWork({ code: 'ACCESS_DENIED' })).toBe(true);
    expect(retryCanWork({ code: 'BUCKET_NOT_FOUND' })).toBe(true);
    expect(retryCanWork({ code: 'CANCELLED' })).toBe(true);
    expect(retryCanWork(undefined)).toBe(true);
  });

  it('"Retry failed" re-queues the transfer to a missing bucket and leaves the one whose file is gone as it is', async () => {
    const f = randomFile(dir, 'here.bin', 100);
    const [gone, noBucket] = engine.enqueue([
      { localPath: join(dir, 'not-there.bin'), profileId: 'test', bucket, key: 'gone.bin' },
      { localPath: f.path, profileId: 'test', bucket: `${bucket}-missing`, key: 'here.bin' },
    ]);
    const snaps = await engine.waitFor([gone!, noBucket!]);
    expect(snaps.map((s) => [s.state, s.error?.code])).toEqual([
      ['failed', 'FILE_NOT_FOUND'],
      ['failed', 'BUCKET_NOT_FOUND'],
    ]);
    engine.retry();
    expect(engine.get(gone!)?.state).toBe('failed');
    expect(engine.get(noBucket!)?.state).not.toBe('failed');
    await engine.waitFor([noBucket!]);
  });
});
