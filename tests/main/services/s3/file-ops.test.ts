/**
 * The file manager's engine (s3/file-ops.ts) through the real dispatcher and the suite's S3 server: bulk deletes,
 * delete + undo and restore on a versioned bucket (RGW only), renames and moves that keep bytes and metadata, a
 * failure midway that loses nothing, name clashes, and new folders that the listing shows.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput } from '../../../../src/shared/contract';
import type { Result } from '../../../../src/shared/result';
import { eachLimit } from '../../../../src/main/services/concurrency';
import { HistoryService } from '../../../../src/main/services/history/history-service';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createBucketHandlers } from '../../../../src/main/services/handlers/buckets';
import { BucketService } from '../../../../src/main/services/s3/bucket-service';
import { FileOpsService } from '../../../../src/main/services/s3/file-ops';
import { headObject, SHA256_META } from '../../../../src/main/services/s3/objects';
import { startChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore } from '../transfers/harness';

const info = s3Info();
const raw: S3Client = rawClient(info);
const core = testCore();
const clients = testClients(core, info);
const MiB = 1024 * 1024;
let bucket: string;

/** The contract's commands through the real dispatcher, as the app and browser mode send them. */
const dispatch = createDispatcher(createBucketHandlers(core, new BucketService(core, clients), new FileOpsService(clients)) as unknown as Handlers);
async function run<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
  const res = (await dispatch(name, input)) as Result<CommandOutput<K>>;
  if (!res.ok) throw new Error(`${name} failed: ${res.error.code} ${res.error.message}`);
  return res.value;
}
async function refusal<K extends CommandName>(name: K, input: CommandInput<K>): Promise<string> {
  const res = (await dispatch(name, input)) as Result<CommandOutput<K>>;
  if (res.ok) throw new Error(`${name} was expected to fail`);
  return res.error.code;
}

const put = (key: string, body: string | Buffer, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}, b = bucket) =>
  raw.send(new PutObjectCommand({ Bucket: b, Key: key, Body: body, ...extra }));

async function keysUnder(prefix: string, b = bucket): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await raw.send(new ListObjectsV2Command({ Bucket: b, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

beforeAll(async () => {
  bucket = await freshBucket(raw, 'fileops');
});

afterAll(() => core.cleanup());

describe('delete', () => {
  it('deletes a folder of 2,500 keys (three DeleteObjects batches) and a selection, counting objects and bytes', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `bulk/k${String(i).padStart(4, '0')}.txt`);
    await eachLimit(keys, 16, async (k) => {
      await put(k, 'abcd');
    });
    await put('bulk/', '');
    await put('sel/a.txt', 'a');
    await put('sel/b.txt', 'bb');
    await put('sel/keep.txt', 'c');

    const folder = await run('objects:delete', { profileId: 'test', bucket, keys: ['bulk/'] });
    expect(folder).toMatchObject({ deleted: 2501, bytes: 2500 * 4, failed: [], permanent: true });
    expect(folder.undo).toBeUndefined();
    expect(await keysUnder('bulk/')).toEqual([]);

    // A key that does not exist is left out rather than counted.
    const sel = await run('objects:delete', { profileId: 'test', bucket, keys: ['sel/a.txt', 'sel/b.txt', 'sel/missing.txt'] });
    expect(sel).toMatchObject({ deleted: 2, bytes: 3, permanent: true });
    expect(await keysUnder('sel/')).toEqual(['sel/keep.txt']);
  });

  it('previews a delete for its confirmation: a folder counted object by object, the bytes, and permanence; nothing is deleted', async () => {
    await put('pre/f/a.txt', 'aaaa');
    await put('pre/f/deep/b.txt', 'bb');
    await put('pre/f/', '');
    await put('pre/c.txt', 'c');
    const preview = await run('objects:deletePreview', { profileId: 'test', bucket, keys: ['pre/f/', 'pre/c.txt', 'pre/missing.txt'] });
    // The suite's bucket keeps no versions. The folder's marker counts as one of its objects; a key already gone, as none.
    expect(preview).toEqual({ count: 4, bytes: 7, permanent: true });
    expect(await keysUnder('pre/')).toEqual(['pre/c.txt', 'pre/f/', 'pre/f/a.txt', 'pre/f/deep/b.txt']);
    expect(await refusal('objects:deletePreview', { profileId: 'test', bucket, keys: [`pre/${'x'.repeat(1100)}`] })).toBe('INVALID_INPUT');
  });

  it('refuses a key no object can have (empty, over 1,024 bytes) with a plain error and deletes nothing', async () => {
    await put('bad/x.txt', 'x');
    // The contract's schema refuses an empty key; 600 accented letters pass its count of characters, and the engine
    // counts their 1,204 bytes.
    expect(await refusal('objects:delete', { profileId: 'test', bucket, keys: ['bad/x.txt', ''] })).toBe('INVALID_INPUT');
    expect(await refusal('objects:delete', { profileId: 'test', bucket, keys: ['bad/x.txt', `bad/${'é'.repeat(600)}`] })).toBe('KEY_INVALID');
    expect(await keysUnder('bad/')).toEqual(['bad/x.txt']);
  });

  it('deletes an object whose key holds a control character (another tool made it), beside others in the same request', async () => {
    // S3 Drop never makes such a key, but a listing shows it; DeleteObjects' XML cannot carry the character at all.
    await put('ctl/c\u0001.txt', 'one');
    await put('ctl/plain.txt', 'two');
    expect(await run('objects:deletePreview', { profileId: 'test', bucket, keys: ['ctl/c\u0001.txt', 'ctl/plain.txt'] })).toEqual({ count: 2, bytes: 6, permanent: true });
    expect(await run('objects:delete', { profileId: 'test', bucket, keys: ['ctl/c\u0001.txt', 'ctl/plain.txt'] })).toMatchObject({ deleted: 2, bytes: 6, failed: [] });
    const ctx = await clients.forProfile('test');
    expect(await headObject(ctx, bucket, 'ctl/c\u0001.txt')).toBeUndefined();
    expect(await headObject(ctx, bucket, 'ctl/plain.txt')).toBeUndefined();
  });
});

describe.skipIf(!info.features.versioning)('delete on a versioned bucket (RGW)', () => {
  let vb: string;
  beforeAll(async () => {
    vb = await freshBucket(raw, 'fileops-ver');
    await raw.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
  });

  it('previews a delete on a versioned bucket as not permanent', async () => {
    await put('pv/a.txt', 'a', {}, vb);
    expect(await run('objects:deletePreview', { profileId: 'test', bucket: vb, keys: ['pv/'] })).toEqual({ count: 1, bytes: 1, permanent: false });
  });

  it('adds delete markers only; Undo removes exactly them and the objects are back byte for byte', async () => {
    const bodies = new Map([
      ['docs/a.txt', randomBytes(1000)],
      ['docs/deep/b.bin', randomBytes(70_000)],
      ['docs/c.txt', Buffer.from('c')],
    ]);
    for (const [k, body] of bodies) await put(k, body, {}, vb);
    await put('docs/other.txt', 'deleted before, stays deleted', {}, vb);
    const earlier = await run('objects:delete', { profileId: 'test', bucket: vb, keys: ['docs/other.txt'] });
    expect(earlier.permanent).toBe(false);

    const summary = await run('objects:delete', { profileId: 'test', bucket: vb, keys: ['docs/'] });
    expect(summary).toMatchObject({ deleted: 3, bytes: 71_001, permanent: false, failed: [] });
    expect(summary.undo!.markers.map((m) => m.key).sort()).toEqual([...bodies.keys()].sort());
    expect(await keysUnder('docs/', vb)).toEqual([]);
    const listed = await run('objects:recentlyDeleted', { profileId: 'test', bucket: vb, prefix: 'docs' });
    expect(listed.map((d) => d.key).sort()).toEqual([...bodies.keys(), 'docs/other.txt'].sort());
    expect(listed.find((d) => d.key === 'docs/deep/b.bin')?.size).toBe(70_000);

    const undone = await run('objects:undoDelete', { profileId: 'test', undo: summary.undo! });
    expect(undone).toEqual({ restored: 3, failed: [] });
    expect(await keysUnder('docs/', vb)).toEqual([...bodies.keys()].sort());
    for (const [k, body] of bodies) expect((await getObjectBytes(raw, vb, k)).equals(body)).toBe(true);

    // The earlier delete was not undone, and "Recently deleted" restores it on request.
    const still = await run('objects:recentlyDeleted', { profileId: 'test', bucket: vb, prefix: 'docs/' });
    expect(still.map((d) => d.key)).toEqual(['docs/other.txt']);
    expect(await run('objects:restore', { profileId: 'test', bucket: vb, markers: still.map(({ key, versionId }) => ({ key, versionId })) })).toEqual({ restored: 1, failed: [] });
    expect((await getObjectBytes(raw, vb, 'docs/other.txt')).toString()).toBe('deleted before, stays deleted');
  });

  it('a rename is not a delete: the marker it leaves at the old name stays out of Recently deleted, and a later delete of that name is in it', async () => {
    const history = new HistoryService({ dataDir: core.platform.dataDir, events: core.events, logger: core.logger, file: join(core.platform.dataDir, 'rename-history.sqlite') });
    const ops = new FileOpsService(clients, {}, history);
    try {
      await put('ren/a.txt', 'first', {}, vb);
      await put('ren/gone.txt', 'deleted', {}, vb);
      await ops.delete('test', vb, ['ren/gone.txt']);
      expect(await ops.move('test', vb, 'ren/a.txt', 'ren/b.txt')).toMatchObject({ moved: 1, failed: [] });
      expect((await ops.recentlyDeleted('test', vb, 'ren/')).map((d) => d.key)).toEqual(['ren/gone.txt']);
      // The old name used again, then deleted: that one is a delete, listed and restorable.
      await put('ren/a.txt', 'second', {}, vb);
      await ops.delete('test', vb, ['ren/a.txt']);
      const listed = await ops.recentlyDeleted('test', vb, 'ren/');
      expect(listed.map((d) => d.key).sort()).toEqual(['ren/a.txt', 'ren/gone.txt']);
      await ops.restore('test', vb, listed.filter((d) => d.key === 'ren/a.txt'));
      expect((await getObjectBytes(raw, vb, 'ren/a.txt')).toString()).toBe('second');
      expect((await getObjectBytes(raw, vb, 'ren/b.txt')).toString()).toBe('first');
    } finally {
      history.close();
    }
  });

  it('refuses to remove a version id that is not a delete marker (that would destroy data)', async () => {
    const out = await put('real/x.txt', 'keep me', {}, vb);
    const res = await run('objects:restore', { profileId: 'test', bucket: vb, markers: [{ key: 'real/x.txt', versionId: out.VersionId! }] });
    expect(res.restored).toBe(0);
    expect(res.failed.map((f) => f.error.code)).toEqual(['NOT_DELETED_MARKER']);
    expect((await getObjectBytes(raw, vb, 'real/x.txt')).toString()).toBe('keep me');
  });
});

describe('rename and move', () => {
  const meta = { Metadata: { owner: 'ana', [SHA256_META]: 'not-checked-here' }, ContentType: 'application/x-custom', CacheControl: 'max-age=60' };

  it('renames a 17 MiB object, keeping its bytes, content type and metadata; the old name is gone', async () => {
    const body = randomBytes(17 * MiB);
    const sha = createHash('sha256').update(body).digest('hex');
    await put('big/report.bin', body, { ...meta, Metadata: { owner: 'ana', [SHA256_META]: sha } });
    expect(await run('objects:move', { profileId: 'test', bucket, key: 'big/report.bin', destKey: 'big/renamed.bin' })).toEqual({ moved: 1, bytes: 17 * MiB, failed: [] });
    expect(await keysUnder('big/')).toEqual(['big/renamed.bin']);
    expect((await getObjectBytes(raw, bucket, 'big/renamed.bin')).equals(body)).toBe(true);
    const h = await headObject(raw, bucket, 'big/renamed.bin');
    expect(h).toMatchObject({ contentType: 'application/x-custom', sha256: sha, metadata: { owner: 'ana' } });
  });

  it.skipIf(info.kind === 's3rver')('renames a 17 MiB object part by part (UploadPartCopy, as above 5 GiB; a low threshold keeps it quick), verified the same way', async () => {
    const body = randomBytes(17 * MiB);
    const sha = createHash('sha256').update(body).digest('hex');
    await put('parts/report.bin', body, { ...meta, Metadata: { owner: 'ana', [SHA256_META]: sha } });
    const parted = new FileOpsService(clients, { partCopyThreshold: 5 * MiB, partSize: 5 * MiB });
    expect(await parted.move('test', bucket, 'parts/report.bin', 'parts/renamed.bin')).toEqual({ moved: 1, bytes: 17 * MiB, failed: [] });
    expect(await keysUnder('parts/')).toEqual(['parts/renamed.bin']);
    expect((await getObjectBytes(raw, bucket, 'parts/renamed.bin')).equals(body)).toBe(true);
    expect(await headObject(raw, bucket, 'parts/renamed.bin')).toMatchObject({ contentType: 'application/x-custom', sha256: sha, metadata: { owner: 'ana' } });
  });

  it('moves a folder key by key, its marker and nested keys, into another bucket; an object onto "folder/" keeps its name', async () => {
    const other = await freshBucket(raw, 'fileops-dest');
    const files = { 'album/': '', 'album/a.jpg': 'A', 'album/sub/b.txt': 'BB', 'album/sub/ç ã.txt': 'unicode' };
    for (const [k, v] of Object.entries(files)) await put(k, v, k.endsWith('/') ? {} : meta);
    const res = await run('objects:move', { profileId: 'test', bucket, key: 'album/', destBucket: other, destKey: 'fotos/2026' });
    expect(res).toEqual({ moved: 4, bytes: 1 + 2 + 7, failed: [] });
    expect(await keysUnder('album')).toEqual([]);
    expect(await keysUnder('fotos/', other)).toEqual(['fotos/2026/', 'fotos/2026/a.jpg', 'fotos/2026/sub/b.txt', 'fotos/2026/sub/ç ã.txt']);
    expect((await getObjectBytes(raw, other, 'fotos/2026/sub/ç ã.txt')).toString()).toBe('unicode');
    expect(await headObject(raw, other, 'fotos/2026/sub/b.txt')).toMatchObject({ contentType: 'application/x-custom', metadata: { owner: 'ana' } });

    await put('loose.txt', 'L');
    expect(await run('objects:move', { profileId: 'test', bucket, key: 'loose.txt', destBucket: other, destKey: 'fotos/' })).toMatchObject({ moved: 1 });
    expect(await keysUnder('fotos/loose', other)).toEqual(['fotos/loose.txt']);
  });

  it('a key the destination refuses midway stays at its old name; every other key is at its new name', async () => {
    const keys = ['mid/a.txt', 'mid/b.txt', 'mid/c.txt', 'mid/d.txt'];
    for (const k of keys) await put(k, `body of ${k}`);
    const proxy = await startChaosProxy({
      upstream: info.endpoint,
      faultRate: 1,
      faults: { 'internal-error': 1 },
      eligible: (r) => r.kind === 'CopyObject' && r.key === 'moved/b.txt',
    });
    const seen = testCore();
    try {
      const ops = new FileOpsService(testClients(seen, info, proxy.url));
      const res = await ops.move('test', bucket, 'mid/', 'moved/');
      expect(res.moved).toBe(3);
      expect(res.failed.map((f) => [f.key, f.error.code])).toEqual([['mid/b.txt', 'SERVER_ERROR']]);
    } finally {
      seen.cleanup();
      await proxy.stop();
    }
    expect(await keysUnder('mid/')).toEqual(['mid/b.txt']);
    expect(await keysUnder('moved/')).toEqual(['moved/a.txt', 'moved/c.txt', 'moved/d.txt']);
    for (const k of keys) {
      const at = k === 'mid/b.txt' ? k : k.replace('mid/', 'moved/');
      expect((await getObjectBytes(raw, bucket, at)).toString()).toBe(`body of ${k}`);
    }
  });

  it('deletes the source only once the copy reads back right: a copy whose HEAD shows other bytes leaves the source in place', async () => {
    await put('acked/x.txt', 'only copy');
    // The read-back of the new name answers 200 with no body and no size: the copy is not what was asked for.
    const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 1, faults: { swallow: 1 }, eligible: (r) => r.kind === 'HeadObject' && r.key === 'acked/y.txt' });
    const seen = testCore();
    try {
      // overwrite: the name check would HEAD the new name too; here only the read-back after the copy does.
      const res = await new FileOpsService(testClients(seen, info, proxy.url)).move('test', bucket, 'acked/x.txt', 'acked/y.txt', { overwrite: true });
      expect(res.failed.map((f) => f.error.code)).toEqual(['COPY_NOT_VERIFIED']);
    } finally {
      seen.cleanup();
      await proxy.stop();
    }
    expect((await getObjectBytes(raw, bucket, 'acked/x.txt')).toString()).toBe('only copy');
  });

  it('refuses a name that is taken (NAME_EXISTS) and moves nothing, unless asked to replace; a folder never goes into itself', async () => {
    await put('clash/a.txt', 'new a');
    await put('clash/b.txt', 'new b');
    await put('taken/b.txt', 'old b');
    await put('one.txt', 'one');
    await put('two.txt', 'two');
    expect(await refusal('objects:move', { profileId: 'test', bucket, key: 'clash/', destKey: 'taken/' })).toBe('NAME_EXISTS');
    expect(await refusal('objects:move', { profileId: 'test', bucket, key: 'one.txt', destKey: 'two.txt' })).toBe('NAME_EXISTS');
    expect(await keysUnder('clash/')).toEqual(['clash/a.txt', 'clash/b.txt']);
    expect((await getObjectBytes(raw, bucket, 'taken/b.txt')).toString()).toBe('old b');
    expect((await getObjectBytes(raw, bucket, 'two.txt')).toString()).toBe('two');

    expect(await run('objects:move', { profileId: 'test', bucket, key: 'clash/', destKey: 'taken/', overwrite: true })).toMatchObject({ moved: 2, failed: [] });
    expect((await getObjectBytes(raw, bucket, 'taken/b.txt')).toString()).toBe('new b');
    expect(await refusal('objects:move', { profileId: 'test', bucket, key: 'taken/', destKey: 'taken/inner/' })).toBe('MOVE_INTO_ITSELF');
    // Up into the parent, where one moved key would replace another not yet moved: refused even with overwrite.
    await put('up/a/x.txt', 'outer x');
    await put('up/a/a/x.txt', 'inner x');
    expect(await refusal('objects:move', { profileId: 'test', bucket, key: 'up/a/', destKey: 'up/', overwrite: true })).toBe('NAME_EXISTS');
    expect((await getObjectBytes(raw, bucket, 'up/a/x.txt')).toString()).toBe('outer x');
    expect(await keysUnder('up/')).toEqual(['up/a/a/x.txt', 'up/a/x.txt']);
    expect(await refusal('objects:move', { profileId: 'test', bucket, key: 'nothing-here.txt', destKey: 'x.txt' })).toBe('OBJECT_NOT_FOUND');
  });
});

describe('new folder', () => {
  it('creates a zero-byte "name/" marker that the listing shows as an empty folder; the same name again is NAME_EXISTS', async () => {
    await put('parent/file.txt', 'f');
    expect(await run('objects:newFolder', { profileId: 'test', bucket, prefix: 'parent', name: 'Novos relatórios' })).toEqual({ key: 'parent/Novos relatórios/' });
    const page = await run('objects:list', { profileId: 'test', bucket, prefix: 'parent/' });
    expect(page.entries.map((e) => `${e.kind}:${e.name}`)).toEqual(['folder:Novos relatórios', 'object:file.txt']);
    const inside = await run('objects:list', { profileId: 'test', bucket, prefix: 'parent/Novos relatórios/' });
    expect(inside.entries).toEqual([]);
    expect(await refusal('objects:newFolder', { profileId: 'test', bucket, prefix: 'parent/', name: 'Novos relatórios' })).toBe('NAME_EXISTS');
    expect(await refusal('objects:newFolder', { profileId: 'test', bucket, prefix: 'parent/', name: 'a/b' })).toBe('KEY_INVALID');
    expect(await refusal('objects:newFolder', { profileId: 'test', bucket, prefix: 'parent/', name: '..' })).toBe('KEY_INVALID');
  });
});
