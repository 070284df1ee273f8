/**
 * The engine with the contract's dispatcher over it: what Electron main and `s3-drop serve` run, where commands
 * arrive by name from a renderer or a page. Neither holds state in module globals.
 */
import { createAppHandlers } from './handlers/app';
import { createBucketHandlers } from './handlers/buckets';
import { createHistoryHandlers } from './handlers/history';
import { createLandingHandlers } from './handlers/landing';
import { createProfileHandlers } from './handlers/profiles';
import { createSyncHandlers } from './handlers/sync';
import { createTransferHandlers } from './handlers/transfers';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch';
import { createEngine, type Engine, type EngineOptions } from './engine';

/** What a composition root provides. */
export type AppServicesOptions = EngineOptions;

/** The built engine and the dispatcher over it. */
export interface AppServices extends Engine {
  handlers: Handlers;
  dispatch: Dispatch;
}

/** Adds the contract's handlers and dispatcher to a built engine. */
export function withDispatcher(engine: Engine): AppServices {
  const { core, profiles, sync, buckets, fileOps, transfers, landing, history } = engine;
  const handlers: Handlers = {
    ...createAppHandlers(core, engine.diagnostics),
    ...createProfileHandlers(core, profiles, sync),
    ...createBucketHandlers(core, buckets, fileOps),
    ...createTransferHandlers(core, transfers),
    ...createSyncHandlers(core, sync),
    ...createLandingHandlers(core, landing),
    ...createHistoryHandlers(core, history),
  };
  return Object.assign(engine, { handlers, dispatch: createDispatcher(handlers, core.logger) });
}

/** Builds every service and the dispatcher over them. */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  return withDispatcher(await createEngine(options));
}
