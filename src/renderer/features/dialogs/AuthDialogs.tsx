/** The MFA code dialog ('profiles:mfaRequest') and the SSO sign-in status ('profiles:ssoStatus'). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from '../../components/Modal';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import './auth-dialogs.css';

/** Asks for a 6-digit code when the engine needs one; cancelling answers null so the engine stops waiting. */
export function MfaDialog() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const mfa = useAppState((s) => s.mfa);
  const profiles = useAppState((s) => s.profiles);
  const [code, setCode] = useState('');
  // The dialog closes as it answers, so a refusal can only be a toast.
  const { run } = useCommand({ toast: true });
  if (!mfa) return null;
  const answer = (value: string | null) => {
    store.update({ mfa: undefined });
    setCode('');
    return run('profiles:mfaAnswer', { requestId: mfa.requestId, code: value });
  };
  const name = profiles.find((p) => p.id === mfa.profileId)?.name ?? mfa.profileId;
  return (
    <Modal title={t('mfa.title')} onClose={() => void answer(null)}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void answer(code);
        }}
      >
        <p>{t('mfa.prompt', { profile: name })}</p>
        {mfa.retry && <p role="alert">{t('mfa.retry')}</p>}
        <label>
          {t('mfa.code')}
          <input className="mfa-code" value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))} inputMode="numeric" pattern="\d{6}" required autoFocus autoComplete="one-time-code" />
        </label>
        <div className="actions">
          <button type="button" onClick={() => void answer(null)}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary">
            {t('mfa.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Shows the SSO user code and the verification link while a sign-in waits. */
export function SsoDialog() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const sso = useAppState((s) => s.sso);
  const desktop = useAppState((s) => s.info?.capabilities.desktopIntegration ?? false);
  if (!sso || sso.state === 'done') return null;
  const close = () => store.update({ sso: undefined });
  return (
    <Modal title={t('sso.title')} onClose={close}>
      <div className="sso-dialog">
        {sso.state === 'waiting' && (
          <>
            <p>{t('sso.waiting')}</p>
            <p className="user-code">{sso.userCode}</p>
            <p className="hint" role="status">
              {t('sso.closesItself')}
            </p>
          </>
        )}
        {sso.state === 'failed' && <p role="alert">{t('sso.failed')}</p>}
        {sso.state === 'expired' && <p role="alert">{t('sso.expired')}</p>}
        <div className="actions">
          {sso.state === 'waiting' &&
            sso.verificationUri &&
            (desktop ? (
              <button type="button" className="primary" onClick={() => void store.api.invoke('app:openExternal', { url: sso.verificationUri! })}>
                {t('sso.open')}
              </button>
            ) : (
              // A link, not a button: the browser opens it in a new tab, which the page may not do itself.
              <a className="button-link primary" href={sso.verificationUri} target="_blank" rel="noopener noreferrer">
                {t('sso.open')}
              </a>
            ))}
          <button type="button" onClick={close}>
            {t('common.close')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
