/** STUB: profile discovery and resolution; replaced by the profiles work. */
import type { ProfileSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import type { SecretStore } from '../secrets/secret-store';
import type { ProfileResolver, ResolvedProfile } from './types';

/** Lists and resolves profiles. */
export class ProfileService implements ProfileResolver {
  /** Builds the service. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly secrets: SecretStore,
  ) {}
  /** Lists profiles. */
  async list(): Promise<ProfileSummary[]> {
    return [];
  }
  /** Resolves a profile id. */
  async resolve(profileId: string): Promise<ResolvedProfile> {
    void this.deps;
    void this.secrets;
    throw new AppError('PROFILE_NOT_FOUND', { profile: profileId });
  }
  /** Stops watching files. */
  dispose(): void {}
}
