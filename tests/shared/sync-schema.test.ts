/** The sync pair defaults and limits the UI's add form starts from are the ones the contract's schema applies. */
import { describe, expect, it } from 'vitest';
import { syncPairDefaults, syncPairInputSchema, syncPairLimits } from '../../src/shared/contract/sync';

const target = { profileId: 'aws:e2e', bucket: 'data', prefix: '' };

describe('sync pair schema', () => {
  it('fills what the input leaves out with syncPairDefaults', () => {
    const pair = syncPairInputSchema.parse({ folder: '/tmp/in', target });
    expect({ mode: pair.mode, brakeShare: pair.brakeShare, brakeCount: pair.brakeCount, trashDays: pair.trashDays, stableMs: pair.stableMs }).toEqual(syncPairDefaults);
  });

  it('accepts values up to syncPairLimits and refuses one more', () => {
    expect(syncPairInputSchema.safeParse({ folder: '/tmp/in', target, trashDays: syncPairLimits.trashDays, stableMs: syncPairLimits.stableMs }).success).toBe(true);
    expect(syncPairInputSchema.safeParse({ folder: '/tmp/in', target, trashDays: syncPairLimits.trashDays + 1 }).success).toBe(false);
    expect(syncPairInputSchema.safeParse({ folder: '/tmp/in', target, stableMs: syncPairLimits.stableMs + 1 }).success).toBe(false);
  });
});
