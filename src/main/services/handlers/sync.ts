/** Handlers for the sync:* commands: each maps straight onto a SyncService call. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import { assertInsideRoots, expandHome, homeDir } from '../local-folders';
import type { SyncService } from '../sync/sync-service';

type SyncCommand = 'sync:list' | 'sync:add' | 'sync:update' | 'sync:remove' | 'sync:pause' | 'sync:resume' | 'sync:now' | 'sync:preview' | 'sync:confirmDeletes';

/** Sync handlers. */
export function createSyncHandlers(deps: CoreDeps, sync: SyncService): Pick<Handlers, SyncCommand> {
  // The folder as the pair will keep it (`~/` expanded, pair-store.ts), inside browser mode's roots.
  const checkFolder = (folder: string | undefined) =>
    assertInsideRoots(folder === undefined ? [] : [expandHome(folder, homeDir(deps.env))], deps.platform.localRoots);
  return {
    'sync:list': () => sync.list(),
    'sync:add': async ({ startPaused, ...input }) => {
      await checkFolder(input.folder);
      return sync.add(input, { startPaused });
    },
    // Only a folder the patch names: a pair made in the desktop app keeps its folder when the page edits it.
    'sync:update': async ({ id, patch }) => {
      await checkFolder(patch.folder);
      return sync.update(id, patch);
    },
    'sync:remove': ({ id }) => sync.remove(id),
    'sync:pause': ({ id }) => sync.pause(id),
    'sync:resume': ({ id }) => sync.resume(id),
    'sync:now': ({ id }) => sync.syncNow(id),
    'sync:preview': ({ id }) => sync.preview(id),
    'sync:confirmDeletes': ({ id }) => sync.confirmDeletes(id),
  };
}
