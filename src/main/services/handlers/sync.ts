/** Handlers for sync commands. STUB until the sync work lands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { SyncService } from '../sync/sync-service';
import { notYet } from './not-yet';

type SyncCommand = 'sync:list' | 'sync:add' | 'sync:update' | 'sync:remove' | 'sync:pause' | 'sync:resume' | 'sync:now' | 'sync:preview' | 'sync:confirmDeletes';

/** Sync handlers. */
export function createSyncHandlers(_deps: CoreDeps, _sync: SyncService): Pick<Handlers, SyncCommand> {
  return {
    'sync:list': () => [],
    'sync:add': notYet('sync:add'),
    'sync:update': notYet('sync:update'),
    'sync:remove': notYet('sync:remove'),
    'sync:pause': notYet('sync:pause'),
    'sync:resume': notYet('sync:resume'),
    'sync:now': notYet('sync:now'),
    'sync:preview': notYet('sync:preview'),
    'sync:confirmDeletes': notYet('sync:confirmDeletes'),
  };
}
