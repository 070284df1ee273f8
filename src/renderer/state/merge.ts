/** Pure state transitions for the transfer list, kept apart from React so they are easy to test. */
import type { OverallProgress, TransferList, TransferSnapshot, TransfersProgress } from '../../shared/contract';

/** The transfer list as the UI holds it: rows in arrival order plus an id → index map. */
export interface TransferTable {
  rows: readonly TransferSnapshot[];
  index: ReadonlyMap<string, number>;
  overall: OverallProgress;
}

/** Totals before the engine has said anything. */
export const emptyOverall: OverallProgress = {
  bytesDone: 0,
  bytesTotal: 0,
  speed: 0,
  etaSeconds: null,
  queued: 0,
  running: 0,
  paused: 0,
  failed: 0,
  done: 0,
  cancelled: 0,
  allPaused: false,
};

/** An empty table. */
export const emptyTable: TransferTable = { rows: [], index: new Map(), overall: emptyOverall };

function indexOf(rows: readonly TransferSnapshot[]): Map<string, number> {
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(r.id, i));
  return index;
}

/** Replaces the table with a full list (on start-up or after a reconnect). */
export function tableFromList(list: TransferList): TransferTable {
  return { rows: list.transfers, index: indexOf(list.transfers), overall: list.overall };
}

/**
 * Merges one progress event: changed rows replace their old versions in place, new ones are
 * appended, removed ones leave. Unchanged rows keep their identity so memoised rows skip rendering.
 */
export function mergeProgress(table: TransferTable, event: TransfersProgress): TransferTable {
  const removed = new Set(event.removed);
  let rows: TransferSnapshot[] | undefined;
  let index = table.index as Map<string, number>;
  let appended = false;
  for (const snap of event.changed) {
    if (removed.has(snap.id)) continue;
    rows ??= table.rows.slice();
    const at = index.get(snap.id);
    if (at === undefined) {
      if (!appended) {
        index = new Map(index);
        appended = true;
      }
      index.set(snap.id, rows.length);
      rows.push(snap);
    } else {
      rows[at] = snap;
    }
  }
  if (removed.size > 0) {
    const kept = (rows ?? table.rows).filter((r) => !removed.has(r.id));
    if (kept.length !== (rows ?? table.rows).length) {
      rows = kept;
      index = indexOf(kept);
    }
  }
  return { rows: rows ?? table.rows, index, overall: event.overall };
}
