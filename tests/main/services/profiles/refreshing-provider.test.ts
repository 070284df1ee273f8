import { describe, expect, it } from 'vitest';
import { refreshingProvider } from '../../../../src/main/services/profiles/refreshing-provider';

/** A source of numbered credentials that expire `ttl` ms after the (fake) clock's now. */
function source(clock: { t: number }, ttl: number | undefined) {
  let n = 0;
  let fail = false;
  return {
    setFail: (f: boolean) => (fail = f),
    fetch: async () => {
      if (fail) throw new Error('helper down');
      n++;
      return { accessKeyId: `AK${n}`, secretAccessKey: 's', ...(ttl === undefined ? {} : { expiration: new Date(clock.t + ttl) }) };
    },
  };
}

describe('refreshing credentials', () => {
  it('reuses fresh credentials, refreshes before expiry, and shares one fetch between callers', async () => {
    const clock = { t: 1_000_000 };
    const src = source(clock, 60 * 60_000);
    const p = refreshingProvider(src.fetch, { profile: 'p', now: () => clock.t });
    const [a, b] = await Promise.all([p(), p()]);
    expect(a.accessKeyId).toBe('AK1');
    expect(b.accessKeyId).toBe('AK1');
    expect(p.fetches()).toBe(1);
    clock.t += 54 * 60_000; // 6 minutes left: still fresh (margin is 5 minutes)
    expect((await p()).accessKeyId).toBe('AK1');
    clock.t += 2 * 60_000; // 4 minutes left: refresh
    expect((await p()).accessKeyId).toBe('AK2');
  });

  it('refreshes short-lived credentials at half-life', async () => {
    const clock = { t: 0 };
    const p = refreshingProvider(source(clock, 10_000).fetch, { profile: 'p', now: () => clock.t });
    expect((await p()).accessKeyId).toBe('AK1');
    clock.t = 4_999;
    expect((await p()).accessKeyId).toBe('AK1');
    clock.t = 5_000;
    expect((await p()).accessKeyId).toBe('AK2');
  });

  it('keeps using unexpired credentials when an early refresh fails, and never hands out expired ones', async () => {
    const clock = { t: 0 };
    const src = source(clock, 60 * 60_000);
    const p = refreshingProvider(src.fetch, { profile: 'p', now: () => clock.t });
    await p();
    src.setFail(true);
    clock.t = 58 * 60_000; // inside the margin, not expired
    expect((await p()).accessKeyId).toBe('AK1');
    clock.t = 60 * 60_000 + 1; // expired
    await expect(p()).rejects.toThrow('helper down');
  });

  it('refuses credentials that arrive already expired', async () => {
    const clock = { t: 0 };
    const p = refreshingProvider(source(clock, -1).fetch, { profile: 'work', now: () => clock.t });
    await expect(p()).rejects.toMatchObject({ code: 'CREDENTIALS_EXPIRED', params: { profile: 'work' } });
  });

  it('caches credentials without an expiry for the session', async () => {
    const clock = { t: 0 };
    const p = refreshingProvider(source(clock, undefined).fetch, { profile: 'p', now: () => clock.t });
    await p();
    clock.t = 1e12;
    await p();
    expect(p.fetches()).toBe(1);
  });
});
