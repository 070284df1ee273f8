/**
 * A CSV landing end to end on the real test S3 server: prepare (convert, gzip), render the key, upload,
 * and read back what Athena would read. Once with a plain SDK PUT (what S3 stores for our Content-Type),
 * once through the real transfer engine (its multipart path and journal).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLanding } from '../../../../src/main/services/landing/land-file';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore } from '../transfers/harness';

const fixtures = join(import.meta.dirname, '../../../fixtures/csv');
const fx = (name: string) => join(fixtures, name);
const info = s3Info();
const raw = rawClient(info);
const tmp = mkdtempSync(join(tmpdir(), 's3drop-land-'));
const time = new Date('2026-11-25T12:00:00Z');
const template = '{table}/dt={yyyy}-{mm}-{dd}/{name}';
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'landing');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function put(plan: Awaited<ReturnType<typeof planLanding>>) {
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: plan.key, Body: readFileSync(plan.path), ContentType: plan.contentType }));
}

describe('landing a CSV in S3 (plain PUT)', () => {
  it('converted to UTF-8 under a Hive partition, with a UTF-8 text type', async () => {
    const plan = await planLanding(fx('brazil-latin1.csv'), { relativePath: 'brazil-latin1.csv', prefix: 'raw', time, table: 'vendas', tmpDir: tmp }, { template, convertToUtf8: true });
    await put(plan);
    await plan.cleanup();
    expect(plan.key).toBe('raw/vendas/dt=2026-11-25/brazil-latin1.csv');
    const got = await getObjectBytes(raw, bucket, plan.key);
    expect(got.equals(readFileSync(fx('brazil-latin1.utf8.csv')))).toBe(true);
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: plan.key }));
    expect(head.ContentType).toBe('text/csv; charset=utf-8');
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('gzipped as name.csv.gz with no Content-Encoding, and gunzips to the converted bytes', async () => {
    const plan = await planLanding(fx('brazil-latin1.csv'), { relativePath: 'in/brazil-latin1.csv', prefix: 'raw/', time, table: 'vendas', tmpDir: tmp }, { template, gzip: true, convertToUtf8: true });
    await put(plan);
    await plan.cleanup();
    expect(plan.key).toBe('raw/vendas/dt=2026-11-25/brazil-latin1.csv.gz');
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: plan.key }));
    expect(head.ContentType).toBe('application/gzip');
    expect(head.ContentEncoding).toBeUndefined();
    const got = await getObjectBytes(raw, bucket, plan.key);
    expect(got[0]).toBe(0x1f); // still compressed as stored: nothing decoded it on the way
    expect(gunzipSync(got).equals(readFileSync(fx('brazil-latin1.utf8.csv')))).toBe(true);
  });

  it('a TSV without a template keeps its relative key and TSV type', async () => {
    const plan = await planLanding(fx('tabs.tsv'), { relativePath: 'stock\\tabs.tsv', prefix: '', time, tmpDir: tmp }, {});
    await put(plan);
    expect(plan.key).toBe('stock/tabs.tsv');
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: plan.key }));
    expect(head.ContentType).toBe('text/tab-separated-values; charset=utf-8');
    expect((await getObjectBytes(raw, bucket, plan.key)).equals(readFileSync(fx('tabs.tsv')))).toBe(true);
  });

  it('a bad template is refused before anything is written or uploaded', async () => {
    await expect(planLanding(fx('tabs.tsv'), { relativePath: 'tabs.tsv', prefix: 'bad', time, tmpDir: tmp }, { template: '{when}/{name}', gzip: true })).rejects.toMatchObject({
      code: 'TEMPLATE_INVALID',
    });
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'bad/' }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });
});

describe('landing a CSV through the transfer engine', () => {
  let core: ReturnType<typeof testCore>;
  let engine: TransferService;
  beforeAll(async () => {
    core = testCore();
    engine = new TransferService(core, testClients(core, info));
    await engine.start();
  });
  afterAll(async () => {
    await engine.dispose();
    core.cleanup();
  });

  it('uploads the prepared .csv.gz under the rendered key, byte-identical', async () => {
    const plan = await planLanding(fx('quoted.csv'), { relativePath: 'quoted.csv', prefix: 'engine', time, tmpDir: tmp }, { template, gzip: true });
    const [id] = engine.enqueue([{ localPath: plan.path, profileId: 'test', bucket, key: plan.key }]);
    const [snap] = await engine.waitFor([id!]);
    await plan.cleanup();
    expect(snap?.error).toBeUndefined();
    expect(snap?.state).toBe('done');
    expect(plan.key).toBe('engine/quoted/dt=2026-11-25/quoted.csv.gz');
    const got = await getObjectBytes(raw, bucket, plan.key);
    expect(gunzipSync(got).equals(readFileSync(fx('quoted.csv')))).toBe(true);
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: plan.key }));
    expect(head.ContentEncoding).toBeUndefined();
  });
});
