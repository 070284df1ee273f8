/** Browser mode spools a drop in batches, one enqueue each: files with one relative key must share a batch, or the engine cannot see that they come to one key. */
import { describe, expect, it } from 'vitest';
import { spoolBatches } from '../../src/renderer/features/browser/spool-batches';

const picked = (relativeKey: string, tag: string) => ({ relativeKey, tag });
const shape = (batches: { relativeKey: string; tag: string }[][]) => batches.map((b) => b.map((p) => `${p.relativeKey}#${p.tag}`));

describe('spool batches', () => {
  it('cut at the batch size, in the drop order', () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((k) => picked(k, '1'));
    expect(shape(spoolBatches(files, 2))).toEqual([['a#1', 'b#1'], ['c#1', 'd#1'], ['e#1']]);
  });

  it('keep two dropped folders of one name together, even when the second comes a batch later', () => {
    const files = [picked('docs/a.txt', 'p1'), picked('docs/b.txt', 'p1'), picked('docs/c.txt', 'p1'), picked('docs/a.txt', 'p2')];
    expect(shape(spoolBatches(files, 2))).toEqual([['docs/a.txt#p1', 'docs/a.txt#p2'], ['docs/b.txt#p1', 'docs/c.txt#p1']]);
  });
});
