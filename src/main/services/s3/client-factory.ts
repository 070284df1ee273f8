/** STUB: S3 client factory; replaced by the transfers work. */
import { AppError } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import type { ProfileResolver } from '../profiles/types';
import type { S3Clients, S3Context } from './types';

/** Builds and caches S3 clients per profile. */
export class S3ClientFactory implements S3Clients {
  /** Builds the factory. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly profiles: ProfileResolver,
  ) {}
  /** A client for a profile. */
  async forProfile(profileId: string): Promise<S3Context> {
    void this.deps;
    void this.profiles;
    throw new AppError('NOT_SUPPORTED', { what: profileId });
  }
  /** Drops cached clients. */
  invalidate(): void {}
}
