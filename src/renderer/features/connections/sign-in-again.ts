/** "Sign in again" for an SSO connection: which connections wait for a sign-in, and the command that starts one. */
import { useCallback } from 'react';
import type { ProfileSummary, TransferSnapshot } from '../../../shared/contract';
import { useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';

/** The SSO connections that have transfers waiting for a sign-in, in the order their first waiting row appears. */
export function waitingSsoProfiles(rows: readonly TransferSnapshot[], profiles: readonly ProfileSummary[]): ProfileSummary[] {
  const out: ProfileSummary[] = [];
  for (const row of rows) {
    if (row.state !== 'waiting-auth' || out.some((p) => p.id === row.profileId)) continue;
    const profile = profiles.find((p) => p.id === row.profileId);
    if (profile?.kind === 'sso') out.push(profile);
  }
  return out;
}

/**
 * Starts the device flow for a connection; the app-wide SSO dialog (features/dialogs/AuthDialogs.tsx) shows the code
 * and the page to open, and the engine sends the waiting transfers on when the sign-in is done.
 */
export function useSignInAgain(): { signIn: (profileId: string) => Promise<void> } {
  const store = useStoreApi();
  // The banner and the rows have no room for a message: a refusal is a toast.
  const { run } = useCommand({ toast: true });
  const signIn = useCallback(
    async (profileId: string) => {
      const res = await run('profiles:ssoSignIn', { id: profileId });
      // The answer opens the dialog even if its 'waiting' event was missed (the outcome comes a poll interval later).
      if (res.ok) store.update({ sso: res.value });
    },
    [run, store],
  );
  return { signIn };
}
