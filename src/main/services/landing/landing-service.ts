/** STUB: the data landing zone; replaced by the landing work. */
import type { CoreDeps } from '../context';

/** Templates, CSV checks and Athena DDL. */
export class LandingService {
  /** Builds the service. */
  constructor(readonly deps: CoreDeps) {}
}
