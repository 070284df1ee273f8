/**
 * First run (and whenever no connection is chosen): lists the profiles, offers SSO sign-in and access keys, tests, then
 * lands. A connection the app keeps can be edited, renamed or removed here too, with the Connections screen's dialogs.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { ConnectionChangeButtons, ConnectionDialogs, type OpenConnectionDialog } from '../connections/ConnectionDialogs';
import { AddProfileForm } from './AddProfileForm';

/** The welcome screen. */
export function Welcome() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const profiles = useAppState((s) => s.profiles);
  const [busy, setBusy] = useState<string | null>(null);
  const { run, settle, error } = useCommand();
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<OpenConnectionDialog>(null);

  const land = async (profileId: string) => {
    const res = await settle(store.saveSettings({ onboarded: true, lastProfileId: profileId }));
    if (res.ok) store.update({ screen: 'main' });
  };

  const connect = async (p: ProfileSummary) => {
    setBusy(p.id);
    const res = await run('profiles:test', { id: p.id });
    setBusy(null);
    if (res.ok) await land(p.id);
  };

  const [ssoFor, setSsoFor] = useState<ProfileSummary | null>(null);
  const sso = async (p: ProfileSummary) => {
    setBusy(p.id);
    const res = await run('profiles:ssoSignIn', { id: p.id });
    setBusy(null);
    if (!res.ok) return;
    if (res.value.state === 'done') await connect(p);
    else {
      // The answer opens the dialog: a sign-in already under way (the dialog closed, asked again) sends no new
      // 'waiting' event. 'profiles:ssoStatus' tells us when it is done.
      store.update({ sso: res.value });
      setSsoFor(p);
    }
  };
  useEffect(() => {
    if (!ssoFor) return;
    return store.subscribe(() => {
      const status = store.getState().sso;
      if (status?.profileId !== ssoFor.id) return;
      if (status.state === 'done') {
        setSsoFor(null);
        void connect(ssoFor);
      } else if (status.state === 'failed' || status.state === 'expired') setSsoFor(null);
    });
    // connect is recreated each render; the subscription only needs the profile being signed in.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ssoFor, store]);

  return (
    <main className="welcome" id="main">
      <h1>{t('welcome.title')}</h1>
      <p>{t('welcome.intro')}</p>
      <section aria-labelledby="found-title">
        <h2 id="found-title">{t('welcome.found')}</h2>
        {profiles.length === 0 && <p>{t('welcome.none')}</p>}
        <ul className="profile-cards">
          {profiles.map((p) => (
            <li key={p.id} className="card">
              <div>
                {/* A profile named "default" needs no badge saying so (it read "default [default]"). */}
                <strong>{p.name}</strong> {p.isDefault && p.name !== 'default' && <span className="badge">{t('welcome.defaultBadge')}</span>}
                <div className="hint">
                  {t(`profileKind.${p.kind}`)}
                  {p.region ? ` · ${t('welcome.region', { region: p.region })}` : ''}
                  {p.endpoint ? ` · ${p.endpoint}` : ''}
                </div>
              </div>
              <div className="actions">
                {p.kind === 'sso' && (
                  <button type="button" onClick={() => void sso(p)} disabled={busy !== null}>
                    {t('welcome.sso')}
                  </button>
                )}
                <button type="button" className="primary" onClick={() => void connect(p)} disabled={busy !== null} aria-label={`${t('welcome.use')}: ${p.name}`}>
                  {busy === p.id ? t('welcome.testing') : t('welcome.use')}
                </button>
                <ConnectionChangeButtons profile={p} onOpen={(kind) => setChanging({ kind, profile: p })} />
              </div>
            </li>
          ))}
        </ul>
      </section>
      <ConnectionDialogs open={changing} onClose={() => setChanging(null)} />
      {error && <ErrorMessage error={error} />}
      <section aria-labelledby="add-title">
        <h2 id="add-title">{t('welcome.addKeys')}</h2>
        {adding ? (
          <AddProfileForm onDone={(p) => void land(p.id)} onCancel={() => setAdding(false)} />
        ) : (
          <>
            <p>{t('welcome.orAdd')}</p>
            <button type="button" onClick={() => setAdding(true)}>
              {t('welcome.addKeys')}
            </button>
          </>
        )}
      </section>
    </main>
  );
}
