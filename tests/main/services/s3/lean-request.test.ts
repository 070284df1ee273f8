/**
 * The small-PUT path below the SDK (lean-request.ts) keeps the SDK path's guarantees: each fault a network or a store
 * produces maps to the same AppError (code and retryable) as the same fault met through the SDK; 500, 503 and a reset
 * are retried by the same policy until the object is the bytes; and the object carries the type, metadata and the
 * ETag the SDK path gives it. Behind the chaos proxy, a custom-endpoint profile (the AWS branch runs in aws-mode.test.ts).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type GetObjectCommandOutput, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanGetObject, leanHeadObject, leanPutObject } from '../../../../src/main/services/s3/lean-request';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { httpStatus, isAbort, s3ErrorCode, toAppError } from '../../../../src/main/services/s3/errors';
import { headObjectFields, isNotFound } from '../../../../src/main/services/s3/objects';
import type { S3Context } from '../../../../src/main/services/s3/types';
import { withRetry } from '../../../../src/main/services/transfers/retry';
import { startChaosProxy, type ChaosProxy, type FaultKind } from '../../../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore, testResolver, until } from '../transfers/harness';

const info = s3Info();
const raw = rawClient(info);
let proxy: ChaosProxy;
let core: ReturnType<typeof testCore>;
let clients: S3ClientFactory;
let ctx: S3Context;
let bucket: string;

beforeAll(async () => {
  proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
  core = testCore();
  clients = testClients(core, info, proxy.url);
  ctx = await clients.forProfile('test');
  bucket = await freshBucket(raw, 'lean');
});

afterAll(async () => {
  clients?.invalidate();
  core?.cleanup();
  await proxy?.stop();
});

const hex = (b: Buffer, algorithm: 'sha256' | 'md5') => createHash(algorithm).update(b).digest('hex');

/** The PutObject input the engine's single PUT sends for a custom endpoint, with a user metadata field. */
function inputOf(key: string, body: Buffer, target = bucket): PutObjectCommandInput & { Body: Buffer } {
  return {
    Bucket: target,
    Key: key,
    ContentType: 'text/plain',
    Metadata: { Team: 'sales', 's3drop-sha256': hex(body, 'sha256') },
    ContentLength: body.length,
    ContentMD5: Buffer.from(hex(body, 'md5'), 'hex').toString('base64'),
    Body: body,
  };
}

/** The AppError a PUT fails with (code and retryable), sent below the SDK or through it. */
async function failure(c: S3Context, how: 'lean' | 'sdk', input: PutObjectCommandInput & { Body: Buffer }) {
  const send = how === 'lean' ? () => leanPutObject(c, input, hex(input.Body, 'sha256')) : () => c.transferClient.send(new PutObjectCommand(input));
  const err = await send().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `${how} PUT should fail`).toBeDefined();
  const app = toAppError(err, { action: 'PutObject', bucket: input.Bucket, key: input.Key, endpoint: c.profile.endpoint });
  return { code: app.code, retryable: app.options.retryable === true };
}

describe('lean PUT, errors as through the SDK', () => {
  const faults: FaultKind[] = ['internal-error', 'slow-down', 'request-timeout', 'expired-token', 'wrong-region', 'html', 'reset', 'reset-response'];
  it.each(faults)('%s: the same AppError code and retryability', async (fault) => {
    const key = `faults/${fault}.txt`;
    const input = inputOf(key, Buffer.from(`fault ${fault}`));
    proxy.injectNext(fault, (r) => r.key === key);
    const lean = await failure(ctx, 'lean', input);
    proxy.injectNext(fault, (r) => r.key === key);
    const sdk = await failure(ctx, 'sdk', input);
    expect(lean).toEqual(sdk);
  });

  it('a bucket that does not exist: BUCKET_NOT_FOUND, as through the SDK', async () => {
    const input = inputOf('x.txt', Buffer.from('x'), `${bucket}-missing`);
    const lean = await failure(ctx, 'lean', input);
    expect(lean).toEqual(await failure(ctx, 'sdk', input));
    expect(lean.code).toBe('BUCKET_NOT_FOUND');
  });

  it.skipIf(info.kind === 's3rver')('a wrong secret: the same refusal as through the SDK (the server checks signatures)', async () => {
    const resolver = testResolver(info, proxy.url);
    const wrong = new S3ClientFactory(core, {
      resolve: async (id) => ({ ...(await resolver.resolve(id)), credentials: async () => ({ accessKeyId: info.accessKeyId, secretAccessKey: `${info.secretAccessKey}x` }) }),
    });
    const c = await wrong.forProfile('wrong');
    const input = inputOf('wrong-secret.txt', Buffer.from('w'));
    const lean = await failure(c, 'lean', input);
    expect(lean).toEqual(await failure(c, 'sdk', input));
    expect(lean.code).toBe('SIGNATURE_MISMATCH');
    wrong.invalidate();
  });
});

describe('lean PUT, what lands', () => {
  it('retried after a 500, a 503 and a reset by the engine policy, and the object is the bytes', async () => {
    const key = 'retry/small.bin';
    const body = Buffer.from(createHash('sha512').update('retry').digest());
    for (const fault of ['internal-error', 'slow-down', 'reset'] as const) proxy.injectNext(fault, (r) => r.key === key);
    proxy.resetStats();
    const out = await withRetry(() => leanPutObject(ctx, inputOf(key, body), hex(body, 'sha256')), { action: 'PutObject', bucket, key }, undefined, { attempts: 6, baseMs: 1, maxMs: 5 });
    expect(out).toBeDefined();
    expect(proxy.stats().byKind.PutObject).toBe(4);
    expect((await getObjectBytes(raw, bucket, key)).equals(body)).toBe(true);
  });

  it('the ETag, type and metadata the SDK path gives, with Content-MD5 checked by the store', async () => {
    const key = 'meta/a b+c(1)é.txt';
    const body = Buffer.from('hello from below the SDK');
    const out = await leanPutObject(ctx, inputOf(key, body), hex(body, 'sha256'));
    expect(out?.ETag?.replace(/"/g, '')).toBe(hex(body, 'md5'));
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentType).toBe('text/plain');
    expect(head.Metadata).toMatchObject({ team: 'sales', 's3drop-sha256': hex(body, 'sha256') });
    expect((await getObjectBytes(raw, bucket, key)).equals(body)).toBe(true);
  });

  it('a pause while the store has not answered ends the request as an abort (not a failure), as through the SDK', async () => {
    const key = 'abort/stalled.bin';
    const body = Buffer.from('stalled');
    proxy.injectNext('stall', (r) => r.key === key);
    const pause = new AbortController();
    const sent = leanPutObject(ctx, inputOf(key, body), hex(body, 'sha256'), pause.signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    await until(() => proxy.events().some((e) => e.key === key && e.fault === 'stall'), 'the stalled PUT to reach the proxy');
    pause.abort();
    expect(isAbort(await sent)).toBe(true);
  });

  it('an input with a field it does not send, or a context without its pools, is left to the SDK', async () => {
    const body = Buffer.from('x');
    expect(await leanPutObject(ctx, { ...inputOf('other.txt', body), CacheControl: 'no-cache' }, hex(body, 'sha256'))).toBeUndefined();
    expect(await leanPutObject({ ...ctx, agents: undefined }, inputOf('other.txt', body), hex(body, 'sha256'))).toBeUndefined();
  });
});

/** A store whose clock is three hours ahead: it refuses any request not signed near its own time. */
async function skewedStore(): Promise<{ seen: IncomingHttpHeaders[]; skewed: S3ClientFactory; server: ReturnType<typeof createServer> }> {
  const ahead = 3 * 60 * 60 * 1000;
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(req.headers);
      const now = new Date(Date.now() + ahead);
      const signedAt = Date.parse(String(req.headers['x-amz-date']).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      res.setHeader('date', now.toUTCString());
      if (Math.abs(signedAt - now.getTime()) > 15 * 60 * 1000) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message></Error>');
      } else {
        res.writeHead(200, { etag: '"x"' });
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, server, skewed: testClients(core, info, `http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

describe('lean PUT, a skewed clock', () => {
  it('takes the server clock from a RequestTimeTooSkewed answer, as the SDK does, so the retry is signed in its time', async () => {
    const { seen, server, skewed } = await skewedStore();
    try {
      const c = await skewed.forProfile('skew');
      const body = Buffer.from('skew');
      const out = await withRetry(() => leanPutObject(c, inputOf('skew.txt', body), hex(body, 'sha256')), { action: 'PutObject', bucket, key: 'skew.txt' }, undefined, { attempts: 3, baseMs: 1, maxMs: 5 });
      expect(out?.ETag).toBe('"x"');
      expect(seen).toHaveLength(2);
      // One clock for both paths: the transfer client (built only now, at its first use) signs in the server's
      // time at once; it makes a single attempt, so a clock of its own would fail with RequestTimeTooSkewed.
      const sdk = await c.transferClient.send(new PutObjectCommand({ Bucket: bucket, Key: 'skew-sdk.txt', Body: body }));
      expect(sdk.ETag).toBe('"x"');
      expect(seen).toHaveLength(3);
    } finally {
      skewed.invalidate();
      server.close();
    }
  });

  it('hands a skew the SDK client learnt to the requests below it', async () => {
    const { seen, server, skewed } = await skewedStore();
    try {
      const c = await skewed.forProfile('skew-sdk-first');
      const body = Buffer.from('skew');
      // The transfer client makes one attempt: refused, but it takes the server's clock from the answer, as the SDK does.
      await expect(c.transferClient.send(new PutObjectCommand({ Bucket: bucket, Key: 'skew-a.txt', Body: body }))).rejects.toThrow();
      const before = seen.length;
      const out = await leanPutObject(c, inputOf('skew-b.txt', body), hex(body, 'sha256'));
      expect(out?.ETag).toBe('"x"');
      expect(seen.length).toBe(before + 1);
    } finally {
      skewed.invalidate();
      server.close();
    }
  });
});

/** How a read that should fail failed: the AppError's code and retryability, and the status and code download.ts maps. */
async function readFailure(c: S3Context, what: string, action: 'GetObject' | 'HeadObject', input: { Bucket: string; Key: string }, send: () => Promise<unknown>) {
  const err = await send().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `${what} should fail`).toBeDefined();
  const app = toAppError(err, { action, bucket: input.Bucket, key: input.Key, endpoint: c.profile.endpoint });
  return { code: app.code, retryable: app.options.retryable === true, status: httpStatus(err), s3: s3ErrorCode(err), notFound: isNotFound(err) };
}

/** The failure of a whole GET, below the SDK or through it. */
async function getFailure(c: S3Context, how: 'lean' | 'sdk', input: { Bucket: string; Key: string; IfMatch?: string }) {
  // The body is read too: a connection cut after the headers fails an SDK GET only then.
  return readFailure(c, `${how} GET`, 'GetObject', input, async () => {
    const out = how === 'lean' ? await leanGetObject(c, input, 64 * 1024) : await c.transferClient.send(new GetObjectCommand(input));
    await bytesOf(out?.Body ?? []);
  });
}

describe('lean GET, errors as through the SDK', () => {
  const key = 'get/there.txt';
  beforeAll(async () => {
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'there' }));
  });

  const faults: FaultKind[] = ['internal-error', 'slow-down', 'request-timeout', 'expired-token', 'wrong-region', 'html', 'reset', 'reset-response'];
  it.each(faults)('%s: the same AppError code and retryability', async (fault) => {
    proxy.injectNext(fault, (r) => r.key === key && r.kind === 'GetObject');
    const lean = await getFailure(ctx, 'lean', { Bucket: bucket, Key: key });
    proxy.injectNext(fault, (r) => r.key === key && r.kind === 'GetObject');
    expect(lean).toEqual(await getFailure(ctx, 'sdk', { Bucket: bucket, Key: key }));
  });

  it('a key that is not there: a 404 download.ts reads as OBJECT_NOT_FOUND, as through the SDK', async () => {
    const input = { Bucket: bucket, Key: 'get/missing.txt' };
    const lean = await getFailure(ctx, 'lean', input);
    expect(lean).toEqual(await getFailure(ctx, 'sdk', input));
    expect(lean.notFound).toBe(true);
  });

  // s3rver ignores If-Match on a GET.
  it.skipIf(info.kind === 's3rver')('If-Match an ETag the object no longer has: a 412 PreconditionFailed (OBJECT_CHANGED in download.ts), as through the SDK', async () => {
    const input = { Bucket: bucket, Key: key, IfMatch: `"${'0'.repeat(32)}"` };
    const lean = await getFailure(ctx, 'lean', input);
    expect(lean).toEqual(await getFailure(ctx, 'sdk', input));
    expect(lean.status).toBe(412);
  });

  it.skipIf(info.kind === 's3rver')('a wrong secret: the same 403 refusal as through the SDK', async () => {
    const resolver = testResolver(info, proxy.url);
    const wrong = new S3ClientFactory(core, {
      resolve: async (id) => ({ ...(await resolver.resolve(id)), credentials: async () => ({ accessKeyId: info.accessKeyId, secretAccessKey: `${info.secretAccessKey}x` }) }),
    });
    const c = await wrong.forProfile('wrong');
    const lean = await getFailure(c, 'lean', { Bucket: bucket, Key: key });
    expect(lean).toEqual(await getFailure(c, 'sdk', { Bucket: bucket, Key: key }));
    expect(lean.status).toBe(403);
    wrong.invalidate();
  });
});

describe('lean GET, what it reads', () => {
  it('the fields a download reads (ETag, size, version, metadata, encryption, date) and the bytes, as the SDK gives them', async () => {
    const key = 'get/a b+c(1)é.bin';
    const body = Buffer.from(createHash('sha512').update('get').digest());
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: { 's3drop-sha256': hex(body, 'sha256'), Team: 'sales' } }));
    const lean = await leanGetObject(ctx, { Bucket: bucket, Key: key }, 64 * 1024);
    const sdk = await ctx.transferClient.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const fields = (o: Omit<GetObjectCommandOutput, 'Body'>) => ({ ETag: o.ETag, ContentLength: o.ContentLength, VersionId: o.VersionId, Metadata: o.Metadata, ServerSideEncryption: o.ServerSideEncryption, SSECustomerAlgorithm: o.SSECustomerAlgorithm, LastModified: o.LastModified });
    expect(fields(lean!)).toEqual(fields(sdk));
    expect((await bytesOf(lean!.Body)).equals(body)).toBe(true);
    await sdk.Body?.transformToByteArray();
  });

  it('an object longer than it may hold comes with its body unread, streamed whole', async () => {
    const key = 'get/grown.bin';
    const body = Buffer.alloc(200 * 1024, 7);
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const lean = await leanGetObject(ctx, { Bucket: bucket, Key: key }, 64 * 1024);
    expect(lean?.ContentLength).toBe(body.length);
    expect((await bytesOf(lean!.Body)).equals(body)).toBe(true);
  });

  it('Amazon S3 (where the SDK checks response checksums) and a context without its pools are left to the SDK', async () => {
    expect(await leanGetObject({ ...ctx, customEndpoint: false }, { Bucket: bucket, Key: 'get/there.txt' }, 64 * 1024)).toBeUndefined();
    expect(await leanGetObject({ ...ctx, agents: undefined }, { Bucket: bucket, Key: 'get/there.txt' }, 64 * 1024)).toBeUndefined();
  });
});

/** The failure of a HEAD, below the SDK or through its one-attempt client, as download.ts reads it. */
async function headFailure(c: S3Context, how: 'lean' | 'sdk', input: { Bucket: string; Key: string }) {
  return readFailure(c, `${how} HEAD`, 'HeadObject', input, () => (how === 'lean' ? leanHeadObject(c, input) : c.transferClient.send(new HeadObjectCommand(input))));
}

describe('lean HEAD, as through the SDK (a big download sends its HEAD below the SDK)', () => {
  const key = 'head/a b+c(1)é.bin';
  const body = Buffer.from(createHash('sha512').update('head').digest());
  beforeAll(async () => {
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: { 's3drop-sha256': hex(body, 'sha256'), Team: 'sales' } }));
  });

  it('the fields a download reads (ETag, size, version, metadata, encryption, date), as the SDK gives them', async () => {
    const lean = await headObjectFields(ctx, bucket, key);
    const sdk = await ctx.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const fields = (o: Omit<GetObjectCommandOutput, 'Body'>) => ({ ETag: o.ETag, ContentLength: o.ContentLength, VersionId: o.VersionId, Metadata: o.Metadata, ServerSideEncryption: o.ServerSideEncryption, SSECustomerAlgorithm: o.SSECustomerAlgorithm, LastModified: o.LastModified });
    expect(fields(lean!)).toEqual(fields(sdk));
    expect(lean!.ContentLength).toBe(body.length);
    expect(lean!.Metadata?.['s3drop-sha256']).toBe(hex(body, 'sha256'));
  });

  it('a key that is not there: undefined, as headObjectRaw answers', async () => {
    expect(await headObjectFields(ctx, bucket, 'head/missing.bin')).toBeUndefined();
    const lean = await headFailure(ctx, 'lean', { Bucket: bucket, Key: 'head/missing.bin' });
    expect(lean).toEqual(await headFailure(ctx, 'sdk', { Bucket: bucket, Key: 'head/missing.bin' }));
    expect(lean.notFound).toBe(true);
  });

  // Not 'reset' nor 'reset-response': both drop the connection once the headers are out, and a HEAD's answer is
  // whole with its headers (the lean path then has it all; the SDK's handler fails).
  const faults: FaultKind[] = ['internal-error', 'slow-down', 'request-timeout', 'expired-token', 'wrong-region', 'html'];
  it.each(faults)('%s: the same AppError code and retryability', async (fault) => {
    proxy.injectNext(fault, (r) => r.key === key && r.kind === 'HeadObject');
    const lean = await headFailure(ctx, 'lean', { Bucket: bucket, Key: key });
    proxy.injectNext(fault, (r) => r.key === key && r.kind === 'HeadObject');
    expect(lean).toEqual(await headFailure(ctx, 'sdk', { Bucket: bucket, Key: key }));
  });

  it('Amazon S3 and a context without its pools are left to the SDK', async () => {
    expect(await leanHeadObject({ ...ctx, customEndpoint: false }, { Bucket: bucket, Key: key })).toBeUndefined();
    expect(await leanHeadObject({ ...ctx, agents: undefined }, { Bucket: bucket, Key: key })).toBeUndefined();
  });
});

async function bytesOf(body: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
