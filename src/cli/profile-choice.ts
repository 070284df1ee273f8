/** Picks the profile a CLI command runs as, the way the AWS CLI does: --profile, AWS_PROFILE, keys in the environment, `default`. */
import type { ProfileSummary } from '../shared/contract';
import { AppError } from '../shared/errors';

/** Finds a profile by id (`aws:x`, `app:x`, `env`) or by name, preferring ~/.aws profiles like the AWS CLI. */
export function findProfile(list: ProfileSummary[], wanted: string): ProfileSummary | undefined {
  return (
    list.find((p) => p.id === wanted) ??
    list.find((p) => p.name === wanted && p.source === 'aws-config') ??
    list.find((p) => p.name === wanted)
  );
}

/**
 * The profile id for a command: `--profile` first, then AWS_PROFILE, then the `env` profile when
 * AWS_ACCESS_KEY_ID is set, else the app's chosen default, else `default`. An unknown name is PROFILE_NOT_FOUND (exit 2).
 */
export async function chooseProfileId(
  profiles: { list(): Promise<ProfileSummary[]> },
  env: Record<string, string | undefined>,
  requested?: string,
): Promise<string> {
  const wanted = requested ?? env.AWS_PROFILE;
  // Keys in the environment and no profile named: that is the answer, without reading ~/.aws and the app's profiles
  // (the list always has `env` when AWS_ACCESS_KEY_ID is set).
  if (!wanted && env.AWS_ACCESS_KEY_ID) return 'env';
  const list = await profiles.list();
  if (wanted) {
    const found = findProfile(list, wanted);
    if (!found) throw new AppError('PROFILE_NOT_FOUND', { profile: wanted });
    return found.id;
  }
  // The connection chosen with "Use this by default" carries the mark; without a choice it is `default`'s.
  const fallback = list.find((p) => p.isDefault) ?? findProfile(list, 'default');
  if (!fallback) throw new AppError('NO_CREDENTIALS', { profile: 'default' });
  return fallback.id;
}
