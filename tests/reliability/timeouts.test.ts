/**
 * Stalled connections: a response that never comes must end in a retry, not an upload that hangs forever.
 * The chaos proxy's `stall` fault holds the response open; these tests check the app's S3 client settings
 * actually turn that into an error with the installed @smithy/node-http-handler.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../src/main/services/s3/client-factory';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';

const info = s3Info();
let proxy: ChaosProxy;
let bucket: string;

beforeAll(async () => {
  proxy = await startChaosProxy({ upstream: info.endpoint });
  bucket = await freshBucket(rawClient(info), 'stall');
});
afterAll(() => proxy?.stop());

function via(handler: NodeHttpHandler): S3Client {
  return new S3Client({
    endpoint: proxy.url,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    requestHandler: handler,
  });
}

/** Sends one PUT that the proxy stalls; resolves 'failed' or 'pending' after `waitMs`. */
async function stalledPut(handler: NodeHttpHandler, waitMs: number): Promise<'failed' | 'pending' | 'ok'> {
  proxy.injectNext('stall');
  const client = via(handler);
  let outcome: 'failed' | 'pending' | 'ok' = 'pending';
  const p = client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' })).then(
    () => (outcome = 'ok'),
    () => (outcome = 'failed'),
  );
  await Promise.race([p, new Promise((r) => setTimeout(r, waitMs))]);
  client.destroy();
  return outcome;
}

describe('stalled responses', () => {
  it('a socket timeout (socketTimeout) ends a stalled request', async () => {
    expect(await stalledPut(new NodeHttpHandler({ socketTimeout: 200 }), 5_000)).toBe('failed');
  });

  it('requestTimeout alone only warns in this @smithy/node-http-handler: a stalled request is still pending 10x later', async () => {
    const quiet = { warn() {}, info() {}, debug() {}, error() {}, trace() {} };
    const handler = new NodeHttpHandler({ requestTimeout: 200, logger: quiet } as ConstructorParameters<typeof NodeHttpHandler>[0]);
    expect(await stalledPut(handler, 2_000)).toBe('pending');
  });

  it('the app’s S3 client config has a timeout that really fails a stalled request', async () => {
    const profile = { endpoint: info.endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, summary: { name: 'x' } };
    const cfg = clientConfig(profile as unknown as Parameters<typeof clientConfig>[0], info.region, 1);
    const handler = cfg.requestHandler as NodeHttpHandler;
    const resolved = (await (handler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider) ?? {};
    const fails = (Number(resolved.socketTimeout) > 0) || resolved.throwOnRequestTimeout === true;
    expect(fails, `handler config ${JSON.stringify({ requestTimeout: resolved.requestTimeout, socketTimeout: resolved.socketTimeout, throwOnRequestTimeout: resolved.throwOnRequestTimeout })}`).toBe(true);
  });
});
