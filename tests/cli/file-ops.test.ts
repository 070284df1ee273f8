/**
 * `s3-drop ls`, `rm` and `mv` (the built CLI) against the suite's S3 server: listings in text and JSON, deletes of
 * a key and of a folder, a folder named without --recursive (with or without its '/'), the recursive delete that refuses without --yes when no one can be asked (and asks on a
 * terminal), moves of a key and of a folder, a name clash, and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, nodeBin, runCli } from '../support/serve';

let root: string;
let cli: string;
let client: S3Client;
let bucket: string;

function envFor(): Record<string, string | undefined> {
  return cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, `data-${randomBytes(4).toString('hex')}`) });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const put = (key: string, body: string) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }));

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

beforeAll(async () => {
  cli = ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-fileops-'));
  mkdirSync(join(root, 'home'));
  client = rawClient();
  bucket = await freshBucket(client, 'cli-fileops');
  for (const k of ['docs/a.txt', 'docs/b.txt', 'docs/deep/c.txt', 'top.txt']) await put(k, `body of ${k}`);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('ls', () => {
  it('lists a folder (PRE for sub-folders) and, with --recursive --json, every key under it', async () => {
    const run = await runCli(['ls', `s3://${bucket}/docs`], envFor());
    expect(run.code, run.stderr).toBe(0);
    const out = lines(run.stdout);
    expect(out[0]).toMatch(/^\s+PRE deep\/$/);
    expect(out[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+18 a\.txt$/);
    expect(out).toHaveLength(3);

    const json = await runCli(['ls', `s3://${bucket}/docs/`, '--recursive', '--json'], envFor());
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { key: 'docs/a.txt', size: 18 },
      { key: 'docs/b.txt', size: 18 },
      { key: 'docs/deep/c.txt', size: 23 },
    ]);
  });

  it('a key with an escape sequence and a newline is shown escaped, one line, in text; --json keeps it exact', async () => {
    const key = 'ctl/evil\u001b[31mRED\u001b[0m\nfake 2026-01-01  1 line.txt';
    await put(key, 'x');
    const shown = 'evil\\x1b[31mRED\\x1b[0m\\nfake 2026-01-01  1 line.txt';
    const run = await runCli(['ls', `s3://${bucket}/ctl/`], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('\u001b');
    expect(lines(run.stdout)).toHaveLength(1);
    expect(lines(run.stdout)[0]!.endsWith(` 1 ${shown}`)).toBe(true);
    const deep = await runCli(['ls', `s3://${bucket}/ctl/`, '--recursive'], envFor());
    expect(lines(deep.stdout)).toEqual([`${'1'.padStart(14)} ctl/${shown}`]);
    const json = await runCli(['ls', `s3://${bucket}/ctl/`, '--recursive', '--json'], envFor());
    expect(JSON.parse(json.stdout)).toEqual([{ key, size: 1 }]);
  });

  it('a bad address is one plain line and exit 2', async () => {
    const run = await runCli(['ls', 'bucket/docs'], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['s3-drop: "bucket/docs" is not a bucket address. Write it as s3://bucket or s3://bucket/folder.']);
  });
});

describe('rm', () => {
  it('deletes one key; a folder without --recursive is a usage error; a missing key says so', async () => {
    await put('rm1/x.txt', 'x');
    await put('rm1/y.txt', 'y');
    const run = await runCli(['rm', `s3://${bucket}/rm1/x.txt`, '--json'], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ deleted: 1, failed: 0, bytes: 1, permanent: true });
    expect(await keysUnder('rm1/')).toEqual(['rm1/y.txt']);

    const folder = await runCli(['rm', `s3://${bucket}/rm1/`], envFor());
    expect(folder.code).toBe(2);
    expect(lines(folder.stderr)).toEqual([`s3-drop: "rm1" in the bucket "${bucket}" is a folder: add --recursive to delete it and everything in it.`]);
    // Named without its '/', a folder is still a folder, not "no file or folder named…".
    const bare = await runCli(['rm', `s3://${bucket}/rm1`], envFor());
    expect(bare.code).toBe(2);
    expect(lines(bare.stderr)).toEqual([`s3-drop: "rm1" in the bucket "${bucket}" is a folder: add --recursive to delete it and everything in it.`]);
    const missing = await runCli(['rm', `s3://${bucket}/rm1/nope.txt`], envFor());
    expect(missing.code).toBe(2);
    expect(lines(missing.stderr)).toEqual([`s3-drop: There is no file or folder named "rm1/nope.txt" in the bucket "${bucket}". It may have been moved or deleted.`]);
    expect(await keysUnder('rm1/')).toEqual(['rm1/y.txt']);
  });

  it('a recursive delete without --yes and without a terminal refuses with exit 2, names the count, and deletes nothing; --yes deletes', async () => {
    for (let i = 0; i < 5; i++) await put(`rmr/k${i}.txt`, 'abc');
    const refused = await runCli(['rm', '--recursive', `s3://${bucket}/rmr`], envFor());
    expect(refused.code).toBe(2);
    expect(lines(refused.stderr)).toEqual([
      `s3-drop: This would delete 5 objects (15 bytes) under s3://${bucket}/rmr/, and no one can be asked here: add --yes to go ahead. Run "s3-drop rm --help" to see how to use it.`,
    ]);
    expect(await keysUnder('rmr/')).toHaveLength(5);

    const run = await runCli(['rm', '--recursive', '--yes', `s3://${bucket}/rmr/`, '--json'], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ deleted: 5, failed: 0, bytes: 15 });
    expect(await keysUnder('rmr/')).toEqual([]);
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal a recursive delete asks, showing the count; "n" keeps everything, "y" deletes', async () => {
    for (let i = 0; i < 3; i++) await put(`ask/k${i}.txt`, 'ab');
    const env = { PATH: process.env.PATH, ...envFor() };
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [nodeBin, cli, 'rm', '--recursive', `s3://${bucket}/ask/`].map(quote).join(' ');
    const no = spawnSync('script', ['-qfec', command, '/dev/null'], { env: env as NodeJS.ProcessEnv, encoding: 'utf8', input: 'n\n' });
    expect(no.stdout).toContain(`Delete 3 objects (6 bytes) under s3://${bucket}/ask/? [y/N]`);
    expect(no.stdout).toContain('Nothing was deleted.');
    expect(await keysUnder('ask/')).toHaveLength(3);
    const yes = spawnSync('script', ['-qfec', command, '/dev/null'], { env: env as NodeJS.ProcessEnv, encoding: 'utf8', input: 'y\n' });
    expect(yes.status, yes.stdout).toBe(0);
    expect(yes.stdout).toContain('Deleted 3, failed 0');
    expect(await keysUnder('ask/')).toEqual([]);
  });
});

describe('mv', () => {
  it('renames a key and moves a folder with --recursive; a taken name is refused unless --overwrite', async () => {
    await put('mv/a.txt', 'A');
    await put('mv/sub/b.txt', 'BB');
    const one = await runCli(['mv', `s3://${bucket}/mv/a.txt`, `s3://${bucket}/mv/renamed.txt`, '--json'], envFor());
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ moved: 1, failed: 0, bytes: 1 });
    expect((await getObjectBytes(client, bucket, 'mv/renamed.txt')).toString()).toBe('A');

    const bare = await runCli(['mv', `s3://${bucket}/mv`, `s3://${bucket}/moved`], envFor());
    expect(bare.code).toBe(2);
    expect(lines(bare.stderr)).toEqual([`s3-drop: "mv" in the bucket "${bucket}" is a folder: add --recursive to move it and everything in it.`]);
    const folder = await runCli(['mv', '--recursive', `s3://${bucket}/mv`, `s3://${bucket}/moved/`], envFor());
    expect(folder.code, folder.stderr).toBe(0);
    expect(lines(folder.stderr)).toEqual(['Moved 2, failed 0 (3 bytes).']);
    expect(await keysUnder('mv/')).toEqual([]);
    expect(await keysUnder('moved/')).toEqual(['moved/renamed.txt', 'moved/sub/b.txt']);

    await put('other.txt', 'O');
    const clash = await runCli(['mv', `s3://${bucket}/other.txt`, `s3://${bucket}/moved/renamed.txt`], envFor());
    expect(clash.code).toBe(2);
    expect(lines(clash.stderr)).toEqual([`s3-drop: There is already something named "moved/renamed.txt" in the bucket "${bucket}". Choose another name, or add --overwrite to replace it.`]);
    expect((await getObjectBytes(client, bucket, 'moved/renamed.txt')).toString()).toBe('A');
    const forced = await runCli(['mv', `s3://${bucket}/other.txt`, `s3://${bucket}/moved/renamed.txt`, '--overwrite'], envFor());
    expect(forced.code, forced.stderr).toBe(0);
    expect((await getObjectBytes(client, bucket, 'moved/renamed.txt')).toString()).toBe('O');

    // A folder moved up onto one of its own keys: --overwrite cannot help there, so it is not offered.
    await put('own/in/in/x.txt', 'inner');
    await put('own/in/x.txt', 'outer');
    const own = await runCli(['mv', '--recursive', `s3://${bucket}/own/in`, `s3://${bucket}/own/`], envFor());
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('There is already something named "own/in/x.txt"');
    expect(own.stderr).not.toContain('--overwrite');
  });
});
