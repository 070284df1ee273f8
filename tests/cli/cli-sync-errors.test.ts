/**
 * `sync` and `upload` read the same S3 failure the same way: both go through the one error mapping (s3/errors.ts)
 * with the bucket, endpoint and profile, so a missing bucket, a stopped server, a wrong secret or an unknown key id
 * print the same plain line from either command (sync used to print "Something went wrong" for all of them). The
 * local side too: a file given as the folder, and a missing folder with and without --mirror.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/s3-server';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli } from '../support/serve';

const info = s3Info();
let root: string;
let folder: string;
let bucket: string;
let runs = 0;

beforeAll(async () => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-sync-errors-'));
  mkdirSync(join(root, 'home'));
  folder = join(root, 'folder');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.txt'), 'alpha');
  bucket = await freshBucket(rawClient(info), 'clisyncerr');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The error line each command prints for the same destination and environment (each run with its own data folder). */
async function bothSay(target: string, extra: Record<string, string | undefined> = {}): Promise<{ upload: string; sync: string }> {
  const env = () => cliTestEnv(info, { home: join(root, 'home'), dataDir: join(root, `data-${runs++}`) }, extra);
  const upload = await runCli(['upload', join(folder, 'a.txt'), target], env());
  const sync = await runCli(['sync', folder, target, '--once'], env());
  expect(upload.code, upload.stderr).not.toBe(0);
  expect(sync.code, sync.stderr).not.toBe(0);
  const line = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('s3-drop: ')) ?? `(no error line) ${stderr}`;
  return { upload: line(upload.stderr), sync: line(sync.stderr) };
}

describe('sync reports S3 failures as upload does', () => {
  it('a bucket that does not exist', async () => {
    const said = await bothSay('s3://no-such-bucket-s3drop-sync/x');
    expect(said.upload).toBe('s3-drop: The bucket "no-such-bucket-s3drop-sync" does not exist. Create it, or check its name.');
    expect(said.sync).toBe(said.upload);
  });

  it('a stopped server', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const said = await bothSay(`s3://${bucket}/x`, { AWS_ENDPOINT_URL_S3: endpoint });
    expect(said.upload).toBe(`s3-drop: Could not reach the storage service at ${new URL(endpoint).host}. Your internet connection may be fine: check that the service is running and that the address is right.`);
    expect(said.sync).toBe(said.upload);
  });

  it.skipIf(!info.features.verifiesSignatures)('a wrong secret key', async () => {
    const said = await bothSay(`s3://${bucket}/x`, { AWS_SECRET_ACCESS_KEY: `${info.secretAccessKey}-wrong` });
    expect(said.upload).toMatch(/secret key is wrong/i);
    expect(said.sync).toBe(said.upload);
  });

  it.skipIf(!info.features.verifiesSignatures)('an access key id the server does not know', async () => {
    const said = await bothSay(`s3://${bucket}/x`, { AWS_ACCESS_KEY_ID: 'S3DROPNOSUCHKEY00000' });
    expect(said.upload).toMatch(/access key/i);
    expect(said.sync).toBe(said.upload);
  });
});

describe('the local side of sync says what is wrong with it', () => {
  const syncLine = async (args: string[]) => {
    const run = await runCli(['sync', ...args, '--once'], cliTestEnv(info, { home: join(root, 'home'), dataDir: join(root, `data-${runs++}`) }));
    expect(run.code, run.stderr).toBe(2);
    return run.stderr.split('\n').filter((l) => l.startsWith('s3-drop: '));
  };

  it('a file is "a file, not a folder", not a missing drive, with or without --mirror', async () => {
    const file = join(folder, 'a.txt');
    const expected = [`s3-drop: ${file} is a file, not a folder. Sync keeps a folder up to date; to send one file, upload it.`];
    expect(await syncLine([file, `s3://${bucket}/f`])).toEqual(expected);
    expect(await syncLine([file, `s3://${bucket}/f`, '--mirror'])).toEqual(expected);
  });

  it('a missing folder says nothing was deleted only with --mirror, the one mode that deletes', async () => {
    const gone = join(root, 'unplugged');
    expect(await syncLine([gone, `s3://${bucket}/g`])).toEqual([`s3-drop: The folder ${gone} is missing (is the drive connected?).`]);
    expect(await syncLine([gone, `s3://${bucket}/g`, '--mirror'])).toEqual([`s3-drop: The folder ${gone} is missing or empty (is the drive connected?). Nothing was deleted.`]);
  });
});
