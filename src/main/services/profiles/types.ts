/** What the rest of the engine needs from profiles: a way to turn a profile id into a client config. */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ProfileSummary } from '../../../shared/contract';

/** Everything needed to build an S3 client for a profile. */
export interface ResolvedProfile {
  summary: ProfileSummary;
  region: string;
  /** A custom (non-AWS) endpoint; such clients use path style and WHEN_REQUIRED checksums. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** A refreshing provider: it must never hand out expired credentials (aws-sdk-js-v3#5215). */
  credentials: AwsCredentialIdentityProvider;
  /** PEM bundle from `ca_bundle` or AWS_CA_BUNDLE, for corporate TLS interception. */
  caBundle?: string;
  /**
   * A request handler carrying the CA bundle and HTTPS_PROXY/NO_PROXY; pass it as the client's
   * `requestHandler` when set. Undefined when the SDK's default handler is right.
   */
  requestHandler?: NodeHttpHandler;
  /**
   * HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment, ready for Node's agents: a client
   * factory that builds its own agents adds `proxyEnv` to their options (Node 24 routes through it).
   */
  proxyEnv?: Record<string, string>;
}

/** Turns profile ids into client configurations. */
export interface ProfileResolver {
  resolve(profileId: string): Promise<ResolvedProfile>;
}

/** Re-exported for convenience. */
export type { AwsCredentialIdentity, AwsCredentialIdentityProvider };
