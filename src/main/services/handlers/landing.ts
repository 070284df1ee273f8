/** Handlers for landing-zone commands: each one is a thin call into the LandingService. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { LandingService } from '../landing/landing-service';

/** Landing handlers. */
export function createLandingHandlers(
  _deps: CoreDeps,
  landing: LandingService,
): Pick<Handlers, 'landing:previewKey' | 'landing:checkCsv' | 'landing:athenaDdl'> {
  return {
    'landing:previewKey': (args) => landing.previewKey(args),
    'landing:checkCsv': (args) => landing.checkCsv(args),
    'landing:athenaDdl': (args) => landing.athenaDdl(args),
  };
}
