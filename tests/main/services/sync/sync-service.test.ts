import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { trashDate, trashKeys } from '../../../../src/main/services/sync/executor';
import { IndexDb } from '../../../../src/main/services/sync/index-db';
import type { SyncPairInput } from '../../../../src/main/services/sync/pair-store';
import { getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { makeHarness, pairInput, tempFolder, until, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const pair = (folder: string, bucket: string, extra: Partial<SyncPairInput> = {}): SyncPairInput => pairInput(folder, bucket, 'backup', extra);

const text = async (hh: Harness, key: string) => (await getObjectBytes(rawClient(), hh.bucket, key)).toString();
const has = async (hh: Harness, key: string) => (await hh.keys()).includes(key);
/** The prefixes of the object listings the proxy saw, in order (a versioning GET is not one). */
const prefixesListed = (hh: Harness) => hh.proxy.events().flatMap((e) => (e.kind === 'ListObjects' && e.url.includes('list-type=2') ? [new URL(e.url, 'http://x').searchParams.get('prefix') ?? ''] : []));

describe('sync service (real folder, real watcher, real S3 server)', () => {
  it('uploads adds and edits, moves deletes to the trash, treats an atomic save as one change and ignores temp files', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    mkdirSync(join(dir, 'dir'));
    writeFileSync(join(dir, 'a.txt'), 'one');
    writeFileSync(join(dir, 'dir', 'b.txt'), 'two');
    writeFileSync(join(dir, 'junk.tmp'), 'temp');
    writeFileSync(join(dir, '~$report.docx'), 'lock');
    const status = await h.sync.add(pair(dir, h.bucket, { mode: 'mirror', brakeShare: 0.5, stableMs: 300 }));
    const id = status.config.id;
    await until(async () => (await h!.keys()).length === 2 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    expect(await h.keys()).toEqual(['backup/a.txt', 'backup/dir/b.txt']);

    writeFileSync(join(dir, 'a.txt'), 'one, edited');
    writeFileSync(join(dir, 'c.txt'), 'three');
    writeFileSync(join(dir, 'more.swp'), 'swap');
    await until(async () => (await has(h!, 'backup/c.txt')) && (await text(h!, 'backup/a.txt')) === 'one, edited', 'edit and add');

    // An editor's atomic save: write a temp file, rename it over the original.
    const putsBefore = h.puts('backup/a.txt');
    writeFileSync(join(dir, 'a.txt.s3drop-new'), 'saved atomically');
    renameSync(join(dir, 'a.txt.s3drop-new'), join(dir, 'a.txt'));
    await until(async () => (await text(h!, 'backup/a.txt')) === 'saved atomically', 'atomic save');

    unlinkSync(join(dir, 'dir', 'b.txt'));
    const trashKey = `backup/.s3drop-trash/${trashDate(new Date())}/dir/b.txt`;
    await until(async () => (await h!.keys()).includes(trashKey), 'delete to trash');
    await until(() => h!.sync.list()[0]!.state === 'up-to-date', 'idle');
    const keys = await h.keys();
    expect(keys).toEqual(['backup/.s3drop-trash/' + trashDate(new Date()) + '/dir/b.txt', 'backup/a.txt', 'backup/c.txt']);
    expect(await text(h, trashKey)).toBe('two');
    expect(h.puts('backup/a.txt') - putsBefore).toBe(1);
    expect(h.puts('a.txt.s3drop-new')).toBe(0);

    // Removing the pair forgets it locally and leaves the bucket as it is.
    await h.sync.remove(id);
    expect(h.sync.list()).toEqual([]);
    expect(existsSync(join(h.dataDir, 'sync', `${id}.sqlite`))).toBe(false);
    expect(await h.keys()).toEqual(keys);
  });

  it('pairs added at the same moment are all kept in pairs.json, and come back after a restart', async () => {
    h = await makeHarness(s3Info());
    const folders = [tempFolder(), tempFolder(), tempFolder()];
    const added = await Promise.all(folders.map((dir, i) => h!.sync.add(pairInput(dir, h!.bucket, `parallel-${i}`))));
    const ids = added.map((st) => st.config.id).sort();
    const saved = JSON.parse(readFileSync(join(h.dataDir, 'sync', 'pairs.json'), 'utf8')) as { pairs: { config: { id: string } }[] };
    expect(saved.pairs.map((p) => p.config.id).sort()).toEqual(ids);
    const sync = await h.restart();
    await sync.start();
    expect(sync.list().map((st) => st.config.id).sort()).toEqual(ids);
  });

  it('uploads a file appended every 100 ms for 5 s once, after it is stable', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'seed.txt'), 'seed');
    await h.sync.add(pair(dir, h.bucket));
    await until(async () => has(h!, 'backup/seed.txt'), 'seed');
    const file = join(dir, 'grow.log');
    for (let i = 0; i < 50; i++) {
      appendFileSync(file, `line ${i}\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const expected = Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join('');
    await until(async () => (await has(h!, 'backup/grow.log')) && h!.sync.list()[0]!.state === 'up-to-date', 'grow.log uploaded', 20_000);
    expect(await text(h, 'backup/grow.log')).toBe(expected);
    expect(h.puts('backup/grow.log')).toBe(1);
  });

  it('a file that changes while it uploads is uploaded again: the final object equals the final file', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'seed.txt'), 'seed');
    await h.sync.add(pair(dir, h.bucket, { stableMs: 200 }));
    await until(async () => (await has(h!, 'backup/seed.txt')) && h!.sync.list()[0]!.state === 'up-to-date', 'seed');
    // A slow link keeps the upload in flight while the file changes.
    h.proxy.configure({ latencyMs: 1500 });
    writeFileSync(join(dir, 'live.txt'), 'version 1');
    await until(() => h!.sync.list()[0]!.state === 'syncing', 'upload started');
    writeFileSync(join(dir, 'live.txt'), 'version 2, written during the upload');
    h.proxy.configure({ latencyMs: 0 });
    await until(async () => (await has(h!, 'backup/live.txt')) && (await text(h!, 'backup/live.txt')) === 'version 2, written during the upload', 'final content');
    await until(() => h!.sync.list()[0]!.state === 'up-to-date', 'settled');
    expect(await text(h, 'backup/live.txt')).toBe('version 2, written during the upload');
  });

  it('after a restart with no changes uploads nothing and lists the prefix at most once; the CLI path twice uploads nothing', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, `f${i}.txt`), `file ${i}`);
    await h.sync.add(pair(dir, h.bucket, { stableMs: 200 }));
    await until(async () => (await h!.keys()).length === 20 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    const puts = h.puts();
    const lists = h.listings();
    const sync = await h.restart();
    await sync.start();
    await until(() => sync.list()[0]?.state === 'up-to-date', 'restart settles');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.puts()).toBe(puts);
    expect(h.listings() - lists).toBeLessThanOrEqual(1);

    const cli = pair(dir, h.bucket, { target: { profileId: 'test', bucket: h.bucket, prefix: 'cli' } });
    const first = await sync.syncOnce(cli);
    expect(first.uploaded).toBe(20);
    const afterFirst = h.puts();
    const second = await sync.syncOnce(cli);
    expect(second).toMatchObject({ uploaded: 0, skipped: 20, failed: 0, deleted: 0 });
    expect(h.puts()).toBe(afterFirst);
  });

  it('a restart whose folder snapshot is gone does a full pass: a file edited while it was closed is uploaded at once', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'first');
    writeFileSync(join(dir, 'b.txt'), 'b');
    await h.sync.add(pair(dir, h.bucket, { stableMs: 200 }));
    await until(async () => (await has(h!, 'backup/a.txt')) && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    const sync = await h.restart();
    const snapshots = readdirSync(join(h.dataDir, 'sync')).filter((f) => f.endsWith('.snapshot'));
    expect(snapshots).toHaveLength(1);
    rmSync(join(h.dataDir, 'sync', snapshots[0]!));
    writeFileSync(join(dir, 'a.txt'), 'edited while closed');
    await sync.start();
    // Without the snapshot nothing tells the watcher what changed meanwhile; only a full pass finds the edit.
    await until(async () => (await text(h!, 'backup/a.txt')) === 'edited while closed', 'the edit made while closed is uploaded');
  });

  it('mirror: the brake trips at 60% deleted and waits for confirmation; deletes then go to the trash', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    for (const n of ['a', 'b', 'c', 'd', 'e']) writeFileSync(join(dir, `${n}.txt`), n);
    const { config } = await h.sync.add(pair(dir, h.bucket, { mode: 'mirror', stableMs: 600_000 }));
    await until(async () => (await h!.keys()).length === 5 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    for (const n of ['a', 'b', 'c']) unlinkSync(join(dir, `${n}.txt`));
    // The app's preview says the sync would stop there, before the sync does.
    expect(await h.sync.preview(config.id)).toMatchObject({ upload: 0, delete: 3, brake: { count: 3, share: 0.6 } });
    await h.sync.syncNow(config.id);
    const st = h.sync.list()[0]!;
    expect(st.state).toBe('needs-confirmation');
    expect(st.error?.code).toBe('SYNC_BRAKE');
    expect(st.error?.params).toMatchObject({ count: 3, percent: 60 });
    expect((await h.keys()).filter((k) => !k.includes('.s3drop-trash'))).toHaveLength(5);
    await h.sync.confirmDeletes(config.id);
    expect(h.sync.list()[0]!.state).not.toBe('needs-confirmation');
    const keys = await h.keys();
    expect(keys.filter((k) => !k.includes('.s3drop-trash'))).toEqual(['backup/d.txt', 'backup/e.txt']);
    expect(keys.filter((k) => k.includes('.s3drop-trash'))).toHaveLength(3);
  });

  it('mirror: a file deleted twice the same day keeps both trashed copies (a full pass, as "Sync now" and the CLI run it)', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'keep.txt'), 'keep');
    writeFileSync(join(dir, 'f9.txt'), 'v1');
    const { config } = await h.sync.add(pair(dir, h.bucket, { mode: 'mirror', brakeShare: 1, stableMs: 600_000 }));
    await until(async () => (await h!.keys()).length === 2 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    const day = `backup/.s3drop-trash/${trashDate(new Date())}/`;
    unlinkSync(join(dir, 'f9.txt'));
    await h.sync.syncNow(config.id);
    writeFileSync(join(dir, 'f9.txt'), 'v2');
    await h.sync.syncNow(config.id);
    unlinkSync(join(dir, 'f9.txt'));
    await h.sync.syncNow(config.id);
    expect(await h.keys()).toEqual([`${day}f9 (1).txt`, `${day}f9.txt`, 'backup/keep.txt']);
    expect(await text(h, `${day}f9.txt`)).toBe('v1');
    expect(await text(h, `${day}f9 (1).txt`)).toBe('v2');
  });

  it("mirror: the watcher's pass looks at today's trash before it moves a delete there, and keeps what is in it", async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'keep.txt'), 'keep');
    writeFileSync(join(dir, 'w.txt'), 'new');
    const day = `backup/.s3drop-trash/${trashDate(new Date())}/`;
    // An earlier delete of the same name today, and a file whose own name is the next free one.
    await rawClient().send(new PutObjectCommand({ Bucket: h.bucket, Key: `${day}w.txt`, Body: 'old' }));
    await h.sync.add(pair(dir, h.bucket, { mode: 'mirror', brakeShare: 1, stableMs: 300 }));
    await until(async () => (await h!.keys()).length === 3 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    const listed = prefixesListed(h).length;
    unlinkSync(join(dir, 'w.txt'));
    await until(async () => (await h!.keys()).includes(`${day}w (1).txt`), 'delete to trash');
    // One listing of the day's trash folder, not a full pass's listing of the whole prefix.
    expect(prefixesListed(h).slice(listed)).toEqual([day]);
    expect(await text(h, `${day}w.txt`)).toBe('old');
    expect(await text(h, `${day}w (1).txt`)).toBe('new');
  });

  it("trash names: a taken name gets keep-both's (n), never one another delete of the pass goes to", () => {
    const t = (k: string) => `.s3drop-trash/2026-12-03/${k}`;
    expect(trashKeys(['a.txt', 'a (1).txt', 'b', 'c.txt'], '2026-12-03', [t('a.txt'), t('b'), t('a (2).txt')])).toEqual([t('a (3).txt'), t('a (1).txt'), t('b (1)'), t('c.txt')]);
  });

  it('mirror: an emptied or missing folder (unmounted drive) stops the pass and deletes nothing', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'b.txt'), 'b');
    const { config } = await h.sync.add(pair(dir, h.bucket, { mode: 'mirror', brakeShare: 1, stableMs: 600_000 }));
    await until(async () => (await h!.keys()).length === 2 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    unlinkSync(join(dir, 'a.txt'));
    unlinkSync(join(dir, 'b.txt'));
    await expect(h.sync.syncNow(config.id)).rejects.toMatchObject({ code: 'SYNC_FOLDER_MISSING' });
    rmSync(dir, { recursive: true });
    await expect(h.sync.syncNow(config.id)).rejects.toMatchObject({ code: 'SYNC_FOLDER_MISSING' });
    expect(h.sync.list()[0]!.error?.code).toBe('SYNC_FOLDER_MISSING');
    expect(await h.keys()).toEqual(['backup/a.txt', 'backup/b.txt']);
  });

  it('mirror: a failed upload in the pass blocks its deletes', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    for (const n of ['a', 'b', 'c', 'd', 'e']) writeFileSync(join(dir, `${n}.txt`), n);
    const { config } = await h.sync.add(pair(dir, h.bucket, { mode: 'mirror', brakeShare: 1, stableMs: 600_000 }));
    await until(async () => (await h!.keys()).length === 5 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    unlinkSync(join(dir, 'e.txt'));
    writeFileSync(join(dir, 'bad.bin'), 'this upload fails');
    h.proxy.configure({ faultRate: 1, faults: { 'internal-error': 1 }, eligible: (r) => (r.kind === 'PutObject' || r.kind === 'CreateMultipartUpload') && (r.key ?? '').endsWith('bad.bin') });
    await h.sync.syncNow(config.id).catch(() => {});
    expect(h.sync.list()[0]!.error?.code).toBe('SYNC_UPLOADS_FAILED');
    expect(await h.keys()).toContain('backup/e.txt');
    h.proxy.configure({ faultRate: 0 });
    await h.sync.syncNow(config.id);
    const keys = await h.keys();
    expect(keys).toContain('backup/bad.bin');
    expect(keys).not.toContain('backup/e.txt');
    expect(keys.some((k) => k.endsWith('.s3drop-trash/' + trashDate(new Date()) + '/e.txt'))).toBe(true);
  });

  it('keeps an object changed only in the bucket: the unchanged file is not sent over it, the app says so once, and a later edit here is a conflict copy', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'notes.txt'), 'v1');
    const { config } = await h.sync.add(pair(dir, h.bucket, { mode: 'mirror', brakeShare: 1, stableMs: 600_000 }));
    await until(async () => (await has(h!, 'backup/notes.txt')) && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    await rawClient().send(new PutObjectCommand({ Bucket: h.bucket, Key: 'backup/notes.txt', Body: 'v2 from a colleague' }));
    const notices: { key?: string; params?: Record<string, unknown> }[] = [];
    h.core.events.on('app:notice', (n) => notices.push(n));
    await h.sync.syncNow(config.id);
    expect(await text(h, 'backup/notes.txt')).toBe('v2 from a colleague');
    expect(notices.filter((n) => n.key === 'sync.keptRemote')).toEqual([expect.objectContaining({ params: { count: 1, folder: dir } })]);
    // Found again at the next pass, but told once.
    await h.sync.syncNow(config.id);
    expect(await text(h, 'backup/notes.txt')).toBe('v2 from a colleague');
    expect(notices.filter((n) => n.key === 'sync.keptRemote')).toHaveLength(1);
    // An edit here made without theirs is both sides moving: theirs stays, ours goes beside it.
    writeFileSync(join(dir, 'notes.txt'), 'v2 from me');
    await h.sync.syncNow(config.id);
    expect(await text(h, 'backup/notes.txt')).toBe('v2 from a colleague');
    const copy = (await h.keys()).find((k) => /^backup\/notes \(conflict \d{4}-\d{2}-\d{2} \d{4}\)\.txt$/.test(k));
    expect(copy && (await text(h, copy))).toBe('v2 from me');
  });

  it("the watcher's pass asks the bucket before sending an edit over its object: changed there too, it makes a conflict copy; deleted there, it sends the file as new", async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'notes.txt'), 'v1');
    writeFileSync(join(dir, 'gone.txt'), 'g1');
    await h.sync.add(pair(dir, h.bucket, { stableMs: 300 }));
    await until(async () => (await h!.keys()).length === 2 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    await rawClient().send(new PutObjectCommand({ Bucket: h.bucket, Key: 'backup/notes.txt', Body: 'v2 from a colleague' }));
    await rawClient().send(new DeleteObjectCommand({ Bucket: h.bucket, Key: 'backup/gone.txt' }));
    writeFileSync(join(dir, 'notes.txt'), 'v2 from me');
    writeFileSync(join(dir, 'gone.txt'), 'g2');
    const conflictCopy = async () => (await h!.keys()).find((k) => /^backup\/notes \(conflict \d{4}-\d{2}-\d{2} \d{4}\)\.txt$/.test(k));
    await until(async () => (await conflictCopy()) !== undefined && (await has(h!, 'backup/gone.txt')), 'the watcher pass');
    expect(await text(h, (await conflictCopy())!)).toBe('v2 from me');
    expect(await text(h, 'backup/notes.txt')).toBe('v2 from a colleague');
    expect(await text(h, 'backup/gone.txt')).toBe('g2');
  });

  it('makes a conflict copy when the object changed in the bucket and the file changed too', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'notes.txt'), 'v1');
    const { config } = await h.sync.add(pair(dir, h.bucket, { stableMs: 600_000 }));
    await until(async () => (await has(h!, 'backup/notes.txt')) && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    await rawClient().send(new PutObjectCommand({ Bucket: h.bucket, Key: 'backup/notes.txt', Body: 'v2 from a colleague' }));
    writeFileSync(join(dir, 'notes.txt'), 'v2 from me');
    const notices: unknown[] = [];
    h.core.events.on('app:notice', (n) => notices.push(n));
    await h.sync.syncNow(config.id);
    const keys = await h.keys();
    const copy = keys.find((k) => /^backup\/notes \(conflict \d{4}-\d{2}-\d{2} \d{4}\)\.txt$/.test(k));
    expect(copy).toBeDefined();
    expect(await text(h, copy!)).toBe('v2 from me');
    expect(await text(h, 'backup/notes.txt')).toBe('v2 from a colleague');
    expect(notices).toContainEqual(expect.objectContaining({ key: 'sync.conflicts' }));
    // Seen once, reported once: the next pass does not make another copy.
    await h.sync.syncNow(config.id);
    expect((await h.keys()).length).toBe(keys.length);
  });

  it('reports an NFC/NFD pair and never uploads a link to a credentials file outside the folder', async () => {
    h = await makeHarness(s3Info());
    const home = tempFolder();
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    const dir = join(home, 'Documents');
    mkdirSync(dir);
    symlinkSync(join(home, '.aws', 'credentials'), join(dir, 'credentials'));
    symlinkSync(join(home, '.aws'), join(dir, '.aws'));
    writeFileSync(join(dir, 'caf\u00e9.txt'), 'nfc');
    writeFileSync(join(dir, 'cafe\u0301.txt'), 'nfd');
    writeFileSync(join(dir, 'ok.txt'), 'ok');
    const summary = await h.sync.syncOnce(pair(dir, h.bucket));
    expect(await h.keys()).toEqual(['backup/ok.txt']);
    expect(summary.problems.map((p) => p.path).sort()).toEqual(['.aws', 'caf\u00e9.txt', 'credentials']);
    expect(h.logs.join('\n')).not.toContain('wJalrXUtnFEMI');
  });
});

describe('sync hands the engine what its index knows', () => {
  it('each upload carries its size, so the totals are right while the uploads still wait', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dir = tempFolder();
    writeFileSync(join(dir, 'small.txt'), 'x'.repeat(10));
    writeFileSync(join(dir, 'bigger.txt'), 'y'.repeat(70_000));
    // Paused, the engine keeps every upload queued: nothing it measures itself can have filled the sizes in.
    hh.engine.pause();
    const pass = hh.sync.syncOnce(pair(dir, hh.bucket));
    await until(() => hh.engine.list().transfers.length === 2, 'both uploads queued');
    const queued = hh.engine.list();
    expect(queued.transfers.map((t) => [t.state, t.key, t.bytesTotal]).sort()).toEqual([
      ['queued', 'backup/bigger.txt', 70_000],
      ['queued', 'backup/small.txt', 10],
    ]);
    expect(queued.overall.bytesTotal).toBe(70_010);
    hh.engine.resume();
    expect(await pass).toMatchObject({ uploaded: 2, failed: 0 });
    expect(await text(hh, 'backup/bigger.txt')).toBe('y'.repeat(70_000));
  });
});

describe('a pass with many uploads', () => {
  it('hands the queue a window at a time (at most one earlier window still unfinished), and every file lands', async () => {
    h = await makeHarness(s3Info(), undefined, { uploadWindow: 10 });
    const dir = tempFolder();
    for (let i = 0; i < 35; i++) writeFileSync(join(dir, `f${String(i).padStart(2, '0')}.txt`), `file ${i}`);
    // What the queue holds each time the pass hands it more: no more than one earlier window still unfinished.
    const handed: { size: number; unfinishedBefore: number }[] = [];
    const engine = h.engine;
    const enqueue = engine.enqueue.bind(engine);
    engine.enqueue = (requests) => {
      const unfinishedBefore = engine.list().transfers.filter((t) => t.state !== 'done' && t.state !== 'skipped' && t.state !== 'failed').length;
      handed.push({ size: requests.length, unfinishedBefore });
      return enqueue(requests);
    };
    const summary = await h.sync.syncOnce(pair(dir, h.bucket, { target: { profileId: 'test', bucket: h.bucket, prefix: 'windows' } }));
    expect(summary).toMatchObject({ uploaded: 35, failed: 0 });
    expect(handed.map((w) => w.size)).toEqual([10, 10, 10, 5]);
    expect(Math.max(...handed.map((w) => w.unfinishedBefore))).toBeLessThanOrEqual(10);
    expect((await h.keys('windows/')).length).toBe(35);
    for (const i of [0, 17, 34]) expect(await text(h, `windows/f${String(i).padStart(2, '0')}.txt`)).toBe(`file ${i}`);
  });
});

describe("the pass's index", () => {
  it('forgets the hash rows of files gone from the folder and keeps the rest (a full pass, whether or not anything was listed)', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    mkdirSync(join(dir, 'sub'));
    for (const name of ['a.txt', 'b.txt', 'sub/c.txt', 'sub/d.txt']) writeFileSync(join(dir, name), name);
    const input = pair(dir, h.bucket, { target: { profileId: 'test', bucket: h.bucket, prefix: 'forget' } });
    // The first pass goes to an empty prefix (nothing listed); the second lists the four objects.
    expect(await h.sync.syncOnce(input)).toMatchObject({ uploaded: 4, failed: 0 });
    unlinkSync(join(dir, 'b.txt'));
    rmSync(join(dir, 'sub', 'd.txt'));
    expect(await h.sync.syncOnce(input, { full: true })).toMatchObject({ uploaded: 0, skipped: 2, failed: 0 });
    // The harness's data folder is its own, so the pass's index is the one there (its name depends on the endpoint,
    // which the AWS-behaviour run does not set).
    const indexes = readdirSync(join(h.dataDir, 'sync')).filter((f) => f.endsWith('.sqlite'));
    expect(indexes).toHaveLength(1);
    const index = new IndexDb(join(h.dataDir, 'sync', indexes[0]!));
    try {
      expect(index.allFiles().map((f) => f.key).sort()).toEqual(['a.txt', 'sub/c.txt']);
    } finally {
      index.close();
    }
  });
});

describe('a paused pair', () => {
  it('still counts the files of its folder', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    for (const n of ['a', 'b', 'c']) writeFileSync(join(dir, `${n}.txt`), n);
    const { config } = await h.sync.add(pair(dir, h.bucket, { stableMs: 300 }));
    await until(async () => (await h!.keys()).length === 3 && h!.sync.list()[0]!.state === 'up-to-date', 'first sync');
    expect(h.sync.list()[0]!.files).toBe(3);
    await h.sync.pause(config.id);
    expect(h.sync.list()[0]!.files).toBe(3);
  });
});

describe('one folder, one place', () => {
  it('a second pair of the same folder to the same place is refused (by add and by an edit); another prefix is fine', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'one');
    const first = await h.sync.add(pair(dir, h.bucket, { stableMs: 600_000 }), { startPaused: true });
    await expect(h.sync.add(pair(dir, h.bucket, { stableMs: 600_000 }), { startPaused: true })).rejects.toMatchObject({ code: 'SYNC_PAIR_EXISTS' });
    const other = await h.sync.add(pair(dir, h.bucket, { stableMs: 600_000, target: { profileId: 'test', bucket: h.bucket, prefix: 'elsewhere' } }), { startPaused: true });
    await expect(h.sync.update(other.config.id, { target: first.config.target })).rejects.toMatchObject({ code: 'SYNC_PAIR_EXISTS' });
    expect(h.sync.list()).toHaveLength(2);
  });

  it('"Add and preview" towards a bucket that does not exist says so and keeps no pair', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'one');
    const missing = `${h.bucket}-missing`;
    await expect(h.sync.add(pair(dir, missing, { stableMs: 600_000 }), { startPaused: true })).rejects.toMatchObject({ code: 'BUCKET_NOT_FOUND' });
    expect(h.sync.list()).toEqual([]);
    // The same folder can then be added towards the right bucket.
    await h.sync.add(pair(dir, h.bucket, { stableMs: 600_000 }), { startPaused: true });
    expect(h.sync.list()).toHaveLength(1);
  });
});
