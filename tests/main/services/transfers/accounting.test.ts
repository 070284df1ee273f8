/** The queue's totals (accounting.ts overallOf): what the transfers bar, the tray and the dock show. */
import { describe, expect, it } from 'vitest';
import { overallOf, SpeedMeter, type Accounted } from '../../../../src/main/services/transfers/accounting';
import type { JournalTransfer } from '../../../../src/main/services/transfers/journal';

const entry = (state: JournalTransfer['state'], size: number, bytesDone: number): Accounted => ({
  rec: { state, size } as JournalTransfer,
  parts: new Map(),
  bytesDone,
  meter: new SpeedMeter(),
});

describe('overallOf', () => {
  it('leaves the bytes of failed and cancelled transfers out of the totals, so the bar ends when the rest landed', () => {
    const o = overallOf([entry('done', 100, 100), entry('failed', 1000, 400), entry('cancelled', 50, 10), entry('skipped', 30, 30)], false);
    expect(o).toMatchObject({ bytesDone: 130, bytesTotal: 130, done: 2, failed: 1, cancelled: 1, etaSeconds: null });
  });

  it('counts a failed transfer again once it is retried (queued)', () => {
    const o = overallOf([entry('done', 100, 100), entry('queued', 1000, 400)], false);
    expect(o).toMatchObject({ bytesDone: 500, bytesTotal: 1100, queued: 1, failed: 0 });
  });
});
