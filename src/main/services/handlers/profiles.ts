/** Handlers for profile commands. STUB until the profiles work lands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { ProfileService } from '../profiles/profile-service';
import { notYet } from './not-yet';

type ProfileCommand = 'profiles:list' | 'profiles:add' | 'profiles:update' | 'profiles:remove' | 'profiles:test' | 'profiles:ssoSignIn' | 'profiles:mfaAnswer';

/** Profile handlers. */
export function createProfileHandlers(_deps: CoreDeps, profiles: ProfileService): Pick<Handlers, ProfileCommand> {
  return {
    'profiles:list': () => profiles.list(),
    'profiles:add': notYet('profiles:add'),
    'profiles:update': notYet('profiles:update'),
    'profiles:remove': notYet('profiles:remove'),
    'profiles:test': notYet('profiles:test'),
    'profiles:ssoSignIn': notYet('profiles:ssoSignIn'),
    'profiles:mfaAnswer': notYet('profiles:mfaAnswer'),
  };
}
