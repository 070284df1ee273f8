/** Handlers for profile commands: each is one call into the ProfileService. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { ProfileService } from '../profiles/profile-service';

type ProfileCommand = 'profiles:list' | 'profiles:add' | 'profiles:update' | 'profiles:remove' | 'profiles:test' | 'profiles:ssoSignIn' | 'profiles:mfaAnswer';

/** Profile handlers. */
export function createProfileHandlers(_deps: CoreDeps, profiles: ProfileService): Pick<Handlers, ProfileCommand> {
  return {
    'profiles:list': () => profiles.list(),
    'profiles:add': (input) => profiles.add(input),
    'profiles:update': (input) => profiles.update(input),
    'profiles:remove': ({ id }) => profiles.remove(id),
    'profiles:test': ({ id }) => profiles.test(id),
    'profiles:ssoSignIn': ({ id }) => profiles.ssoSignIn(id),
    'profiles:mfaAnswer': ({ requestId, code }) => profiles.mfa.answer(requestId, code),
  };
}
