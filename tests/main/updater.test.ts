/** Auto-update against a fake updater: on only when packaged and not disabled, checks daily, asks before restart. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { setupAutoUpdate, UPDATE_INTERVAL_MS, updatesAllowed, type Scheduler, type UpdaterLike } from '../../src/main/updater';
import { silentLogger } from '../../src/main/services/log/logger';

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  checks = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  failNext = false;
  async checkForUpdates() {
    this.checks++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('offline');
    }
    return null;
  }
  quitAndInstall(silent?: boolean, runAfter?: boolean) {
    this.installs.push([silent, runAfter]);
  }
}

function fakeScheduler() {
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const scheduler: Scheduler = {
    setInterval: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearInterval: (h) => ((h as { cleared: boolean }).cleared = true),
  };
  return { scheduler, timers };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('updatesAllowed', () => {
  it('is off in dev builds and with S3DROP_DISABLE_UPDATES=1', () => {
    expect(updatesAllowed(true, {})).toEqual({ enabled: true });
    expect(updatesAllowed(false, {}).enabled).toBe(false);
    expect(updatesAllowed(true, { S3DROP_DISABLE_UPDATES: '1' }).enabled).toBe(false);
    expect(updatesAllowed(true, { S3DROP_DISABLE_UPDATES: '0' }).enabled).toBe(true);
  });
});

describe('setupAutoUpdate', () => {
  const base = (updater: FakeUpdater, answer: boolean, extra: Partial<Parameters<typeof setupAutoUpdate>[0]> = {}) => {
    const asked: string[] = [];
    const { scheduler, timers } = fakeScheduler();
    const auto = setupAutoUpdate({ getUpdater: () => updater, isPackaged: true, env: {}, logger: silentLogger, scheduler, askToRestart: async (v) => (asked.push(v), answer), ...extra });
    return { auto, asked, timers };
  };

  it('does nothing when disabled: no check, no timer', async () => {
    const updater = new FakeUpdater();
    const { auto, timers } = base(updater, true, { env: { S3DROP_DISABLE_UPDATES: '1' } });
    await flush();
    expect(auto.enabled).toBe(false);
    expect(updater.checks).toBe(0);
    expect(timers).toHaveLength(0);
    expect(updater.listenerCount('update-downloaded')).toBe(0);
  });

  it('checks at start and then daily, and stops on dispose', async () => {
    const updater = new FakeUpdater();
    const { auto, timers } = base(updater, false);
    await flush();
    expect(updater.checks).toBe(1);
    expect(timers).toHaveLength(1);
    expect(timers[0]!.ms).toBe(UPDATE_INTERVAL_MS);
    timers[0]!.fn();
    await flush();
    expect(updater.checks).toBe(2);
    auto.dispose();
    expect(timers[0]!.cleared).toBe(true);
  });

  it('a failing check is logged, not thrown', async () => {
    const updater = new FakeUpdater();
    updater.failNext = true;
    const { auto } = base(updater, false);
    await expect(auto.check()).resolves.toBeUndefined();
  });

  it('asks before restarting: yes installs, no waits', async () => {
    const yes = new FakeUpdater();
    let before = 0;
    const a = base(yes, true, { beforeRestart: () => before++ });
    yes.emit('update-downloaded', { version: '1.2.3' });
    await flush();
    expect(a.asked).toEqual(['1.2.3']);
    expect(before).toBe(1);
    expect(yes.installs).toEqual([[false, true]]);

    const no = new FakeUpdater();
    const b = base(no, false);
    no.emit('update-downloaded', { version: '1.2.4' });
    await flush();
    expect(b.asked).toEqual(['1.2.4']);
    expect(no.installs).toEqual([]);
    expect(no.autoDownload).toBe(true);
  });
});
