/**
 * Pure logic behind the desktop integration: from progress snapshots and sync states it derives the
 * tray state, the taskbar/dock progress value and the "batch finished / failed" notifications.
 * Kept free of Electron so the rules are unit-tested directly.
 */
import type { OverallProgress, SyncPairStatus } from '../shared/contract';

/** The four tray icons. */
export type TrayState = 'idle' | 'syncing' | 'paused' | 'error';

/** A notification to show when a batch ends. */
export interface BatchNotice {
  kind: 'done' | 'failed';
  done: number;
  failed: number;
}

/** The tray state: error beats paused beats syncing beats idle. */
export function trayStateFor(overall: OverallProgress | undefined, pairs: readonly SyncPairStatus[]): TrayState {
  const active = (overall?.running ?? 0) + (overall?.queued ?? 0);
  if ((overall?.failed ?? 0) > 0 || pairs.some((p) => p.state === 'error')) return 'error';
  if ((overall?.allPaused && (active > 0 || (overall?.paused ?? 0) > 0)) || (pairs.length > 0 && pairs.every((p) => p.state === 'paused'))) return 'paused';
  if (active > 0 || pairs.some((p) => p.state === 'syncing' || p.state === 'scanning')) return 'syncing';
  return 'idle';
}

/** The taskbar/dock progress: 0..1 while a batch runs, -1 (removes the bar) when nothing runs. */
export function taskbarProgress(overall: OverallProgress): { value: number; mode: 'normal' | 'paused' | 'error' | 'none' } {
  const active = overall.running + overall.queued;
  if (active === 0 && overall.paused === 0) return { value: -1, mode: 'none' };
  const value = overall.bytesTotal > 0 ? Math.min(1, overall.bytesDone / overall.bytesTotal) : 0;
  const mode = overall.failed > 0 ? 'error' : overall.allPaused ? 'paused' : 'normal';
  return { value, mode };
}

/** Follows the overall snapshots and reports a notice once each time a batch goes from busy to quiet. */
export class BatchWatcher {
  private busy = false;

  /** Feeds one snapshot; returns the notice to show when this snapshot ends a batch. */
  update(overall: OverallProgress): BatchNotice | undefined {
    const active = overall.running + overall.queued;
    if (active > 0) {
      this.busy = true;
      return undefined;
    }
    // A batch paused by the user is not finished; wait until it really ends.
    if (!this.busy || overall.paused > 0) return undefined;
    this.busy = false;
    if (overall.done === 0 && overall.failed === 0) return undefined;
    return { kind: overall.failed > 0 ? 'failed' : 'done', done: overall.done, failed: overall.failed };
  }
}
