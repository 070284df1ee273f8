/** The renderer store: progress merging, the single event subscription, and locale formatting. */
import { describe, expect, it, vi } from 'vitest';
import type { OverallProgress, TransferSnapshot, TransfersProgress } from '../../src/shared/contract';
import type { ConnectionState } from '../../src/shared/bridge';
import type { Api } from '../../src/renderer/api-types';
import { formatBytes, formatDuration, formatSpeed, percent } from '../../src/renderer/format';
import { emptyOverall, emptyTable, mergeProgress, tableFromList } from '../../src/renderer/state/merge';
import { createStore, initialState } from '../../src/renderer/state/store';

const snap = (id: string, over: Partial<TransferSnapshot> = {}): TransferSnapshot => ({
  id,
  name: `${id}.bin`,
  bucket: 'b',
  key: `${id}.bin`,
  profileId: 'aws:x',
  state: 'queued',
  bytesDone: 0,
  bytesTotal: 100,
  speed: 0,
  etaSeconds: null,
  priority: 0,
  createdAt: 1,
  ...over,
});
const overall = (over: Partial<OverallProgress> = {}): OverallProgress => ({ ...emptyOverall, ...over });

describe('mergeProgress', () => {
  it('appends new rows, replaces changed ones in place and keeps unchanged rows identical', () => {
    const t1 = mergeProgress(emptyTable, { changed: [snap('a'), snap('b'), snap('c')], removed: [], overall: overall({ queued: 3 }) });
    expect(t1.rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    const before = t1.rows;
    const t2 = mergeProgress(t1, { changed: [snap('b', { state: 'running', bytesDone: 40 })], removed: [], overall: overall({ running: 1, queued: 2, bytesDone: 40 }) });
    expect(t2.rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(t2.rows[1]!.bytesDone).toBe(40);
    expect(t2.rows[0]).toBe(before[0]);
    expect(t2.rows[2]).toBe(before[2]);
    // The old table is never mutated: React compares by identity.
    expect(before[1]!.bytesDone).toBe(0);
    expect(t2.overall.running).toBe(1);
  });

  it('removes rows and rebuilds the index so later updates land on the right row', () => {
    let t = mergeProgress(emptyTable, { changed: ['a', 'b', 'c', 'd'].map((id) => snap(id)), removed: [], overall: overall() });
    t = mergeProgress(t, { changed: [], removed: ['b'], overall: overall() });
    expect(t.rows.map((r) => r.id)).toEqual(['a', 'c', 'd']);
    t = mergeProgress(t, { changed: [snap('d', { state: 'done', bytesDone: 100 })], removed: [], overall: overall() });
    expect(t.rows.map((r) => `${r.id}:${r.state}`)).toEqual(['a:queued', 'c:queued', 'd:done']);
    expect(t.index.get('d')).toBe(2);
  });

  it('ignores a row that is changed and removed in the same event', () => {
    const t = mergeProgress(emptyTable, { changed: [snap('x')], removed: ['x'], overall: overall() });
    expect(t.rows).toEqual([]);
  });

  it('keeps the same rows array when only the totals move', () => {
    const t1 = mergeProgress(emptyTable, { changed: [snap('a')], removed: [], overall: overall() });
    const t2 = mergeProgress(t1, { changed: [], removed: [], overall: overall({ speed: 5 }) });
    expect(t2.rows).toBe(t1.rows);
    expect(t2.overall.speed).toBe(5);
  });

  it('merges 10,000 rows and then a 500-row update correctly', () => {
    const all = Array.from({ length: 10_000 }, (_, i) => snap(`t${i}`));
    let t = tableFromList({ transfers: all, overall: overall({ queued: 10_000 }) });
    const changed = Array.from({ length: 500 }, (_, i) => snap(`t${i * 20}`, { state: 'running', bytesDone: i }));
    t = mergeProgress(t, { changed, removed: [], overall: overall() });
    expect(t.rows.length).toBe(10_000);
    expect(t.rows[20 * 499]!.bytesDone).toBe(499);
    expect(t.rows[1]!.state).toBe('queued');
  });
});

/** A small in-memory Api of our own interface: records subscriptions and answers commands. */
function fakeApi() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const answers: Record<string, unknown> = {
    'app:info': { version: '1', platform: 'linux', capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false }, dataDir: '/d', logsDir: '/l' },
    'settings:get': { language: 'en', theme: 'system', onboarded: true },
    'profiles:list': [],
    'transfers:list': { transfers: [snap('a')], overall: overall({ queued: 1 }) },
    'sync:list': [],
  };
  const reconnect = new Set<(state: ConnectionState) => void>();
  const api = {
    bridge: { onConnection: (fn: (state: ConnectionState) => void) => (reconnect.add(fn), () => reconnect.delete(fn)) } as unknown as Api['bridge'],
    invoke: async (name: string) => ({ ok: true, value: answers[name] }),
    on: (name: string, fn: (p: unknown) => void) => {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(fn);
      return () => set.delete(fn);
    },
  } as unknown as Api;
  const emit = (name: string, payload: unknown) => listeners.get(name)?.forEach((fn) => fn(payload));
  return { api, emit, listeners, answers, reconnect };
}

describe('store', () => {
  it('subscribes once to each event, loads the first snapshots, and merges progress events', async () => {
    const { api, emit, listeners } = fakeApi();
    const store = createStore(api);
    const stop = await store.start();
    expect(store.getState().phase).toBe('ready');
    expect([...listeners.keys()].sort()).toEqual(['app:notice', 'history:added', 'profiles:changed', 'profiles:mfaRequest', 'profiles:ssoStatus', 'settings:changed', 'sync:status', 'transfers:progress']);
    for (const set of listeners.values()) expect(set.size).toBe(1);
    let notified = 0;
    store.subscribe(() => notified++);
    const ev: TransfersProgress = { changed: [snap('a', { state: 'running', bytesDone: 50 }), snap('b')], removed: [], overall: overall({ running: 1, queued: 1 }) };
    emit('transfers:progress', ev);
    expect(notified).toBe(1);
    expect(store.getState().transfers.rows.map((r) => `${r.id}:${r.bytesDone}`)).toEqual(['a:50', 'b:0']);
    emit('app:notice', { level: 'error', key: 'notice.batchFailed' });
    expect(store.getState().toasts.map((t) => t.notice.key)).toEqual(['notice.batchFailed']);
    stop();
    for (const set of listeners.values()) expect(set.size).toBe(0);
  });
});

describe('saving settings', () => {
  it('sends whole settings, one save after another, so quick changes do not undo each other', async () => {
    const sent: Record<string, unknown>[] = [];
    let saved: Record<string, unknown> = { language: 'en', theme: 'system', concurrency: 8, existingAction: 'overwrite' };
    const api = {
      bridge: {} as Api['bridge'],
      on: () => () => undefined,
      invoke: async (name: string, input: Record<string, unknown>) => {
        if (name !== 'settings:update') return { ok: true, value: undefined };
        sent.push(input);
        // Answer slowly, like a round trip, so the second save is issued before the first returns.
        await new Promise((r) => setTimeout(r, 5));
        saved = { ...input };
        return { ok: true, value: saved };
      },
    } as unknown as Api;
    const store = createStore(api, { ...initialState, phase: 'ready', settings: saved as never });
    await Promise.all([store.saveSettings({ concurrency: 3 }), store.saveSettings({ existingAction: 'skip-identical' })]);
    expect(sent[0]).toMatchObject({ concurrency: 3, existingAction: 'overwrite', language: 'en' });
    expect(sent[1]).toMatchObject({ concurrency: 3, existingAction: 'skip-identical', language: 'en' });
    expect(store.getState().settings).toMatchObject({ concurrency: 3, existingAction: 'skip-identical' });
  });
});

describe('store after a lost connection', () => {
  it('reloads the snapshots it may have missed when the socket comes back', async () => {
    const { api, answers, reconnect } = fakeApi();
    const store = createStore(api);
    const stop = await store.start();
    expect(store.getState().transfers.rows.map((r) => r.id)).toEqual(['a']);
    answers['transfers:list'] = { transfers: [snap('a', { state: 'done' }), snap('b')], overall: overall({ done: 1, queued: 1 }) };
    for (const fn of reconnect) fn('lost');
    expect(store.getState().connection).toBe('lost');
    // Losing the link reloads nothing (there is no one to ask); its return does.
    expect(store.getState().transfers.rows.map((r) => r.id)).toEqual(['a']);
    for (const fn of reconnect) fn('connected');
    expect(store.getState().connection).toBe('connected');
    await expect.poll(() => store.getState().transfers.rows.map((r) => `${r.id}:${r.state}`)).toEqual(['a:done', 'b:queued']);
    stop();
    expect(reconnect.size).toBe(0);
  });
});

describe('store when a reload fails', () => {
  it('keeps the last snapshots and stays ready when the link drops again during the reload', async () => {
    const { api, answers, reconnect } = fakeApi();
    answers['profiles:list'] = [{ id: 'aws:work', name: 'work' }];
    const store = createStore(api);
    const stop = await store.start();
    const failing = api.invoke;
    // The socket comes back, then every call of the reload is cut off by a new loss.
    (api as { invoke: Api['invoke'] }).invoke = (async () => ({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'lost', retryable: true } })) as unknown as Api['invoke'];
    for (const fn of reconnect) fn('connected');
    await new Promise((r) => setTimeout(r, 10));
    expect(store.getState().phase).toBe('ready');
    expect(store.getState().profiles.map((p) => p.id)).toEqual(['aws:work']);
    expect(store.getState().transfers.rows.map((r) => r.id)).toEqual(['a']);
    (api as { invoke: Api['invoke'] }).invoke = failing;
    stop();
  });

  it('keeps the profiles shown when only the profile list fails', async () => {
    const { api, answers, reconnect } = fakeApi();
    answers['profiles:list'] = [{ id: 'aws:work', name: 'work' }];
    const store = createStore(api);
    const stop = await store.start();
    const ok = api.invoke;
    (api as { invoke: Api['invoke'] }).invoke = (async (name: string, input: unknown) =>
      name === 'profiles:list' ? { ok: false, error: { code: 'UNKNOWN', message: 'x', retryable: false } } : ok(name as never, input as never)) as unknown as Api['invoke'];
    for (const fn of reconnect) fn('connected');
    await expect.poll(() => store.getState().toasts.length).toBe(1);
    expect(store.getState().profiles.map((p) => p.id)).toEqual(['aws:work']);
    stop();
  });

  it('shows no toast for a call cut off by the lost link, which the banner already reports', () => {
    const { api } = fakeApi();
    const store = createStore(api);
    store.toast({ level: 'error', error: { code: 'ENGINE_UNREACHABLE', message: 'lost', retryable: true } });
    expect(store.getState().toasts).toEqual([]);
    store.toast({ level: 'error', error: { code: 'NETWORK', message: 'net', retryable: true } });
    expect(store.getState().toasts).toHaveLength(1);
  });
});

describe('toasts', () => {
  const texts = (store: ReturnType<typeof createStore>) => store.getState().toasts.map((t) => `${t.notice.key}:${JSON.stringify(t.notice.params ?? {})}`);

  it('sum up drops made while the last one is still on screen, instead of stacking one toast per drop', () => {
    const store = createStore(fakeApi().api);
    for (const count of [1, 1, 3]) store.toast({ level: 'info', key: 'drop.queued', params: { count } });
    expect(texts(store)).toEqual(['drop.queued:{"count":5}']);
    // Once it is gone, the next drop starts again from its own count.
    store.dismissToast(store.getState().toasts[0]!.id);
    store.toast({ level: 'info', key: 'drop.queued', params: { count: 2 } });
    expect(texts(store)).toEqual(['drop.queued:{"count":2}']);
  });

  it('replace the same message (one "copied" for three copies), and keep different ones and different names apart', () => {
    const store = createStore(fakeApi().api);
    for (let i = 0; i < 3; i++) store.toast({ level: 'success', key: 'transfers.linkCopied', params: { expiry: '1 hour' } });
    store.toast({ level: 'success', key: 'transfers.linkCopied', params: { expiry: '7 days' } });
    store.toast({ level: 'warning', key: 'drop.leftOutProblems', params: { count: 1, names: 'a:b.txt' } });
    store.toast({ level: 'warning', key: 'drop.leftOutProblems', params: { count: 1, names: 'c?d.txt' } });
    expect(texts(store)).toEqual([
      'transfers.linkCopied:{"expiry":"1 hour"}',
      'transfers.linkCopied:{"expiry":"7 days"}',
      'drop.leftOutProblems:{"count":1,"names":"a:b.txt"}',
      'drop.leftOutProblems:{"count":1,"names":"c?d.txt"}',
    ]);
  });

  it('keep every error apart, even two alike: each stays until dismissed', () => {
    const store = createStore(fakeApi().api);
    store.toast({ level: 'error', error: { code: 'NETWORK', message: 'net', retryable: true } });
    store.toast({ level: 'error', error: { code: 'NETWORK', message: 'net', retryable: true } });
    store.toast({ level: 'error', key: 'moreOptions.invalid' });
    store.toast({ level: 'error', key: 'moreOptions.invalid' });
    expect(store.getState().toasts).toHaveLength(4);
    // A notice carrying an error is shown as that error, whatever its level.
    const other = createStore(fakeApi().api);
    other.toast({ level: 'warning', error: { code: 'KEYCHAIN_UNAVAILABLE', message: '' } });
    other.toast({ level: 'warning', error: { code: 'KEYCHAIN_UNAVAILABLE', message: '' } });
    expect(other.getState().toasts).toHaveLength(2);
  });

  it('give the summed toast its full time on screen: the one it replaced does not take it away early', () => {
    vi.useFakeTimers();
    try {
      const store = createStore(fakeApi().api);
      store.toast({ level: 'info', key: 'drop.queued', params: { count: 1 } });
      vi.advanceTimersByTime(4000);
      store.toast({ level: 'info', key: 'drop.queued', params: { count: 1 } });
      vi.advanceTimersByTime(2500); // the first toast's time is up, the second's is not
      expect(texts(store)).toEqual(['drop.queued:{"count":2}']);
      vi.advanceTimersByTime(4000);
      expect(texts(store)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('formatting per locale', () => {
  it('formats sizes, speeds and durations with the locale’s numbers', () => {
    expect(formatBytes(1_500_000, 'en')).toMatch(/1\.5\s?MB/);
    expect(formatBytes(1_500_000, 'pt-BR')).toMatch(/1,5\s?MB/);
    expect(formatBytes(19, 'en')).toBe('19 bytes');
    expect(formatSpeed(2_400_000, 'en')).toMatch(/2\.4\s?MB\/s/);
    expect(formatDuration(45, 'en')).toMatch(/45\s?s/);
    expect(formatDuration(3 * 3600 + 5 * 60, 'en')).toMatch(/3\s?hr.*5\s?min/);
    expect(percent(50, 200)).toBe(25);
    expect(percent(0, 0)).toBe(0);
  });
});
