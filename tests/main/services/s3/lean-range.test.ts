/**
 * Ranged GETs read off raw sockets (lean-range.ts): the bytes of a real store's ranges, in order, through a consumer
 * that pauses the socket; kept-alive sockets reused, and one the server closed meanwhile replaced without a failure;
 * every answer it does not read (an error, chunked, the wrong length, a web page) left unread for the SDK; a body cut
 * short failing as a network error; a header value that would break the request refused. The scripted answers come
 * from a small HTTP server of the test's own, since no real store answers them on demand.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanGetRange, type RangeTarget } from '../../../../src/main/services/s3/lean-range';
import type { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import type { S3Context } from '../../../../src/main/services/s3/types';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore, testResolver } from '../transfers/harness';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { S3ClientFactory as Factory } from '../../../../src/main/services/s3/client-factory';
import { makeCertificates, startTlsFront } from '../profiles/tls-tools';

const info = s3Info();
const core = testCore();

/** A consumer that keeps every byte, pausing the socket on every other read (as a download does while it writes). */
function collector(): RangeTarget & { bytes(): Buffer; heads: Record<string, string>[] } {
  const chunks: Buffer[] = [];
  const heads: Record<string, string>[] = [];
  let n = 0;
  return {
    heads,
    onHead: (h) => void heads.push(h),
    consume: (b) => {
      chunks.push(Buffer.from(b));
      return n++ % 2 === 0 ? new Promise<void>((r) => setTimeout(r, 1)) : undefined;
    },
    bytes: () => Buffer.concat(chunks),
  };
}

describe.runIf(info.aws)('as Amazon S3 (S3DROP_TEST_S3=aws-proxy)', () => {
  it('leaves the ranges to the SDK', async () => {
    const clients = testClients(core, info);
    try {
      expect(await leanGetRange(await clients.forProfile('test'), { Bucket: 'b', Key: 'k', start: 0, end: 5 }, collector())).toBeUndefined();
    } finally {
      clients.invalidate();
    }
  });
});

// A custom endpoint: the store itself (the AWS-behaviour run's profiles have none).
describe.runIf(!info.aws)('against the store', () => {
  let clients: S3ClientFactory;
  let ctx: S3Context;
  let bucket: string;
  const body = randomBytes(3 * 1024 * 1024 + 17);

  beforeAll(async () => {
    clients = testClients(core, info);
    ctx = await clients.forProfile('test');
    bucket = await freshBucket(rawClient(info), 'range');
    await rawClient(info).send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/a b+ü.bin', Body: body }));
  });
  afterAll(() => clients?.invalidate());

  it('reads each range byte for byte, in order, with the answer headers', async () => {
    // (Not bytes=0-0: s3rver answers it with the whole object, which this path then rightly leaves to the SDK.)
    for (const [start, end] of [
      [7, 8],
      [5, 1024 * 1024 + 5],
      [body.length - 100, body.length],
      [0, body.length],
    ] as const) {
      const c = collector();
      const headers = await leanGetRange(ctx, { Bucket: bucket, Key: 'dir/a b+ü.bin', start, end }, c);
      expect(headers?.etag, `${start}-${end}`).toBeTruthy();
      expect(c.heads).toHaveLength(1);
      expect(c.bytes().equals(body.subarray(start, end))).toBe(true);
    }
  });

  it('reads the body straight into the room space() gives, in reads larger than its own buffer, byte for byte', async () => {
    // As a download's batch: filled in place, emptied (paused) once 1 MiB is in it.
    const batch = Buffer.alloc(1024 * 1024 + 64 * 1024);
    const out: Buffer[] = [];
    let fill = 0;
    let inPlace = 0;
    let copied = 0;
    let largest = 0;
    const target: RangeTarget = {
      space: () => batch.subarray(fill),
      consume: (b) => {
        if (b.buffer === batch.buffer && b.byteOffset === batch.byteOffset + fill) inPlace += b.length;
        else {
          b.copy(batch, fill);
          copied += b.length;
        }
        largest = Math.max(largest, b.length);
        fill += b.length;
        if (fill < 1024 * 1024) return undefined;
        out.push(Buffer.from(batch.subarray(0, fill)));
        fill = 0;
        return new Promise<void>((r) => setTimeout(r, 1));
      },
    };
    const headers = await leanGetRange(ctx, { Bucket: bucket, Key: 'dir/a b+ü.bin', start: 3, end: body.length }, target);
    out.push(Buffer.from(batch.subarray(0, fill)));
    expect(headers?.etag).toBeTruthy();
    expect(Buffer.concat(out).equals(body.subarray(3))).toBe(true);
    // Only what came with the answer's head (one socket read at most) was copied.
    expect(copied).toBeLessThanOrEqual(64 * 1024);
    expect(inPlace).toBe(body.length - 3 - copied);
    expect(largest).toBeGreaterThan(64 * 1024);
  });

  it.runIf(info.kind !== 's3rver')('leaves a failed If-Match (412) unread for the SDK to map', async () => {
    const c = collector();
    const headers = await leanGetRange(ctx, { Bucket: bucket, Key: 'dir/a b+ü.bin', IfMatch: '"0123456789abcdef0123456789abcdef"', start: 0, end: 10 }, c);
    expect(headers).toBeUndefined();
    expect(c.bytes().length).toBe(0);
  });
});

describe('over TLS', () => {
  it('reads through a gateway signed by the company CA; behind a proxy it leaves the ranges to the SDK', async () => {
    const certs = makeCertificates();
    const front = await startTlsFront(info.endpoint, certs);
    const bucket = await freshBucket(rawClient(info), 'range-tls');
    const body = randomBytes(200_000);
    await rawClient(info).send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: body }));
    const resolver = (extra: object) => ({ resolve: async (id: string) => ({ ...(await testResolver(info, front.endpoint).resolve(id)), caBundle: certs.ca, ...extra }) });
    const direct = new Factory(core, resolver({}));
    const proxied = new Factory(core, resolver({ proxyEnv: { HTTPS_PROXY: 'http://127.0.0.1:9' } }));
    try {
      const c = collector();
      expect(await leanGetRange(await direct.forProfile('test'), { Bucket: bucket, Key: 'k', start: 100, end: 150_000 }, c)).toBeDefined();
      expect(c.bytes().equals(body.subarray(100, 150_000))).toBe(true);
      expect(await leanGetRange(await proxied.forProfile('test'), { Bucket: bucket, Key: 'k', start: 100, end: 150_000 }, collector())).toBeUndefined();
    } finally {
      direct.invalidate();
      proxied.invalidate();
      await front.close();
    }
  });
});

/** What the scripted server does with one request, given the connection's count of earlier ones. */
type Script = (socket: Socket, nth: number) => void;

describe('scripted answers', () => {
  let server: Server;
  let script: Script;
  let connections = 0;
  const open = new Set<Socket>();
  let ctx: S3Context;
  let clients: S3ClientFactory;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      let nth = 0;
      let buffered = '';
      socket.on('data', (d) => {
        buffered += d.toString('latin1');
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          script(socket, nth++);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    clients = testClients(core, info, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    ctx = await clients.forProfile('test');
  });
  afterAll(async () => {
    clients?.invalidate();
    for (const s of open) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const ok = (body: string, extra = '') => `HTTP/1.1 206 Partial Content\r\nETag: "e"\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;
  const get = (key: string, end = 5, target = collector()) => leanGetRange(ctx, { Bucket: 'b', Key: key, start: 0, end }, target).then((h) => ({ h, bytes: target.bytes().toString() }));

  it('reuses a kept-alive socket, and replaces one the server closed meanwhile without failing', async () => {
    clients.invalidate();
    ctx = await clients.forProfile('test');
    script = (s) => s.write(ok('hello'));
    connections = 0;
    expect((await get('k1')).bytes).toBe('hello');
    expect((await get('k2')).bytes).toBe('hello');
    expect(connections).toBe(1);
    // The server drops each connection at its second request, as one that closed an idle socket as it was reused.
    script = (s, nth) => (nth === 0 ? s.write(ok('hello')) : s.destroy());
    expect((await get('k3')).bytes).toBe('hello');
    expect(connections).toBe(2);
    // A new socket that closes before answering is a failure, not asked again.
    script = (s) => s.destroy();
    clients.invalidate();
    ctx = await clients.forProfile('test');
    await expect(get('k4')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('leaves to the SDK, unread, every answer it does not take', async () => {
    for (const answer of [
      'HTTP/1.1 503 Slow Down\r\nContent-Length: 5\r\n\r\nerror',
      'HTTP/1.1 206 Partial Content\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world',
      'HTTP/1.1 206 Partial Content\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n<html',
      'HTTP/1.1 301 Moved\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n',
    ]) {
      script = (s) => s.write(answer);
      const r = await get('k');
      expect(r.h, answer).toBeUndefined();
      expect(r.bytes, answer).toBe('');
    }
  });

  it('fails a body cut short as a network error, and one longer than asked', async () => {
    script = (s) => s.end('HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\n\r\nhel');
    await expect(get('k')).rejects.toMatchObject({ code: 'ECONNRESET' });
    script = (s) => s.write(ok('hello') + 'extra bytes');
    await expect(get('k')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('fails with what onHead throws, and refuses a header value that would break the request', async () => {
    script = (s) => s.write(ok('hello'));
    const target = { ...collector(), onHead: () => { throw new Error('changed'); } };
    await expect(get('k', 5, target)).rejects.toThrow('changed');
    expect(await leanGetRange(ctx, { Bucket: 'b', Key: 'k', IfMatch: '"e"\r\nx-evil: 1', start: 0, end: 5 }, collector())).toBeUndefined();
  });

  it('fails with what consume throws (never an uncaught error), and reads a header named __proto__ as a header', async () => {
    script = (s) => s.write(ok('hello'));
    const failing = { ...collector(), consume: () => { throw new Error('disk gone'); } };
    await expect(get('k', 5, failing)).rejects.toThrow('disk gone');
    script = (s) => s.write(ok('hello', '__proto__: x\r\n'));
    const r = await get('k');
    expect(r.bytes).toBe('hello');
    expect(Object.hasOwn(r.h!, '__proto__') && r.h!['__proto__']).toBe('x');
  });

  it('ends with the abort when the transfer is paused mid-body', async () => {
    script = (s) => s.write('HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\n\r\nhe');
    const ac = new AbortController();
    const reason = Object.assign(new Error('paused'), { name: 'AbortError' });
    setTimeout(() => ac.abort(reason), 50);
    await expect(leanGetRange(ctx, { Bucket: 'b', Key: 'k', start: 0, end: 5 }, collector(), ac.signal)).rejects.toBe(reason);
  });
});
