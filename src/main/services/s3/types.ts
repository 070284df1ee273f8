/** The S3 client seam: every service that talks to S3 gets its clients here. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { ResolvedProfile } from '../profiles/types';

/** A ready client and what it was built from. */
export interface S3Context {
  /** A client with the SDK's own retries, for listings and small calls. */
  client: S3Client;
  /** A client without SDK retries, for streamed bodies the engine retries itself (a consumed stream cannot be resent). */
  transferClient: S3Client;
  /** The keep-alive pools `transferClient` sends through, for requests signed and sent below the SDK (lean-request.ts). */
  agents?: S3Agents;
  profile: ResolvedProfile;
  /** The region the clients sign for. */
  region: string;
  /** True for non-AWS endpoints (MinIO, R2, Ceph, s3rver…). */
  customEndpoint: boolean;
  /**
   * The clock offset (ms) requests are signed with, corrected from the server's Date: one value for `transferClient`
   * and the requests below the SDK. Absent on a context made by hand; lean-request.ts then reads the client's.
   */
  clock?: { offsetMs: number };
}

/** A profile's socket pools, one per protocol, carrying its proxy and CA settings. */
export interface S3Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * What an object call is sent through: a profile's context, whose endpoint and profile name then appear in error
 * messages, or a bare client (errors still name the action, bucket and key).
 */
export type S3Target = S3Context | S3Client;

/** Gives out (cached) clients per profile. */
export interface S3Clients {
  /** A client for a profile; `region` overrides the profile's region (creating a bucket elsewhere). */
  forProfile(profileId: string, region?: string): Promise<S3Context>;
  /** Drops cached clients (after a profile edit). */
  invalidate(profileId?: string): void;
}
