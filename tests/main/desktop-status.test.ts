/** Tray state, taskbar progress and end-of-batch notices derived from progress snapshots. */
import { describe, expect, it } from 'vitest';
import { BatchWatcher, taskbarProgress, trayStateFor } from '../../src/main/desktop-status';
import type { OverallProgress, SyncPairStatus } from '../../src/shared/contract';

const idle: OverallProgress = { bytesDone: 0, bytesTotal: 0, speed: 0, etaSeconds: null, queued: 0, running: 0, paused: 0, failed: 0, done: 0, cancelled: 0, allPaused: false };
const o = (p: Partial<OverallProgress>): OverallProgress => ({ ...idle, ...p });
const pair = (state: SyncPairStatus['state']) => ({ state }) as SyncPairStatus;

describe('trayStateFor', () => {
  it.each([
    [idle, [], 'idle'],
    [o({ running: 1 }), [], 'syncing'],
    [o({ queued: 3 }), [], 'syncing'],
    [idle, [pair('scanning')], 'syncing'],
    [o({ paused: 2, allPaused: true }), [], 'paused'],
    [idle, [pair('paused'), pair('paused')], 'paused'],
    [o({ running: 1, failed: 1 }), [], 'error'],
    [idle, [pair('watching'), pair('error')], 'error'],
    [undefined, [pair('up-to-date')], 'idle'],
  ] as const)('%j + %j → %s', (overall, pairs, expected) => {
    expect(trayStateFor(overall, pairs)).toBe(expected);
  });
});

describe('taskbarProgress', () => {
  it('shows the byte fraction while busy and removes the bar when quiet', () => {
    expect(taskbarProgress(idle)).toEqual({ value: -1, mode: 'none' });
    expect(taskbarProgress(o({ running: 1, bytesDone: 25, bytesTotal: 100 }))).toEqual({ value: 0.25, mode: 'normal' });
    expect(taskbarProgress(o({ paused: 1, allPaused: true, bytesDone: 50, bytesTotal: 100 }))).toEqual({ value: 0.5, mode: 'paused' });
    expect(taskbarProgress(o({ running: 1, failed: 1, bytesDone: 10, bytesTotal: 0 }))).toEqual({ value: 0, mode: 'error' });
  });
});

describe('BatchWatcher', () => {
  it('reports once when a batch finishes, and says failed when any file failed', () => {
    const w = new BatchWatcher();
    expect(w.update(idle)).toBeUndefined();
    expect(w.update(o({ running: 2, queued: 1 }))).toBeUndefined();
    expect(w.update(o({ running: 1, done: 2 }))).toBeUndefined();
    expect(w.update(o({ done: 3 }))).toEqual({ kind: 'done', done: 3, failed: 0 });
    expect(w.update(o({ done: 3 }))).toBeUndefined();
    expect(w.update(o({ running: 1 }))).toBeUndefined();
    expect(w.update(o({ done: 1, failed: 2 }))).toEqual({ kind: 'failed', done: 1, failed: 2 });
  });

  it('a batch paused by the user is not finished', () => {
    const w = new BatchWatcher();
    w.update(o({ running: 1 }));
    expect(w.update(o({ paused: 1, allPaused: true }))).toBeUndefined();
    expect(w.update(o({ running: 1 }))).toBeUndefined();
    expect(w.update(o({ done: 1 }))).toEqual({ kind: 'done', done: 1, failed: 0 });
  });
});
