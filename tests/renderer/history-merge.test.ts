/** History paging: a fresh first page goes above the older entries already shown, never leaving a gap. */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/shared/contract';
import { mergeNewest } from '../../src/renderer/features/history/use-history';

/** Entries with ids from `from` down to `to`, newest first. */
const ids = (from: number, to: number): HistoryEntry[] =>
  Array.from({ length: from - to + 1 }, (_, i) => ({ id: from - i, at: from - i, kind: 'upload', outcome: 'done', profileId: 'p', bucket: 'b', key: `k${from - i}`, size: 1 }));
const idsOf = (entries: HistoryEntry[]) => entries.map((e) => e.id);

describe('mergeNewest', () => {
  it('keeps the older pages below a fresh first page that overlaps them', () => {
    // Shown: 100..51 (two pages of 25), more below; two new entries arrive: the first page is now 102..78.
    const merged = mergeNewest({ entries: ids(102, 78), more: true }, ids(100, 51), true);
    expect(idsOf(merged.entries)).toEqual(idsOf(ids(102, 51)));
    expect(merged.more).toBe(true);
  });

  it('starts again from the page when more arrived than a page holds (the older ones would sit below a gap)', () => {
    const merged = mergeNewest({ entries: ids(200, 176), more: true }, ids(100, 51), true);
    expect(idsOf(merged.entries)).toEqual(idsOf(ids(200, 176)));
    expect(merged.more).toBe(true);
  });

  it('takes the page alone when it holds everything', () => {
    const merged = mergeNewest({ entries: ids(10, 1), more: false }, ids(9, 1), false);
    expect(idsOf(merged.entries)).toEqual(idsOf(ids(10, 1)));
    expect(merged.more).toBe(false);
  });
});
