import { describe, expect, it } from 'vitest';
import { settingsPatchSchema, settingsSchema } from '../../src/shared/contract/settings';

describe('settings schema', () => {
  it('a patch carries only the fields it names (no defaults that would reset other settings)', () => {
    expect(settingsPatchSchema.parse({ theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(settingsPatchSchema.parse({})).toEqual({});
  });
  it('a patch refuses unknown fields and out-of-range values', () => {
    expect(settingsPatchSchema.safeParse({ bogus: 1 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ concurrency: 0 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ language: 'fr' }).success).toBe(false);
  });
  it('an empty file loads the defaults', () => {
    const s = settingsSchema.parse({});
    expect(s.concurrency).toBe(8);
    expect(s.partConcurrency).toBe(4);
    expect(s.multipartThresholdMiB).toBe(16);
    // Issue 15: a taken name asks by default rather than replacing silently.
    expect(s.existingAction).toBe('ask');
    // Watched sync pairs list the bucket at least hourly unless told otherwise.
    expect(s.syncFullPassMinutes).toBe(60);
    expect(settingsPatchSchema.safeParse({ syncFullPassMinutes: 0 }).success).toBe(false);
  });
});

describe('sync pair patch', () => {
  it('carries only the named fields', async () => {
    const { syncCommands } = await import('../../src/shared/contract/sync');
    const parsed = syncCommands['sync:update'].input.parse({ id: 'p1', patch: { brakeShare: 0.5 } });
    expect(parsed).toEqual({ id: 'p1', patch: { brakeShare: 0.5 } });
  });
});
