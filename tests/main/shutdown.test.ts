/** Shutdown: the engine is stopped once, within a time limit, and the app exits either way. */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/main/services/log/logger';
import { createShutdown, DISPOSE_TIMEOUT_MS, type ShutdownTimers } from '../../src/main/shutdown';

function setup(dispose: () => Promise<void>) {
  const lines: string[] = [];
  const logger: Logger = {
    debug() {},
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m, ...d) => lines.push(`error ${m} ${d.map(String).join(' ')}`),
  };
  const exits: number[] = [];
  let fire: (() => void) | undefined;
  let limit = 0;
  let cleared = 0;
  // A timer the test fires by hand: no waiting, no timed assertion.
  const timers: ShutdownTimers = {
    setTimeout: (fn, ms) => {
      fire = fn;
      limit = ms;
      return 1;
    },
    clearTimeout: () => cleared++,
  };
  let before = 0;
  let disposals = 0;
  const shutdown = createShutdown({
    dispose: () => {
      disposals++;
      return dispose();
    },
    exit: (code) => exits.push(code),
    logger,
    before: () => before++,
    timers,
  });
  return { shutdown, lines, exits, fire: () => fire!(), limit: () => limit, cleared: () => cleared, before: () => before, disposals: () => disposals };
}

describe('createShutdown', () => {
  it('stops the engine, then exits 0; a second call (session-end, then will-quit) does it once', async () => {
    const t = setup(async () => undefined);
    const first = t.shutdown('session end: logoff');
    const second = t.shutdown('quit');
    expect(second).toBe(first);
    await first;
    expect(t.disposals()).toBe(1);
    expect(t.before()).toBe(1);
    expect(t.exits).toEqual([0]);
    expect(t.cleared()).toBe(1);
    expect(t.lines).toEqual(['info shutting down (session end: logoff)', 'info engine stopped']);
  });

  it('exits anyway when the engine does not stop within the limit', async () => {
    const t = setup(() => new Promise<void>(() => undefined));
    const done = t.shutdown('quit');
    expect(t.limit()).toBe(DISPOSE_TIMEOUT_MS);
    expect(t.exits).toEqual([]);
    t.fire();
    await done;
    expect(t.exits).toEqual([0]);
    expect(t.lines.at(-1)).toMatch(/^warn the engine did not stop within 5000 ms/);
  });

  it('exits when disposing fails, and logs why', async () => {
    const t = setup(() => Promise.reject(new Error('journal locked')));
    await t.shutdown('quit');
    expect(t.exits).toEqual([0]);
    expect(t.lines.at(-1)).toContain('error shutdown failed Error: journal locked');
  });
});
