/** Handlers for landing-zone commands: each one is a thin call into the LandingService, after browser mode's path rule. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { LandingService } from '../landing/landing-service';
import { assertInsideRoots } from '../local-folders';

/** Landing handlers. */
export function createLandingHandlers(
  deps: CoreDeps,
  landing: LandingService,
): Pick<Handlers, 'landing:previewKey' | 'landing:checkCsv' | 'landing:athenaDdl'> {
  // Both read the file they are given: in browser mode only inside its roots.
  return {
    'landing:previewKey': (args) => landing.previewKey(args),
    'landing:checkCsv': async (args) => {
      await assertInsideRoots([args.path], deps.platform.localRoots);
      return landing.checkCsv(args);
    },
    'landing:athenaDdl': async (args) => {
      await assertInsideRoots([args.path], deps.platform.localRoots);
      return landing.athenaDdl(args);
    },
  };
}
