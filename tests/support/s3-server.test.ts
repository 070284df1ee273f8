import { PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { freshBucket, getObjectBytes, rawClient, s3Info } from './s3-test-client';

describe('test S3 server', () => {
  it('stores and returns an object, and pages listings', async () => {
    const client = rawClient();
    const bucket = await freshBucket(client);
    for (let i = 0; i < 3; i++) await client.send(new PutObjectCommand({ Bucket: bucket, Key: `k${i}`, Body: `v${i}` }));
    expect((await getObjectBytes(client, bucket, 'k1')).toString()).toBe('v1');
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2 }));
    expect(page.KeyCount).toBe(2);
    const next = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, ContinuationToken: page.NextContinuationToken }));
    expect(next.Contents?.map((c) => c.Key)).toEqual(['k2']);
    expect(s3Info().endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
