/**
 * A HEAD that answers 400 has no body, so its reason is lost: an expired session must still read as one (and so
 * wait for sign-in), not as a server hiccup retried until the upload fails with "the server had a problem".
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { headObject } from '../../../../src/main/services/s3/objects';
import type { S3Context } from '../../../../src/main/services/s3/types';
import { startChaosProxy, type ChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';

const info = s3Info();
const raw = rawClient(info);
let proxy: ChaosProxy;
let ctx: S3Context;
let client: S3Client;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'head400');
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'here.txt', Body: 'hello' }));
  proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
  client = new S3Client({
    endpoint: proxy.url,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    maxAttempts: 1,
  });
  ctx = { client, transferClient: client, region: info.region, customEndpoint: true, profile: { endpoint: proxy.url, summary: { name: 'p' } } } as unknown as S3Context;
});

afterAll(async () => {
  client.destroy();
  await proxy.stop();
});

const headError = (key: string) =>
  headObject(ctx, bucket, key).then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

describe('HEAD 400 without a body', () => {
  it('an expired session reads as CREDENTIALS_EXPIRED (the one-byte GET carries the reason)', async () => {
    proxy.configure({ faultRate: 1, faults: { 'expired-token': 1 }, eligible: undefined });
    const err = await headError('here.txt');
    expect(err).toBeInstanceOf(AppError);
    expect(err!.code).toBe('CREDENTIALS_EXPIRED');
    expect(proxy.events().slice(-2).map((e) => [e.method, e.fault])).toEqual([
      ['HEAD', 'expired-token'],
      ['GET', 'expired-token'],
    ]);
  });

  it('a HEAD-only hiccup (the GET goes through) stays a retryable server error', async () => {
    proxy.configure({ faultRate: 1, faults: { 'expired-token': 1 }, eligible: (r) => r.method === 'HEAD' });
    const err = await headError('here.txt');
    expect(err!.code).toBe('SERVER_ERROR');
    expect(err!.options.retryable).toBe(true);
  });

  it('without faults a HEAD answers as before, and a missing key is simply absent', async () => {
    proxy.configure({ faultRate: 0, eligible: undefined });
    expect((await headObject(ctx, bucket, 'here.txt'))?.size).toBe(5);
    expect(await headObject(ctx, bucket, 'missing.txt')).toBeUndefined();
  });
});
