/** `s3-drop sync --mirror` through the built CLI and the real engine: its trash, and what its runs say. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trashDate } from '../../src/main/services/sync/executor';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli } from '../support/serve';

let root: string;

beforeAll(() => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-mirror-'));
  mkdirSync(join(root, 'home'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The keys under a prefix, sorted. */
async function keys(bucket: string, prefix: string): Promise<string[]> {
  const listed = await rawClient().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

it('a file deleted, made again and deleted again the same day keeps both trashed copies', async () => {
  const bucket = await freshBucket(rawClient(), 'climirror');
  const folder = join(root, 'twice');
  mkdirSync(folder);
  writeFileSync(join(folder, 'keep.txt'), 'keep');
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-twice') });
  const sync = async (...extra: string[]) => {
    const run = await runCli(['sync', folder, `s3://${bucket}/p`, '--once', ...extra], env);
    expect(run.code, run.stderr).toBe(0);
  };
  for (const v of ['v1', 'v2']) {
    writeFileSync(join(folder, 'f9.txt'), v);
    await sync();
    unlinkSync(join(folder, 'f9.txt'));
    await sync('--mirror', '--confirm-deletes');
  }
  const day = `p/.s3drop-trash/${trashDate(new Date())}/`;
  expect(await keys(bucket, 'p/')).toEqual([`${day}f9 (1).txt`, `${day}f9.txt`, 'p/keep.txt']);
  expect((await getObjectBytes(rawClient(), bucket, `${day}f9.txt`)).toString()).toBe('v1');
  expect((await getObjectBytes(rawClient(), bucket, `${day}f9 (1).txt`)).toString()).toBe('v2');
});

it("a local folder named .s3drop-trash is left out as a problem and never uploaded into the trash's place", async () => {
  const bucket = await freshBucket(rawClient(), 'clireserved');
  const folder = join(root, 'reserved');
  mkdirSync(join(folder, '.s3drop-trash'), { recursive: true });
  writeFileSync(join(folder, '.s3drop-trash', 'x.txt'), 't');
  writeFileSync(join(folder, 'a.txt'), 'a');
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-reserved') });
  for (const uploaded of [1, 0]) {
    const run = await runCli(['sync', folder, `s3://${bucket}`, '--once', '--json'], env);
    // A file left out is a run that did not do all it was asked: exit 1, as for any other such file.
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ uploaded, failed: 0, problems: 1 });
    expect(run.stderr).toContain("skipped: .s3drop-trash/x.txt: name is reserved for S3 Drop's trash");
  }
  expect(await keys(bucket, '')).toEqual(['a.txt']);
});

it('a file the scan leaves out (a broken link) is reported by every run, not only by the first', async () => {
  const bucket = await freshBucket(rawClient(), 'cliproblem');
  const folder = join(root, 'problem');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.txt'), 'a');
  symlinkSync(join(folder, 'nowhere.txt'), join(folder, 'broken.txt'));
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-problem') });
  // The second run finds nothing changed since the first's folder snapshot; the link is still not synced, and a
  // script that reads the exit code must still hear so.
  for (const uploaded of [1, 0]) {
    const run = await runCli(['sync', folder, `s3://${bucket}`, '--once', '--json'], env);
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ uploaded, failed: 0, problems: 1 });
    expect(run.stderr).toContain('skipped: broken.txt');
  }
  expect(await keys(bucket, '')).toEqual(['a.txt']);
});

it('--dry-run says when the delete brake would stop the sync, and how to go ahead', async () => {
  const bucket = await freshBucket(rawClient(), 'clibrake');
  const folder = join(root, 'brake');
  mkdirSync(folder);
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) writeFileSync(join(folder, `${n}.txt`), n);
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-brake') });
  const sync = (...extra: string[]) => runCli(['sync', folder, `s3://${bucket}/b`, '--once', '--mirror', ...extra], env);
  expect((await sync()).code).toBe(0);
  for (const n of ['a', 'b', 'c']) unlinkSync(join(folder, `${n}.txt`));

  const preview = await sync('--dry-run');
  expect(preview.code, preview.stderr).toBe(0);
  expect(preview.stderr).toContain(
    '0 files will be uploaded (0 bytes), 3 deleted, 3 already there. The sync itself would stop before deleting 3 files (50% of the folder) and ask you to confirm: add --confirm-deletes to go ahead.',
  );
  const json = await sync('--dry-run', '--json');
  expect(JSON.parse(json.stdout.trim().split('\n').pop()!).preview).toMatchObject({ delete: 3, brake: { count: 3, share: 0.5 } });
  // With --confirm-deletes the sync goes ahead, and its preview says so by saying nothing of the brake.
  const confirmed = await sync('--dry-run', '--json', '--confirm-deletes');
  expect(JSON.parse(confirmed.stdout.trim().split('\n').pop()!).preview.brake).toBeUndefined();

  // The sync itself stops where its preview said it would.
  const real = await sync();
  expect(real.code).toBe(1);
  expect(real.stderr).toContain('This sync would delete 3 files (50% of the folder).');
  expect(await keys(bucket, 'b/')).toHaveLength(6);
});

it('the brake counts one file as "1 file", in the sync and in its preview', async () => {
  const bucket = await freshBucket(rawClient(), 'clibrakeone');
  const folder = join(root, 'brake-one');
  mkdirSync(folder);
  for (const n of ['a', 'b']) writeFileSync(join(folder, `${n}.txt`), n);
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-brake-one') });
  const sync = (...extra: string[]) => runCli(['sync', folder, `s3://${bucket}/b`, '--once', '--mirror', ...extra], env);
  expect((await sync()).code).toBe(0);
  unlinkSync(join(folder, 'a.txt'));
  expect((await sync('--dry-run')).stderr).toContain('would stop before deleting 1 file (50% of the folder)');
  const real = await sync();
  expect(real.code).toBe(1);
  expect(real.stderr).toContain('This sync would delete 1 file (50% of the folder). It was stopped so you can confirm.');
});
