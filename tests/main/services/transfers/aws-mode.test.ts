/**
 * The engine's Amazon S3 branch (`customEndpoint` false), through the AWS-behaviour proxy in front of the run's server:
 * SHA-256 on single PUTs with the echoed checksum standing in for the HEAD, SHA-256 multipart with per-part checksums
 * and the composite checksum, and the faults only AWS produces: a byte damaged on the way (BadDigest, retried, never
 * stored), and a bucket in another region (301 PermanentRedirect). The profile is an ordinary AWS one (no endpoint),
 * reaching the proxy through HTTPS_PROXY and a CA bundle, as behind a corporate gateway.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileResolver } from '../../../../src/main/services/profiles/types';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { planDownloads } from '../../../../src/main/services/transfers/download-plan';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { checksumOf, compositeChecksum } from '../../../support/aws-checksums';
import { accessOf, awsClient, awsProfile, startAwsProxy, type AwsProxy } from '../../../support/aws-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info, uniqueBucketName } from '../../../support/s3-test-client';
import { randomFile, testCore } from './harness';

const MiB = 1024 * 1024;
const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-aws-'));
let proxy: AwsProxy;
let bucket: string;
let core: ReturnType<typeof testCore>;
let engine: TransferService;
let clients: S3ClientFactory;

const sha256b64 = (b: Buffer) => createHash('sha256').update(b).digest('base64');

beforeAll(async () => {
  proxy = await startAwsProxy(info);
  bucket = await freshBucket(raw, 'aws');
  core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 12 });
  const resolver: ProfileResolver = { resolve: async (id) => awsProfile(accessOf(proxy), id) };
  clients = new S3ClientFactory(core, resolver);
  engine = new TransferService(core, clients, { retry: { attempts: 4, baseMs: 20, maxMs: 200 } });
  await engine.start();
});

afterAll(async () => {
  await engine?.dispose();
  core?.cleanup();
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function upload(name: string, size: number, targetBucket = bucket) {
  const f = randomFile(dir, name, size);
  proxy.clearLog();
  const [id] = engine.enqueue([{ localPath: f.path, profileId: 'aws', bucket: targetBucket, key: `aws/${name}` }]);
  const [snap] = await engine.waitFor([id!]);
  return { f, snap: snap!, log: proxy.log().filter((r) => r.key === `aws/${name}`) };
}

describe('single PUT as on AWS', () => {
  it.each([
    ['zero.bin', 0],
    ['small.bin', 1000],
    ['under-threshold.bin', 11 * MiB],
  ])('%s (%i bytes): virtual-hosted, SHA-256 sent and echoed, no HEAD needed', async (name, size) => {
    const { f, snap, log } = await upload(name, size);
    expect(snap.error).toBeUndefined();
    expect(snap.state).toBe('done');
    const put = log.find((r) => r.kind === 'PutObject')!;
    expect(put.host).toBe(`${bucket}.s3.us-east-1.amazonaws.com`);
    expect(put.headers['x-amz-checksum-sha256']).toBe(sha256b64(f.bytes));
    // Small bodies go below the SDK (lean-request.ts): the same checksum headers, and no Content-MD5 on AWS.
    if (size <= 64 * 1024) expect(put.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(f.bytes).digest('hex'));
    expect(put.headers['content-md5']).toBeUndefined();
    // The checksum is known before the body, so even a streamed body goes plain (no aws-chunked, no trailer).
    expect(put.headers['content-encoding']).toBeUndefined();
    // The echoed checksum proves what landed: the post-upload HEAD is skipped.
    expect(log.filter((r) => r.kind === 'HeadObject')).toEqual([]);
    expect((await getObjectBytes(raw, bucket, `aws/${name}`)).equals(f.bytes)).toBe(true);
    const stored = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: `aws/${name}` }));
    expect(stored.Metadata?.['s3drop-sha256']).toBe(createHash('sha256').update(f.bytes).digest('hex'));
  });
});

describe('multipart as on AWS', () => {
  it('SHA-256 declared at create, sent per part, listed in Complete; the object has the composite checksum', async () => {
    const { f, snap, log } = await upload('multi.bin', 13 * MiB);
    expect(snap.error).toBeUndefined();
    expect(snap.state).toBe('done');
    expect(log.find((r) => r.kind === 'CreateMultipartUpload')?.headers['x-amz-checksum-algorithm']).toBe('SHA256');
    const parts = [f.bytes.subarray(0, 5 * MiB), f.bytes.subarray(5 * MiB, 10 * MiB), f.bytes.subarray(10 * MiB)];
    const sent = log.filter((r) => r.kind === 'UploadPart' && r.status === 200).map((r) => r.headers['x-amz-checksum-sha256']);
    expect(sent.sort()).toEqual(parts.map(sha256b64).sort());
    const complete = log.find((r) => r.kind === 'CompleteMultipartUpload')!;
    expect(complete.status).toBe(200);
    expect(complete.completeParts).toEqual(parts.map((p, i) => ({ partNumber: i + 1, checksums: { SHA256: sha256b64(p) } })));
    expect((await getObjectBytes(raw, bucket, 'aws/multi.bin')).equals(f.bytes)).toBe(true);
    const aws = awsClient(accessOf(proxy));
    const head = await aws.send(new HeadObjectCommand({ Bucket: bucket, Key: 'aws/multi.bin', ChecksumMode: 'ENABLED' }));
    aws.destroy();
    expect(head.ChecksumSHA256).toBe(compositeChecksum('SHA256', parts.map((p) => checksumOf('SHA256', p))));
  });
});

describe('downloads as on AWS', () => {
  it('a big object comes in ranged GETs through the SDK, each range written by the part file\'s thread, and is checked by its SHA-256', async () => {
    const { f } = await upload('down.bin', 13 * MiB);
    const ctx = await clients.forProfile('aws');
    const plan = await planDownloads(ctx, { profileId: 'aws', bucket, keys: ['aws/down.bin'], folder: join(dir, 'down') });
    proxy.clearLog();
    const [snap] = await engine.waitFor(engine.enqueueDownloads(plan.requests));
    expect(snap!.error).toBeUndefined();
    expect(snap!.state).toBe('done');
    expect(snap!.verifiedBy).toBe('sha256');
    // 13 MiB in 5 MiB ranges; the SDK's, since the raw path is for custom endpoints only.
    const gets = proxy.log().filter((r) => r.kind === 'GetObject' && r.key === 'aws/down.bin');
    expect(gets).toHaveLength(3);
    expect(readFileSync(plan.requests[0]!.localPath).equals(f.bytes)).toBe(true);
  });
});

describe('faults only AWS shows', () => {
  it('a byte flipped on the way in a single PUT: BadDigest, retried, and only the right bytes are stored', async () => {
    proxy.corruptNext('PutObject');
    const { f, snap, log } = await upload('flip-put.bin', 200_000);
    expect(snap.state).toBe('done');
    expect(log.filter((r) => r.kind === 'PutObject').map((r) => r.code ?? r.status)).toEqual(['BadDigest', 200]);
    expect((await getObjectBytes(raw, bucket, 'aws/flip-put.bin')).equals(f.bytes)).toBe(true);
  });

  it('a byte flipped on the way in a part: BadDigest, the part retried, and the object is the file', async () => {
    proxy.corruptNext('UploadPart');
    const { f, snap, log } = await upload('flip-part.bin', 13 * MiB);
    expect(snap.state).toBe('done');
    const parts = log.filter((r) => r.kind === 'UploadPart');
    expect(parts.filter((r) => r.code === 'BadDigest')).toHaveLength(1);
    expect(parts.filter((r) => r.status === 200)).toHaveLength(3);
    expect((await getObjectBytes(raw, bucket, 'aws/flip-part.bin')).equals(f.bytes)).toBe(true);
  });

  it('a byte flipped in every attempt: the transfer fails, and nothing is stored under the key', async () => {
    proxy.corruptNext('PutObject', 100);
    const { snap } = await upload('flip-always.bin', 1000);
    proxy.corruptNext('PutObject', 0);
    expect(snap.state).toBe('failed');
    await expect(raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'aws/flip-always.bin' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('a bucket in another region: the engine names the region (301 PermanentRedirect)', async () => {
    const far = uniqueBucketName('aws-eu');
    const eu = awsClient(accessOf(proxy), 'eu-west-1');
    await eu.send(new CreateBucketCommand({ Bucket: far, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    eu.destroy();
    const { snap, log } = await upload('far.bin', 1000, far);
    expect(log.some((r) => r.code === 'PermanentRedirect')).toBe(true);
    if (snap.state === 'done') {
      // Following the redirect is the other acceptable outcome: then the object must be there.
      expect((await getObjectBytes(raw, far, 'aws/far.bin')).length).toBe(1000);
    } else {
      expect(snap.error?.code).toBe('WRONG_REGION');
      expect(snap.error?.message).toContain('eu-west-1');
    }
  });
});
