/** The chaos proxy, exercised against the real test S3 server: each fault must look to a client the way it would in the wild. */
import { request as httpRequest } from 'node:http';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyRequest, startChaosProxy, type ChaosProxy } from './chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info, objectExists } from './s3-test-client';

const info = s3Info();
const direct = rawClient(info);
let bucket: string;
const proxies: ChaosProxy[] = [];

function clientVia(proxy: ChaosProxy, requestTimeout = 0): S3Client {
  return new S3Client({
    endpoint: proxy.url,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    // smithy 4.14: requestTimeout alone only warns; socketTimeout is the idle timer that actually fails the request.
    requestHandler: new NodeHttpHandler({ socketTimeout: requestTimeout || undefined, connectionTimeout: 5_000 }),
  });
}

async function proxy(opts: Partial<Parameters<typeof startChaosProxy>[0]> = {}): Promise<ChaosProxy> {
  const p = await startChaosProxy({ upstream: info.endpoint, ...opts });
  proxies.push(p);
  return p;
}

const exists = (key: string) => objectExists(direct, bucket, key);

/** A raw PUT so the test sees the socket-level outcome without SDK retries or rewording. */
function rawPut(url: string, body: Buffer): Promise<{ status?: number; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'PUT', headers: { 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', (error) => resolve({ error }));
    });
    req.on('error', (error) => resolve({ error }));
    req.end(body);
  });
}

beforeAll(async () => {
  bucket = await freshBucket(direct, 'chaos');
});

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

describe('chaos proxy', () => {
  it('passes requests through unchanged and counts them by kind and bytes', async () => {
    const p = await proxy({ latencyMs: 5, bandwidthBytesPerSec: 4 * 1024 * 1024 });
    const c = clientVia(p);
    const body = Buffer.alloc(100_000, 7);
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: 'pass/a.bin', Body: body }));
    const back = await c.send(new GetObjectCommand({ Bucket: bucket, Key: 'pass/a.bin' }));
    expect(Buffer.from(await back.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect((await getObjectBytes(direct, bucket, 'pass/a.bin')).equals(body)).toBe(true);
    const s = p.stats();
    expect(s.byKind.PutObject).toBe(1);
    expect(s.byKind.GetObject).toBe(1);
    expect(s.bytesIn).toBe(body.length);
    expect(s.bytesOut).toBeGreaterThanOrEqual(body.length);
    expect(s.faultsTotal).toBe(0);
  });

  it('classifies multipart traffic, so tests can count parts', async () => {
    const p = await proxy();
    const c = clientVia(p);
    const part = Buffer.alloc(5 * 1024 * 1024, 1);
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp/x' }));
    const etags: string[] = [];
    for (const PartNumber of [1, 2]) {
      const r = await c.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp/x', UploadId, PartNumber, Body: PartNumber === 1 ? part : Buffer.from('tail') }));
      etags.push(r.ETag!);
    }
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mp/x',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const s = p.stats();
    expect(s.byKind).toMatchObject({ CreateMultipartUpload: 1, UploadPart: 2, CompleteMultipartUpload: 1 });
    expect(s.bytesIn).toBeGreaterThanOrEqual(part.length + 4);
    expect((await getObjectBytes(direct, bucket, 'mp/x')).length).toBe(part.length + 4);
  });

  it('classifies the S3 operations from method, path and query', () => {
    expect(classifyRequest('GET', '/')).toMatchObject({ kind: 'ListBuckets' });
    expect(classifyRequest('GET', '/b?list-type=2')).toMatchObject({ kind: 'ListObjects', bucket: 'b' });
    expect(classifyRequest('GET', '/b?uploads')).toMatchObject({ kind: 'ListMultipartUploads' });
    expect(classifyRequest('PUT', '/b/k%20y?partNumber=3&uploadId=u')).toMatchObject({ kind: 'UploadPart', key: 'k y' });
    expect(classifyRequest('PUT', '/b/k', { 'x-amz-copy-source': '/b/j' })).toMatchObject({ kind: 'CopyObject' });
    expect(classifyRequest('DELETE', '/b/k?uploadId=u')).toMatchObject({ kind: 'AbortMultipartUpload' });
    expect(classifyRequest('GET', '/b/k?uploadId=u')).toMatchObject({ kind: 'ListParts' });
    expect(classifyRequest('POST', '/b?delete')).toMatchObject({ kind: 'DeleteObjects' });
    expect(classifyRequest('PUT', '/b/')).toMatchObject({ kind: 'CreateBucket', bucket: 'b' });
    expect(classifyRequest('PUT', '/b/?encryption=')).toMatchObject({ kind: 'Other' });
  });

  it.each([
    ['internal-error', 500, 'InternalError'],
    ['slow-down', 503, 'SlowDown'],
    ['request-timeout', 400, 'RequestTimeout'],
    ['expired-token', 400, 'ExpiredToken'],
    ['wrong-region', 301, 'PermanentRedirect'],
  ] as const)('answers %s as S3 would (%i %s) and the request never reaches the server', async (fault, status, code) => {
    const p = await proxy();
    const c = clientVia(p);
    p.injectNext(fault);
    const key = `err/${fault}`;
    const err = (await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello' })).catch((e: unknown) => e)) as {
      name: string;
      $metadata?: { httpStatusCode?: number };
    };
    expect(err.name).toBe(code);
    expect(err.$metadata?.httpStatusCode).toBe(status);
    expect(await exists(key)).toBe(false);
    expect(p.stats().faults[fault]).toBe(1);
    // The next request is clean again.
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello' }));
    expect(await exists(key)).toBe(true);
  });

  it('answers HTML where S3 XML was expected (a captive portal)', async () => {
    const p = await proxy();
    p.injectNext('html');
    const res = await fetch(`${p.url}/${bucket}?list-type=2`);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<html>/);
  });

  it('resets a connection mid request body without leaving a partial object upstream', async () => {
    const p = await proxy();
    p.injectNext('reset', (r) => r.kind === 'PutObject');
    const out = await rawPut(`${p.url}/${bucket}/reset/mid-body`, Buffer.alloc(256 * 1024, 3));
    expect(out.status).toBeUndefined();
    expect(out.error?.code).toMatch(/ECONNRESET|EPIPE/);
    expect(await exists('reset/mid-body')).toBe(false);
  });

  it('can lose the response after the server acted (the object exists, the client saw a reset)', async () => {
    const p = await proxy();
    p.injectNext('reset-response');
    const out = await rawPut(`${p.url}/${bucket}/reset/lost-response`, Buffer.from('landed'));
    expect(out.error?.code).toBe('ECONNRESET');
    expect((await getObjectBytes(direct, bucket, 'reset/lost-response')).toString()).toBe('landed');
  });

  it('cuts a download mid body', async () => {
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: 'cut/get', Body: Buffer.alloc(200_000, 9) }));
    const p = await proxy();
    p.injectNext('reset', (r) => r.kind === 'GetObject');
    const c = clientVia(p);
    const got = await c
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'cut/get' }))
      .then((r) => r.Body!.transformToByteArray())
      .then(
        (b) => ({ length: b.length }),
        (e: unknown) => ({ error: e as Error }),
      );
    expect('error' in got ? got.error : undefined).toBeInstanceOf(Error);
    expect(p.events().find((e) => e.kind === 'GetObject')?.fault).toBe('reset');
  });

  it('stalls a response forever, so only a client timeout ends the request', async () => {
    const p = await proxy();
    p.injectNext('stall');
    const c = clientVia(p, 300);
    const err = (await c.send(new PutObjectCommand({ Bucket: bucket, Key: 'stall/a', Body: 'x' })).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(`${err.name} ${err.message}`).toMatch(/timeout|timed out/i);
    expect(await exists('stall/a')).toBe(false);
  });

  it('stalls mid response body (headers sent, body never completes)', async () => {
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: 'stall/body', Body: Buffer.alloc(100_000, 1) }));
    const p = await proxy();
    p.injectNext('stall-body', (r) => r.kind === 'GetObject');
    const c = clientVia(p, 300);
    const res = await c.send(new GetObjectCommand({ Bucket: bucket, Key: 'stall/body' }));
    expect(res.$metadata.httpStatusCode).toBe(200);
    const err = await res.Body!.transformToByteArray().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });

  it('draws faults at the configured share, and the same seed replays the same faults', async () => {
    const run = async (seed: number) => {
      const p = await proxy({ seed, faultRate: 0.3, faults: { 'internal-error': 1, 'slow-down': 1 } });
      const c = clientVia(p);
      const outcomes: string[] = [];
      // Concurrent on purpose: decisions must not depend on arrival order.
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          c.send(new HeadObjectCommand({ Bucket: bucket, Key: 'pass/a.bin' })).then(
            () => (outcomes[i] = 'ok'),
            (e: { name: string; $metadata?: { httpStatusCode?: number } }) => (outcomes[i] = String(e.$metadata?.httpStatusCode)),
          ),
        ),
      );
      // The nth request of an identity gets the nth draw, so the faults in arrival order replay exactly.
      return { outcomes, stats: p.stats(), sequence: p.events().map((e) => e.fault ?? '-').join(',') };
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(7);
    expect(a.stats.faultsTotal).toBeGreaterThan(5);
    expect(a.stats.faultsTotal).toBeLessThan(35);
    expect(a.stats.faultsTotal).toBe(a.outcomes.filter((o) => o !== 'ok').length);
    // Same identity sequence + same seed = same multiset of outcomes, whatever the interleaving.
    expect([...b.outcomes].sort()).toEqual([...a.outcomes].sort());
    expect(b.stats.faults).toEqual(a.stats.faults);
    expect(b.sequence).toBe(a.sequence);
    // Compare whole sequences, not counts: two seeds drew the same counts in about one run in twenty (the bucket name,
    // part of each request's identity, is new every run), and 60 draws collide with negligible odds.
    expect(c.sequence).not.toBe(a.sequence);
  });

  it('limits faults to eligible requests and can be switched off while running', async () => {
    const p = await proxy({ faultRate: 1, faults: { 'internal-error': 1 }, eligible: (r) => r.kind === 'DeleteObject' });
    const c = clientVia(p);
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: 'elig/a', Body: 'a' }));
    const err = (await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'elig/a' })).catch((e: unknown) => e)) as { name?: string };
    expect(err.name).toBe('InternalError');
    expect(await exists('elig/a')).toBe(true);
    p.configure({ faultRate: 0 });
    await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'elig/a' }));
    expect(p.stats().faultsTotal).toBe(1);
    expect(await exists('elig/a')).toBe(false);
  });

  it('takes the server away (refused, then reset connections) and brings it back on the same port', async () => {
    const p = await proxy();
    const url = `${p.url}/${bucket}/outage/a.bin`;
    expect((await rawPut(url, Buffer.from('before'))).status).toBe(200);
    await p.outage('refuse');
    // The first may go out on the pooled keep-alive socket the outage just reset; a new connection is refused.
    expect(['ECONNRESET', 'ECONNREFUSED']).toContain((await rawPut(url, Buffer.from('refused'))).error?.code);
    expect((await rawPut(url, Buffer.from('refused'))).error?.code).toBe('ECONNREFUSED');
    await p.restore();
    await p.outage('reset');
    expect((await rawPut(url, Buffer.from('reset'))).error?.code).toBe('ECONNRESET');
    await p.restore();
    expect((await rawPut(url, Buffer.from('after'))).status).toBe(200);
    expect((await getObjectBytes(direct, bucket, 'outage/a.bin')).toString()).toBe('after');
  });
});
