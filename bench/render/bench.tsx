/**
 * Render benchmark page (built only by bench/render.bench.mjs, never shipped, so it lives here and not in src/renderer): 10,000 queued transfers
 * in the real TransfersPanel and store, fed synthetic progress snapshots at the engine's cadence while the
 * list scrolls; records every frame's duration and publishes percentiles on `window.__benchResult`.
 */
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import type { OverallProgress, TransferSnapshot } from '../../src/shared/contract';
import type { Api } from '../../src/renderer/api-types';
import { TransfersPanel } from '../../src/renderer/features/transfers/TransfersPanel';
import { createI18n } from '../../src/renderer/i18n';
import { emptyOverall, mergeProgress, tableFromList } from '../../src/renderer/state/merge';
import { createStore, initialState, StoreContext } from '../../src/renderer/state/store';
import '../../src/renderer/styles.css';

const params = new URLSearchParams(location.search);
const N = Number(params.get('rows') ?? 10_000);
const SECONDS = Number(params.get('seconds') ?? 10);
const SNAPSHOTS_PER_SECOND = 5;
const CONCURRENCY = 8;
const SIZE = 50 * 1024 * 1024;

const rows: TransferSnapshot[] = Array.from({ length: N }, (_, i) => ({
  id: `t${i}`,
  name: `file-${String(i).padStart(5, '0')}.dat`,
  bucket: 'bench-bucket',
  key: `folder/sub/file-${String(i).padStart(5, '0')}.dat`,
  profileId: 'aws:bench',
  state: 'queued',
  bytesDone: 0,
  bytesTotal: SIZE,
  speed: 0,
  etaSeconds: null,
  priority: 0,
  createdAt: i,
}));

// No transport: commands answer "ok" so buttons work; there are no engine events, the loop below plays them.
const api: Api = {
  bridge: { capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false }, invoke: async () => ({ ok: true, value: undefined }), on: () => () => undefined },
  invoke: (async () => ({ ok: true, value: undefined })) as Api['invoke'],
  on: () => () => undefined,
};
const overall = (): OverallProgress => ({ ...emptyOverall, queued: N, bytesTotal: N * SIZE });
const store = createStore(api, { ...initialState, phase: 'ready', transfers: tableFromList({ transfers: rows, overall: overall() }) });
const i18n = createI18n('en');

createRoot(document.getElementById('root')!).render(
  <I18nextProvider i18n={i18n}>
    <StoreContext.Provider value={store}>
      <TransfersPanel />
    </StoreContext.Provider>
  </I18nextProvider>,
);

// The engine's side: 8 running uploads advance; finished ones become done and the next queued starts.
let next = 0;
const running: TransferSnapshot[] = [];
let doneCount = 0;
let bytesDone = 0;
function snapshot(): void {
  const changed: TransferSnapshot[] = [];
  while (running.length < CONCURRENCY && next < N) running.push({ ...rows[next++]!, state: 'running' });
  for (let i = running.length - 1; i >= 0; i--) {
    const r = running[i]!;
    const step = Math.min(SIZE / 4, r.bytesTotal - r.bytesDone);
    bytesDone += step;
    const done = r.bytesDone + step >= r.bytesTotal;
    const upd: TransferSnapshot = { ...r, bytesDone: r.bytesDone + step, speed: step * SNAPSHOTS_PER_SECOND, etaSeconds: (r.bytesTotal - r.bytesDone - step) / (step * SNAPSHOTS_PER_SECOND), state: done ? 'done' : 'running' };
    changed.push(upd);
    if (done) {
      running.splice(i, 1);
      doneCount++;
    } else running[i] = upd;
  }
  const o: OverallProgress = { ...overall(), bytesDone, queued: N - next, running: running.length, done: doneCount, speed: CONCURRENCY * (SIZE / 4) * SNAPSHOTS_PER_SECOND, etaSeconds: 100 };
  // Through the store's own merge path, exactly as a 'transfers:progress' event would go.
  store.update((s) => ({ transfers: mergeProgress(s.transfers, { changed, removed: [], overall: o }) }));
}

declare global {
  interface Window {
    __benchResult?: { frames: number; p50: number; p95: number; p99: number; max: number; snapshots: number; rows: number; seconds: number };
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

// Let the first render settle, then measure: frame-to-frame time while scrolling and updating.
setTimeout(() => {
  const frames: number[] = [];
  let snapshots = 0;
  const timer = setInterval(() => {
    snapshot();
    snapshots++;
  }, 1000 / SNAPSHOTS_PER_SECOND);
  const scroller = document.querySelector('.transfer-scroll') as HTMLElement;
  const start = performance.now();
  let last = start;
  const tick = (now: number) => {
    frames.push(now - last);
    last = now;
    // Keep scrolling (and wrap) so new rows mount every frame, the hard case for a virtual list.
    scroller.scrollTop = scroller.scrollTop + 60 >= scroller.scrollHeight - scroller.clientHeight ? 0 : scroller.scrollTop + 60;
    if (now - start < SECONDS * 1000) requestAnimationFrame(tick);
    else {
      clearInterval(timer);
      const sorted = frames.slice(1).sort((a, b) => a - b);
      window.__benchResult = { frames: sorted.length, p50: pct(sorted, 50), p95: pct(sorted, 95), p99: pct(sorted, 99), max: sorted[sorted.length - 1] ?? 0, snapshots, rows: N, seconds: SECONDS };
    }
  };
  requestAnimationFrame(tick);
}, 500);
