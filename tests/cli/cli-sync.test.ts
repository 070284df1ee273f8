/** `s3-drop sync --once` through the built CLI and the real engine: the folder's contents land under the prefix, and a second run uploads nothing. */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startChaosProxy } from '../support/chaos-proxy';
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

it.skipIf(process.platform === 'win32')('runs no program of the user\'s PATH to look for Watchman: the folder snapshot goes through the platform\'s own watcher', async () => {
  const bucket = await freshBucket(rawClient(), 'clinowatchman');
  const folder = join(root, 'nowatchman');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.txt'), 'a');
  // A "watchman" first on PATH that leaves a mark when run (@parcel/watcher's own probe runs `sh -c "watchman …"`).
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  const mark = join(root, 'watchman-ran');
  writeFileSync(join(bin, 'watchman'), `#!/bin/sh\necho ran >> '${mark}'\nexit 1\n`);
  chmodSync(join(bin, 'watchman'), 0o755);
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-nowatchman') }, { PATH: `${bin}:${process.env.PATH}` });
  // The second run reads the snapshot the first one wrote.
  for (const uploaded of [1, 0]) {
    const run = await runCli(['sync', folder, `s3://${bucket}/w`, '--once', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ uploaded, failed: 0 });
  }
  expect(existsSync(mark)).toBe(false);
});

it('compares with the bucket on every run: an object deleted by another client comes back, and a stopped server is exit 1 with the reason', async () => {
  const client = rawClient();
  const bucket = await freshBucket(client, 'clihonest');
  const folder = join(root, 'honest');
  mkdirSync(folder, { recursive: true });
  for (const name of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(join(folder, name), name);
  // The server is reached through a proxy this test can stop, named with --endpoint (so it is part of the pair).
  const proxy = await startChaosProxy({ upstream: s3Info().endpoint, faultRate: 0 });
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-honest') });
  const sync = () => runCli(['sync', folder, `s3://${bucket}/h`, '--once', '--endpoint', proxy.url], env);
  try {
    expect((await sync()).code).toBe(0);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'h/b.txt' }));
    const again = await sync();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Uploaded 1, skipped 2, failed 0');
    expect((await getObjectBytes(client, bucket, 'h/b.txt')).toString()).toBe('b.txt');
  } finally {
    await proxy.stop();
  }
  const down = await sync();
  expect(down.code).toBe(1);
  expect(down.stderr).toBe(`s3-drop: Could not reach the storage service at ${new URL(proxy.url).host}. Your internet connection may be fine: check that the service is running and that the address is right.\n`);
});

it('leaves an object edited in the bucket as it is when the file here did not change, and says so on stderr', async () => {
  const client = rawClient();
  const bucket = await freshBucket(client, 'clikept');
  const folder = join(root, 'kept');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'notes.txt'), 'v1');
  writeFileSync(join(folder, 'other.txt'), 'other');
  const env = cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, 'data-kept') });
  const sync = () => runCli(['sync', folder, `s3://${bucket}/k`, '--once'], env);
  expect((await sync()).code).toBe(0);
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k/notes.txt', Body: 'v2 from a colleague' }));
  const again = await sync();
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).toContain('kept: notes.txt was changed in the bucket since the last sync; your unchanged copy was not uploaded over it\n');
  expect(again.stderr).toContain('Uploaded 0, skipped 2, failed 0');
  expect((await getObjectBytes(client, bucket, 'k/notes.txt')).toString()).toBe('v2 from a colleague');
});
