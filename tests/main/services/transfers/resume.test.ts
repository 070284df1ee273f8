/**
 * Crash and resume: the engine runs in a child process, is killed with SIGKILL mid-multipart, and restarted.
 * A counting proxy between it and the server shows which parts are sent the second time. With
 * S3DROP_TEST_S3=aws-proxy the engine's profile is an Amazon S3 one, through an AWS-behaviour proxy in front of the
 * counting proxy (so the resume of a SHA-256 multipart upload, as on AWS, is the one counted).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ListMultipartUploadsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { accessOf, startAwsProxy, type AwsProxy } from '../../../support/aws-proxy';
import { startCountingProxy, type CountingProxy } from '../../../support/counting-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore, until } from './harness';
import { bundleChild } from '../../../support/bundle-child';

const MiB = 1024 * 1024;
const root = resolve(import.meta.dirname, '../../../..');
const nodeBin = join(root, 'node_modules/.bin/node');
const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-resume-'));
let childJs: string;
let proxy: CountingProxy;
let awsFront: AwsProxy | undefined;
let bucket: string;

beforeAll(async () => {
  // The bundle must sit under the repo so its bare imports resolve from node_modules.
  const outDir = join(root, 'node_modules/.cache/s3drop-tests');
  mkdirSync(outDir, { recursive: true });
  childJs = join(outDir, `engine-child-${process.pid}.mjs`);
  await bundleChild(join(import.meta.dirname, 'engine-child.ts'), childJs);
  proxy = await startCountingProxy(info.endpoint);
  if (info.aws) awsFront = await startAwsProxy({ ...info, endpoint: proxy.url });
  bucket = await freshBucket(raw, 'resume');
});

afterAll(async () => {
  await awsFront?.stop();
  await proxy.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(childJs, { force: true });
});

interface Run {
  done: Promise<{ code: number | null; lines: string[] }>;
  kill(): void;
}

function runChild(dataDir: string, file: string, key: string, settings: Record<string, unknown>, download = false, extra: { bucket?: string; versionId?: string } = {}): Run {
  const args = { dataDir, endpoint: proxy.url, region: info.region, accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, file, bucket, key, settings, download, ...extra, ...(awsFront ? { aws: accessOf(awsFront) } : {}) };
  const child = spawn(nodeBin, [childJs, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; lines: string[] }>((res) =>
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) console.error(err);
      res({ code, lines: out.trim().split('\n').filter(Boolean) });
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

function journaledParts(dataDir: string): number {
  try {
    const db = new DatabaseSync(join(dataDir, 'journal.sqlite'), { readOnly: true });
    try {
      return Number((db.prepare('SELECT COUNT(*) AS n FROM parts').get() as { n: number }).n);
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}


const slow = { partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 2, bandwidthLimitKiBps: 8 * 1024 };
const fast = { partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 2, bandwidthLimitKiBps: 0 };

describe('kill -9 mid-multipart, then restart', () => {
  it('sends only the missing parts and the object is byte-identical', async () => {
    const dataDir = join(work, 'a');
    const file = join(work, 'a.bin');
    const bytes = randomBytes(40 * MiB); // 8 parts of 5 MiB
    writeFileSync(file, bytes);
    const first = runChild(dataDir, file, 'resume/a.bin', slow);
    await until(() => journaledParts(dataDir) >= 3, 'three journaled parts');
    first.kill();
    expect((await first.done).code).toBe(null);
    const kept = journaledParts(dataDir);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(8);

    await awsFront?.idle();
    proxy.resetStats();
    const second = runChild(dataDir, file, 'resume/a.bin', fast);
    const { code, lines } = await second.done;
    expect(code).toBe(0);
    expect(JSON.parse(lines[0]!).resumed).toBe(true);
    expect(JSON.parse(lines[lines.length - 1]!).result).toEqual([{ state: 'done' }]);
    const sent = proxy.stats().byKind.UploadPart ?? 0;
    if (info.features.multipartAdmin) expect(sent).toBeLessThanOrEqual(8 - kept);
    else expect(sent).toBe(8 - kept);
    expect(proxy.stats().byKind.CreateMultipartUpload ?? 0).toBe(0);
    expect((await getObjectBytes(raw, bucket, 'resume/a.bin')).equals(bytes)).toBe(true);
  });

  it('a file changed between kill and restart is uploaded again from the start, leaving no stale upload', async () => {
    const dataDir = join(work, 'b');
    const file = join(work, 'b.bin');
    writeFileSync(file, randomBytes(30 * MiB));
    const first = runChild(dataDir, file, 'resume/b.bin', slow);
    await until(() => journaledParts(dataDir) >= 2, 'two journaled parts');
    first.kill();
    await first.done;
    appendFileSync(file, randomBytes(MiB + 7));
    const changed = readFileSync(file);

    await awsFront?.idle();
    proxy.resetStats();
    const second = runChild(dataDir, file, 'resume/b.bin', fast);
    const { code, lines } = await second.done;
    expect(code).toBe(0);
    expect(JSON.parse(lines[lines.length - 1]!).result).toEqual([{ state: 'done' }]);
    expect(proxy.stats().byKind.CreateMultipartUpload).toBe(1);
    expect(proxy.stats().byKind.UploadPart).toBe(Math.ceil(changed.length / (5 * MiB)));
    expect((await getObjectBytes(raw, bucket, 'resume/b.bin')).equals(changed)).toBe(true);
    if (info.features.multipartAdmin) {
      expect(proxy.stats().byKind.AbortMultipartUpload).toBeGreaterThanOrEqual(1);
      const pending = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect(pending.Uploads ?? []).toEqual([]);
    }
  });

  it.skipIf(!info.features.multipartAdmin)('on start, an upload we began that no journal entry needs is aborted', async () => {
    const dataDir = join(work, 'c');
    const file = join(work, 'c.bin');
    writeFileSync(file, randomBytes(20 * MiB));
    const first = runChild(dataDir, file, 'resume/c.bin', slow);
    await until(() => journaledParts(dataDir) >= 1, 'a journaled part');
    first.kill();
    await first.done;
    // The transfer is forgotten (as if cleared) but the record of the upload we created stays.
    const db = new DatabaseSync(join(dataDir, 'journal.sqlite'));
    db.exec('DELETE FROM transfers; DELETE FROM parts;');
    expect(Number((db.prepare('SELECT COUNT(*) AS n FROM open_uploads').get() as { n: number }).n)).toBe(1);
    db.close();
    const before = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'resume/c.bin' }));
    expect(before.Uploads?.length).toBe(1);

    const core = testCore({}, dataDir);
    const engine = new TransferService(core, testClients(core, info));
    await engine.start();
    let pending = before.Uploads ?? [];
    // The clean-up runs in the background after start; poll the server (a hang guard, not a timing assertion).
    for (let i = 0; i < 100 && pending.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pending = (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'resume/c.bin' }))).Uploads ?? [];
    }
    expect(pending).toEqual([]);
    await engine.dispose();
  });
});

describe('kill -9 mid-download, then restart', () => {
  const partPath = (file: string) => `${file}.s3drop-part`;

  it('fetches only the missing ranges of a 300 MiB object; the file is byte-identical and no part file is left', async () => {
    const dataDir = join(work, 'd');
    const file = join(work, 'down', 'd.bin');
    const ranges = 60; // 300 MiB in ranges of 5 MiB, the size the file-manager issue asks for
    const bytes = randomBytes(ranges * 5 * MiB);
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'down/d.bin', Body: bytes }));
    const first = runChild(dataDir, file, 'down/d.bin', slow, true);
    await until(() => journaledParts(dataDir) >= 3, 'three journaled ranges');
    first.kill();
    expect((await first.done).code).toBe(null);
    const kept = journaledParts(dataDir);
    expect(kept).toBeLessThan(ranges);
    // Killed mid-way: the bytes sit under the temporary name only.
    expect(existsSync(file)).toBe(false);
    expect(existsSync(partPath(file))).toBe(true);

    await awsFront?.idle();
    proxy.resetStats();
    const { code, lines } = await runChild(dataDir, file, 'down/d.bin', fast, true).done;
    expect(code).toBe(0);
    expect(JSON.parse(lines[0]!).resumed).toBe(true);
    expect(JSON.parse(lines[lines.length - 1]!).result).toEqual([{ state: 'done' }]);
    expect(proxy.stats().byKind.GetObject).toBe(ranges - kept);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(partPath(file))).toBe(false);
    // 300 MiB through s3rver and a counting proxy on a loaded 2-core CI machine: minutes, not the default minute.
  }, 300_000);

  it('an object changed between kill and restart is downloaded again from the start', async () => {
    const dataDir = join(work, 'e');
    const file = join(work, 'down', 'e.bin');
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'down/e.bin', Body: randomBytes(30 * MiB) }));
    const first = runChild(dataDir, file, 'down/e.bin', slow, true);
    await until(() => journaledParts(dataDir) >= 2, 'two journaled ranges');
    first.kill();
    await first.done;
    const changed = randomBytes(31 * MiB + 7);
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'down/e.bin', Body: changed }));

    await awsFront?.idle();
    proxy.resetStats();
    const { code, lines } = await runChild(dataDir, file, 'down/e.bin', fast, true).done;
    expect(code).toBe(0);
    expect(JSON.parse(lines[lines.length - 1]!).result).toEqual([{ state: 'done' }]);
    expect(proxy.stats().byKind.GetObject).toBe(Math.ceil(changed.length / (5 * MiB)));
    expect(readFileSync(file).equals(changed)).toBe(true);
    expect(existsSync(partPath(file))).toBe(false);
  });

  it.skipIf(!info.features.versioning)('a pinned older version resumes from the journal as that version, though the key changed meanwhile (RGW)', async () => {
    const vb = await freshBucket(raw, 'resume-ver');
    await raw.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    const ranges = 6;
    const v1 = randomBytes(ranges * 5 * MiB);
    const v1Id = (await raw.send(new PutObjectCommand({ Bucket: vb, Key: 'down/v.bin', Body: v1 }))).VersionId;
    expect(v1Id).toBeTruthy();
    await raw.send(new PutObjectCommand({ Bucket: vb, Key: 'down/v.bin', Body: randomBytes(ranges * 5 * MiB) }));
    const dataDir = join(work, 'v');
    const file = join(work, 'down', 'v.bin');
    const first = runChild(dataDir, file, 'down/v.bin', slow, true, { bucket: vb, versionId: v1Id! });
    await until(() => journaledParts(dataDir) >= 2, 'two journaled ranges');
    first.kill();
    await first.done;
    const kept = journaledParts(dataDir);
    expect(kept).toBeLessThan(ranges);
    // The key gets yet another current version: the pinned one has not changed, so nothing starts over.
    await raw.send(new PutObjectCommand({ Bucket: vb, Key: 'down/v.bin', Body: randomBytes(1000) }));

    await awsFront?.idle();
    proxy.resetStats();
    // No version id this time: the restart finds it in the journal.
    const { code, lines } = await runChild(dataDir, file, 'down/v.bin', fast, true, { bucket: vb }).done;
    expect(code).toBe(0);
    expect(JSON.parse(lines[0]!).resumed).toBe(true);
    expect(JSON.parse(lines[lines.length - 1]!).result).toEqual([{ state: 'done' }]);
    expect(proxy.stats().byKind.GetObject).toBe(ranges - kept);
    expect(readFileSync(file).equals(v1)).toBe(true);
    expect(existsSync(partPath(file))).toBe(false);
  });
});
