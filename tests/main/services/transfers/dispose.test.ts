/**
 * Shutdown mid-multipart: disposing the engine while parts stream must not crash the process (an aborted part
 * stream raising an unhandled error meant exit code 1) nor print SDK noise; the journal keeps the transfer, and
 * a new engine finishes it from the finished parts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';
import { bundleChild } from '../../../support/bundle-child';

const root = resolve(import.meta.dirname, '../../../..');
const nodeBin = join(root, 'node_modules/.bin/node');
const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-dispose-'));
let childJs: string;
let bucket: string;

beforeAll(async () => {
  const outDir = join(root, 'node_modules/.cache/s3drop-tests');
  mkdirSync(outDir, { recursive: true });
  childJs = join(outDir, `dispose-child-${process.pid}.mjs`);
  await bundleChild(join(import.meta.dirname, 'dispose-child.ts'), childJs);
  bucket = await freshBucket(raw, 'dispose');
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(childJs, { force: true });
});

it.each([
  [4096, false],
  [0, false],
  [0, true],
])('dispose mid-multipart (bandwidth limit %i KiB/s, before any part finished: %s): exit code 0, nothing on stderr, and the journal resumes the upload', { timeout: 120_000 }, async (bw, early) => {
  const dataDir = join(work, `data-${bw}-${early}`);
  const f = randomFile(work, `big-${bw}-${early}.bin`, (bw ? 20 : 60) * 1024 * 1024 + 7);
  const args = { dataDir, endpoint: info.endpoint, region: info.region, accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, file: f.path, bucket, key: `dispose/big-${bw}-${early}.bin`, ...(info.aws ? { aws: info.aws } : {}) };
  const child = spawn(nodeBin, [childJs, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BW: String(bw), EARLY: early ? '1' : '0' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(out).toContain('"disposed":true');

  // The journal kept the transfer and its finished parts: a new engine completes it.
  const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5 }, dataDir);
  const engine = new TransferService(core, testClients(core, info));
  await engine.start();
  try {
    const [t] = engine.list().transfers;
    expect(['queued', 'running']).toContain(t?.state);
    if (!early) expect(t?.partsDone).toBeGreaterThanOrEqual(1);
    const [done] = await engine.waitFor([t!.id]);
    expect(done!.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, `dispose/big-${bw}-${early}.bin`)).equals(f.bytes)).toBe(true);
  } finally {
    await engine.dispose();
  }
});
