/**
 * Ctrl-C and resume through the built CLI and the real engine: an interrupted multipart upload (or download) exits
 * 130, and running the same command again finishes the SAME journal entry (its finished parts kept),
 * byte-identical. A file that disappears mid-upload makes the run exit 1 with a summary. An endpoint that stops
 * answering is waited for, out loud, until --retry-for runs out; then the run exits 1 with a plain message.
 * The bandwidth limit (a setting in the data folder) only makes the uploads slow enough to interrupt.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startChaosProxy } from '../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, nodeBin, repoRoot, runCli, waitUntil } from '../support/serve';

let root: string;
let cli: string;

function envFor(dataDir: string): Record<string, string | undefined> {
  return cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir }, { PATH: process.env.PATH });
}

/** Reads the engine's journal without disturbing the running process (WAL allows a concurrent reader). */
function journalQuery<T>(dataDir: string, sql: string, ...params: string[]): T[] {
  const file = join(dataDir, 'journal.sqlite');
  if (!existsSync(file)) return [];
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } catch {
    return []; // tables not created yet
  } finally {
    db.close();
  }
}

function startUpload(args: string[], env: Record<string, string | undefined>, command = 'upload') {
  const child = spawn(nodeBin, [cli, command, ...args], { cwd: repoRoot, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return { child, done };
}

beforeAll(() => {
  cli = ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-resume-'));
  mkdirSync(join(root, 'home'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

it('Ctrl-C stops with 130 and the same command resumes the same journal entry to a byte-identical object', async () => {
  const client = rawClient();
  const bucket = await freshBucket(client, 'resume');
  const dataDir = join(root, 'data-resume');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ bandwidthLimitKiBps: 6 * 1024 }));
  const file = join(root, 'big.bin');
  const bytes = randomBytes(30 * 1024 * 1024);
  writeFileSync(file, bytes);
  const args = [file, `s3://${bucket}/r/`, '--part-size', '5', '--json'];

  const first = startUpload(args, envFor(dataDir));
  await waitUntil(() => (journalQuery<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM parts')[0]?.n ?? 0) >= 1 || first.child.exitCode !== null);
  first.child.kill('SIGINT');
  const stopped = await first.done;
  expect(stopped.code).toBe(130);
  expect(stopped.stderr).toContain('Stopped. Run the same command again to continue where it left off.');
  const before = journalQuery<{ id: string; state: string }>(dataDir, "SELECT id, state FROM transfers WHERE key = 'r/big.bin'");
  expect(before).toHaveLength(1);
  expect(before[0]!.state).not.toBe('done');
  const partsKept = journalQuery<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM parts WHERE transfer_id = ?', before[0]!.id)[0]!.n;
  expect(partsKept).toBeGreaterThanOrEqual(1);

  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({}));
  const second = await runCli(['upload', ...args], envFor(dataDir));
  expect(second.stderr).toBe('');
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ uploaded: 1, failed: 0, bytes: bytes.length });
  // The same entry finished: no second transfer was created for the key.
  expect(journalQuery<{ id: string; state: string }>(dataDir, "SELECT id, state FROM transfers WHERE key = 'r/big.bin'")).toEqual([
    { id: before[0]!.id, state: 'done' },
  ]);
  expect((await getObjectBytes(client, bucket, 'r/big.bin')).equals(bytes)).toBe(true);
});

it('a file deleted during its upload counts, as docs/reliability.md says: the open file was read whole, the run exits 0, and the bucket holds exactly it', async () => {
  const client = rawClient();
  const bucket = await freshBucket(client, 'vanish');
  const dataDir = join(root, 'data-vanish');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ bandwidthLimitKiBps: 4 * 1024 }));
  const ok = join(root, 'stays.txt');
  writeFileSync(ok, 'stays');
  const doomed = join(root, 'vanishes.bin');
  const bytes = randomBytes(24 * 1024 * 1024);
  writeFileSync(doomed, bytes);

  const run = startUpload([ok, doomed, `s3://${bucket}/v/`, '--part-size', '5', '--json'], envFor(dataDir));
  await waitUntil(() => (journalQuery<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM parts')[0]?.n ?? 0) >= 1 || run.child.exitCode !== null);
  rmSync(doomed);
  const result = await run.done;
  // The outcome and the bucket agree: reported uploaded, and the object is every byte of the deleted file.
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ uploaded: 2, failed: 0 });
  expect((await getObjectBytes(client, bucket, 'v/vanishes.bin')).equals(bytes)).toBe(true);
  expect((await getObjectBytes(client, bucket, 'v/stays.txt')).toString()).toBe('stays');
});

it('says what it waits for when the endpoint stops answering, and exits 1 with a plain message when --retry-for runs out', async () => {
  const proxy = await startChaosProxy({ upstream: s3Info().endpoint });
  try {
    const client = rawClient();
    const bucket = await freshBucket(client, 'outage');
    const dataDir = join(root, 'data-outage');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ bandwidthLimitKiBps: 4 * 1024 }));
    const file = join(root, 'outage.bin');
    writeFileSync(file, randomBytes(24 * 1024 * 1024));

    const run = startUpload([file, `s3://${bucket}/o/`, '--endpoint', proxy.url, '--part-size', '5', '--retry-for', '3', '--json'], envFor(dataDir));
    await waitUntil(() => (journalQuery<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM parts')[0]?.n ?? 0) >= 1 || run.child.exitCode !== null);
    await proxy.outage('refuse');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ uploaded: 0, failed: 1 });
    expect(result.stderr).toContain(`Waiting for ${proxy.url} to answer (attempt 1)…`);
    const gaveUp = /^failed: o\/outage\.bin: \S+ did not answer for (\d+) seconds, so the upload stopped\. Check your connection and try again\.$/m.exec(result.stderr);
    expect(gaveUp, result.stderr).not.toBeNull();
    // It gave up only after the whole budget.
    expect(Number(gaveUp![1])).toBeGreaterThanOrEqual(3);
    // The finished parts are still in the journal: nothing sent was thrown away.
    const [row] = journalQuery<{ id: string; state: string }>(dataDir, "SELECT id, state FROM transfers WHERE key = 'o/outage.bin'");
    expect(row?.state).toBe('failed');
    expect(journalQuery<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM parts WHERE transfer_id = ?', row!.id)[0]!.n).toBeGreaterThanOrEqual(1);
  } finally {
    await proxy.restore();
    await proxy.stop();
  }
});

it('download: Ctrl-C stops with 130 and the same command finishes the same journal entry, byte-identical; a folder keeps its name', async () => {
  const client = rawClient();
  const bucket = await freshBucket(client, 'dl');
  const dataDir = join(root, 'data-download');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ bandwidthLimitKiBps: 6 * 1024, multipartThresholdMiB: 5 }));
  const bytes = randomBytes(30 * 1024 * 1024);
  const small = randomBytes(1000);
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'reports/2026/big.bin', Body: bytes }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'reports/2026/sub/small é.txt', Body: small }));
  const target = join(root, 'downloads');
  const args = [`s3://${bucket}/reports/2026`, target, '--part-size', '5', '--json'];

  const first = startUpload(args, envFor(dataDir), 'download');
  const bigRanges = "SELECT count(*) AS n FROM parts JOIN transfers ON transfers.id = parts.transfer_id WHERE transfers.key = 'reports/2026/big.bin'";
  await waitUntil(() => (journalQuery<{ n: number }>(dataDir, bigRanges)[0]?.n ?? 0) >= 1 || first.child.exitCode !== null);
  first.child.kill('SIGINT');
  const stopped = await first.done;
  expect(stopped.code, stopped.stderr).toBe(130);
  const before = journalQuery<{ id: string; state: string }>(dataDir, "SELECT id, state FROM transfers WHERE key = 'reports/2026/big.bin'");
  expect(before).toHaveLength(1);
  const kept = journalQuery<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM parts WHERE transfer_id = ?', before[0]!.id)[0]!.n;
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(existsSync(join(target, '2026', 'big.bin'))).toBe(false);

  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ multipartThresholdMiB: 5 }));
  const second = await runCli(['download', ...args], envFor(dataDir));
  expect(second.stderr).toBe('');
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ downloaded: 2, failed: 0, renamed: 0, bytes: bytes.length + small.length });
  expect(journalQuery<{ id: string; state: string }>(dataDir, "SELECT id, state FROM transfers WHERE key = 'reports/2026/big.bin'")).toEqual([
    { id: before[0]!.id, state: 'done' },
  ]);
  expect(readFileSync(join(target, '2026', 'big.bin')).equals(bytes)).toBe(true);
  expect(readFileSync(join(target, '2026', 'sub', 'small é.txt')).equals(small)).toBe(true);
  expect(existsSync(join(target, '2026', 'big.bin.s3drop-part'))).toBe(false);

  // Interrupted again, then run into another folder: that folder gets its own copy, not the leftover's.
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ bandwidthLimitKiBps: 6 * 1024, multipartThresholdMiB: 5, existingAction: 'overwrite' }));
  const other = join(root, 'downloads-other');
  const third = startUpload([`s3://${bucket}/reports/2026/big.bin`, target, '--part-size', '5'], envFor(dataDir), 'download');
  await waitUntil(() => (journalQuery<{ n: number }>(dataDir, bigRanges)[0]?.n ?? 0) >= 1 || third.child.exitCode !== null);
  third.child.kill('SIGINT');
  expect((await third.done).code).toBe(130);
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ multipartThresholdMiB: 5 }));
  const fourth = await runCli(['download', `s3://${bucket}/reports/2026/big.bin`, other, '--json'], envFor(dataDir));
  expect(fourth.code, fourth.stderr).toBe(0);
  expect(readFileSync(join(other, 'big.bin')).equals(bytes)).toBe(true);
});

it('download: a missing key is a plain error with exit 2, and nothing is written', async () => {
  const bucket = await freshBucket(rawClient(), 'dlmiss');
  const dataDir = join(root, 'data-download-missing');
  const target = join(root, 'nothing');
  const run = await runCli(['download', `s3://${bucket}/no/such/file.txt`, target], envFor(dataDir));
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('There is no file or folder named "no/such/file.txt"');
  expect(existsSync(target)).toBe(false);
});
