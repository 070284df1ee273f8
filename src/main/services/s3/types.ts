/** The S3 client seam: every service that talks to S3 gets its clients here. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ResolvedProfile } from '../profiles/types';

/** A ready client and what it was built from. */
export interface S3Context {
  client: S3Client;
  profile: ResolvedProfile;
  /** True for non-AWS endpoints (MinIO, R2, Ceph, s3rver…). */
  customEndpoint: boolean;
}

/** Gives out (cached) clients per profile. */
export interface S3Clients {
  forProfile(profileId: string): Promise<S3Context>;
  /** Drops cached clients (after a profile edit). */
  invalidate(profileId?: string): void;
}
