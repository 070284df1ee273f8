/**
 * Issue 13, bad input inside a folder, through the built CLI: a badly named file, the OS's junk files and symlinks
 * never block the rest of a folder; `upload` and `sync --once` leave them out, say so, and exit 1 for a problem.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli } from '../support/serve';

let root: string;
let client: S3Client;
let bucket: string;
let runs = 0;

const env = () => cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, `data-${runs++}`) });

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** The last line of stdout, the --json summary. */
const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;

/** A folder holding a macOS custom-icon file (`Icon\r`) beside two good files. */
function iconFolder(name: string): string {
  const folder = join(root, name);
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, 'a.txt'), 'a');
  writeFileSync(join(folder, 'sub', 'b.txt'), 'b');
  writeFileSync(join(folder, 'Icon\r'), '');
  return folder;
}

beforeAll(async () => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-input-'));
  mkdirSync(join(root, 'home'));
  client = rawClient();
  bucket = await freshBucket(client, 'cliinput');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

it('upload: a file named with a control character is skipped and reported; the rest of the folder goes; exit 1', async () => {
  const folder = iconFolder('Icons');
  const run = await runCli(['upload', folder, `s3://${bucket}/up`, '--json'], env());
  expect(run.code, run.stderr).toBe(1);
  expect(await keysUnder('up/')).toEqual(['up/Icons/a.txt', 'up/Icons/sub/b.txt']);
  // The name is shown with its invisible character spelled out, never as a raw carriage return.
  expect(run.stderr).toContain('skipped: Icons/Icon\\r: ');
  expect(run.stderr).not.toContain('\r');
  expect(summaryOf(run.stdout)).toMatchObject({ uploaded: 2, failed: 0, problems: 1 });
});

it('sync --once: a file named with a control character is skipped and reported; the rest goes; exit 1', async () => {
  const folder = iconFolder('IconsSync');
  const run = await runCli(['sync', folder, `s3://${bucket}/sync`, '--once', '--json'], env());
  expect(run.code, run.stderr).toBe(1);
  expect(await keysUnder('sync/')).toEqual(['sync/a.txt', 'sync/sub/b.txt']);
  expect(run.stderr).toContain('skipped: Icon\\r: ');
  expect(summaryOf(run.stdout)).toMatchObject({ uploaded: 2, failed: 0, problems: 1 });
});

it('upload leaves out the OS junk files sync ignores and counts them; --include-junk takes them', async () => {
  const folder = join(root, 'Junk');
  mkdirSync(join(folder, 'deep'), { recursive: true });
  writeFileSync(join(folder, 'report.docx'), 'r');
  for (const junk of ['.DS_Store', 'Thumbs.db', 'deep/desktop.ini', '~$report.docx']) writeFileSync(join(folder, junk), 'junk');

  const run = await runCli(['upload', folder, `s3://${bucket}/junk`], env());
  expect(run.code, run.stderr).toBe(0);
  expect(await keysUnder('junk/')).toEqual(['junk/Junk/report.docx']);
  expect(run.stderr).toContain('left out 4 system files');

  const all = await runCli(['upload', folder, `s3://${bucket}/alljunk`, '--include-junk', '--json'], env());
  expect(all.code, all.stderr).toBe(0);
  expect(await keysUnder('alljunk/')).toEqual(
    ['alljunk/Junk/.DS_Store', 'alljunk/Junk/Thumbs.db', 'alljunk/Junk/deep/desktop.ini', 'alljunk/Junk/report.docx', 'alljunk/Junk/~$report.docx'].sort(),
  );
  expect(summaryOf(all.stdout)).toMatchObject({ uploaded: 5, systemFiles: 0, problems: 0 });
});

it('upload follows a link that stays inside the folder, and skips and reports one pointing outside or nowhere', async () => {
  const outside = join(root, 'secret.txt');
  writeFileSync(outside, 'not for the bucket');
  const folder = join(root, 'Links');
  mkdirSync(join(folder, 'real'), { recursive: true });
  writeFileSync(join(folder, 'real', 'data.csv'), 'x,y\n');
  symlinkSync(join(folder, 'real', 'data.csv'), join(folder, 'inside.csv'));
  symlinkSync(outside, join(folder, 'outside.txt'));
  symlinkSync(join(folder, 'gone.txt'), join(folder, 'dangling.txt'));

  const run = await runCli(['upload', folder, `s3://${bucket}/links`, '--json'], env());
  expect(run.code, run.stderr).toBe(1);
  expect(await keysUnder('links/')).toEqual(['links/Links/inside.csv', 'links/Links/real/data.csv']);
  expect((await getObjectBytes(client, bucket, 'links/Links/inside.csv')).toString()).toBe('x,y\n');
  expect(run.stderr).toContain('skipped: Links/outside.txt: link points outside the folder');
  expect(run.stderr).toContain('skipped: Links/dangling.txt: broken link');
  expect(summaryOf(run.stdout)).toMatchObject({ uploaded: 2, failed: 0, problems: 2 });
});
