/**
 * The object operations every service shares (s3/objects.ts, s3/copy-object.ts), against the suite's real S3
 * server: one HEAD shape, listings paged and in parallel that agree, batch deletes, server-side copies that keep
 * what a copy must keep, and errors that name the bucket and the endpoint.
 */
import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { eachLimit } from '../../../../src/main/services/concurrency';
import { carriedHeaders, copyObject, moveToTrash } from '../../../../src/main/services/s3/copy-object';
import { deleteObjects, headObject, headObjectRaw, isNotFound, listObjectsPage, listPrefix, listPrefixParallel, SHA256_META, SOURCE_SHA256_META } from '../../../../src/main/services/s3/objects';
import type { S3Context } from '../../../../src/main/services/s3/types';
import { freePort } from '../../../support/s3-server';
import { startChaosProxy, type ChaosProxy } from '../../../support/chaos-proxy';
import { startCountingProxy } from '../../../support/counting-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore } from '../transfers/harness';

const info = s3Info();
const raw: S3Client = rawClient(info);
const core = testCore();
let ctx: S3Context;
let bucket: string;

const MiB = 1024 * 1024;

beforeAll(async () => {
  ctx = await testClients(core, info).forProfile('test');
  bucket = await freshBucket(raw, 'objects');
});

afterAll(() => core.cleanup());

const put = (key: string, body: string | Buffer, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
  raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }));

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

/** Runs `fn` with a context whose requests pass through a chaos proxy (no random faults), then stops it. */
async function throughProxy(fn: (viaProxy: S3Context, proxy: ChaosProxy) => Promise<void>): Promise<void> {
  const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
  const seen = testCore();
  try {
    await fn(await testClients(seen, info, proxy.url).forProfile('test'), proxy);
  } finally {
    seen.cleanup();
    await proxy.stop();
  }
}

describe('headObject', () => {
  it('gives one shape: size, the ETag without quotes, the stored hashes and the metadata; undefined when the key is missing', async () => {
    await put('head/a.csv.gz', 'hello', { ContentType: 'application/gzip', Metadata: { [SHA256_META]: 'abc', [SOURCE_SHA256_META]: 'def', other: 'x' } });
    const h = await headObject(ctx, bucket, 'head/a.csv.gz');
    expect(h).toMatchObject({ key: 'head/a.csv.gz', size: 5, sha256: 'abc', sourceSha256: 'def', contentType: 'application/gzip', metadata: { other: 'x' } });
    expect(h!.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(await headObject(ctx, bucket, 'head/missing')).toBeUndefined();
  });
});

describe('isNotFound', () => {
  it('is true for a missing key, false for a missing bucket, also once mapped to an AppError', () => {
    const noKey = Object.assign(new Error('x'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    const noBucket = Object.assign(new Error('x'), { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    const bareHead404 = Object.assign(new Error('x'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    expect(isNotFound(noKey)).toBe(true);
    expect(isNotFound(bareHead404)).toBe(true);
    expect(isNotFound(new AppError('UNKNOWN', {}, { cause: noKey }))).toBe(true);
    expect(isNotFound(noBucket)).toBe(false);
  });
});

describe('listings', () => {
  // More than one page (1,000 keys) under one sub-prefix, a Hive-style partition, deep keys, keys at the top.
  const keys = [
    ...Array.from({ length: 1005 }, (_, i) => `many/f${String(i).padStart(4, '0')}.txt`),
    'top.txt',
    'in/vendas/dt=2026-11-25/x.csv',
    'in/vendas/dt=2026-11-26/y.csv',
    'in/a.txt',
    'deep/er/still/z.bin',
    'folder-marker/',
  ];

  beforeAll(async () => {
    await eachLimit(keys, 16, async (k) => {
      await put(`tree/${k}`, k.endsWith('/') ? '' : `body of ${k}`);
    });
    await put('tree-sibling.txt', 'not under tree/');
  });

  it('listPrefix pages through everything under the prefix, keys relative to it, folder markers left out', async () => {
    const listed = await listPrefix(ctx, bucket, 'tree/');
    expect([...listed.keys()].sort()).toEqual(keys.filter((k) => !k.endsWith('/')).sort());
    expect(listed.get('top.txt')).toMatchObject({ key: 'top.txt', size: 'body of top.txt'.length });
    expect(listed.get('top.txt')!.etag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('listPrefixParallel finds the same objects, paging from each sub-prefix on its own', async () => {
    const serial = await listPrefix(ctx, bucket, 'tree/');
    await throughProxy(async (viaProxy, proxy) => {
      const parallel = await listPrefixParallel(viaProxy, bucket, 'tree/', undefined, 3);
      expect(new Map([...parallel].sort())).toEqual(new Map([...serial].sort()));
      // One range per sub-prefix the delimiter listing gave (s3rver leaves out deep/, whose keys the range before it finds).
      const ranges = proxy.events().filter((e) => e.kind === 'ListObjects' && e.url.includes('start-after='));
      expect(ranges.length).toBeGreaterThanOrEqual(3);
    });
  });

  it('listPrefixParallel with the keys known from last time cuts ranges between them: no delimiter listing, small first pages, and whatever changed since is still found', async () => {
    const serial = await listPrefix(ctx, bucket, 'tree/');
    // Last time's keys, minus two the bucket has now (new since) and plus one it no longer has (deleted since): the
    // cuts then fall at keys that are gone and around keys nobody knew of, and the listing must not care.
    const known = [...serial.keys()].filter((k) => k !== 'many/f0500.txt' && k !== 'top.txt');
    known.push('many/f0333.gone');
    await throughProxy(async (viaProxy, proxy) => {
      const parallel = await listPrefixParallel(viaProxy, bucket, 'tree/', undefined, 4, { known });
      expect(new Map([...parallel].sort())).toEqual(new Map([...serial].sort()));
      const lists = proxy.events().filter((e) => e.kind === 'ListObjects');
      expect(lists.some((e) => e.url.includes('delimiter='))).toBe(false);
      // About 1,010 known keys make two ranges, not four: a range holds at least a page's worth (1,000) of keys when
      // there are that many. Each first page asks for about as many keys as its range held, not the server's 1,000.
      const firstPages = lists.filter((e) => !e.url.includes('continuation-token='));
      expect(firstPages).toHaveLength(2);
      for (const e of firstPages) expect(Number(/max-keys=(\d+)/.exec(e.url)?.[1])).toBeLessThan(600);
    });
  });

  it('pages go below the SDK on a custom endpoint, and through it for a bare client or a field the lean path does not send', async () => {
    const serial = await listPrefix(ctx, bucket, 'tree/');
    const proxy = await startCountingProxy(info.endpoint);
    const seen = testCore();
    try {
      const viaProxy = await testClients(seen, info, proxy.url).forProfile('test');
      const parallel = await listPrefixParallel(viaProxy, bucket, 'tree/', undefined, 4, { known: [...serial.keys()] });
      expect(new Map([...parallel].sort())).toEqual(new Map([...serial].sort()));
      expect(proxy.stats().byKind.ListObjects).toBeGreaterThanOrEqual(2);
      expect(proxy.stats().viaSdk.ListObjects ?? 0).toBe(0);

      proxy.resetStats();
      const bare = await listPrefix(viaProxy.client, bucket, 'tree/in/');
      expect([...bare.keys()].sort()).toEqual(['a.txt', 'vendas/dt=2026-11-25/x.csv', 'vendas/dt=2026-11-26/y.csv']);
      const owners = await listObjectsPage(viaProxy, { Bucket: bucket, Prefix: 'tree/in/', FetchOwner: true });
      expect(owners.objects.map((o) => o.key).sort()).toEqual(['tree/in/a.txt', 'tree/in/vendas/dt=2026-11-25/x.csv', 'tree/in/vendas/dt=2026-11-26/y.csv']);
      expect(proxy.stats().byKind.ListObjects).toBe(2);
      expect(proxy.stats().viaSdk.ListObjects).toBe(2);
    } finally {
      seen.cleanup();
      await proxy.stop();
    }
  });

  it('lists keys with characters XML and URLs must escape exactly as they were written, serially and in parallel', async () => {
    const odd = ['a b.txt', 'a+b.txt', '100%.txt', '%2F.txt', `x&y<z>"q'.txt`, 'ção/é.txt', '😀.txt', 'sub dir/f.txt', 'tab\tin.txt'];
    await eachLimit(odd, 8, async (k) => {
      await put(`odd/${k}`, k);
    });
    const serial = await listPrefix(ctx, bucket, 'odd/');
    expect([...serial.keys()].sort()).toEqual([...odd].sort());
    expect(serial.get('ção/é.txt')!.size).toBe(Buffer.byteLength('ção/é.txt'));
    const parallel = await listPrefixParallel(ctx, bucket, 'odd/');
    expect(new Map([...parallel].sort())).toEqual(new Map([...serial].sort()));
  });

  it('a listing answer cut off mid-body is asked again, and the listing is whole', async () => {
    const serial = await listPrefix(ctx, bucket, 'tree/');
    await throughProxy(async (viaProxy, proxy) => {
      proxy.injectNext('reset-response', (r) => r.kind === 'ListObjects');
      const again = await listPrefix(viaProxy, bucket, 'tree/');
      expect(new Map([...again].sort())).toEqual(new Map([...serial].sort()));
      expect(proxy.stats().faults['reset-response']).toBe(1);
    });
  });

  it('a web page answering 200 where a listing was expected reads as ENDPOINT_NOT_S3, not as an empty folder', async () => {
    await throughProxy(async (viaProxy, proxy) => {
      proxy.injectNext('html', (r) => r.kind === 'ListObjects');
      const err = await failure(listPrefixParallel(viaProxy, bucket, 'tree/'));
      expect(err?.code).toBe('ENDPOINT_NOT_S3');
    });
  });

  it('deleteObjects removes more than one batch of 1,000 and reports each key', async () => {
    const many = keys.filter((k) => k.startsWith('many/')).map((k) => `tree/${k}`);
    const result = await deleteObjects(ctx, bucket, many);
    expect(result.failed).toEqual([]);
    expect(result.deleted.sort()).toEqual(many.sort());
    expect([...(await listPrefix(ctx, bucket, 'tree/many/')).keys()]).toEqual([]);
  });

  // s3rver has no bucket policies, so nothing can refuse one key of a batch there.
  it.skipIf(info.kind === 's3rver')('deleteObjects reports a key the store refuses with its own reason, and deletes the rest', async () => {
    const b = await freshBucket(raw, 'objdel');
    await raw.send(new PutObjectCommand({ Bucket: b, Key: 'locked/a.txt', Body: 'a' }));
    await raw.send(new PutObjectCommand({ Bucket: b, Key: 'free/b.txt', Body: 'b' }));
    const deny = { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${b}/locked/*` };
    await raw.send(new PutBucketPolicyCommand({ Bucket: b, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [deny] }) }));
    const result = await deleteObjects(ctx, b, ['locked/a.txt', 'free/b.txt']);
    expect(result.deleted).toEqual(['free/b.txt']);
    expect(result.failed.map((f) => [f.key, f.error.code])).toEqual([['locked/a.txt', 'ACCESS_DENIED']]);
    expect(result.failed[0]!.error.message).toContain('s3:DeleteObject');
  });

  it('a missing bucket reads as BUCKET_NOT_FOUND with its name', async () => {
    const err = await failure(listPrefix(ctx, 'no-such-bucket-s3drop-objects', 'x/'));
    expect(err).toBeInstanceOf(AppError);
    expect(err!.code).toBe('BUCKET_NOT_FOUND');
    expect(err!.message).toContain('"no-such-bucket-s3drop-objects"');
  });

  it('a stopped server reads as ENDPOINT_UNREACHABLE naming the profile endpoint as host:port', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const down = testCore();
    try {
      const downCtx = await testClients(down, info, endpoint).forProfile('test');
      const err = await failure(listPrefixParallel(downCtx, bucket, 'x/'));
      expect(err!.code).toBe('ENDPOINT_UNREACHABLE');
      expect(err!.message).toContain(` at ${new URL(endpoint).host}.`);
    } finally {
      down.cleanup();
    }
  });
});

describe('copyObject and moveToTrash', () => {
  it('a single copy keeps the body, content type and metadata, also for a Hive partition key', async () => {
    const body = randomBytes(3000);
    await put('copy/dt=2026-03-05/a.csv', body, { ContentType: 'text/csv; charset=utf-8', Metadata: { [SHA256_META]: 'h1' } });
    expect(await copyObject(ctx, bucket, 'copy/dt=2026-03-05/a.csv', 'copied/dt=2026-03-05/a.csv')).toBe(true);
    expect((await getObjectBytes(raw, bucket, 'copied/dt=2026-03-05/a.csv')).equals(body)).toBe(true);
    expect(await headObject(ctx, bucket, 'copied/dt=2026-03-05/a.csv')).toMatchObject({ contentType: 'text/csv; charset=utf-8', sha256: 'h1' });
  });

  it('a missing source copies nothing and says so; its trash move counts as done', async () => {
    expect(await copyObject(ctx, bucket, 'copy/missing', 'copied/missing')).toBe(false);
    await moveToTrash(ctx, bucket, 'copy/missing', 'trash/missing');
    expect(await headObject(ctx, bucket, 'trash/missing')).toBeUndefined();
  });

  // 11 MiB over a 5 MiB threshold: three parts of 5, 5 and 1 MiB, the smallest S3 allows.
  const big = randomBytes(11 * MiB);
  const small = { partCopyThreshold: 5 * MiB, partSize: 5 * MiB };

  it('a multipart copy carries over type, caching, metadata, storage class and encryption', () => {
    // RGW refuses SSE over plain HTTP and knows only STANDARD, so these two are checked on the request we would send.
    const carried = {
      ContentType: 'text/csv',
      CacheControl: 'max-age=60',
      ContentEncoding: 'identity',
      Metadata: { [SHA256_META]: 'h' },
      StorageClass: 'STANDARD_IA' as const,
      ServerSideEncryption: 'aws:kms' as const,
      SSEKMSKeyId: 'key-1',
    };
    // What a copy must not carry: the size, the ETag and the dates are the new object's own.
    expect(carriedHeaders({ $metadata: {}, ...carried, ContentLength: 9, ETag: '"e"', LastModified: new Date() })).toEqual(carried);
  });

  it.skipIf(info.kind === 's3rver')('above the part-copy threshold the copy goes part by part and keeps the body, type, caching and metadata', async () => {
    await put('big/src.bin', big, { ContentType: 'application/x-test', CacheControl: 'max-age=60', Metadata: { [SHA256_META]: 'big' } });
    const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
    const seen = testCore();
    try {
      const viaProxy = await testClients(seen, info, proxy.url).forProfile('test');
      expect(await copyObject(viaProxy, bucket, 'big/src.bin', 'big/dst.bin', small)).toBe(true);
      expect(proxy.events().filter((e) => e.kind === 'UploadPartCopy' && e.status === 200)).toHaveLength(3);
      expect(proxy.events().some((e) => e.kind === 'CopyObject')).toBe(false);
    } finally {
      seen.cleanup();
      await proxy.stop();
    }
    expect((await getObjectBytes(raw, bucket, 'big/dst.bin')).equals(big)).toBe(true);
    const h = await headObject(ctx, bucket, 'big/dst.bin');
    expect(h).toMatchObject({ size: big.length, contentType: 'application/x-test', sha256: 'big' });
    expect((await headObjectRaw(ctx, bucket, 'big/dst.bin'))?.CacheControl).toBe('max-age=60');
  });

  it.skipIf(info.kind === 's3rver')('moveToTrash of an object above the threshold copies it by parts, then removes the original', async () => {
    await put('big/move.bin', big);
    await moveToTrash(ctx, bucket, 'big/move.bin', '.s3drop-trash/2026-01-01/big/move.bin', small);
    expect(await headObject(ctx, bucket, 'big/move.bin')).toBeUndefined();
    expect((await getObjectBytes(raw, bucket, '.s3drop-trash/2026-01-01/big/move.bin')).equals(big)).toBe(true);
  });

  it.skipIf(!info.features.multipartAdmin)('a multipart copy that fails is aborted: no upload is left behind', async () => {
    await put('big/fail.bin', big);
    const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 1, faults: { 'wrong-region': 1 }, eligible: (r) => r.kind === 'UploadPartCopy' });
    const seen = testCore();
    try {
      const viaProxy = await testClients(seen, info, proxy.url).forProfile('test');
      const err = await failure(copyObject(viaProxy, bucket, 'big/fail.bin', 'big/fail-copy.bin', small));
      expect(err).toBeInstanceOf(AppError);
      expect(err!.code).toBe('WRONG_REGION');
    } finally {
      seen.cleanup();
      await proxy.stop();
    }
    const pending = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'big/' }));
    expect(pending.Uploads ?? []).toEqual([]);
    expect(await headObject(ctx, bucket, 'big/fail-copy.bin')).toBeUndefined();
  });

  it.runIf(info.kind === 's3rver')('s3rver has no UploadPartCopy: the copy fails plainly and creates nothing', async () => {
    // Shows the part-copy path is taken on this server too (the RGW run checks that it works).
    await put('big/s3rver.bin', big);
    const err = await failure(copyObject(ctx, bucket, 'big/s3rver.bin', 'big/s3rver-copy.bin', small));
    expect(err!.code).toBe('NOT_SUPPORTED');
    expect(await headObject(ctx, bucket, 'big/s3rver-copy.bin')).toBeUndefined();
  });
});
