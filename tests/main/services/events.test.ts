/** The one throttle behind progress and sync status events (events.ts): at most one run per interval, never per request. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SNAPSHOT_INTERVAL_MS, Throttle } from '../../../src/main/services/events';

// Fake timers: the interval is asserted as the clock the throttle reads, not as time spent waiting.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Throttle', () => {
  it('folds every request made while a run waits into that one run, then waits a whole interval again', () => {
    let runs = 0;
    const t = new Throttle(() => runs++);
    for (let i = 0; i < 50; i++) t.request();
    // Deferred: never run inside the caller, even after a quiet spell.
    expect(runs).toBe(0);
    vi.advanceTimersByTime(0);
    expect(runs).toBe(1);
    t.request();
    t.request();
    vi.advanceTimersByTime(SNAPSHOT_INTERVAL_MS - 1);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(2);
  });

  it('with immediate, a request after a quiet spell runs at once; one within the interval waits for its end', () => {
    let runs = 0;
    const t = new Throttle(() => runs++, SNAPSHOT_INTERVAL_MS, { immediate: true });
    t.request();
    expect(runs).toBe(1);
    t.request();
    expect(runs).toBe(1);
    vi.advanceTimersByTime(SNAPSHOT_INTERVAL_MS);
    expect(runs).toBe(2);
  });

  it('cancel drops the waiting run', () => {
    let runs = 0;
    const t = new Throttle(() => runs++, 50);
    t.request();
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(0);
  });
});
