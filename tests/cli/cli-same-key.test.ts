/**
 * Two different files of one `upload` that come to one key (two folders of the same name, two files of one name):
 * the first is sent, the other is listed as `skipped:` naming both and the run exits 1, or with "Keep both" it is
 * saved as `name (1).ext`. Before, both were reported uploaded (exit 0) and one replaced the other.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBucket, rawClient, s3Info, textsUnder } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli } from '../support/serve';

let root: string;
let client: S3Client;
let bucket: string;
let runs = 0;

/** A fresh data folder per run, with `settings` written in it. */
function env(settings: Record<string, unknown> = {}): Record<string, string | undefined> {
  const dataDir = join(root, `data-${runs++}`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings));
  return cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir });
}

/** Writes `body` to `root/rel` (folders made) and returns the path. */
function put(rel: string, body: string): string {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
  return path;
}

const objectsUnder = (prefix: string) => textsUnder(client, bucket, prefix);

/** The last line of stdout, the --json summary. */
const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;

beforeAll(async () => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-samekey-'));
  mkdirSync(join(root, 'home'));
  client = rawClient();
  bucket = await freshBucket(client, 'samekey');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('upload of two files that come to one key', () => {
  it('sends the first of two same-named folders, lists the other file as skipped naming both, and exits 1', async () => {
    const a = put('p1/docs/a.txt', 'A');
    const b = put('p2/docs/a.txt', 'B');
    const run = await runCli(['upload', join(root, 'p1/docs'), join(root, 'p2/docs'), `s3://${bucket}/same2`, '--json'], env());
    expect(run.code).toBe(1);
    expect(summaryOf(run.stdout)).toMatchObject({ uploaded: 1, skipped: 0, failed: 0, problems: 1 });
    expect(run.stderr).toContain(`skipped: ${b}: "${b}" and "${a}" would both be saved as "same2/docs/a.txt"`);
    expect(await objectsUnder('same2/')).toEqual({ 'same2/docs/a.txt': 'A' });
  });

  it('two loose files of one name: the first is sent and the summary line counts the other as left out', async () => {
    const one = put('same1/x.txt', 'one');
    const two = put('same2/x.txt', 'two');
    const run = await runCli(['upload', one, two, `s3://${bucket}/same`], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`skipped: ${two}: `);
    expect(run.stderr).toContain('Uploaded 1, skipped 0, failed 0');
    expect(run.stderr).toContain('1 file with a problem');
    expect(await objectsUnder('same/')).toEqual({ 'same/x.txt': 'one' });
  });

  it('with the "Keep both" setting, saves the later file as "name (1).ext" and exits 0', async () => {
    const run = await runCli(['upload', join(root, 'p1/docs'), join(root, 'p2/docs'), `s3://${bucket}/kb`, '--json'], env({ existingAction: 'keep-both' }));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summaryOf(run.stdout)).toMatchObject({ uploaded: 2, problems: 0 });
    expect(await objectsUnder('kb/')).toEqual({ 'kb/docs/a.txt': 'A', 'kb/docs/a (1).txt': 'B' });
  });

  it('sends one file given twice once, and exits 0', async () => {
    const f = put('twice/t.txt', 'twice');
    const run = await runCli(['upload', f, f, `s3://${bucket}/twice`, '--json'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summaryOf(run.stdout)).toMatchObject({ uploaded: 1, problems: 0 });
    expect(await objectsUnder('twice/')).toEqual({ 'twice/t.txt': 'twice' });
  });
});
