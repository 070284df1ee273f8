/** Downloads through the engine from the real test server: sizes, names, folders, hostile keys, verification, policies. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createTransferHandlers } from '../../../../src/main/services/handlers/transfers';
import { localNames, planDownloads } from '../../../../src/main/services/transfers/download-plan';
import { Journal } from '../../../../src/main/services/transfers/journal';
import { safeRelativePath } from '../../../../src/main/services/transfers/local-names';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { missingPrograms } from '../../../support/programs';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore, until } from './harness';

// A rename onto one name fails (as when a folder took that name meanwhile), so a download can fail for good
// deterministically after its part file was written; every other name renames as usual.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const rename: typeof real.rename = async (from, to) => {
    if (String(to).endsWith('rename-refused.txt')) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, rename '${String(from)}'`), { code: 'EISDIR' });
    return real.rename(from, to);
  };
  return { ...real, rename, default: { ...real, rename } };
});

const MiB = 1024 * 1024;
const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-down-'));
let bucket: string;
let core: ReturnType<typeof testCore>;
let engine: TransferService;
let clients: ReturnType<typeof testClients>;

/** Every file under a folder, as '/'-separated paths relative to it. */
function filesIn(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { isFile(): boolean; name: string; parentPath: string }[])
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

async function put(key: string, body: Buffer, metadata?: Record<string, string>): Promise<void> {
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }));
}

/**
 * How a multipart object without s3drop-sha256 can be checked: by size where its ETag is a multipart one ('…-2', AWS
 * and RGW); s3rver gives it the MD5 of the whole content instead, and that MD5 is then checked.
 */
async function multipartCheck(key: string): Promise<'size' | 'md5'> {
  const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return (head.ETag ?? '').includes('-') ? 'size' : 'md5';
}

/** Plans and runs a download of `keys` into `folder`; returns the final snapshots and the names made safe. */
async function download(keys: string[], folder: string) {
  const ctx = await clients.forProfile('test');
  const plan = await planDownloads(ctx, { profileId: 'test', bucket, keys, folder });
  const ids = engine.enqueueDownloads(plan.requests);
  return { snaps: await engine.waitFor(ids), renamed: plan.renamed, requests: plan.requests };
}

beforeAll(async () => {
  bucket = await freshBucket(raw, 'down');
  core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 16, partConcurrency: 3 });
  clients = testClients(core, info);
  engine = new TransferService(core, clients, { retry: { attempts: 2, baseMs: 10, maxMs: 50 }, fileRestarts: 1 });
  await engine.start();
});

afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('a folder downloads byte for byte', () => {
  it('0 B, 1 B, 5 MiB-1, a 17 MiB object in ranges, unicode and spaces, nested folders; the folder keeps its name', async () => {
    const objects: Record<string, Buffer> = {
      'zero.bin': Buffer.alloc(0),
      'one.bin': randomBytes(1),
      'five-minus.bin': randomBytes(5 * MiB - 1),
      'nested/deeper/ação  café 日本 😀 (1).txt': randomBytes(1234),
      'nested/with spaces.csv': randomBytes(77),
    };
    for (const [k, b] of Object.entries(objects)) await put(`rt/photos/${k}`, b);
    // The big one goes up through the engine, so it carries the app's SHA-256 and is verified by it.
    const big = randomFile(work, 'big.bin', 17 * MiB);
    const [up] = engine.enqueue([{ localPath: big.path, profileId: 'test', bucket, key: 'rt/photos/big.bin' }]);
    expect((await engine.waitFor([up!]))[0]?.state).toBe('done');
    objects['big.bin'] = big.bytes;

    const folder = join(work, 'rt');
    const { snaps, renamed } = await download(['rt/photos/'], folder);
    expect(renamed).toEqual([]);
    for (const s of snaps) {
      expect(s.error).toBeUndefined();
      expect(s.state).toBe('done');
      expect(s.direction).toBe('download');
    }
    expect(snaps.find((s) => s.key === 'rt/photos/big.bin')?.partsTotal).toBe(4);
    // The engine's upload carries the SHA-256; a plain PUT's ETag is the MD5.
    expect(snaps.map((s) => [s.key, s.verifiedBy])).toContainEqual(['rt/photos/big.bin', 'sha256']);
    expect(snaps.map((s) => [s.key, s.verifiedBy])).toContainEqual(['rt/photos/one.bin', 'md5']);
    expect(filesIn(folder)).toEqual(Object.keys(objects).map((k) => `photos/${k}`).sort());
    for (const [k, b] of Object.entries(objects)) expect(readFileSync(join(folder, 'photos', ...k.split('/'))).equals(b)).toBe(true);
  });

  it('a single key downloads as its own name; a key that is neither object nor folder is refused before anything is queued', async () => {
    const folder = join(work, 'single');
    const body = randomBytes(300);
    await put('one/level/file.txt', body);
    const { snaps } = await download(['one/level/file.txt'], folder);
    expect(snaps[0]?.state).toBe('done');
    expect(readFileSync(join(folder, 'file.txt')).equals(body)).toBe(true);
    // Without the trailing slash a folder is still found.
    await download(['one/level'], join(work, 'nos'));
    expect(filesIn(join(work, 'nos'))).toEqual(['level/file.txt']);
    const before = engine.list().transfers.length;
    await expect(download(['one/level/file.txt', 'no/such/thing'], join(work, 'none'))).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    expect(engine.list().transfers.length).toBe(before);
  });
});

describe('hostile and awkward keys', () => {
  it('keys with .. and empty segments stay inside the folder, and are reported', async ({ skip }) => {
    // The SDK would resolve '..' in the URL path; sent escaped, the store takes it as part of the key (RGW does).
    const sly = rawClient(info);
    sly.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { path?: string };
        if (req.path) req.path = req.path.replace(/\/\.\.(?=\/)/g, '/%2E%2E');
        return next(args);
      },
      { step: 'finalizeRequest', name: 'escapeDotSegments' },
    );
    for (const k of ['evil/../../escape.txt', 'evil/a/../../../../etc/passwd-copy', 'evil//abs.txt', 'evil/./dot.txt', 'evil/fine.txt']) {
      await sly.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k })).catch(() => undefined);
    }
    const folder = join(work, 'evil-target');
    const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['evil/'], folder });
    const tricky = plan.requests.map((r) => r.key).filter((k) => /\.\.|\/\/|\/\.\//.test(k));
    // s3rver keeps objects as files named by their keys, so it cannot hold these keys at all; RGW can.
    if (tricky.length === 0) skip();
    for (const r of plan.requests) expect(r.localPath.startsWith(folder + sep)).toBe(true);
    const snaps = await engine.waitFor(engine.enqueueDownloads(plan.requests));
    for (const s of snaps) expect(s.state).toBe('done');
    // Nothing landed beside the folder, above it, or in /etc.
    expect(readdirSync(work).filter((n) => n.startsWith('escape'))).toEqual([]);
    expect(existsSync(join(work, 'etc'))).toBe(false);
    for (const f of filesIn(folder)) expect(f.startsWith('evil/')).toBe(true);
    expect(plan.renamed.filter((r) => r.reason === 'unsafe' || r.reason === 'dropped').map((r) => r.key).sort()).toEqual(tricky.sort());
    expect(plan.renamed.filter((r) => r.reason === 'dropped').map((r) => r.key).sort()).toEqual(tricky.filter((k) => !k.includes('..')).sort());
  });

  it('names are made safe without touching the server: .., absolute, control characters, Windows names, over-long', () => {
    expect(safeRelativePath('../../etc/x', 'linux')).toEqual({ rel: '__/__/etc/x', reason: 'unsafe' });
    expect(safeRelativePath('/etc/x', 'linux')).toEqual({ rel: 'etc/x', reason: 'unsafe' });
    // A '.' or empty part names no folder: it is left out, and said so (not "pointed outside").
    expect(safeRelativePath('d/./x.txt', 'linux')).toEqual({ rel: 'd/x.txt', reason: 'dropped' });
    expect(safeRelativePath('a//b', 'linux')).toEqual({ rel: 'a/b', reason: 'dropped' });
    expect(safeRelativePath('d/.', 'linux')).toEqual({ rel: 'd', reason: 'dropped' });
    expect(safeRelativePath('a/b.txt', 'linux')).toEqual({ rel: 'a/b.txt' });
    expect(safeRelativePath('a/x\u0000y', 'linux')).toEqual({ rel: 'a/x_y', reason: 'control' });
    // An escape sequence and a newline would reach a terminal through `ls`, and upload refuses them.
    expect(safeRelativePath('c/evil\u001b[31mRED\u001b[0m\nfake\r\u007f.txt', 'linux')).toEqual({ rel: 'c/evil_[31mRED_[0m_fake__.txt', reason: 'control' });
    expect(safeRelativePath('c\tx/y.txt', 'win32')).toEqual({ rel: 'c_x/y.txt', reason: 'control' });
    expect(safeRelativePath('a:b/c?.txt', 'linux')).toEqual({ rel: 'a:b/c?.txt' });
    expect(safeRelativePath('a:b/c?.txt', 'win32')).toEqual({ rel: 'a_b/c_.txt', reason: 'windows' });
    expect(safeRelativePath('d/CON', 'win32')).toEqual({ rel: 'd/_CON', reason: 'windows' });
    expect(safeRelativePath('d/nul.txt', 'win32')).toEqual({ rel: 'd/_nul.txt', reason: 'windows' });
    expect(safeRelativePath('d/trail. ', 'win32')).toEqual({ rel: 'd/trail__', reason: 'windows' });
    expect(safeRelativePath('d\\..\\x', 'win32').rel).toBe('d_.._x');
    const long = safeRelativePath(`${'é'.repeat(200)}.jpeg`, 'linux');
    expect(long.reason).toBe('long');
    expect(Buffer.byteLength(long.rel)).toBeLessThanOrEqual(240);
    expect(long.rel.endsWith('.jpeg')).toBe(true);
    expect(() => safeRelativePath('//', 'linux')).toThrow(AppError);
  });

  it('keys with control characters (an escape sequence, a newline) download under names without them, reported', async () => {
    const key = 'esc/evil\u001b[31mRED\u001b[0m\nfake 2026-01-01  1 line.txt';
    await put(key, Buffer.from('esc'));
    const folder = join(work, 'esc');
    const { renamed, snaps } = await download(['esc/'], folder);
    expect(snaps.map((s) => s.state)).toEqual(['done']);
    expect(filesIn(folder)).toEqual(['esc/evil_[31mRED_[0m_fake 2026-01-01  1 line.txt']);
    expect(renamed).toEqual([{ key, path: join(folder, 'esc', 'evil_[31mRED_[0m_fake 2026-01-01  1 line.txt'), reason: 'control' }]);
  });

  it('a file whose local name is a folder another key needs gets a keep-both name, whichever comes first', () => {
    const items = ['d/..', 'd/../../esc2.txt', 'd/.', 'd/x.txt'].map((key) => ({ key, rel: key, size: 1, etag: 'e' }));
    expect(localNames(items, 'linux', (p) => p)).toEqual([
      { rel: 'd/__ (1)', reason: 'clash' },
      { rel: 'd/__/__/esc2.txt', reason: 'unsafe' },
      { rel: 'd (1)', reason: 'clash' },
      { rel: 'd/x.txt' },
    ]);
    // A folder marker's folder counts too, and a case-blind disk folds names before comparing.
    const marked = [
      { key: 'm/Pics', rel: 'm/Pics', size: 1, etag: 'e' },
      { key: 'm/pics/', rel: 'm/pics/', size: 0, etag: 'e', folder: true as const },
    ];
    expect(localNames(marked, 'darwin', (p) => p.toLowerCase())).toEqual([{ rel: 'm/Pics (1)', reason: 'clash' }, { rel: 'm/pics' }]);
  });

  it('an object named as a folder beside that folder (mv onto an existing folder) downloads as both', async ({ skip }) => {
    await put('mv/moved/pic.txt', Buffer.from('pic'));
    await put('mv/moved', Buffer.from('file'));
    // s3rver keeps objects as files named by their keys and lists these two out of order; RGW and S3 do not.
    const listed = (await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'mv/' }))).Contents?.map((o) => o.Key);
    if (listed?.join() !== 'mv/moved,mv/moved/pic.txt') skip();
    const folder = join(work, 'mv');
    const { snaps, renamed } = await download(['mv/'], folder);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done']);
    expect(filesIn(folder)).toEqual(['mv/moved (1)', 'mv/moved/pic.txt']);
    expect(readFileSync(join(folder, 'mv', 'moved (1)'), 'utf8')).toBe('file');
    expect(renamed).toEqual([{ key: 'mv/moved', path: join(folder, 'mv', 'moved (1)'), reason: 'clash' }]);
    expect(readdirSync(join(folder, 'mv')).filter((n) => n.endsWith('.s3drop-part'))).toEqual([]);
  });

  it('a folder marker holding bytes becomes its folder and, beside it, a file with its bytes, reported', async () => {
    await put('zm/top/a.txt', Buffer.from('a'));
    await put('zm/top/m/', Buffer.from('hello'));
    await put('zm/top/z.txt', Buffer.from('z'));
    const folder = join(work, 'zm');
    const { snaps, renamed } = await download(['zm/top'], folder);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done', 'done']);
    expect(filesIn(folder)).toEqual(['top/a.txt', 'top/m (1)', 'top/z.txt']);
    expect(readFileSync(join(folder, 'top', 'm (1)'), 'utf8')).toBe('hello');
    expect(renamed).toEqual([{ key: 'zm/top/m/', path: join(folder, 'top', 'm (1)'), reason: 'marker' }]);
  });

  it('on Windows, two keys that become one name keep both files', async () => {
    await put('clash/a:b.txt', Buffer.from('colon'));
    await put('clash/a_b.txt', Buffer.from('underscore'));
    const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['clash/'], folder: join(work, 'win'), platform: 'win32' });
    const names = plan.requests.map((r) => relative(join(work, 'win'), r.localPath).split(sep).join('/')).sort();
    expect(names).toEqual(['clash/a_b (1).txt', 'clash/a_b.txt']);
    expect(plan.renamed.map((r) => [r.key, r.reason])).toEqual([
      ['clash/a:b.txt', 'windows'],
      ['clash/a_b.txt', 'clash'],
    ]);
  });
});

describe('verification and the existing-file choice', () => {
  it('an object whose stored SHA-256 does not match its bytes fails after retrying, and leaves no file at all', async () => {
    await put('bad/liar.bin', randomBytes(2048), { 's3drop-sha256': '0'.repeat(64) });
    const folder = join(work, 'bad');
    const { snaps } = await download(['bad/liar.bin'], folder);
    expect(snaps[0]?.state).toBe('failed');
    expect(snaps[0]?.error?.code).toBe('DOWNLOAD_MISMATCH');
    expect(existsSync(folder) ? filesIn(folder) : []).toEqual([]);
  });

  it('in ranges too: the hash follows the ranges as they land, a lying SHA-256 never succeeds, and an MD5 ETag is checked', async () => {
    // Above the 16 MiB threshold: fetched in 5 MiB ranges, three at a time, so they land out of order.
    await put('bad/big-liar.bin', randomBytes(17 * MiB), { 's3drop-sha256': '0'.repeat(64) });
    const liarFolder = join(work, 'bad-big');
    const liar = await download(['bad/big-liar.bin'], liarFolder);
    expect(liar.snaps[0]?.state).toBe('failed');
    expect(liar.snaps[0]?.error?.code).toBe('DOWNLOAD_MISMATCH');
    expect(existsSync(liarFolder) ? filesIn(liarFolder) : []).toEqual([]);

    const body = randomBytes(17 * MiB + 3);
    await put('ranges/plain.bin', body);
    const { snaps } = await download(['ranges/plain.bin'], join(work, 'ranges'));
    expect(snaps[0]?.state).toBe('done');
    expect(snaps[0]?.partsTotal).toBe(4);
    expect(snaps[0]?.verifiedBy).toBe(await multipartCheck('ranges/plain.bin'));
    expect(readFileSync(join(work, 'ranges', 'plain.bin')).equals(body)).toBe(true);
  });

  it('a download that failed for good removes its part file (a whole-object one journals nothing to resume)', async () => {
    await put('refused/rename-refused.txt', Buffer.from('bytes'));
    await put('refused/fine.txt', Buffer.from('fine'));
    const folder = join(work, 'refused');
    const { snaps } = await download(['refused/'], folder);
    expect(snaps.map((s) => [s.key, s.state, s.error?.code])).toEqual([
      ['refused/fine.txt', 'done', undefined],
      ['refused/rename-refused.txt', 'failed', 'FOLDER_NOT_WRITABLE'],
    ]);
    expect(readdirSync(join(folder, 'refused'))).toEqual(['fine.txt']);
  });

  it('an existing file is replaced, kept beside, or skipped when identical, as the setting says', async () => {
    const body = randomBytes(5000);
    await put('exist/report.pdf', body);
    const folder = join(work, 'exist');
    const local = join(folder, 'report.pdf');

    await download(['exist/report.pdf'], folder);
    writeFileSync(local, 'old contents');
    core.settings.update({ existingAction: 'keep-both' });
    await download(['exist/report.pdf'], folder);
    expect(readFileSync(local, 'utf8')).toBe('old contents');
    expect(readFileSync(join(folder, 'report (1).pdf')).equals(body)).toBe(true);

    core.settings.update({ existingAction: 'skip-identical' });
    writeFileSync(local, body);
    const skipped = await download(['exist/report.pdf'], folder);
    expect(skipped.snaps[0]?.state).toBe('skipped');
    writeFileSync(local, 'different');
    const replaced = await download(['exist/report.pdf'], folder);
    expect(replaced.snaps[0]?.state).toBe('done');
    expect(readFileSync(local).equals(body)).toBe(true);

    core.settings.update({ existingAction: 'overwrite' });
    writeFileSync(local, 'stale');
    await download(['exist/report.pdf'], folder);
    expect(readFileSync(local).equals(body)).toBe(true);
    expect(filesIn(folder)).toEqual(['report (1).pdf', 'report.pdf']);
  });
});

describe('through the dispatcher, and the queue controls', () => {
  it('transfers:download answers the ids and the renamed names; a bad payload is refused in plain words', async () => {
    const dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
    await put('disp/a.txt', Buffer.from('a'));
    const folder = join(work, 'disp');
    const ok = await dispatch('transfers:download', { source: { profileId: 'test', bucket, keys: ['disp/'] }, folder });
    expect(ok).toMatchObject({ ok: true, value: { renamed: [] } });
    const ids = (ok as { value: { ids: string[] } }).value.ids;
    expect((await engine.waitFor(ids)).map((s) => s.state)).toEqual(['done']);
    expect(readFileSync(join(folder, 'disp', 'a.txt'), 'utf8')).toBe('a');
    expect(await dispatch('transfers:download', { source: { profileId: 'test', bucket, keys: [] }, folder })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch('transfers:download', { source: { profileId: 'test', bucket, keys: ['disp/none'] }, folder })).toMatchObject({
      ok: false,
      error: { code: 'OBJECT_NOT_FOUND' },
    });
  });

  it('folder markers (name/, as New folder and the S3 console make them) become empty local folders, never files', async () => {
    const dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
    await put('mk/tree/file.txt', Buffer.from('f'));
    await put('mk/tree/empty/', Buffer.alloc(0));
    await put('mk/tree/sub/deeper/', Buffer.alloc(0));
    // A folder that holds nothing but its own marker is still a folder to download.
    await put('mk/alone/', Buffer.alloc(0));
    const folder = join(work, 'mk');
    const res = await dispatch('transfers:download', { source: { profileId: 'test', bucket, keys: ['mk/tree/', 'mk/alone/'] }, folder });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const ids = (res as { value: { ids: string[] } }).value.ids;
    expect((await engine.waitFor(ids)).map((s) => s.state)).toEqual(['done']);
    expect(filesIn(folder)).toEqual(['tree/file.txt']);
    for (const dir of [['tree', 'empty'], ['tree', 'sub', 'deeper'], ['alone']]) expect(statSync(join(folder, ...dir)).isDirectory(), dir.join('/')).toBe(true);
  });

  it('pause keeps the fetched ranges, resume finishes byte for byte, cancel leaves no part file', async () => {
    const body = randomBytes(20 * MiB);
    await put('ctl/big.bin', body);
    core.settings.update({ bandwidthLimitKiBps: 4 * 1024 });
    try {
      const folder = join(work, 'ctl');
      const ctx = await clients.forProfile('test');
      const plan = await planDownloads(ctx, { profileId: 'test', bucket, keys: ['ctl/big.bin'], folder });
      const [id] = engine.enqueueDownloads(plan.requests);
      await until(() => (engine.get(id!)?.partsDone ?? 0) >= 1, 'a fetched range');
      // The same file asked for again while it downloads is the same transfer, not a second writer of its part file.
      expect(engine.enqueueDownloads(plan.requests)).toEqual([id]);
      engine.pause(id);
      await until(() => engine.get(id!)?.state === 'paused', 'paused');
      const partFile = join(folder, 'big.bin.s3drop-part');
      expect(existsSync(partFile)).toBe(true);
      expect(existsSync(join(folder, 'big.bin'))).toBe(false);
      core.settings.update({ bandwidthLimitKiBps: 0 });
      engine.resume(id);
      expect((await engine.waitFor([id!]))[0]?.state).toBe('done');
      expect(readFileSync(join(folder, 'big.bin')).equals(body)).toBe(true);
      expect(existsSync(partFile)).toBe(false);

      core.settings.update({ bandwidthLimitKiBps: 4 * 1024 });
      const again = await planDownloads(ctx, { profileId: 'test', bucket, keys: ['ctl/big.bin'], folder: join(work, 'ctl2') });
      const [id2] = engine.enqueueDownloads(again.requests);
      await until(() => (engine.get(id2!)?.partsDone ?? 0) >= 1, 'a fetched range');
      await engine.cancel(id2!);
      expect(engine.get(id2!)?.state).toBe('cancelled');
      expect(existsSync(join(work, 'ctl2'))).toBe(true);
      expect(filesIn(join(work, 'ctl2'))).toEqual([]);
    } finally {
      core.settings.update({ bandwidthLimitKiBps: 0 });
    }
  });

  it('an object replaced while it downloads ends as one whole version, never a mix, and the download succeeds', async () => {
    // 6 ranges, 3 at a time: ranges that start after the replacement must notice it (If-Match, or a 416 while the
    // store rewrites it) and the download starts over; a slow PUT may instead let the old version finish whole.
    const original = randomBytes(30 * MiB);
    await put('swap/x.bin', original);
    core.settings.update({ bandwidthLimitKiBps: 4 * 1024 });
    try {
      const plan = await planDownloads(await clients.forProfile('test'), { profileId: 'test', bucket, keys: ['swap/x.bin'], folder: join(work, 'swap') });
      const [id] = engine.enqueueDownloads(plan.requests);
      await until(() => (engine.get(id!)?.partsDone ?? 0) >= 1, 'a fetched range');
      const replacement = randomBytes(30 * MiB);
      await put('swap/x.bin', replacement);
      core.settings.update({ bandwidthLimitKiBps: 0 });
      const [snap] = await engine.waitFor([id!]);
      expect(snap?.state, JSON.stringify(snap?.error)).toBe('done');
      const got = readFileSync(join(work, 'swap', 'x.bin'));
      expect(got.equals(replacement) || got.equals(original)).toBe(true);
    } finally {
      core.settings.update({ bandwidthLimitKiBps: 0 });
    }
  });

  it('a multipart object without the app\'s hash (as the AWS CLI leaves it) is checked by size, and downloads', async () => {
    const a = randomBytes(5 * MiB);
    const b = randomBytes(1234);
    const { UploadId } = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'cli/mp.bin' }));
    const parts = [];
    for (const [i, body] of [a, b].entries()) {
      const out = await raw.send(new UploadPartCommand({ Bucket: bucket, Key: 'cli/mp.bin', UploadId, PartNumber: i + 1, Body: body }));
      parts.push({ PartNumber: i + 1, ETag: out.ETag });
    }
    await raw.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'cli/mp.bin', UploadId, MultipartUpload: { Parts: parts } }));
    const { snaps } = await download(['cli/mp.bin'], join(work, 'mp'));
    expect(snaps[0]?.state).toBe('done');
    expect(snaps[0]?.verifiedBy).toBe(await multipartCheck('cli/mp.bin'));
    expect(readFileSync(join(work, 'mp', 'mp.bin')).equals(Buffer.concat([a, b]))).toBe(true);
  });
});

describe('objects other tools uploaded', () => {
  /** A folder with one file above the AWS CLI's 8 MiB multipart threshold and one small file; returns the bytes by name. */
  function toolFolder(name: string): { dir: string; files: Record<string, Buffer> } {
    const dir = join(work, name);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const files = { 'big.bin': randomBytes(9 * MiB + 5), 'sub/small.txt': randomBytes(100) };
    for (const [rel, b] of Object.entries(files)) writeFileSync(join(dir, ...rel.split('/')), b);
    return { dir, files };
  }

  async function expectRoundTrip(prefix: string, files: Record<string, Buffer>): Promise<void> {
    const folder = join(work, `${prefix}-down`);
    const { snaps } = await download([`${prefix}/`], folder);
    for (const s of snaps) expect(s.state, JSON.stringify(s.error)).toBe('done');
    for (const [rel, b] of Object.entries(files)) expect(readFileSync(join(folder, prefix, ...rel.split('/'))).equals(b)).toBe(true);
    expect(snaps.find((s) => s.key === `${prefix}/big.bin`)?.verifiedBy).toBe(await multipartCheck(`${prefix}/big.bin`));
    expect(snaps.find((s) => s.key === `${prefix}/sub/small.txt`)?.verifiedBy).toBe('md5');
  }

  it.skipIf(missingPrograms(['aws']).length > 0)('the AWS CLI (a multipart ETag and a single-part one)', async () => {
    const { dir, files } = toolFolder('awscli-up');
    const config = join(work, 'aws-config');
    writeFileSync(config, `[default]\nregion = ${info.region}\ns3 =\n  addressing_style = path\n`);
    const env = { PATH: process.env.PATH, HOME: work, AWS_ACCESS_KEY_ID: info.accessKeyId, AWS_SECRET_ACCESS_KEY: info.secretAccessKey, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'), AWS_PAGER: '' };
    execFileSync('aws', ['--endpoint-url', info.endpoint, 's3', 'cp', '--recursive', '--only-show-errors', dir, `s3://${bucket}/awscli/`], { env, timeout: 120_000 });
    await expectRoundTrip('awscli', files);
  });

  it.skipIf(missingPrograms(['rclone']).length > 0)('rclone', async () => {
    const { dir, files } = toolFolder('rclone-up');
    const env = {
      PATH: process.env.PATH,
      HOME: work,
      RCLONE_CONFIG: join(work, 'rclone.conf'),
      RCLONE_CONFIG_T_TYPE: 's3',
      RCLONE_CONFIG_T_PROVIDER: 'Other',
      RCLONE_CONFIG_T_ACCESS_KEY_ID: info.accessKeyId,
      RCLONE_CONFIG_T_SECRET_ACCESS_KEY: info.secretAccessKey,
      RCLONE_CONFIG_T_ENDPOINT: info.endpoint,
      RCLONE_CONFIG_T_REGION: info.region,
      RCLONE_CONFIG_T_FORCE_PATH_STYLE: 'true',
      RCLONE_S3_UPLOAD_CUTOFF: '5M',
      RCLONE_S3_CHUNK_SIZE: '5M',
    };
    execFileSync('rclone', ['copy', dir, `t:${bucket}/rclone`], { env, timeout: 120_000 });
    await expectRoundTrip('rclone', files);
  });
});

describe('the journal from before downloads', () => {
  it('opens unchanged, and its rows are uploads', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3drop-oldjournal-'));
    const file = join(dir, 'journal.sqlite');
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE transfers (
      id TEXT PRIMARY KEY, seq INTEGER NOT NULL, local_path TEXT NOT NULL, profile_id TEXT NOT NULL, bucket TEXT NOT NULL,
      key TEXT NOT NULL, options TEXT, priority INTEGER NOT NULL DEFAULT 0, origin TEXT, state TEXT NOT NULL,
      size INTEGER NOT NULL DEFAULT 0, mtime_ms REAL NOT NULL DEFAULT 0, sha256 TEXT, upload_id TEXT, part_size INTEGER,
      created_at INTEGER NOT NULL, finished_at INTEGER, error TEXT);
      INSERT INTO transfers (id, seq, local_path, profile_id, bucket, key, state, created_at) VALUES ('old', 1, '/x/a.txt', 'p', 'b', 'a.txt', 'queued', 1);`);
    db.close();
    const { journal } = Journal.open(file);
    const [row] = journal.all();
    expect(row?.id).toBe('old');
    expect(row?.direction).toBeUndefined();
    journal.put({ ...row!, id: 'new', seq: 2, direction: 'download', etag: 'abc', versionId: 'v1' });
    expect(journal.all()[1]).toMatchObject({ id: 'new', direction: 'download', etag: 'abc', versionId: 'v1' });
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
