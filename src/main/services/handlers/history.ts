/** Handlers for the history:* commands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { HistoryService } from '../history/history-service';

/** History handlers. */
export function createHistoryHandlers(_deps: CoreDeps, history: HistoryService): Pick<Handlers, 'history:list'> {
  return {
    'history:list': (q) => history.list(q),
  };
}
