/** The "Sign in again" banner above the screens, and the same action on a waiting transfer row. */
import { LogIn } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../../state/store';
import { useSignInAgain, waitingSsoProfiles } from './sign-in-again';
import './connections.css';

/** One line per SSO connection whose transfers wait for a sign-in. */
export function SignInAgainBanner() {
  const { t } = useTranslation();
  const rows = useAppState((s) => s.transfers.rows);
  const profiles = useAppState((s) => s.profiles);
  const { signIn } = useSignInAgain();
  const waiting = waitingSsoProfiles(rows, profiles);
  if (waiting.length === 0) return null;
  return (
    <section className="sign-in-banner" aria-label={t('connections.signInAgain.region')} data-testid="sign-in-banner">
      {waiting.map((p) => (
        <p key={p.id} className="sign-in-banner-line">
          <span>{t('connections.signInAgain.expired', { connection: p.name })}</span>
          <button type="button" className="primary" onClick={() => void signIn(p.id)} aria-label={`${t('connections.signInAgain.action')}: ${p.name}`}>
            <LogIn size={16} aria-hidden="true" /> {t('connections.signInAgain.action')}
          </button>
        </p>
      ))}
    </section>
  );
}

/** The row action on a transfer waiting for the sign-in of an SSO connection; nothing for any other row. */
export function SignInAgainButton({ profileId, name }: { profileId: string; name: string }) {
  const { t } = useTranslation();
  const sso = useAppState((s) => s.profiles.find((p) => p.id === profileId)?.kind === 'sso');
  const { signIn } = useSignInAgain();
  if (!sso) return null;
  return (
    <button type="button" onClick={() => void signIn(profileId)} aria-label={`${t('connections.signInAgain.action')}: ${name}`}>
      {t('connections.signInAgain.action')}
    </button>
  );
}
