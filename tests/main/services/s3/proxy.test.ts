/**
 * HTTPS_PROXY/HTTP_PROXY/NO_PROXY from a profile: the app's S3 clients send every request through the proxy,
 * unless NO_PROXY names the host. A tiny real forward proxy on loopback counts what passes.
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileResolver, ResolvedProfile } from '../../../../src/main/services/profiles/types';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { leanPutObject } from '../../../../src/main/services/s3/lean-request';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { testCore } from '../transfers/harness';

const info = s3Info();
const raw = rawClient(info);
let proxy: Server;
let proxyUrl: string;
let seen: string[] = [];
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'proxy');
  // A forward proxy: a plain-HTTP request through a proxy carries the absolute URL in its request line.
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const up = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => proxy.close(() => r())));

function resolver(proxyEnv: Record<string, string>): ProfileResolver {
  return {
    async resolve(id: string): Promise<ResolvedProfile> {
      return {
        summary: { id, name: id, kind: 'keys', source: 'app', hasSecret: true },
        region: info.region,
        endpoint: info.endpoint,
        forcePathStyle: true,
        credentials: async () => ({ accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey }),
        proxyEnv,
      };
    },
  };
}

async function put(proxyEnv: Record<string, string>, key: string): Promise<void> {
  const core = testCore();
  const factory = new S3ClientFactory(core, resolver(proxyEnv));
  try {
    const ctx = await factory.forProfile('p');
    await ctx.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `via ${key}` }));
    await ctx.transferClient.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}-2`, Body: 'x' }));
    // The small-PUT path below the SDK sends on the same agents, so the same proxy settings hold for it.
    const lean = Buffer.from('lean');
    const sent = await leanPutObject(ctx, { Bucket: bucket, Key: `${key}-3`, Body: lean }, createHash('sha256').update(lean).digest('hex'));
    expect(sent).toBeDefined();
  } finally {
    factory.invalidate();
    core.cleanup();
  }
}

describe('proxy settings from the profile', () => {
  it('HTTP_PROXY: both clients and the lean PUT go through the proxy', async () => {
    seen = [];
    await put({ HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl }, 'proxied');
    expect(seen.filter((l) => l.startsWith('PUT ') && l.includes(`/${bucket}/proxied`))).toHaveLength(3);
    expect((await getObjectBytes(raw, bucket, 'proxied')).toString()).toBe('via proxied');
  });

  it('NO_PROXY naming the host: requests go direct', async () => {
    seen = [];
    await put({ HTTP_PROXY: proxyUrl, NO_PROXY: new URL(info.endpoint).hostname }, 'direct');
    expect(seen).toEqual([]);
    expect((await getObjectBytes(raw, bucket, 'direct')).toString()).toBe('via direct');
  });
});
