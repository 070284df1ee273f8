/**
 * Issue 15: a synced folder's file count moves while a scan runs: the scanner reports after each folder, and the pass
 * puts that on the pair's throttled sync:status (not asserted here: whether a status falls mid-scan is timing).
 * The count of files still to upload falls as each upload of a pass ends, on sync:status, while one upload of
 * the pass still hangs (the proxy never answers it), so the pass is provably not over.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncPairStatus } from '../../../../src/shared/contract';
import { createIgnoreMatcher } from '../../../../src/main/services/sync/ignore';
import { scanFolder } from '../../../../src/main/services/sync/scanner';
import { s3Info } from '../../../support/s3-test-client';
import { makeHarness, pairInput, tempFolder, until, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A folder of `folders` sub-folders with `each` files in each. */
function tree(folders: number, each: number): string {
  const dir = tempFolder();
  for (let i = 0; i < folders; i++) {
    mkdirSync(join(dir, `d${i}`));
    for (let j = 0; j < each; j++) writeFileSync(join(dir, `d${i}`, `f${j}.txt`), `${i}-${j}`);
  }
  return dir;
}

describe('live file count', () => {
  it('the scanner reports the files found so far after each folder', async () => {
    const seen: number[] = [];
    const scan = await scanFolder(tree(4, 3), { ignore: createIgnoreMatcher([]), onProgress: (n) => seen.push(n) });
    expect(scan.files).toHaveLength(12);
    expect(seen.at(-1)).toBe(12);
    // More than one step, each no smaller than the last: a count that moves, not one jump at the end.
    expect(new Set(seen).size).toBeGreaterThan(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('live count of files to upload', () => {
  it('falls on sync:status as each upload of a pass ends, before the pass is over', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'hangs.txt']) writeFileSync(join(dir, name), name);
    // Every attempt at uploading hangs.txt is read and never answered: the pass cannot end until it is cancelled.
    h.proxy.configure({ faultRate: 1, faults: { stall: 1 }, eligible: (req) => req.kind === 'PutObject' && (req.key ?? '').endsWith('hangs.txt') });
    const seen: SyncPairStatus[] = [];
    h.core.events.on('sync:status', (list) => seen.push(...list));
    await h.sync.add(pairInput(dir, h.bucket, 'live'));
    // (The first 'syncing' status, with 4 to go, may be folded into the next by the 5-a-second throttle.)
    await until(async () => (await h!.keys('live/')).length === 3, 'the other three to land');
    // Without a wait per transfer the count stayed at 4 until the last upload ended.
    await until(() => seen.at(-1)?.pending === 1, 'the count to fall to the one still uploading');
    expect(seen.at(-1)?.state).toBe('syncing');
    const pending = seen.filter((s) => s.state === 'syncing').map((s) => s.pending);
    expect([...pending].sort((a, b) => b - a)).toEqual(pending);
    const stuck = h.engine.list().transfers.find((t) => t.key === 'live/hangs.txt' && t.state !== 'done');
    expect(stuck).toBeDefined();
    h.proxy.configure({ faultRate: 0 });
    await h.engine.cancel(stuck!.id);
    await until(() => h!.sync.list()[0]!.state !== 'syncing' && h!.sync.list()[0]!.pending === 0, 'the pass to end');
  });
});
