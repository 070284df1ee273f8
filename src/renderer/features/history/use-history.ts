/** Reads history through `history:list`, asking again whenever the engine announces new entries. */
import { useCallback, useDeferredValue, useEffect, useState } from 'react';
import { historyPageLimits, type CommandInput, type HistoryEntry, type HistoryPage } from '../../../shared/contract';
import type { AppErrorData } from '../../../shared/errors';
import { useAppState } from '../../state/store';
import { useCommand } from '../../state/use-command';

/** The filters of a history query (paging is the hook's). */
export type HistoryFilter = Omit<CommandInput<'history:list'>, 'before' | 'limit'>;

/** What the hook gives a screen. */
export interface HistoryView {
  entries: HistoryEntry[];
  /** Older entries match too. */
  more: boolean;
  /** False until the first answer (an empty list is then "nothing yet", not "loading"). */
  loaded: boolean;
  /** The entries shown are an earlier filter's: the current one's answer is on its way. */
  busy: boolean;
  error: AppErrorData | null;
  /** Appends the next page of older entries. */
  showOlder(): void;
}

/**
 * Puts a fresh first page above what was shown: entries older than the page's last are kept (they never change), so
 * new entries never leave a gap. When the page is all new (more arrived than a page holds), the older ones would sit
 * below a gap, so the list starts again from the page.
 */
export function mergeNewest(page: HistoryPage, shown: HistoryEntry[], shownMore: boolean): { entries: HistoryEntry[]; more: boolean } {
  const last = page.entries.at(-1);
  if (!page.more || !last) return { entries: page.entries, more: page.more };
  const older = shown.filter((e) => e.id < last.id);
  const joins = shown.length > 0 && shown[0]!.id >= last.id;
  if (!joins || older.length === 0) return { entries: page.entries, more: page.more };
  return { entries: [...page.entries, ...older], more: shownMore };
}

/**
 * The entries matching `filter`, newest first, `pageSize` at a time: the first page is asked for again whenever the
 * engine announces new entries, and "Show older" asks for the page before the last entry shown (history:list's
 * `before` cursor), with no cap on how far back a person can go.
 */
export function useHistory(filter: HistoryFilter, pageSize: number = historyPageLimits.default): HistoryView {
  const stamp = useAppState((s) => s.historyStamp);
  const { run, error } = useCommand({ keepError: true });
  const latest = JSON.stringify(filter);
  // Typing asks the engine once the input settles into a render, not for every keystroke's state.
  const key = useDeferredValue(latest);
  // What is shown, for the filter it was asked under: a new filter starts again from its first page.
  const [shown, setShown] = useState<{ key: string; entries: HistoryEntry[]; more: boolean } | null>(null);
  // Only an answer to the filter as it is now counts: one typed a moment ago is still an earlier filter's, even
  // before its own request goes out.
  const current = shown?.key === latest ? shown : null;
  const limit = Math.min(historyPageLimits.max, pageSize);

  useEffect(() => {
    let stale = false;
    void run('history:list', { ...(JSON.parse(key) as HistoryFilter), limit }).then((res) => {
      if (stale || !res.ok) return;
      setShown((prev) => ({ key, ...(prev?.key === key ? mergeNewest(res.value, prev.entries, prev.more) : res.value) }));
    });
    return () => {
      stale = true;
    };
  }, [run, key, stamp, limit]);

  const last = current?.entries.at(-1)?.id;
  const showOlder = useCallback(() => {
    if (last === undefined) return;
    void run('history:list', { ...(JSON.parse(latest) as HistoryFilter), limit, before: last }).then((res) => {
      if (!res.ok) return;
      // Appended only if the list still ends where it was asked from (a new filter or a fresh start wins).
      setShown((prev) =>
        prev?.key === latest && prev.entries.at(-1)?.id === last ? { key: latest, entries: [...prev.entries, ...res.value.entries], more: res.value.more } : prev,
      );
    });
  }, [run, latest, limit, last]);
  // While a new filter's first answer is on its way, the last answer stays (no empty flash between keystrokes),
  // marked busy and without "Show older", whose page would be the old filter's.
  return { entries: (current ?? shown)?.entries ?? [], more: current?.more ?? false, loaded: shown !== null, busy: shown !== null && current === null, error, showOlder };
}
