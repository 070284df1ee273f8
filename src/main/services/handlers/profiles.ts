/** Handlers for profile commands: each is one call into the ProfileService (plus what a change means for sync pairs). */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { ProfileService } from '../profiles/profile-service';
import type { SyncService } from '../sync/sync-service';

type ProfileCommand =
  | 'profiles:list'
  | 'profiles:add'
  | 'profiles:update'
  | 'profiles:remove'
  | 'profiles:setDefault'
  | 'profiles:test'
  | 'profiles:secretStorage'
  | 'profiles:ssoSignIn'
  | 'profiles:mfaAnswer';

/** The part of the SyncService a profile change touches. */
export type PairsOfProfiles = Pick<SyncService, 'list' | 'pause' | 'update'>;

/** Profile handlers. */
export function createProfileHandlers(deps: CoreDeps, profiles: ProfileService, sync?: PairsOfProfiles): Pick<Handlers, ProfileCommand> {
  const pairsOf = (profileId: string) => sync?.list().filter((p) => p.config.target.profileId === profileId) ?? [];
  return {
    'profiles:list': () => profiles.list(),
    'profiles:add': (input) => profiles.add(input),
    'profiles:update': async (input) => {
      const pairs = pairsOf(input.id);
      const summary = await profiles.update(input);
      // A rename changes the profile's id: its sync pairs follow it instead of losing their connection.
      if (summary.id !== input.id) {
        for (const pair of pairs) {
          await sync!.update(pair.config.id, { target: { ...pair.config.target, profileId: summary.id } }).catch((err: unknown) => {
            deps.logger.warn(`profiles: sync pair ${pair.config.id} could not follow the rename`, err);
          });
        }
      }
      return summary;
    },
    'profiles:remove': async ({ id }) => {
      // Removed first: a connection that cannot be removed (one from ~/.aws) leaves its pairs running.
      await profiles.remove(id);
      // Its pairs stop (paused, folder and bucket untouched) rather than failing on every change for want of a connection.
      for (const pair of pairsOf(id)) if (pair.state !== 'paused') await sync!.pause(pair.config.id);
    },
    'profiles:setDefault': ({ id }) => profiles.setDefault(id),
    'profiles:test': ({ id }) => profiles.test(id),
    'profiles:secretStorage': () => profiles.secretStorage(),
    'profiles:ssoSignIn': ({ id }) => profiles.ssoSignIn(id),
    'profiles:mfaAnswer': ({ requestId, code }) => profiles.mfa.answer(requestId, code),
  };
}
