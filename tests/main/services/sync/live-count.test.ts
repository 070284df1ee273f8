/**
 * Issue 15: a synced folder's file count moves while a scan runs: the scanner reports after each folder, and the pass
 * puts that on the pair's throttled sync:status (not asserted here: whether a status falls mid-scan is timing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIgnoreMatcher } from '../../../../src/main/services/sync/ignore';
import { scanFolder } from '../../../../src/main/services/sync/scanner';
import { tempFolder } from './harness';

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
