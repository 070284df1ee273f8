/** Settings: language, theme, notifications, start at login, junk files in folders, existing-object action, and Advanced. */
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import './settings.css';

type NumberField = 'concurrency' | 'partSizeMiB' | 'bandwidthLimitKiBps';

/** The settings screen; every change is saved at once (no Save button to forget). */
export function SettingsScreen() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const settings = useAppState((s) => s.settings);
  const info = useAppState((s) => s.info);
  const { run, settle, error } = useCommand();
  if (!settings) return null;

  const save = (patch: Partial<Settings>) => settle(store.saveSettings(patch));

  const numberInput = (field: NumberField, label: string, min: number, max?: number) => (
    <label>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        defaultValue={settings[field]}
        onBlur={(e) => {
          const v = Number(e.target.value);
          if (Number.isInteger(v) && v >= min && (max === undefined || v <= max) && v !== settings[field]) void save({ [field]: v });
          else e.target.value = String(settings[field]);
        }}
      />
    </label>
  );

  const checkbox = (field: 'notifications' | 'startAtLogin' | 'closeToTray' | 'uploadJunkFiles', label: string) => (
    <label className="inline settings-check">
      <input type="checkbox" checked={settings[field]} onChange={(e) => void save({ [field]: e.target.checked })} />
      {label}
    </label>
  );

  return (
    <main className="page" id="main">
      <h1>{t('settings.title')}</h1>
      {error && <ErrorMessage error={error} />}
      <section className="card form" aria-labelledby="general-title">
        <h2 id="general-title">{t('settings.general')}</h2>
        <label>
          {t('settings.language')}
          <select value={settings.language} onChange={(e) => void save({ language: e.target.value as Settings['language'] })} data-testid="language-select">
            {(['system', 'en', 'pt-BR'] as const).map((l) => (
              <option key={l} value={l} lang={l === 'system' ? undefined : l}>
                {t(`settings.languages.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('settings.theme')}
          <select value={settings.theme} onChange={(e) => void save({ theme: e.target.value as Settings['theme'] })} data-testid="theme-select">
            {(['system', 'light', 'dark'] as const).map((th) => (
              <option key={th} value={th}>
                {t(`settings.themes.${th}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('settings.existing')}
          <select value={settings.existingAction} onChange={(e) => void save({ existingAction: e.target.value as Settings['existingAction'] })}>
            {(['ask', 'overwrite', 'skip-identical', 'keep-both'] as const).map((a) => (
              <option key={a} value={a}>
                {t(`settings.existingActions.${a}`)}
              </option>
            ))}
          </select>
        </label>
        {checkbox('notifications', t('settings.notifications'))}
        {checkbox('startAtLogin', t('settings.startAtLogin'))}
        {checkbox('closeToTray', t('settings.closeToTray'))}
        {checkbox('uploadJunkFiles', t('settings.uploadJunkFiles'))}
      </section>
      <details className="card form advanced settings-advanced">
        <summary>{t('settings.advanced')}</summary>
        <div className="settings-advanced-body">
          {numberInput('concurrency', t('settings.concurrency'), 1, 64)}
          {numberInput('partSizeMiB', t('settings.partSize'), 5, 5120)}
          {numberInput('bandwidthLimitKiBps', t('settings.bandwidth'), 0)}
        </div>
      </details>
      {info && (
        <section className="card">
          <p className="hint">{t('settings.dataDir', { dir: info.dataDir })}</p>
          <p className="hint">{t('settings.logsDir', { dir: info.logsDir })}</p>
          <div className="actions">
            {info.capabilities.desktopIntegration && (
              <button type="button" onClick={() => void run('app:openLogs', {})}>
                {t('settings.openLogs')}
              </button>
            )}
            <button
              type="button"
              onClick={async () => {
                const r = await run('app:diagnostics', {});
                if (!r.ok) return;
                await navigator.clipboard.writeText(r.value).catch(() => undefined);
                store.toast({ level: 'success', key: 'settings.diagnosticsCopied' });
              }}
            >
              {t('settings.diagnostics')}
            </button>
          </div>
        </section>
      )}
    </main>
  );
}
