/** `s3-drop sync --once` through the built CLI and the real engine: the folder's contents land under the prefix, and a second run uploads nothing. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli } from '../support/serve';

let root: string;

beforeAll(() => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-sync-'));
  mkdirSync(join(root, 'home'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

it('syncs a folder once, then finds nothing to upload on the second run', async () => {
  const client = rawClient();
  const bucket = await freshBucket(client, 'clisync');
  const folder = join(root, 'folder');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  const files: Record<string, Buffer> = { 'a.txt': randomBytes(100), 'sub/b.bin': randomBytes(5000) };
  for (const [rel, bytes] of Object.entries(files)) writeFileSync(join(folder, rel), bytes);
  writeFileSync(join(folder, '.DS_Store'), 'ignored by default');
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data') });

  const first = await runCli(['sync', folder, `s3://${bucket}/mirror`, '--once', '--json'], env);
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout.trim().split('\n').pop()!)).toMatchObject({ uploaded: 2, failed: 0, deleted: 0, bytes: 5100 });
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'mirror/' }));
  // As `aws s3 sync` does: the folder's contents, not the folder itself, go under the prefix.
  expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(['mirror/a.txt', 'mirror/sub/b.bin']);
  for (const [rel, bytes] of Object.entries(files)) expect((await getObjectBytes(client, bucket, `mirror/${rel}`)).equals(bytes)).toBe(true);

  const second = await runCli(['sync', folder, `s3://${bucket}/mirror`, '--once', '--json'], env);
  expect(second.code, second.stderr).toBe(0);
  expect(JSON.parse(second.stdout.trim().split('\n').pop()!)).toMatchObject({ uploaded: 0, failed: 0, deleted: 0 });
});
