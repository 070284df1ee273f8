/** Reads history through `history:list`, asking again whenever the engine announces new entries. */
import { useCallback, useEffect, useState } from 'react';
import { historyPageLimits, type CommandInput, type HistoryEntry } from '../../../shared/contract';
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
  error: AppErrorData | null;
  /** Appends the next page of older entries. */
  showOlder(): void;
}

/** The entries matching `filter`, newest first, `pageSize` at a time. */
export function useHistory(filter: HistoryFilter, pageSize: number = historyPageLimits.default): HistoryView {
  const stamp = useAppState((s) => s.historyStamp);
  const { run, error } = useCommand({ keepError: true });
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [more, setMore] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const key = JSON.stringify(filter);
  // Pages shown, for the filter they were asked under: a new filter starts again from one page.
  const [paging, setPaging] = useState({ key, pages: 1 });
  const pages = paging.key === key ? paging.pages : 1;

  useEffect(() => {
    let stale = false;
    // Every page shown so far is asked for again at once, so new entries never leave a gap above older pages.
    const limit = Math.min(historyPageLimits.max, pageSize * pages);
    void run('history:list', { ...(JSON.parse(key) as HistoryFilter), limit }).then((res) => {
      if (stale || !res.ok) return;
      setEntries(res.value.entries);
      setMore(res.value.more && limit < historyPageLimits.max);
      setLoaded(true);
    });
    return () => {
      stale = true;
    };
  }, [run, key, stamp, pages, pageSize]);

  const showOlder = useCallback(() => setPaging({ key, pages: pages + 1 }), [key, pages]);
  return { entries, more, loaded, error, showOlder };
}
