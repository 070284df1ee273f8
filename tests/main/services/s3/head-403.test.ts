/** A HEAD that answers 403 has no body: the message must say "wrong secret, or a missing permission", not only the latter. */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { headObject } from '../../../../src/main/services/s3/objects';
import { toAppError } from '../../../../src/main/services/s3/errors';
import type { S3Context } from '../../../../src/main/services/s3/types';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';

const info = s3Info();
const forbidden = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 403 } });

describe('403 mapping', () => {
  it.each(['Forbidden', 'Unknown', '403'])('HEAD 403 (%s, no body) names both causes', (name) => {
    const e = toAppError(forbidden(name), { action: 'HeadObject', bucket: 'b', key: 'dir/x.txt' });
    expect(e.code).toBe('ACCESS_DENIED_OR_SECRET');
    expect(e.message).toMatch(/secret key is wrong/);
    expect(e.message).toContain('s3:GetObject');
    expect(e.message).toContain('b/dir/*');
    expect(e.options.retryable).toBe(false);
  });

  it('a 403 with a body (AccessDenied on PUT) still names only the permission', () => {
    const e = toAppError(Object.assign(forbidden('AccessDenied'), { Code: 'AccessDenied' }), { action: 'PutObject', bucket: 'b', key: 'x' });
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).not.toMatch(/secret/);
  });

  it.skipIf(!info.features.verifiesSignatures)('a wrong secret on a real HEAD reads as ACCESS_DENIED_OR_SECRET', async () => {
    const bucket = await freshBucket(rawClient(info), 'head403');
    const client = new S3Client({
      endpoint: info.endpoint,
      region: info.region,
      forcePathStyle: true,
      credentials: { accessKeyId: info.accessKeyId, secretAccessKey: `${info.secretAccessKey}-wrong` },
      maxAttempts: 1,
    });
    const ctx = { client, transferClient: client, region: info.region, customEndpoint: true, profile: { endpoint: info.endpoint, summary: { name: 'p' } } } as unknown as S3Context;
    const err = await headObject(ctx, bucket, 'missing.txt').then(
      () => undefined,
      (e: unknown) => e,
    );
    client.destroy();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('ACCESS_DENIED_OR_SECRET');
  });
});
