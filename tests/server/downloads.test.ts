/**
 * Browser mode's download route against the real test S3 server: the token, Origin and fetch-metadata checks, the
 * headers for hostile names, single files of several sizes, folder ZIPs read back by an independent reader (and by
 * Python's zipfile where Python is present), a verification mismatch cutting the stream, and the ZIP64 layout on
 * synthetic sizes.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../src/main/services/app-services';
import { createDispatcher, type Handlers } from '../../src/main/services/dispatch';
import { EventBus } from '../../src/main/services/events';
import { silentLogger } from '../../src/main/services/log/logger';
import type { Notice } from '../../src/shared/contract';
import { contentDisposition, ZIP_LOOKAHEAD } from '../../src/server/downloads';
import { startServer, type RunningServer } from '../../src/server/server';
import { centralHeader, dataDescriptor, endRecords, localHeader, planZip } from '../../src/server/zip-writer';
import { DOWNLOAD_PATH } from '../../src/shared/wire';
import { startCountingProxy } from '../support/counting-proxy';
import { missingPrograms } from '../support/programs';
import { readZip } from '../support/zip-reader';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { testClients, testCore, until } from '../main/services/transfers/harness';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const info = s3Info();
const raw = rawClient(info);
const root = mkdtempSync(join(tmpdir(), 's3drop-dl-route-'));
const events = new EventBus();
const notices: Notice[] = [];
let bucket: string;
let core: ReturnType<typeof testCore>;
let server: RunningServer;
let origin: string;

/** The objects of the 'docs/' folder, by their key under it. */
const docs: Record<string, Buffer> = {
  'zero.bin': Buffer.alloc(0),
  'one.bin': randomBytes(1),
  'chunks.bin': randomBytes(3 * MiB + 17),
  'a/b/ação 日本 😀.txt': randomBytes(1234),
  'a/colon:star*.txt': randomBytes(9),
  'CON.txt': randomBytes(5),
};

async function put(key: string, body: Buffer, extra: { metadata?: Record<string, string>; contentType?: string } = {}): Promise<void> {
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(extra.metadata ? { Metadata: extra.metadata } : {}), ...(extra.contentType ? { ContentType: extra.contentType } : {}) }));
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The response ended short or the connection broke: a browser marks such a download failed. */
  cut: boolean;
}

/** One HTTP request, reporting a cut connection instead of throwing. */
function call(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      let cut = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => (cut = true));
      res.on('error', () => (cut = true));
      res.on('close', () => {
        const body = Buffer.concat(chunks);
        const length = res.headers['content-length'];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, cut: cut || !res.complete || (length !== undefined && Number(length) !== body.length) });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What a choice may carry besides its keys: another bucket, an older version. */
interface ChoiceExtra {
  bucket?: string;
  versionId?: string;
}

/** Asks for a link the way the page does (token, own Origin); returns the answer and the link. */
async function ask(keys: string[], headers: Record<string, string> = { authorization: `Bearer ${server.token}`, origin }, extra: ChoiceExtra = {}): Promise<{ status: number; url?: string; error?: { code: string } }> {
  const res = await call(DOWNLOAD_PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ profileId: 'test', bucket, keys, ...extra }) });
  const body = JSON.parse(res.body.toString() || '{}') as { url?: string; error?: { code: string } | string };
  return { status: res.status, ...(body.url ? { url: body.url } : {}), ...(typeof body.error === 'object' ? { error: body.error } : {}) };
}

/** Asks for a link and follows it as a browser's same-origin navigation does. */
async function fetchDownload(keys: string[], extra: ChoiceExtra = {}): Promise<Answer> {
  const { url } = await ask(keys, undefined, extra);
  expect(url).toBeDefined();
  return call(url!, { headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate' } });
}

/** The real name a Content-Disposition carries (its RFC 5987 `filename*`). */
function dispositionName(header: string | string[] | undefined): string {
  const m = /filename\*=UTF-8''([^;]+)/.exec(String(header));
  return decodeURIComponent(m?.[1] ?? '');
}

/** Python's zipfile over the archive, where Python is installed: each name and the SHA-256 of its bytes. */
function pythonZip(zip: Buffer): Record<string, string> | undefined {
  if (missingPrograms(['python3']).length > 0) return undefined;
  const file = join(root, `check-${randomBytes(4).toString('hex')}.zip`);
  writeFileSync(file, zip);
  const script = 'import hashlib,json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))';
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 * MiB })) as Record<string, string>;
}

/** Python's zipfile extracting the archive, where Python is installed: the folders it made that hold nothing. */
function pythonDirs(zip: Buffer): string[] | undefined {
  if (missingPrograms(['python3']).length > 0) return undefined;
  const file = join(root, `dirs-${randomBytes(4).toString('hex')}.zip`);
  writeFileSync(file, zip);
  const out = `${file}.d`;
  const script = 'import os,sys,zipfile\nzipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])\nprint("\\n".join(sorted(os.path.relpath(d,sys.argv[2])+"/" for d,s,f in os.walk(sys.argv[2]) if not s and not f)))';
  return execFileSync('python3', ['-c', script, file, out], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
}

/** What the server needs of the engine: the real S3 clients, and an engine with nothing queued. */
function servicesOver(clients: ReturnType<typeof testClients>): Pick<AppServices, 'dispatch' | 'events' | 'transfers' | 'clients'> {
  return { dispatch: createDispatcher({} as Handlers, silentLogger), events, transfers: { sources: () => [] }, clients } as unknown as Pick<AppServices, 'dispatch' | 'events' | 'transfers' | 'clients'>;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  bucket = await freshBucket(raw, 'dlroute');
  for (const [key, body] of Object.entries(docs)) await put(`docs/${key}`, body);
  core = testCore({}, join(root, 'data'));
  const clients = testClients(core, info);
  events.on('app:notice', (n) => notices.push(n));
  server = await startServer({ services: servicesOver(clients), logger: silentLogger, staticDir: join(root, 'renderer'), dataDir: join(root, 'data'), port: 0 });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  core?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('who may download', () => {
  it('refuses a request without the token (401), with a wrong one (401), and from another Origin (403)', async () => {
    expect((await ask(['docs/one.bin'], { origin })).status).toBe(401);
    expect((await ask(['docs/one.bin'], { authorization: 'Bearer nope', origin })).status).toBe(401);
    expect((await ask(['docs/one.bin'], { authorization: `Bearer ${server.token}`, origin: 'http://evil.example' })).status).toBe(403);
    expect((await ask(['docs/one.bin'], { authorization: `Bearer ${server.token}`, origin, host: 'evil.example' })).status).toBe(421);
  });

  it('a link works once, only for our own site, and an unknown one answers 404', async () => {
    const { url } = await ask(['docs/one.bin']);
    expect((await call(url!, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await call(url!, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    const first = await call(url!, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(first.status).toBe(200);
    expect(first.body.equals(docs['one.bin']!)).toBe(true);
    expect((await call(url!)).status).toBe(404);
    expect((await call(`${DOWNLOAD_PATH}/${'A'.repeat(43)}`)).status).toBe(404);
  });

  it('says why when the choice names nothing, and refuses a malformed choice', async () => {
    const res = await ask(['docs/nothing-here']);
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('OBJECT_NOT_FOUND');
    const bad = await call(DOWNLOAD_PATH, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{"profileId":1}' });
    expect(bad.status).toBe(400);
  });
});

describe('one file', () => {
  it.each(['zero.bin', 'one.bin', 'chunks.bin', 'a/b/ação 日本 😀.txt'])('%s arrives byte for byte as an attachment of the right length', async (key) => {
    const res = await fetchDownload([`docs/${key}`]);
    expect(res.status).toBe(200);
    expect(res.cut).toBe(false);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-length']).toBe(String(docs[key]!.length));
    expect(dispositionName(res.headers['content-disposition'])).toBe(key.split('/').pop());
    expect(res.body.equals(docs[key]!)).toBe(true);
  });

  it('an HTML object comes as octet-stream, never as a page of this origin', async () => {
    await put('page.html', Buffer.from('<script>alert(1)</script>'), { contentType: 'text/html' });
    const res = await fetchDownload(['page.html']);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('a hostile name cannot break the header: quotes, CR/LF, slashes, backslashes, control characters, non-ASCII', () => {
    for (const name of ['a"b.txt', 'x\r\nSet-Cookie: y=1.txt', 'back\\slash/.txt', 'nul\u0000bell\u0007del\u007f.txt', 'ação 日本 😀.txt', "it's (1) *.txt", '%41.txt']) {
      const header = contentDisposition(name);
      // Only printable ASCII, one quoted fallback, and the real name back from filename*.
      expect(header).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!~._-]+$/);
      expect(header.match(/"/g)).toHaveLength(2);
      expect(dispositionName(header)).toBe(name);
    }
  });

  it('a hostile key in the bucket downloads under a safe name, through the real route', async () => {
    const key = 'odd/q"uote\\back:<x>.txt';
    await put(key, Buffer.from('odd'));
    const res = await fetchDownload([key]);
    expect(res.status).toBe(200);
    expect(dispositionName(res.headers['content-disposition'])).toBe('q_uote_back__x_.txt');
  });
});

describe('a folder, or several things, as one ZIP', () => {
  it('keeps the folder structure under the folder’s name, names made safe for Windows and macOS, bytes checked by two readers', async () => {
    const res = await fetchDownload(['docs/']);
    expect(res.status).toBe(200);
    expect(res.cut).toBe(false);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(dispositionName(res.headers['content-disposition'])).toBe('docs.zip');
    const expected = new Map(Object.entries(docs).map(([k, v]) => [`docs/${k}`.replace('colon:star*', 'colon_star_').replace('CON.txt', '_CON.txt'), v]));
    const entries = readZip(res.body);
    expect([...entries.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, bytes] of expected) expect(entries.get(name)!.equals(bytes), name).toBe(true);
    const py = pythonZip(res.body);
    if (py) expect(py).toEqual(Object.fromEntries([...expected].map(([n, b]) => [n, sha(b)])));
  });

  it('several files and a folder make one ZIP named after their common folder', async () => {
    const res = await fetchDownload(['docs/one.bin', 'docs/zero.bin', 'docs/a']);
    expect(dispositionName(res.headers['content-disposition'])).toBe('docs.zip');
    const entries = readZip(res.body);
    expect([...entries.keys()].sort()).toEqual(['a/b/ação 日本 😀.txt', 'a/colon_star_.txt', 'one.bin', 'zero.bin']);
  });
});

describe('empty folders in a ZIP', () => {
  it('a folder marker (name/, zero bytes) becomes a directory entry, so an empty folder survives the round trip', async () => {
    await put('tree/file.txt', Buffer.from('f'));
    await put('tree/empty/', Buffer.alloc(0));
    await put('tree/sub/deeper/', Buffer.alloc(0));
    const res = await fetchDownload(['tree/']);
    expect(res.status).toBe(200);
    expect(res.cut).toBe(false);
    const entries = readZip(res.body);
    expect([...entries.keys()].sort()).toEqual(['tree/empty/', 'tree/file.txt', 'tree/sub/deeper/']);
    expect(entries.get('tree/empty/')!.length).toBe(0);
    // Unzipped by another reader, the markers are folders on disk, not files.
    const py = pythonDirs(res.body);
    if (py) expect(py).toEqual(['tree/empty/', 'tree/sub/deeper/']);
  });

  it('a folder marker holding bytes is a directory entry and, beside it, a file with those bytes: the ZIP is whole', async () => {
    await put('zm/top/a.txt', Buffer.from('a'));
    await put('zm/top/m/', Buffer.from('hello'));
    await put('zm/top/z.txt', Buffer.from('z'));
    const res = await fetchDownload(['zm/top/']);
    expect(res.status).toBe(200);
    expect(res.cut).toBe(false);
    const entries = readZip(res.body);
    expect([...entries.keys()].sort()).toEqual(['top/a.txt', 'top/m (1)', 'top/m/', 'top/z.txt']);
    expect(entries.get('top/m (1)')!.toString()).toBe('hello');
    expect(entries.get('top/z.txt')!.toString()).toBe('z');
  });

  it('a folder holding only its own marker downloads as a ZIP of that one empty folder', async () => {
    await put('lonely/', Buffer.alloc(0));
    const res = await fetchDownload(['lonely/']);
    expect(res.status).toBe(200);
    expect(dispositionName(res.headers['content-disposition'])).toBe('lonely.zip');
    expect([...readZip(res.body).keys()]).toEqual(['lonely/']);
  });
});

describe.skipIf(!info.features.versioning)('an older version (RGW)', () => {
  it('downloads the version the link names, as the object’s own name, byte for byte; several keys are refused', async () => {
    const vb = await freshBucket(raw, 'dlroute-ver');
    await raw.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = randomBytes(3 * MiB + 5);
    const v1Id = (await raw.send(new PutObjectCommand({ Bucket: vb, Key: 'docs/report.pdf', Body: v1 }))).VersionId;
    await raw.send(new PutObjectCommand({ Bucket: vb, Key: 'docs/report.pdf', Body: randomBytes(1000) }));
    const res = await fetchDownload(['docs/report.pdf'], { bucket: vb, versionId: v1Id! });
    expect(res.status).toBe(200);
    expect(res.cut).toBe(false);
    expect(dispositionName(res.headers['content-disposition'])).toBe('report.pdf');
    expect(res.body.equals(v1)).toBe(true);
    const refused = await ask(['docs/report.pdf', 'docs/'], undefined, { bucket: vb, versionId: v1Id! });
    expect(refused.status).toBe(400);
    expect(refused.error?.code).toBe('VERSION_NEEDS_ONE_FILE');
  });
});

describe('verification while streaming', () => {
  // The object claims a SHA-256 its bytes do not have: a damaged copy in the bucket, or bytes changed in transit.
  const bad = randomBytes(200_000);

  it('a single file whose bytes do not match its stored SHA-256 is cut short, never completed', async () => {
    await put('bad/one.bin', bad, { metadata: { 's3drop-sha256': '0'.repeat(64) } });
    notices.length = 0;
    const res = await fetchDownload(['bad/one.bin']);
    expect(res.status).toBe(200);
    expect(res.cut).toBe(true);
    expect(res.body.length).toBeLessThan(bad.length);
    // The page hears why (the browser's own list only says "failed").
    await until(() => notices.some((n) => n.error?.code === 'DOWNLOAD_MISMATCH'), 'the mismatch notice');
  });

  it('the same file with its right SHA-256 completes', async () => {
    await put('good/one.bin', bad, { metadata: { 's3drop-sha256': sha(bad) } });
    const res = await fetchDownload(['good/one.bin']);
    expect(res.cut).toBe(false);
    expect(res.body.equals(bad)).toBe(true);
  });

  it('an object replaced between the link and the download is refused, not mixed (If-Match)', async () => {
    await put('changing.bin', randomBytes(100));
    const { url } = await ask(['changing.bin']);
    await put('changing.bin', randomBytes(100));
    notices.length = 0;
    const res = await call(url!);
    expect(res.status).toBe(502);
    expect(res.headers['content-disposition']).toBeUndefined();
    await until(() => notices.some((n) => n.error?.code === 'OBJECT_CHANGED'), 'the changed-object notice');
  });

  it('a ZIP whose first object changed after the link was made answers an error status, not a cut-short archive', async () => {
    await put('first-changed/a.bin', randomBytes(100));
    await put('first-changed/b.bin', randomBytes(100));
    const { url } = await ask(['first-changed/']);
    await put('first-changed/a.bin', randomBytes(100));
    notices.length = 0;
    const res = await call(url!);
    expect(res.status).toBe(502);
    expect(res.headers['content-disposition']).toBeUndefined();
    await until(() => notices.some((n) => n.error?.code === 'OBJECT_CHANGED'), 'the changed-object notice');
  });

  it('a ZIP with a mismatched entry stops before its central directory', async () => {
    await put('bad/two.bin', randomBytes(10));
    const res = await fetchDownload(['bad/']);
    expect(res.cut).toBe(true);
    expect(() => readZip(res.body)).toThrow();
  });
});

describe('a browser that goes away', () => {
  it('stops the S3 read at once, and fetches nothing past the few GETs sent ahead', async () => {
    const proxy = await startCountingProxy(info.endpoint);
    const own = await startServer({ services: servicesOver(testClients(core, info, proxy.url)), logger: silentLogger, staticDir: join(root, 'renderer'), dataDir: join(root, 'data-gone'), port: 0 });
    try {
      // Far more than the sockets between S3, the server and this client buffer: the first read is still running.
      await put('gone/first.bin', randomBytes(24 * MiB));
      for (let i = 0; i < 10; i++) await put(`gone/small-${i}.bin`, randomBytes(10));
      const res = await fetch(`http://127.0.0.1:${own.port}${DOWNLOAD_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${own.token}` }, body: JSON.stringify({ profileId: 'test', bucket, keys: ['gone/'] }) });
      const { url } = (await res.json()) as { url: string };
      proxy.resetStats();
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: own.port, path: url }, (r) => {
          // The first bytes are in: the browser goes away.
          r.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.once('error', reject);
        req.end();
      });
      await until(() => proxy.stats().cutShort >= 1, 'the S3 read to be cut');
      // The big object and at most ZIP_LOOKAHEAD sent ahead of it: the other small ones are never asked for.
      expect(proxy.stats().byKind.GetObject).toBeLessThanOrEqual(1 + ZIP_LOOKAHEAD);
    } finally {
      await own.close();
      await proxy.stop();
    }
  });
});

describe('ZIP64, on synthetic sizes', () => {
  it('small archives use no ZIP64 record at all', () => {
    const plan = planZip([{ name: 'a.txt', size: 10 }]);
    expect(plan.placed[0]!.bigSize).toBe(false);
    expect(localHeader(plan.placed[0]!).readUInt16LE(4)).toBe(20);
    expect(endRecords(1, plan.cdOffset, plan.cdSize)).toHaveLength(22);
  });

  it('an entry of 4 GiB or more gets ZIP64 sizes in its local header, descriptor and central header', () => {
    const plan = planZip([{ name: 'big.bin', size: 5 * GiB }, { name: 'after.txt', size: 3 }]);
    const [big, after] = plan.placed;
    expect(big!.bigSize).toBe(true);
    const local = localHeader(big!);
    expect(local.readUInt32LE(18)).toBe(0xffffffff);
    expect(local.readUInt16LE(30 + 7)).toBe(1); // the ZIP64 extra field's id, after the name
    const desc = dataDescriptor(big!, 0x1234);
    expect(desc).toHaveLength(24);
    expect(Number(desc.readBigUInt64LE(16))).toBe(5 * GiB);
    const central = centralHeader(big!, 0x1234);
    expect(central.readUInt32LE(24)).toBe(0xffffffff);
    expect(Number(central.readBigUInt64LE(46 + 7 + 4 + 8))).toBe(5 * GiB);
    // The entry after it starts past 4 GiB: its offset goes to the extra field, its size stays classic.
    expect(after!.offset).toBeGreaterThan(0xffffffff);
    const c2 = centralHeader(after!, 0);
    expect(c2.readUInt32LE(42)).toBe(0xffffffff);
    expect(c2.readUInt32LE(24)).toBe(3);
    expect(Number(c2.readBigUInt64LE(46 + 9 + 4))).toBe(after!.offset);
    // And the directory itself sits past 4 GiB: the end has the ZIP64 record and locator.
    const end = endRecords(2, plan.cdOffset, plan.cdSize);
    expect(end.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(end.readBigUInt64LE(48))).toBe(plan.cdOffset);
    expect(end.readUInt32LE(56)).toBe(0x07064b50);
    expect(end.readUInt32LE(end.length - 22 + 16)).toBe(0xffffffff);
    expect(plan.total).toBe(plan.cdOffset + plan.cdSize + end.length);
  });

  it('65,535 entries or more: a real archive that both readers open, with its count in the ZIP64 end record', () => {
    const n = 65_536;
    const plan = planZip(Array.from({ length: n }, (_, i) => ({ name: `f/${i}.txt`, size: 0 })));
    const parts: Buffer[] = [];
    for (const p of plan.placed) parts.push(localHeader(p), dataDescriptor(p, 0));
    for (const p of plan.placed) parts.push(centralHeader(p, 0));
    const end = endRecords(n, plan.cdOffset, plan.cdSize);
    expect(end.readUInt16LE(end.length - 22 + 8)).toBe(0xffff);
    parts.push(end);
    const zip = Buffer.concat(parts);
    expect(zip.length).toBe(plan.total);
    const entries = readZip(zip);
    expect(entries.size).toBe(n);
    const py = pythonZip(zip);
    if (py) expect(Object.keys(py)).toHaveLength(n);
  });
});
