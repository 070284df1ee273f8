/** Sync pairs with a key template and gzip/UTF-8 copies, through the real SyncService, transfer engine and S3 server. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPairId } from '../../../../src/main/services/sync/cli-modes';
import { trashDate } from '../../../../src/main/services/sync/executor';
import type { SyncPairInput } from '../../../../src/main/services/sync/pair-store';
import { getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { makeHarness, pairInput, tempFolder, until, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Passes run when the test says (syncNow, syncOnce), not when the watcher settles.
const pair = (folder: string, bucket: string, extra: Partial<SyncPairInput> = {}): SyncPairInput => pairInput(folder, bucket, 'lake', { brakeShare: 1, stableMs: 600_000, ...extra });

const hive = '{table}/dt={yyyy}-{mm}-{dd}/{name}';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Waits until the bucket holds `count` objects and the pair is idle. */
const settled = (hh: Harness, count: number) => until(async () => (await hh.keys()).length === count && hh.sync.list()[0]!.state === 'up-to-date', `${count} objects`);

/** Writes a file and sets its modification time (the date the template files it under). */
function write(dir: string, rel: string, body: Buffer | string, mtime: Date): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), body);
  utimesSync(join(dir, rel), mtime, mtime);
}

describe('sync pairs with a key template', () => {
  it('files each file under the date of its mtime (UTC), uploads nothing on a second pass, and keeps the old partition after an edit (upload-only)', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dir = tempFolder();
    write(dir, 'march/a.csv', 'id;name\n1;um\n', new Date('2026-03-05T23:30:00Z'));
    write(dir, 'b.csv', 'id\n2\n', new Date('2026-03-06T00:10:00Z'));
    const { config } = await hh.sync.add(pair(dir, hh.bucket, { template: hive, table: 'Vendas 2026' }));
    expect(config).toMatchObject({ template: hive, table: 'Vendas 2026' });
    await settled(hh, 2);
    expect(await hh.keys()).toEqual(['lake/vendas_2026/dt=2026-03-05/a.csv', 'lake/vendas_2026/dt=2026-03-06/b.csv']);

    // Unchanged folder: nothing is sent, from the index (syncNow) or from the listing alone after a restart.
    const puts = hh.puts();
    await hh.sync.syncNow(config.id);
    const sync = await hh.restart();
    await sync.start();
    await sync.syncNow(config.id);
    expect(hh.puts()).toBe(puts);

    // Edited on another day: it lands in that day's folder and the old object stays (upload-only never deletes).
    write(dir, 'b.csv', 'id\n2\n3\n', new Date('2026-03-09T12:00:00Z'));
    await sync.syncNow(config.id);
    expect(await hh.keys()).toEqual(['lake/vendas_2026/dt=2026-03-05/a.csv', 'lake/vendas_2026/dt=2026-03-06/b.csv', 'lake/vendas_2026/dt=2026-03-09/b.csv']);
    expect((await getObjectBytes(rawClient(), hh.bucket, 'lake/vendas_2026/dt=2026-03-09/b.csv')).toString()).toBe('id\n2\n3\n');
  });

  it('mirror: an edit moves the object to the new partition and the old one to the trash; a template edit re-files everything', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dir = tempFolder();
    write(dir, 'a.csv', 'a', new Date('2026-03-05T10:00:00Z'));
    write(dir, 'b.csv', 'b', new Date('2026-03-05T10:00:00Z'));
    const { config } = await hh.sync.add(pair(dir, hh.bucket, { mode: 'mirror', template: 'dt={yyyy}-{mm}-{dd}/{name}' }));
    await settled(hh, 2);
    write(dir, 'a.csv', 'a2', new Date('2026-03-07T10:00:00Z'));
    await hh.sync.syncNow(config.id);
    const trash = `lake/.s3drop-trash/${trashDate(new Date())}/`;
    expect(await hh.keys()).toEqual([`${trash}dt=2026-03-05/a.csv`, 'lake/dt=2026-03-05/b.csv', 'lake/dt=2026-03-07/a.csv']);

    // Changing the pattern restarts the pair with a full pass under the new keys (the old ones go to the trash).
    await hh.sync.update(config.id, { template: '{yyyy}/{name}' });
    await until(async () => (await hh.keys()).filter((k) => !k.includes('.s3drop-trash')).join() === 'lake/2026/a.csv,lake/2026/b.csv' && hh.sync.list()[0]!.state === 'up-to-date', 're-filed');
    // A blank pattern clears it: keys are the paths again.
    const cleared = await hh.sync.update(config.id, { template: '' });
    expect(cleared.config.template).toBeUndefined();
    await until(async () => (await hh.keys()).filter((k) => !k.includes('.s3drop-trash')).join() === 'lake/a.csv,lake/b.csv' && hh.sync.list()[0]!.state === 'up-to-date', 'paths again');
  });

  it('gzip + UTF-8: the object is the converted copy, stores the source hash, and the pair converges (index, listing, and a rebuilt index)', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dir = tempFolder();
    const latin = Buffer.from('nome;cidade\nJoão;São Paulo\n', 'latin1');
    const big = randomBytes(17 * 1024 * 1024); // gzip cannot shrink it: a multipart upload of the copy
    write(dir, 'clientes.csv', latin, new Date('2026-03-05T12:00:00Z'));
    write(dir, 'blob.bin', big, new Date('2026-03-05T12:00:00Z'));
    const input = pair(dir, hh.bucket, { template: hive, table: 'crm', gzip: true, convertToUtf8: true });
    const first = await hh.sync.syncOnce(input);
    expect(first).toMatchObject({ uploaded: 2, failed: 0 });
    expect(await hh.keys()).toEqual(['lake/crm/dt=2026-03-05/blob.bin.gz', 'lake/crm/dt=2026-03-05/clientes.csv.gz']);
    const csv = await getObjectBytes(rawClient(), hh.bucket, 'lake/crm/dt=2026-03-05/clientes.csv.gz');
    expect(gunzipSync(csv).toString('utf8')).toBe('nome;cidade\nJoão;São Paulo\n');
    for (const [key, source] of [
      ['lake/crm/dt=2026-03-05/clientes.csv.gz', latin],
      ['lake/crm/dt=2026-03-05/blob.bin.gz', big],
    ] as const) {
      const head = await rawClient().send(new HeadObjectCommand({ Bucket: hh.bucket, Key: key }));
      expect(head.Metadata?.['s3drop-source-sha256']).toBe(sha(source));
      // The object's own hash is of the bytes stored (the copy), even when the sync index offered the file's hash.
      expect(head.Metadata?.['s3drop-sha256']).toBe(sha(await getObjectBytes(rawClient(), hh.bucket, key)));
    }

    const puts = hh.puts();
    expect(await hh.sync.syncOnce(input)).toMatchObject({ uploaded: 0, failed: 0 });
    expect(await hh.sync.syncOnce(input, { full: true })).toMatchObject({ uploaded: 0, skipped: 2, failed: 0 });
    // A lost index (another computer): the objects' source hashes alone say nothing needs sending.
    rmSync(join(hh.dataDir, 'sync', `${cliPairId(input)}.sqlite`), { force: true });
    rmSync(join(hh.dataDir, 'sync', `${cliPairId(input)}.snapshot`), { force: true });
    expect(await hh.sync.syncOnce(input)).toMatchObject({ uploaded: 0, skipped: 2, failed: 0 });
    expect(hh.puts()).toBe(puts);

    // Without gzip the same files are new keys (no .gz), sent once, and then in sync again.
    const plain = { ...input, gzip: false };
    expect(await hh.sync.syncOnce(plain)).toMatchObject({ uploaded: 2, failed: 0 });
    expect(await hh.sync.syncOnce(plain, { full: true })).toMatchObject({ uploaded: 0, skipped: 2 });
  });

  it('watching: an edit lands in its new partition, and a new file that would take another file\'s key overwrites nothing', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dir = tempFolder();
    write(dir, 'a/x.csv', 'from a', new Date('2026-03-05T12:00:00Z'));
    await hh.sync.add(pair(dir, hh.bucket, { template: '{yyyy}-{mm}/{name}', stableMs: 200 }));
    await settled(hh, 1);
    write(dir, 'a/x.csv', 'from a, edited', new Date('2026-04-01T12:00:00Z'));
    await settled(hh, 2);
    expect(await hh.keys()).toEqual(['lake/2026-03/x.csv', 'lake/2026-04/x.csv']);
    const puts = hh.puts();
    write(dir, 'b/x.csv', 'from b', new Date('2026-04-02T12:00:00Z'));
    await until(() => (hh.sync.list()[0]!.preview?.problems.length ?? 0) === 2 && hh.sync.list()[0]!.state === 'up-to-date', 'collision reported');
    expect(hh.sync.list()[0]!.preview?.problems.map((p) => p.path).sort()).toEqual(['a/x.csv', 'b/x.csv']);
    // Both April files would be 2026-04/x.csv: the UI words that from the kind and the shared key.
    expect(hh.sync.list()[0]!.preview?.problems.map((p) => [p.kind, p.other])).toEqual([
      ['pattern-collision', '2026-04/x.csv'],
      ['pattern-collision', '2026-04/x.csv'],
    ]);
    expect(hh.puts()).toBe(puts);
    expect((await getObjectBytes(rawClient(), hh.bucket, 'lake/2026-04/x.csv')).toString()).toBe('from a, edited');
  });

  it('reports two files that would share a key and uploads neither; refuses a template that cannot work', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dir = tempFolder();
    const when = new Date('2026-03-05T12:00:00Z');
    write(dir, 'a/x.csv', 'from a', when);
    write(dir, 'b/x.csv', 'from b', when);
    write(dir, 'c/y.csv', 'y', when);
    const summary = await hh.sync.syncOnce(pair(dir, hh.bucket, { template: '{table}/{name}' }));
    expect(await hh.keys()).toEqual(['lake/y/y.csv']);
    expect(summary.problems.map((p) => p.path).sort()).toEqual(['a/x.csv', 'b/x.csv']);
    expect(summary.problems[0]!.reason).toContain('would both be saved as "x/x.csv"');

    await expect(hh.sync.add(pair(dir, hh.bucket, { template: '{nope}/{name}' }))).rejects.toMatchObject({ code: 'TEMPLATE_INVALID', params: { reason: expect.stringContaining('{nope}') } });
    expect(hh.sync.list()).toEqual([]);
    const { config } = await hh.sync.add(pair(dir, hh.bucket, { template: '{name}' }), { startPaused: true });
    await expect(hh.sync.update(config.id, { template: '{name}/' })).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
    expect(hh.sync.list()[0]!.config.template).toBe('{name}');
  });
});

describe('a pair\'s object options (issue 15, "More options" in a pair\'s settings)', () => {
  it('gives each uploaded object the pair\'s metadata, storage class and tags', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dir = tempFolder();
    write(dir, 'photo.jpg', 'jpeg', new Date('2026-03-05T10:00:00Z'));
    const { config } = await hh.sync.add(pair(dir, hh.bucket, { metadata: { owner: 'ana' }, storageClass: 'STANDARD', tags: { project: 'Lisbon' } }));
    expect(config).toMatchObject({ metadata: { owner: 'ana' }, tags: { project: 'Lisbon' } });
    await settled(hh, 1);
    const head = await rawClient().send(new HeadObjectCommand({ Bucket: hh.bucket, Key: 'lake/photo.jpg' }));
    expect(head.Metadata).toMatchObject({ owner: 'ana' });
    // s3rver ignores a PUT's x-amz-tagging header; RGW and S3 keep it.
    if (s3Info().kind !== 's3rver') {
      const tags = await rawClient().send(new GetObjectTaggingCommand({ Bucket: hh.bucket, Key: 'lake/photo.jpg' }));
      expect(tags.TagSet).toEqual([{ Key: 'project', Value: 'Lisbon' }]);
    }
  });
});
