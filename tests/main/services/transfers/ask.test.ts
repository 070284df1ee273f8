/**
 * The 'ask' existing-file choice: a transfer whose name is taken waits in 'waiting-answer' with nothing sent, and
 * `transfers:answer` resumes it with Replace, Skip if identical or Keep both, for one transfer or the rest of its drop.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createTransferHandlers } from '../../../../src/main/services/handlers/transfers';
import { planDownloads } from '../../../../src/main/services/transfers/download-plan';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore, until } from './harness';

const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-ask-'));
let bucket: string;
let core: ReturnType<typeof testCore>;
let engine: TransferService;

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((c) => c.Key!).sort();
}

async function put(key: string, body: Buffer | string): Promise<void> {
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

const waiting = (ids: string[]) => () => ids.every((id) => engine.get(id)?.state === 'waiting-answer');

beforeAll(async () => {
  bucket = await freshBucket(raw, 'ask');
  core = testCore({ existingAction: 'ask' });
  engine = new TransferService(core, testClients(core, info));
  await engine.start();
});

afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("existing files under 'ask'", () => {
  it('a new name goes up without a question; a taken one waits with nothing sent, and "Replace" then replaces it', async () => {
    const f = randomFile(dir, 'new.bin', 3000);
    expect((await engine.waitFor(engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'fresh/new.bin' }])))[0]?.state).toBe('done');
    // The very same bytes again (as after a crash that lost the "done"): nothing to ask, it is already there.
    expect((await engine.waitFor(engine.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'fresh/new.bin' }])))[0]?.state).toBe('skipped');

    await put('one/report.pdf', 'the old report');
    const g = randomFile(dir, 'report.pdf', 4000);
    const [id] = engine.enqueue([{ localPath: g.path, profileId: 'test', bucket, key: 'one/report.pdf' }]);
    await until(waiting([id!]), 'the question');
    const snap = engine.get(id!)!;
    expect(snap.error?.code).toBe('EXISTING_NEEDS_ANSWER');
    expect(snap.batch).toBeTruthy();
    expect(engine.list().overall).toMatchObject({ asking: 1, queued: 0 });
    // Waiting is not finishing: nothing in the bucket changed.
    expect((await getObjectBytes(raw, bucket, 'one/report.pdf')).toString()).toBe('the old report');

    const dispatch = createDispatcher(createTransferHandlers(core, engine) as Handlers, core.logger);
    const answered = await dispatch('transfers:answer', { ids: [id!], choice: 'overwrite' });
    expect(answered).toEqual({ ok: true, value: { answered: 1 } });
    expect((await engine.waitFor([id!]))[0]?.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, 'one/report.pdf')).equals(g.bytes)).toBe(true);
    // A bad choice is refused in plain words, and nothing moves.
    const bad = await dispatch('transfers:answer', { ids: [id!], choice: 'ask' });
    expect(bad.ok).toBe(false);
  });

  it('the same bytes are skipped without a question; for different bytes "Skip if identical" replaces', async () => {
    const same = randomFile(dir, 'same.txt', 1000);
    const diff = randomFile(dir, 'diff.txt', 1000);
    // Sent by the app once, so the object carries the SHA-256 that "identical" is judged by.
    await engine.waitFor(engine.enqueue([{ localPath: same.path, profileId: 'test', bucket, key: 'skip/same.txt', options: { existing: 'overwrite' } }]));
    await put('skip/diff.txt', 'something else');
    const [sameId, diffId] = engine.enqueue([
      { localPath: same.path, profileId: 'test', bucket, key: 'skip/same.txt' },
      { localPath: diff.path, profileId: 'test', bucket, key: 'skip/diff.txt' },
    ]);
    await until(waiting([diffId!]), 'the question about the different file');
    expect((await engine.waitFor([sameId!]))[0]?.state).toBe('skipped');
    expect(engine.answer([diffId!], 'skip-identical')).toBe(1);
    expect((await engine.waitFor([diffId!]))[0]?.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, 'skip/diff.txt')).equals(diff.bytes)).toBe(true);
  });

  it('"Keep both" for one leaves the others of the drop waiting; "Apply to all" then answers the rest of that drop only', async () => {
    const files = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'].map((n) => randomFile(dir, n, 2000));
    for (const f of files) await put(`all/${f.path.split('/').pop()}`, 'old');
    const ids = engine.enqueue(files.map((f) => ({ localPath: f.path, profileId: 'test', bucket, key: `all/${f.path.split('/').pop()}` })));
    // Another drop, with its own question, must not be answered by this drop's "Apply to all".
    const other = randomFile(dir, 'other.jpg', 2000);
    await put('all/other.jpg', 'old');
    const [otherId] = engine.enqueue([{ localPath: other.path, profileId: 'test', bucket, key: 'all/other.jpg' }]);
    await until(waiting([...ids, otherId!]), 'every question');

    expect(engine.answer([ids[0]!], 'keep-both')).toBe(1);
    expect((await engine.waitFor([ids[0]!]))[0]?.key).toBe('all/a (1).jpg');
    expect(ids.slice(1).map((id) => engine.get(id)?.state)).toEqual(['waiting-answer', 'waiting-answer', 'waiting-answer']);

    expect(engine.answer([ids[1]!], 'keep-both', true)).toBe(3);
    const snaps = await engine.waitFor(ids.slice(1));
    expect(snaps.map((s) => [s.state, s.key])).toEqual([
      ['done', 'all/b (1).jpg'],
      ['done', 'all/c (1).jpg'],
      ['done', 'all/d (1).jpg'],
    ]);
    expect(engine.get(otherId!)?.state).toBe('waiting-answer');
    for (const k of ['a', 'b', 'c', 'd']) expect((await getObjectBytes(raw, bucket, `all/${k}.jpg`)).toString()).toBe('old');
    expect(await keysUnder('all/')).toEqual(['all/a (1).jpg', 'all/a.jpg', 'all/b (1).jpg', 'all/b.jpg', 'all/c (1).jpg', 'all/c.jpg', 'all/d (1).jpg', 'all/d.jpg', 'all/other.jpg']);

    // Cancel ends a question as it ends any transfer; the object stays as it was.
    await engine.cancel(otherId!);
    expect(engine.get(otherId!)?.state).toBe('cancelled');
    expect((await getObjectBytes(raw, bucket, 'all/other.jpg')).toString()).toBe('old');
  });

  it('"Apply to all" also reaches files of the drop that have not met their name yet, so they do not ask', async () => {
    const files = Array.from({ length: 6 }, (_, i) => randomFile(dir, `later-${i}.bin`, 1500));
    for (const f of files) await put(`later/${f.path.split('/').pop()}`, 'old');
    core.settings.update({ concurrency: 1 });
    try {
      engine.pause();
      const ids = engine.enqueue(files.map((f) => ({ localPath: f.path, profileId: 'test', bucket, key: `later/${f.path.split('/').pop()}` })));
      engine.resume();
      await until(() => engine.get(ids[0]!)?.state === 'waiting-answer', 'the first question');
      engine.answer([ids[0]!], 'overwrite', true);
      const snaps = await engine.waitFor(ids);
      expect(snaps.every((s) => s.state === 'done')).toBe(true);
      for (const f of files) expect((await getObjectBytes(raw, bucket, `later/${f.path.split('/').pop()}`)).equals(f.bytes)).toBe(true);
    } finally {
      core.settings.update({ concurrency: 8 });
    }
  });

  it('a question survives a restart: the row still waits, and the answer is honoured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 's3drop-ask-restart-'));
    const c = testCore({ existingAction: 'ask' }, dataDir);
    let e = new TransferService(c, testClients(c, info));
    await e.start();
    const f = randomFile(dir, 'restart.txt', 500);
    await put('restart/restart.txt', 'old');
    const [id] = e.enqueue([{ localPath: f.path, profileId: 'test', bucket, key: 'restart/restart.txt' }]);
    await until(() => e.get(id!)?.state === 'waiting-answer', 'the question');
    await e.dispose();
    e = new TransferService(c, testClients(c, info));
    await e.start();
    try {
      expect(e.get(id!)?.state).toBe('waiting-answer');
      e.answer([id!], 'keep-both');
      expect((await e.waitFor([id!]))[0]?.key).toBe('restart/restart (1).txt');
    } finally {
      await e.dispose();
      c.cleanup();
    }
  });

  it('a download onto an existing file waits too; "Keep both" writes name (1).ext and leaves the old file alone', async () => {
    await put('dl/photo.png', 'remote bytes');
    const folder = join(dir, 'dl');
    const ctx = await testClients(core, info).forProfile('test');
    const plan = await planDownloads(ctx, { profileId: 'test', bucket, keys: ['dl/photo.png'], folder });
    const local = plan.requests[0]!.localPath;
    mkdirSync(folder, { recursive: true });
    writeFileSync(local, 'my local edit');
    const ids = engine.enqueueDownloads(plan.requests);
    await until(waiting(ids), 'the download question');
    expect(readFileSync(local, 'utf8')).toBe('my local edit');
    engine.answer(ids, 'keep-both');
    const [snap] = await engine.waitFor(ids);
    expect(snap?.state).toBe('done');
    expect(readFileSync(local, 'utf8')).toBe('my local edit');
    expect(readdirSync(folder).sort()).toEqual(['photo (1).png', 'photo.png']);
  });
});
