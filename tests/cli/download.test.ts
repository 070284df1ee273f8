/**
 * `s3-drop download` (the built CLI) against the suite's S3 server, for what the engine tests do not reach through
 * the command line: folder markers become empty local folders, `--version-id` downloads an older version (RGW),
 * a `--version-id` the file does not have, and `--version-id` with more than one source is a usage error.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli } from '../support/serve';

const info = s3Info();
let root: string;
let client: S3Client;
let bucket: string;

function envFor(): Record<string, string | undefined> {
  return cliTestEnv(info, { home: join(root, 'home'), dataDir: join(root, `data-${randomBytes(4).toString('hex')}`) });
}

beforeAll(async () => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-download-'));
  mkdirSync(join(root, 'home'));
  client = rawClient(info);
  bucket = await freshBucket(client, 'cli-download');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('download', () => {
  it('makes a folder marker an empty local folder, not a file', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'mk/file.txt', Body: 'f' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'mk/empty/', Body: '' }));
    const target = join(root, 'mk');
    const run = await runCli(['download', `s3://${bucket}/mk/`, target, '--json'], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(join(target, 'mk', 'empty')).isDirectory()).toBe(true);
    expect(readdirSync(join(target, 'mk', 'empty'))).toEqual([]);
    expect(readFileSync(join(target, 'mk', 'file.txt'), 'utf8')).toBe('f');
  });

  it('saves a key with control characters under a name without them, and says so in one escaped line', async () => {
    const key = 'ctl/evil\u001b[31mRED\u001b[0m\nfake.txt';
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'c' }));
    const target = join(root, 'ctl');
    const run = await runCli(['download', `s3://${bucket}/ctl/`, target], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(join(target, 'ctl'))).toEqual(['evil_[31mRED_[0m_fake.txt']);
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).toContain(`renamed: ctl/evil\\x1b[31mRED\\x1b[0m\\nfake.txt -> ${join(target, 'ctl', 'evil_[31mRED_[0m_fake.txt')} (the name held control characters)\n`);
  });

  it('saves an object named as a folder beside that folder (as mv onto a folder makes) under a keep-both name', async ({ skip }) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'mvd/moved/pic.txt', Body: 'p' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'mvd/moved', Body: 'm' }));
    // s3rver keeps objects as files named by their keys and lists these two out of order; RGW and S3 do not.
    const listed = (await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'mvd/' }))).Contents?.map((o) => o.Key);
    if (listed?.join() !== 'mvd/moved,mvd/moved/pic.txt') skip();
    const target = join(root, 'mvd');
    const run = await runCli(['download', `s3://${bucket}/mvd/`, target], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(target, 'mvd', 'moved (1)'), 'utf8')).toBe('m');
    expect(readFileSync(join(target, 'mvd', 'moved', 'pic.txt'), 'utf8')).toBe('p');
    expect(run.stderr).toContain(`renamed: mvd/moved -> ${join(target, 'mvd', 'moved (1)')} (another file or folder already had this name)\n`);
  });

  it('keeps the bytes of a folder marker that holds some, beside its folder, and says so', async () => {
    for (const [Key, Body] of [['zm/top/a.txt', 'a'], ['zm/top/m/', 'hello'], ['zm/top/z.txt', 'z']]) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
    const target = join(root, 'zm');
    const run = await runCli(['download', `s3://${bucket}/zm/top`, target, '--json'], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ downloaded: 3, failed: 0, renamed: 1 });
    expect(readFileSync(join(target, 'top', 'm (1)'), 'utf8')).toBe('hello');
    expect(readdirSync(join(target, 'top')).sort()).toEqual(['a.txt', 'm', 'm (1)', 'z.txt']);
    expect(statSync(join(target, 'top', 'm')).isDirectory()).toBe(true);
    expect(run.stderr).toContain(`renamed: zm/top/m/ -> ${join(target, 'top', 'm (1)')} (the key names a folder but holds data, so it is saved beside the folder)\n`);
  });

  it('refuses --version-id with more than one source (exit 2)', async () => {
    const run = await runCli(['download', `s3://${bucket}/mk/file.txt`, `s3://${bucket}/mk/empty/`, join(root, 'x'), '--version-id', 'v1'], envFor());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--version-id is for one file/);
  });

  it.skipIf(!info.features.versioning)('a --version-id the file does not have says that version does not exist, not the file (RGW)', async () => {
    const vb = await freshBucket(client, 'cli-download-nover');
    await client.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    await client.send(new PutObjectCommand({ Bucket: vb, Key: 'r/key.txt', Body: 'k' }));
    const run = await runCli(['download', `s3://${vb}/r/key.txt`, join(root, 'nover'), '--version-id', 'bogus'], envFor());
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([`s3-drop: The file "r/key.txt" in the bucket "${vb}" has no version bogus. Check the version ID.`]);
  });

  it.skipIf(!info.features.versioning)('downloads an older version with --version-id, byte for byte (RGW)', async () => {
    const vb = await freshBucket(client, 'cli-download-ver');
    await client.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = randomBytes(4321);
    const v1Id = (await client.send(new PutObjectCommand({ Bucket: vb, Key: 'r/report.bin', Body: v1 }))).VersionId;
    await client.send(new PutObjectCommand({ Bucket: vb, Key: 'r/report.bin', Body: randomBytes(99) }));
    const target = join(root, 'ver');
    const run = await runCli(['download', `s3://${vb}/r/report.bin`, target, '--version-id', v1Id!, '--json'], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(target, 'report.bin')).equals(v1)).toBe(true);
  });
});
