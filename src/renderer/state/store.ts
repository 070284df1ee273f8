/**
 * The one renderer store: a tiny external store read through useSyncExternalStore. `start()` is the
 * single place in the UI that subscribes to the contract's events; screens only read and invoke.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AppInfo, MfaRequest, Notice, ProfileSummary, Settings, SsoStatus, SyncPairStatus } from '../../shared/contract';
import type { ConnectionState } from '../../shared/bridge';
import type { AppErrorData } from '../../shared/errors';
import type { Result } from '../../shared/result';
import type { Api } from '../api-types';
import { emptyTable, mergeProgress, tableFromList, type TransferTable } from './merge';

/** The screens of the main window. */
export type Screen = 'main' | 'sync' | 'history' | 'connections' | 'settings';

/** A toast on screen. */
export interface Toast {
  id: number;
  notice: Notice;
}

/** Everything the UI shows. */
export interface AppState {
  phase: 'starting' | 'ready' | 'failed';
  startError?: AppErrorData;
  info?: AppInfo;
  settings?: Settings;
  profiles: ProfileSummary[];
  transfers: TransferTable;
  sync: SyncPairStatus[];
  toasts: Toast[];
  mfa?: MfaRequest;
  sso?: SsoStatus;
  screen: Screen;
  /** The link to the engine: browser mode can lose it (serve stopped) or be refused (a new token). */
  connection: ConnectionState;
  /** Grows when history gains entries (or may have, after a reconnect): screens showing history ask again. */
  historyStamp: number;
}

/** The store's interface. */
export interface Store {
  getState(): AppState;
  subscribe(listener: () => void): () => void;
  update(patch: Partial<AppState> | ((s: AppState) => Partial<AppState>)): void;
  /** Subscribes to every event and loads the first snapshots; returns the unsubscribe function. */
  start(): Promise<() => void>;
  toast(notice: Notice): void;
  dismissToast(id: number): void;
  /** Saves a settings change and puts the saved settings in the store. */
  saveSettings(patch: Partial<Settings>): Promise<Result<Settings>>;
  api: Api;
}

/** The state before anything has loaded. */
export const initialState: AppState = { phase: 'starting', profiles: [], transfers: emptyTable, sync: [], toasts: [], screen: 'main', connection: 'connected', historyStamp: 0 };

/**
 * Two notices of one kind: the same message (level and key) whose parameters differ at most in `count`. Errors never
 * are: each says what went wrong with something else, and stays until dismissed.
 */
function sameKind(a: Notice, b: Notice): boolean {
  if (a.error || b.error || a.level === 'error' || b.level === 'error' || !a.key || a.key !== b.key || a.level !== b.level) return false;
  const { count: _a, ...restA } = a.params ?? {};
  const { count: _b, ...restB } = b.params ?? {};
  const keys = Object.keys(restA);
  return keys.length === Object.keys(restB).length && keys.every((k) => restA[k] === restB[k]);
}

/** The newer notice, its count added to the one it replaces ("Added to the upload list: 1", then 2, then 3). */
function summed(older: Notice, newer: Notice): Notice {
  const before = older.params?.count;
  const now = newer.params?.count;
  if (typeof before !== 'number' || typeof now !== 'number') return newer;
  return { ...newer, params: { ...newer.params, count: before + now } };
}

/** Creates the store over an API. */
export function createStore(api: Api, initial: AppState = initialState): Store {
  let state = initial;
  const listeners = new Set<() => void>();
  let nextToast = 1;
  let saving: Promise<unknown> = Promise.resolve();
  const update: Store['update'] = (patch) => {
    const p = typeof patch === 'function' ? patch(state) : patch;
    state = { ...state, ...p };
    for (const l of listeners) l();
  };
  const store: Store = {
    api,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update,
    toast(notice) {
      // A call cut off by a lost link to the engine is what the connection banner already says; a toast beside it
      // would say it twice (and the call's own screen shows the error where it matters).
      if (notice.error?.code === 'ENGINE_UNREACHABLE') return;
      const id = nextToast++;
      update((s) => {
        // A toast of the same kind still on screen (three drops in a row) gives way to one that sums them up.
        const same = s.toasts.find((t) => sameKind(t.notice, notice));
        const rest = same ? s.toasts.filter((t) => t !== same) : s.toasts;
        return { toasts: [...rest.slice(-4), { id, notice: same ? summed(same.notice, notice) : notice }] };
      });
      // Errors stay until dismissed; everything else fades after a while.
      if (notice.level !== 'error') setTimeout(() => store.dismissToast(id), 6000);
    },
    saveSettings(patch) {
      // Sends every field, not just the patch: the contract's patch schema fills omitted fields with
      // their defaults (zod 4 applies defaults inside .partial()), which would reset other settings.
      // Saves run one after another, each on top of the last saved settings, so two quick changes
      // (a field's blur and a select) cannot overwrite each other with stale values.
      const run = saving.then(async () => {
        const res = await api.invoke('settings:update', { ...state.settings, ...patch });
        if (res.ok) update({ settings: res.value });
        return res;
      });
      saving = run.catch(() => undefined);
      return run;
    },
    dismissToast(id) {
      update((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
    },
    async start() {
      // THE place where the UI listens to the engine. Everything else reads the store.
      const offs = [
        api.on('settings:changed', (settings) => update({ settings })),
        api.on('profiles:changed', (profiles) => update({ profiles })),
        api.on('profiles:mfaRequest', (mfa) => update({ mfa })),
        api.on('profiles:ssoStatus', (sso) => update({ sso })),
        api.on('transfers:progress', (ev) => update((s) => ({ transfers: mergeProgress(s.transfers, ev) }))),
        api.on('sync:status', (sync) => update({ sync })),
        api.on('history:added', () => update((s) => ({ historyStamp: s.historyStamp + 1 }))),
        api.on('app:notice', (notice) => store.toast(notice)),
      ];
      const offConnection = api.bridge.onConnection?.((connection) => {
        update({ connection });
        // Events sent while the link was down are gone: reload every snapshot.
        if (connection === 'connected') void load();
      });
      if (offConnection) offs.push(offConnection);
      await load();
      return () => offs.forEach((off) => off());
    },
  };
  /** Loads every snapshot (at start, and after a lost connection comes back). */
  async function load(): Promise<void> {
    const [info, settings, profiles, transfers, sync] = await Promise.all([
      api.invoke('app:info', {}),
      api.invoke('settings:get', {}),
      api.invoke('profiles:list', {}),
      api.invoke('transfers:list', {}),
      api.invoke('sync:list', {}),
    ]);
    if (!info.ok || !settings.ok) {
      // A reload that fails (the link dropped again) keeps what is on screen: the banner says why, and the next
      // 'connected' reloads. Only a first load that fails is a start failure.
      if (state.phase !== 'ready') update({ phase: 'failed', startError: !info.ok ? info.error : !settings.ok ? settings.error : undefined });
    } else {
      // A snapshot that failed keeps the last one shown, so a hiccup does not empty the profile picker or the list.
      update((s) => ({
        phase: 'ready',
        info: info.value,
        settings: settings.value,
        profiles: profiles.ok ? profiles.value : s.profiles,
        transfers: transfers.ok ? tableFromList(transfers.value) : s.transfers,
        sync: sync.ok ? sync.value : s.sync,
        historyStamp: s.historyStamp + 1,
      }));
      if (!profiles.ok) store.toast({ level: 'error', error: profiles.error });
    }
  }
  return store;
}

/** React context carrying the store. */
export const StoreContext = createContext<Store | null>(null);

/** The store from context. */
export function useStoreApi(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return store;
}

/** Reads a slice of state; re-renders only when the selected value changes identity. */
export function useAppState<T>(select: (s: AppState) => T): T {
  const store = useStoreApi();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
