/** In-app SSO sign-in (OIDC device flow). First version: not built yet; says so plainly. */
import type { SsoStatus } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import type { AwsDiscovery } from './discovery';

/** Runs the device authorization flow for SSO profiles. */
export class SsoSignIn {
  /** Builds the sign-in helper. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly discovery: () => Promise<AwsDiscovery>,
  ) {}

  /** Signs a profile in. */
  async signIn(profileId: string, _name: string): Promise<SsoStatus> {
    void this.deps;
    void this.discovery;
    throw new AppError('NOT_SUPPORTED', { what: `in-app SSO sign-in for ${profileId} (run "aws sso login" for now)` });
  }

  /** Stops polling. */
  dispose(): void {}
}
