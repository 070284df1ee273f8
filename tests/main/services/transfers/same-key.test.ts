/** Two different files of one upload that come to one key: the first keeps it, the other is left out and named, or with "Keep both" takes `name (n).ext`; never a silent replace. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createTransferHandlers } from '../../../../src/main/services/handlers/transfers';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import type { EnqueueResult } from '../../../../src/shared/contract';
import { freshBucket, rawClient, s3Info, textsUnder } from '../../../support/s3-test-client';
import { testClients, testCore } from './harness';

const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-samekey-'));
let bucket: string;
let core: ReturnType<typeof testCore>;
let engine: TransferService;
let dispatch: ReturnType<typeof createDispatcher>;

/** Writes `body` to `dir/rel` (folders made) and returns the path. */
function put(rel: string, body: string): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
  return path;
}

const objectsUnder = (prefix: string) => textsUnder(raw, bucket, prefix);

async function enqueue(items: { path: string; relativeKey?: string }[], prefix: string): Promise<EnqueueResult> {
  const res = await dispatch('transfers:enqueue', { items, target: { profileId: 'test', bucket, prefix } });
  expect(res.ok, JSON.stringify(res)).toBe(true);
  const value = (res as { value: EnqueueResult }).value;
  const snaps = await engine.waitFor(value.ids);
  expect(snaps.map((s) => s.state)).toEqual(value.ids.map(() => 'done'));
  return value;
}

beforeAll(async () => {
  bucket = await freshBucket(raw, 'samekey');
  core = testCore();
  engine = new TransferService(core, testClients(core, info));
  await engine.start();
  dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
});

afterEach(() => {
  core.settings.update({ existingAction: 'overwrite' });
});

afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('two files of one upload that come to one key', () => {
  it('sends the first of two same-named folders, and leaves out the other file naming both', async () => {
    const a = put('p1/docs/a.txt', 'A');
    const b = put('p2/docs/a.txt', 'B');
    put('p2/docs/only-b.txt', 'only B');
    const { ids, leftOut } = await enqueue([{ path: join(dir, 'p1/docs') }, { path: join(dir, 'p2/docs') }], 'same2');
    expect(ids).toHaveLength(2);
    expect(leftOut.problems).toEqual([{ path: b, kind: 'same-key', other: a, reason: expect.stringContaining(`"${b}" and "${a}" would both be saved as "same2/docs/a.txt"`) }]);
    expect(await objectsUnder('same2/')).toEqual({ 'same2/docs/a.txt': 'A', 'same2/docs/only-b.txt': 'only B' });
  });

  it('leaves out the second of two loose files with one name, whatever the same-name setting (but keep both)', async () => {
    core.settings.update({ existingAction: 'ask' });
    const one = put('same1/x.txt', 'one');
    const two = put('same2/x.txt', 'two');
    const { leftOut } = await enqueue([{ path: one }, { path: two }], 'same');
    expect(leftOut.problems.map((p) => [p.path, p.kind, p.other])).toEqual([[two, 'same-key', one]]);
    expect(await objectsUnder('same/')).toEqual({ 'same/x.txt': 'one' });
  });

  it('with "Keep both", gives the later file the next "name (n).ext" no file of the upload takes', async () => {
    core.settings.update({ existingAction: 'keep-both' });
    const one = put('kb1/x.txt', 'one');
    const two = put('kb2/x.txt', 'two');
    // A file of the drop already called "x (1).txt": the copy goes to "x (2).txt" rather than over it.
    const numbered = put('kb3/x (1).txt', 'numbered');
    const { leftOut } = await enqueue([{ path: one }, { path: two }, { path: numbered }], 'kb');
    expect(leftOut.problems).toEqual([]);
    expect(await objectsUnder('kb/')).toEqual({ 'kb/x.txt': 'one', 'kb/x (1).txt': 'numbered', 'kb/x (2).txt': 'two' });
  });

  it('with "Keep both" and the key already in the bucket, the two files still land under two names (no race for "(1)")', async () => {
    core.settings.update({ existingAction: 'keep-both' });
    put('kbx1/docs/a.txt', 'A');
    put('kbx2/docs/a.txt', 'B');
    // Several rounds: the race this guards against depends on which upload asks first.
    for (const round of [1, 2, 3, 4, 5]) {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: `kbx${round}/docs/a.txt`, Body: 'old' }));
      const { leftOut } = await enqueue([{ path: join(dir, 'kbx1/docs') }, { path: join(dir, 'kbx2/docs') }], `kbx${round}`);
      expect(leftOut.problems).toEqual([]);
      // Which file gets which numbered name depends on which asked first; neither replaces the other or the old one.
      const landed = await objectsUnder(`kbx${round}/`);
      expect(landed[`kbx${round}/docs/a.txt`], `round ${round}`).toBe('old');
      expect(Object.values(landed).sort(), `round ${round}: ${JSON.stringify(landed)}`).toEqual(['A', 'B', 'old']);
    }
  });

  it('sends one file given twice (or through a link to it) once, with nothing left out', async () => {
    const f = put('twice/t.txt', 'twice');
    const link = join(dir, 'twice-link', 't.txt');
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(f, link);
    const { ids, leftOut } = await enqueue([{ path: f }, { path: f }, { path: link }], 'twice');
    expect(ids).toHaveLength(1);
    expect(leftOut.problems).toEqual([]);
    expect(await objectsUnder('twice/')).toEqual({ 'twice/t.txt': 'twice' });
  });

  it('compares keys exactly: names that differ in letter case or accent spelling are two objects', async () => {
    const upper = put('case1/Read.txt', 'upper');
    const lower = put('case2/read.txt', 'lower');
    const nfc = put('acc1/caf\u00e9.txt', 'nfc');
    const nfd = put('acc2/cafe\u0301.txt', 'nfd');
    const { ids, leftOut } = await enqueue([{ path: upper }, { path: lower }, { path: nfc }, { path: nfd }], 'exact');
    expect(ids).toHaveLength(4);
    expect(leftOut.problems).toEqual([]);
  });

  it('leaves out browser mode spooled files with one relative key the same way', async () => {
    const s1 = put('spool-a/a.txt', 'first');
    const s2 = put('spool-b/a.txt', 'second');
    const { leftOut } = await enqueue([{ path: s1, relativeKey: 'docs/a.txt' }, { path: s2, relativeKey: 'docs/a.txt' }], 'spooled');
    expect(leftOut.problems.map((p) => [p.path, p.kind, p.other])).toEqual([[s2, 'same-key', s1]]);
    expect(await objectsUnder('spooled/')).toEqual({ 'spooled/docs/a.txt': 'first' });
  });
});
