/** Handlers for the sync:* commands: each maps straight onto a SyncService call. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { SyncService } from '../sync/sync-service';

type SyncCommand = 'sync:list' | 'sync:add' | 'sync:update' | 'sync:remove' | 'sync:pause' | 'sync:resume' | 'sync:now' | 'sync:preview' | 'sync:confirmDeletes';

/** Sync handlers. */
export function createSyncHandlers(_deps: CoreDeps, sync: SyncService): Pick<Handlers, SyncCommand> {
  return {
    'sync:list': () => sync.list(),
    'sync:add': ({ startPaused, ...input }) => sync.add(input, { startPaused }),
    'sync:update': ({ id, patch }) => sync.update(id, patch),
    'sync:remove': ({ id }) => sync.remove(id),
    'sync:pause': ({ id }) => sync.pause(id),
    'sync:resume': ({ id }) => sync.resume(id),
    'sync:now': ({ id }) => sync.syncNow(id),
    'sync:preview': ({ id }) => sync.preview(id),
    'sync:confirmDeletes': ({ id }) => sync.confirmDeletes(id),
  };
}
