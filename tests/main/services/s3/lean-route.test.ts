/**
 * The route of a bucket on a plain custom endpoint, worked out without the SDK (lean-request.ts `plainRoute`, so a
 * no-change sync pass never loads it), must be exactly the one the SDK gives: the same host, port, path, signing
 * region and service, and user agent. Anything else is left to the SDK. No server needed: the SDK's route is read
 * from a request it signs and never sends.
 */
import { describe, expect, it } from 'vitest';
import type { CoreDeps } from '../../../../src/main/services/context';
import { s3SdkVersion } from '../../../../src/main/services/lazy-sdk';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { captureRoute, plainRoute, type Route } from '../../../../src/main/services/s3/lean-request';
import type { S3Context } from '../../../../src/main/services/s3/types';
import type { ResolvedProfile } from '../../../../src/main/services/profiles/types';

const core = { logger: { debug() {}, info() {}, warn() {}, error() {} } } as unknown as CoreDeps;

async function contextFor(endpoint: string | undefined, region: string, more: Partial<ResolvedProfile> = {}): Promise<S3Context> {
  const profile: ResolvedProfile = {
    summary: { id: 'p', name: 'p', kind: 'keys', source: 'app', hasSecret: true },
    region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: Boolean(endpoint),
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    ...more,
  };
  return new S3ClientFactory(core, { resolve: async () => profile }).forProfile('p');
}

/**
 * The SDK's route with its version as its ES-module build writes it: the CommonJS build the tests load carries a
 * version constant of its own, which can lag the package's (3.1174.0 in 3.1175.0), while the CLI bundles the
 * ES-module build, which reads package.json, as plainRoute does.
 */
function asEsmBuild(route: Route): Route {
  const cjs = /^aws-sdk-js\/(\S+)/.exec(route.agentHeaders['x-amz-user-agent'] ?? '')?.[1];
  const agentHeaders = Object.fromEntries(Object.entries(route.agentHeaders).map(([k, v]) => [k, cjs ? v.split(cjs).join(s3SdkVersion()) : v]));
  return { ...route, agentHeaders };
}

describe('plainRoute: a custom endpoint routed without the SDK, as the SDK routes it', () => {
  const cases: [string, string, string][] = [
    ['http://127.0.0.1:9000', 'us-east-1', 'bucket'],
    ['http://127.0.0.1:9000/', 'eu-central-1', 'my.bucket-1'],
    ['https://s3.example.com', 'us-east-1', 'photos'],
    ['https://s3.example.com:443', 'auto', 'photos'],
    ['https://minio.internal:8443', 'us-west-2', 'a-b.c'],
    ['http://localhost:80', 'us-east-1', 'abc'],
  ];
  for (const [endpoint, region, bucket] of cases) {
    it(`${endpoint} ${region} ${bucket}`, async () => {
      const ctx = await contextFor(endpoint, region);
      const plain = plainRoute(ctx, bucket, {});
      expect(plain).toBeDefined();
      const sdk = await captureRoute(ctx, bucket);
      expect(sdk).toBeDefined();
      expect(plain).toEqual(asEsmBuild(sdk!));
    });
  }

  it('leaves everything else to the SDK', async () => {
    expect(plainRoute(await contextFor(undefined, 'us-east-1'), 'bucket', {})).toBeUndefined();
    expect(plainRoute(await contextFor('http://127.0.0.1:9000/base', 'us-east-1'), 'bucket', {})).toBeUndefined();
    expect(plainRoute(await contextFor('http://127.0.0.1:9000/?x=1', 'us-east-1'), 'bucket', {})).toBeUndefined();
    expect(plainRoute(await contextFor('http://user:pw@127.0.0.1:9000', 'us-east-1'), 'bucket', {})).toBeUndefined();
    expect(plainRoute(await contextFor('http://[::1]:9000', 'us-east-1'), 'bucket', {})).toBeUndefined();
    expect(plainRoute(await contextFor('http://127.0.0.1:9000', 'us-east-1', { proxyEnv: { HTTP_PROXY: 'http://proxy:3128' } }), 'bucket', {})).toBeUndefined();
    const ctx = await contextFor('http://127.0.0.1:9000', 'us-east-1');
    for (const bucket of ['Bucket', 'under_score', 'ab', 'x'.repeat(64), '-lead', 'trail-']) expect(plainRoute(ctx, bucket, {}), bucket).toBeUndefined();
    expect(plainRoute(ctx, 'bucket', { AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE' })).toBeUndefined();
    expect(plainRoute(ctx, 'bucket', { AWS_SDK_UA_APP_ID: 'app' })).toBeUndefined();
  });
});
