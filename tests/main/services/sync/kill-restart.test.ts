import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { rawClient, s3Info } from '../../../support/s3-test-client';
import { makeHarness, tempFolder, until, type Harness } from './harness';
import { bundleChild } from '../../../support/bundle-child';

const root = resolve(import.meta.dirname, '../../../..');
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('sync after a crash', () => {
  it('a process killed mid-sync (SIGKILL) and restarted converges: no duplicate, no missing object', async () => {
    h = await makeHarness(s3Info());
    // Slow the link so the kill lands part-way through the pass: 60 files of 32 KiB take about 8 s at 256 KiB/s
    // however many go at once (a per-request latency stopped doing that once small files went 32 at a time).
    h.proxy.configure({ bandwidthBytesPerSec: 256 * 1024 });
    const dir = tempFolder();
    const expected = new Map<string, string>();
    for (let i = 0; i < 60; i++) {
      const rel = `d${i % 4}/file-${i}.bin`;
      mkdirSync(join(dir, `d${i % 4}`), { recursive: true });
      const body = Buffer.alloc(32 * 1024 + i, i);
      writeFileSync(join(dir, rel), body);
      expected.set(`crash/${rel}`, createHash('md5').update(body).digest('hex'));
    }
    const pair = { folder: dir, target: { profileId: 'test', bucket: h.bucket, prefix: 'crash' }, mode: 'mirror' as const, ignore: [], brakeShare: 0.2, brakeCount: 1000, trashDays: 30, stableMs: 2000 };

    const outDir = join(root, 'node_modules/.cache/s3drop-sync-tests');
    mkdirSync(outDir, { recursive: true });
    const script = join(outDir, 'kill-child.mjs');
    await bundleChild(join(import.meta.dirname, 'kill-child.ts'), script);
    const info = h.childInfo;
    const child = spawn(join(root, 'node_modules/.bin/node'), [script], {
      env: { ...process.env, S3DROP_KILL_CHILD: JSON.stringify({ info, endpoint: h.proxy.url, dataDir: h.dataDir, pair }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await until(async () => (await h!.keys()).length >= 5 || child.exitCode !== null, 'some uploads by the child');
    child.kill('SIGKILL');
    await exited;
    const atKill = (await h.keys()).length;
    expect(out, err).not.toContain('done');
    expect(atKill).toBeLessThan(expected.size);
    h.proxy.configure({ bandwidthBytesPerSec: 0 });

    const sync = await h.restart();
    const summary = await sync.syncOnce(pair);
    expect(summary.failed).toBe(0);
    const page = await rawClient().send(new ListObjectsV2Command({ Bucket: h.bucket }));
    const got = new Map((page.Contents ?? []).map((o) => [o.Key!, o.ETag!.replace(/"/g, '')]));
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, md5] of expected) expect(got.get(key), key).toBe(md5);
    // A second pass has nothing left to do.
    const again = await sync.syncOnce(pair);
    expect(again).toMatchObject({ uploaded: 0, deleted: 0, failed: 0, skipped: 60 });
  });
});
