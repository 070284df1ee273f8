/** Handlers for landing-zone commands. STUB until the landing work lands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { LandingService } from '../landing/landing-service';
import { notYet } from './not-yet';

/** Landing handlers. */
export function createLandingHandlers(
  _deps: CoreDeps,
  _landing: LandingService,
): Pick<Handlers, 'landing:previewKey' | 'landing:checkCsv' | 'landing:athenaDdl'> {
  return {
    'landing:previewKey': notYet('landing:previewKey'),
    'landing:checkCsv': notYet('landing:checkCsv'),
    'landing:athenaDdl': notYet('landing:athenaDdl'),
  };
}
