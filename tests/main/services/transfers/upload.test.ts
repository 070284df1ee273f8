/** End-to-end uploads through the engine to the real test server: sizes, names, key limits, policies. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createTransferHandlers, expandItems } from '../../../../src/main/services/handlers/transfers';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { taggingHeader } from '../../../../src/main/services/transfers/upload-job';
import type { EnqueueResult } from '../../../../src/shared/contract';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';

const MiB = 1024 * 1024;
const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-up-'));
let bucket: string;
let core: ReturnType<typeof testCore>;
let engine: TransferService;

const file = (name: string, size: number) => randomFile(dir, name, size);

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((c) => c.Key!).sort();
}

beforeAll(async () => {
  bucket = await freshBucket(raw, 'up');
  core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 16 });
  engine = new TransferService(core, testClients(core, info));
  await engine.start();
});

afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('uploads arrive byte-identical', () => {
  const sizes: [string, number][] = [
    ['zero.bin', 0],
    ['one.bin', 1],
    ['five-minus.bin', 5 * MiB - 1],
    ['five.bin', 5 * MiB],
    ['sixteen-plus.bin', 16 * MiB + 1],
  ];
  it.each(sizes)('%s (%i bytes)', async (name, size) => {
    const f = file(name, size);
    const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: `sizes/${name}` }]);
    const [snap] = await engine.waitFor([id!]);
    expect(snap?.error).toBeUndefined();
    expect(snap?.state).toBe('done');
    expect(snap?.bytesDone).toBe(size);
    const got = await getObjectBytes(raw, bucket, `sizes/${name}`);
    expect(got.length).toBe(size);
    expect(got.equals(f.bytes)).toBe(true);
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: `sizes/${name}` }));
    expect(head.Metadata?.['s3drop-sha256']).toBe(createHash('sha256').update(f.bytes).digest('hex'));
    if (size > 16 * MiB) expect(snap?.partsTotal).toBe(Math.ceil(size / (5 * MiB)));
  });

  it('unicode and space-filled names keep their exact key', async () => {
    const f = file('ação  café 日本 😀 (1).txt', 1234);
    const key = 'pasta com espaço/ação  café 日本 😀 (1).txt';
    const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key }]);
    const [snap] = await engine.waitFor([id!]);
    expect(snap?.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, key)).equals(f.bytes)).toBe(true);
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentType).toMatch(/^text\/plain/);
  });

  it('a 1,000-byte key uploads; a 1,025-byte key is refused before any request', async () => {
    const f = file('long.bin', 10);
    // Segments stay under 255 bytes: s3rver stores keys as file paths, and NAME_MAX would be the limit tested.
    const ok = `${'a'.repeat(199)}/`.repeat(4) + 'é'.repeat(99) + 'zz';
    expect(Buffer.byteLength(ok)).toBe(1000);
    const [id] = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: ok }]);
    expect((await engine.waitFor([id!]))[0]?.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, ok)).equals(f.bytes)).toBe(true);

    const tooLong = 'k/' + 'é'.repeat(511) + 'b';
    expect(Buffer.byteLength(tooLong)).toBe(1025);
    const before = engine.list().transfers.length;
    expect(() => engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: tooLong }])).toThrowError(/1025 bytes/);
    expect(engine.list().transfers.length).toBe(before);
  });

  it('a dropped folder becomes <prefix>/<folder>/<relative path>; a file becomes <prefix>/<name>', async () => {
    const folder = join(dir, 'Holiday Photos');
    mkdirSync(join(folder, 'day 1'), { recursive: true });
    writeFileSync(join(folder, 'day 1', 'a.jpg'), 'A');
    writeFileSync(join(folder, 'b.txt'), 'B');
    const single = file('single.csv', 3);
    const { requests: reqs } = await expandItems([{ path: folder }, { path: single.path }, { path: single.path, relativeKey: 'renamed/x.csv' }], { profileId: 'test', bucket, prefix: 'drops' });
    expect(reqs.map((r) => r.key)).toEqual(['drops/Holiday Photos/b.txt', 'drops/Holiday Photos/day 1/a.jpg', 'drops/single.csv', 'drops/renamed/x.csv']);
    const ids = engine.enqueue(reqs);
    const snaps = await engine.waitFor(ids);
    expect(snaps.map((s) => s.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done']);
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'drops/' }));
    expect(listed.Contents?.map((c) => c.Key).sort()).toEqual(['drops/Holiday Photos/b.txt', 'drops/Holiday Photos/day 1/a.jpg', 'drops/renamed/x.csv', 'drops/single.csv']);
  });

  it('skip-identical costs one HEAD and no upload; keep-both writes name (1).ext', async () => {
    const f = file('report.pdf', 2048);
    const first = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'policy/report.pdf' }]);
    await engine.waitFor(first);
    const skip = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'policy/report.pdf', options: { existing: 'skip-identical' } }]);
    expect((await engine.waitFor(skip))[0]?.state).toBe('skipped');
    const both = engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'policy/report.pdf', options: { existing: 'keep-both' } }]);
    const [snap] = await engine.waitFor(both);
    expect(snap?.state).toBe('done');
    expect(snap?.key).toBe('policy/report (1).pdf');
    expect((await getObjectBytes(raw, bucket, 'policy/report (1).pdf')).equals(f.bytes)).toBe(true);
  });

  it('a file deleted while its parts are read still counts: the open file was read whole, and the bucket holds exactly it', async () => {
    const f = file('deleted-midway.bin', 17 * MiB);
    // The hook deletes the file as the first part goes out: after it was hashed and opened, before most of it was read.
    const { transferClient } = await testClients(core, info).forProfile('test');
    let deleted = false;
    transferClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand' && !deleted) {
          deleted = true;
          rmSync(f.path);
        }
        return next(args);
      },
      { step: 'initialize', name: 'deleteSourceMidway' },
    );
    const hooked = new TransferService(core, { forProfile: async () => ({ ...(await testClients(core, info).forProfile('test')), transferClient }), invalidate() {} });
    await hooked.start();
    try {
      const [snap] = await hooked.waitFor(hooked.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'gone/midway.bin' }]));
      expect(deleted).toBe(true);
      // The outcome and the bucket agree: done, and the object is the file's bytes, all of them.
      expect(snap?.error).toBeUndefined();
      expect(snap?.state).toBe('done');
      expect((await getObjectBytes(raw, bucket, 'gone/midway.bin')).equals(f.bytes)).toBe(true);
    } finally {
      await hooked.dispose();
    }
  });

  it('a missing file fails with a plain FILE_NOT_FOUND and the queue carries on', async () => {
    const ids = engine.enqueue([{ localPath: join(dir, 'nope.bin'), profileId: 'test', bucket, key: 'nope.bin' }]);
    const [snap] = await engine.waitFor(ids);
    expect(snap?.state).toBe('failed');
    expect(snap?.error?.code).toBe('FILE_NOT_FOUND');
  });
});

describe('a dropped folder with bad entries (issue 13), through the dispatcher', () => {
  // One bad entry never blocks the rest: a name the bucket cannot take and links out of the folder or dangling are
  // left out and named, links that stay inside are followed, and the OS's junk files stay out unless the
  // `uploadJunkFiles` setting takes them.
  it('queues the good files of a folder and says what it left out and why', async () => {
    const folder = join(dir, 'Mac folder');
    mkdirSync(join(folder, 'docs'), { recursive: true });
    writeFileSync(join(folder, 'docs', 'plan.txt'), 'plan');
    writeFileSync(join(folder, 'Icon\r'), '');
    writeFileSync(join(folder, '.DS_Store'), 'finder');
    writeFileSync(join(folder, 'docs', '~$plan.docx'), 'lock');
    writeFileSync(join(dir, 'private.txt'), 'outside');
    symlinkSync(join(folder, 'docs', 'plan.txt'), join(folder, 'latest.txt'));
    symlinkSync(join(dir, 'private.txt'), join(folder, 'private.txt'));
    symlinkSync(join(folder, 'nowhere'), join(folder, 'dangling'));
    const dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
    const target = { profileId: 'test', bucket, prefix: 'drop' };

    const res = await dispatch('transfers:enqueue', { items: [{ path: folder }], target });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const { ids, leftOut } = (res as { value: EnqueueResult }).value;
    expect(leftOut.systemFiles).toBe(2);
    expect(leftOut.problems.map((p) => [p.path, p.kind]).sort()).toEqual([
      ['Mac folder/Icon\r', 'name-invalid'],
      ['Mac folder/dangling', 'unreadable'],
      ['Mac folder/private.txt', 'symlink-outside'],
    ]);
    const snaps = await engine.waitFor(ids);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done']);
    // The link to a file inside is followed, as a sync pass follows it: its bytes go under the link's name.
    expect(await keysUnder('drop/')).toEqual(['drop/Mac folder/docs/plan.txt', 'drop/Mac folder/latest.txt']);

    core.settings.update({ uploadJunkFiles: true });
    try {
      const all = await dispatch('transfers:enqueue', { items: [{ path: folder }], target: { ...target, prefix: 'all' } });
      const value = (all as { value: EnqueueResult }).value;
      expect(value.leftOut.systemFiles).toBe(0);
      await engine.waitFor(value.ids);
      expect(await keysUnder('all/')).toEqual(
        ['all/Mac folder/.DS_Store', 'all/Mac folder/docs/plan.txt', 'all/Mac folder/docs/~$plan.docx', 'all/Mac folder/latest.txt'].sort(),
      );
    } finally {
      core.settings.update({ uploadJunkFiles: false });
    }
  });

  it('applies the same rules to the files of a folder browser mode walked and spooled (keys with the folder path)', async () => {
    const dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
    const spooled = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return join(dir, name);
    };
    const items = [
      { path: spooled('spool-1', 'ok'), relativeKey: 'Spooled/ok.txt' },
      { path: spooled('spool-2', ''), relativeKey: 'Spooled/Icon\r' },
      { path: spooled('spool-3', 'thumbs'), relativeKey: 'Spooled/Thumbs.db' },
    ];
    const res = await dispatch('transfers:enqueue', { items, target: { profileId: 'test', bucket, prefix: 'spooled' } });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const { ids, leftOut } = (res as { value: EnqueueResult }).value;
    expect(leftOut).toMatchObject({ systemFiles: 1, problems: [{ path: 'Spooled/Icon\r', kind: 'name-invalid' }] });
    await engine.waitFor(ids);
    expect(await keysUnder('spooled/')).toEqual(['spooled/Spooled/ok.txt']);
  });
});

describe('"More options" of a drop (issue 15): exclude patterns, tags, storage class', () => {
  it('leaves out files matching the exclude patterns, in folders and as single files, and counts them', async () => {
    const folder = join(dir, 'Project');
    mkdirSync(join(folder, 'raw'), { recursive: true });
    mkdirSync(join(folder, 'out'), { recursive: true });
    writeFileSync(join(folder, 'report.pdf'), 'pdf');
    writeFileSync(join(folder, 'notes.tmp'), 'tmp');
    writeFileSync(join(folder, 'raw', 'a.bin'), 'a');
    writeFileSync(join(folder, 'raw', 'b.bin'), 'b');
    writeFileSync(join(folder, 'out', 'result.csv'), 'x,y');
    writeFileSync(join(dir, 'loose.tmp'), 'loose');
    const dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
    const res = await dispatch('transfers:enqueue', {
      items: [{ path: folder }, { path: join(dir, 'loose.tmp') }],
      target: { profileId: 'test', bucket, prefix: 'excl' },
      exclude: ['*.tmp', 'raw/', ''],
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const { ids, leftOut } = (res as { value: EnqueueResult }).value;
    // notes.tmp and loose.tmp; raw/ is skipped as a folder, without visiting its files.
    expect(leftOut.excluded).toBe(2);
    await engine.waitFor(ids);
    expect(await keysUnder('excl/')).toEqual(['excl/Project/out/result.csv', 'excl/Project/report.pdf']);
  });

  it('tags each object and sets its storage class; tags S3 would refuse are refused before anything is queued', async () => {
    const f = file('tagged.txt', 10);
    const dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
    const target = { profileId: 'test', bucket, prefix: 'tags' };
    const res = await dispatch('transfers:enqueue', {
      items: [{ path: f.path }],
      target,
      options: { tags: { project: 'Trip to Lisbon', 'cost-center': 'a+b=c/d@e' }, storageClass: 'STANDARD' },
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const [snap] = await engine.waitFor((res as { value: EnqueueResult }).value.ids);
    expect(snap!.state, JSON.stringify(snap!.error)).toBe('done');
    // s3rver ignores the x-amz-tagging header of a PUT (it knows only the ?tagging subresource); RGW and S3 keep it.
    if (info.kind !== 's3rver') {
      const got = await raw.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/tagged.txt' }));
      expect(Object.fromEntries((got.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual({ project: 'Trip to Lisbon', 'cost-center': 'a+b=c/d@e' });
    }
    expect(taggingHeader({ project: 'Trip to Lisbon', 'cost-center': 'a+b=c/d@e' })).toBe('project=Trip%20to%20Lisbon&cost-center=a%2Bb%3Dc%2Fd%40e');

    for (const tags of [{ 'aws:owner': 'me' }, { bad: 'semi;colon' }, Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']))]) {
      const refused = await dispatch('transfers:enqueue', { items: [{ path: f.path }], target, options: { tags } });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('INVALID_INPUT');
    }
  });
});
