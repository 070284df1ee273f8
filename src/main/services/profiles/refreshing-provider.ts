/**
 * A credential provider wrapper that refreshes before expiry and never hands out expired
 * credentials (aws-sdk-js-v3#5215: a client that caches expired credentials fails every request after).
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AppError } from '../../../shared/errors';

/** Options for the wrapper. */
export interface RefreshOptions {
  /** Refresh this long before expiry at most (default 5 minutes); short-lived credentials refresh at half-life. */
  marginMs?: number;
  now?: () => number;
  /** The profile name for the "expired" error. */
  profile: string;
}

/** A refreshing provider, with a way to drop what it holds (after the user edits the profile). */
export type RefreshingProvider = AwsCredentialIdentityProvider & { fetches(): number; reset(): void };

/** Wraps a fetch so results are reused while fresh, fetched once at a time, and refused once expired. */
export function refreshingProvider(fetch: () => Promise<AwsCredentialIdentity>, options: RefreshOptions): RefreshingProvider {
  const { marginMs = 5 * 60_000, now = Date.now, profile } = options;
  let cached: { creds: AwsCredentialIdentity; refreshAt: number } | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  let count = 0;

  const load = async (): Promise<AwsCredentialIdentity> => {
    count++;
    const obtainedAt = now();
    const creds = await fetch();
    const exp = creds.expiration?.getTime();
    if (exp !== undefined && exp <= now()) throw new AppError('CREDENTIALS_EXPIRED', { profile });
    const margin = exp === undefined ? 0 : Math.min(marginMs, (exp - obtainedAt) / 2);
    cached = { creds, refreshAt: exp === undefined ? Infinity : exp - margin };
    return creds;
  };

  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (cached && now() < cached.refreshAt) return cached.creds;
    inFlight ??= load().finally(() => (inFlight = undefined));
    try {
      return await inFlight;
    } catch (err) {
      // A failed early refresh may still use credentials that have not expired yet.
      const exp = cached?.creds.expiration?.getTime();
      if (cached && exp !== undefined && exp > now()) return cached.creds;
      cached = undefined;
      throw err;
    }
  };
  // Every holder (a cached S3 client) keeps this same function, so a reset reaches them all.
  const reset = () => {
    cached = undefined;
  };
  return Object.assign(provider, { fetches: () => count, reset });
}
