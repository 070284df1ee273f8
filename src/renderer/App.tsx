/** The app shell: header with navigation and the profile switcher, the current screen, dialogs, toasts. */
import { FolderSync, History, Plug, Plus, Settings as SettingsIcon, Upload, type LucideIcon } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ErrorMessage } from './components/ErrorMessage';
import { Modal } from './components/Modal';
import { Toasts } from './components/Toasts';
import { MainScreen } from './features/browser/MainScreen';
import { ConnectionsScreen } from './features/connections/ConnectionsScreen';
import { SignInAgainBanner } from './features/connections/SignInAgain';
import { MfaDialog, SsoDialog } from './features/dialogs/AuthDialogs';
import { AddProfileForm } from './features/onboarding/AddProfileForm';
import { Welcome } from './features/onboarding/Welcome';
import { HistoryScreen } from './features/history/HistoryScreen';
import { SettingsScreen } from './features/settings/SettingsScreen';
import { SyncScreen } from './features/sync/SyncScreen';
import { resolveLanguage } from './i18n';
import { useAppState, useStoreApi, type Screen } from './state/store';
import { useCommand } from './state/use-command';

function ProfileSwitcher() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const profiles = useAppState((s) => s.profiles);
  const current = useAppState((s) => s.settings?.lastProfileId);
  const { settle } = useCommand({ toast: true });
  const [adding, setAdding] = useState(false);
  // '' means "no bucket yet" (JSON cannot carry undefined to clear the field).
  const switchTo = (id: string) => settle(store.saveSettings({ lastProfileId: id, lastBucket: '', lastPrefix: '' }));
  return (
    <div className="profile-switcher">
      <label>
        <span className="label-text">{t('main.profile')}</span>
        <select value={current ?? ''} onChange={(e) => void switchTo(e.target.value)} data-testid="profile-select">
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="add-profile" onClick={() => setAdding(true)}>
        <Plus aria-hidden="true" size="1.1em" />
        <span className="bar-label">{t('main.addProfile')}</span>
      </button>
      {adding && (
        <Modal title={t('addProfile.title')} onClose={() => setAdding(false)}>
          <AddProfileForm
            onCancel={() => setAdding(false)}
            onDone={(p) => {
              setAdding(false);
              void switchTo(p.id);
            }}
          />
        </Modal>
      )}
    </div>
  );
}

/** Each section's icon in the nav, by screen name (sections without one show only their name). */
const navIcons: Record<string, LucideIcon> = { main: Upload, sync: FolderSync, settings: SettingsIcon, connections: Plug, history: History };

/** The app. */
export function App() {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  const phase = useAppState((s) => s.phase);
  const startError = useAppState((s) => s.startError);
  const settings = useAppState((s) => s.settings);
  const screen = useAppState((s) => s.screen);
  const language = resolveLanguage(settings?.language);
  const theme = settings?.theme ?? 'system';

  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);
  useEffect(() => {
    // 'system' removes the attribute so the prefers-color-scheme rules in the stylesheet decide.
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  if (phase === 'starting') return <p className="center">{t('app.starting')}</p>;
  if (phase === 'failed')
    return (
      <main className="center" id="main">
        <ConnectionBanner />
        <h1>{t('app.notConnected')}</h1>
        {startError && <ErrorMessage error={startError} />}
      </main>
    );

  const nav: Screen[] = ['main', 'sync', 'history', 'connections', 'settings'];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <ConnectionBanner />
      {settings?.onboarded ? (
        <>
          <header className="app-header">
            <span className="brand">{t('app.title')}</span>
            <nav aria-label={t('app.nav.label')} className="tabs">
              {nav.map((s) => {
                const Icon = navIcons[s];
                return (
                  <button key={s} type="button" data-testid={`nav-${s}`} aria-current={screen === s ? 'page' : undefined} className={screen === s ? 'active' : ''} onClick={() => store.update({ screen: s })}>
                    {Icon && <Icon aria-hidden="true" size="1.1em" />}
                    {t(`app.nav.${s}`)}
                  </button>
                );
              })}
            </nav>
            <ProfileSwitcher />
          </header>
          <SignInAgainBanner />
          {screen === 'main' && <MainScreen />}
          {screen === 'sync' && <SyncScreen />}
          {screen === 'connections' && <ConnectionsScreen />}
          {screen === 'history' && <HistoryScreen />}
          {screen === 'settings' && <SettingsScreen />}
        </>
      ) : (
        <Welcome />
      )}
      <MfaDialog />
      <SsoDialog />
      <Toasts />
    </div>
  );
}
