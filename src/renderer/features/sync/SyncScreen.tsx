/** Synced folders: the list of pairs and the form that adds one (with mirror's safety settings and a name pattern). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { syncPairDefaults, syncPairLimits, type SyncPairConfig } from '../../../shared/contract';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { PairCard } from './PairCard';
import { LayoutFields } from './PairLayout';
import { Safety } from './Safety';
import { layoutForAdd, noSyncLayout, type SyncLayoutChoices } from './sync-layout';
import { SyncError } from './SyncError';

/** The form's own bound for the brake count (the contract sets none): beyond it the field stops growing. */
const MAX_BRAKE_COUNT = 1_000_000;

/** A whole number within bounds; an empty or invalid field counts as the lower bound. */
function clamp(v: number, min: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : min;
}

/** The sync screen. */
export function SyncScreen() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const pairs = useAppState((s) => s.sync);
  const settings = useAppState((s) => s.settings);
  const nativeDialogs = useAppState((s) => s.info?.capabilities.nativeDialogs ?? false);
  const [folder, setFolder] = useState('');
  const [bucket, setBucket] = useState(settings?.lastBucket || '');
  const [prefix, setPrefix] = useState('');
  const [mode, setMode] = useState<SyncPairConfig['mode']>(syncPairDefaults.mode);
  // Mirror's safety settings, with the contract's defaults (the share as a whole percentage).
  const [brakePercent, setBrakePercent] = useState(Math.round(syncPairDefaults.brakeShare * 100));
  const [brakeCount, setBrakeCount] = useState<number>(syncPairDefaults.brakeCount);
  const [trashDays, setTrashDays] = useState<number>(syncPairDefaults.trashDays);
  const [layout, setLayout] = useState<SyncLayoutChoices>(noSyncLayout);
  const { run, error, setError } = useCommand();

  const choose = async () => {
    const res = await run('app:pickFiles', { folders: true });
    if (res.ok && res.value[0]) setFolder(res.value[0]);
  };

  const add = async () => {
    if (!settings?.lastProfileId) return setError(null);
    const res = await run('sync:add', {
      folder: folder.trim(),
      target: { profileId: settings.lastProfileId, bucket: bucket.trim(), prefix: prefix.trim() },
      mode,
      // Nothing is sent before the person has seen what the first pass will do; "Start sync" resumes it.
      startPaused: true,
      ...(mode === 'mirror' ? { brakeShare: brakePercent / 100, brakeCount, trashDays } : {}),
      ...layoutForAdd(layout),
    });
    if (!res.ok) return;
    store.toast({ level: 'success', key: 'sync.created' });
    setFolder('');
    setLayout(noSyncLayout);
  };

  return (
    <main className="page" id="main">
      <h1>{t('sync.title')}</h1>
      <p>{t('sync.intro')}</p>
      {pairs.length === 0 ? <p className="hint">{t('sync.empty')}</p> : <ul className="sync-list">{pairs.map((p) => <PairCard key={p.config.id} pair={p} />)}</ul>}
      <section className="card" aria-labelledby="sync-add-title">
        <h2 id="sync-add-title">{t('sync.add')}</h2>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <label>
            {t('sync.folder')}
            <span className="row">
              <input value={folder} onChange={(e) => setFolder(e.target.value)} required />
              {nativeDialogs && (
                <button type="button" onClick={() => void choose()}>
                  {t('sync.choose')}
                </button>
              )}
            </span>
          </label>
          <label>
            {t('sync.bucket')}
            <input value={bucket} onChange={(e) => setBucket(e.target.value)} required />
          </label>
          <label>
            <span>
              {t('sync.prefix')} <span className="hint">{t('common.optional')}</span>
            </span>
            <input value={prefix} onChange={(e) => setPrefix(e.target.value)} />
          </label>
          <fieldset>
            <legend>{t('sync.mode')}</legend>
            {(['upload-only', 'mirror'] as const).map((m) => (
              <label className="inline" key={m}>
                <input type="radio" name="sync-mode" checked={mode === m} onChange={() => setMode(m)} />
                {t(`sync.modes.${m}`)}
              </label>
            ))}
          </fieldset>
          {mode === 'mirror' && (
            <>
              <label>
                {t('sync.brakeShareLabel')}
                <input type="number" min={0} max={100} value={brakePercent} onChange={(e) => setBrakePercent(clamp(e.target.valueAsNumber, 0, 100))} />
              </label>
              <label>
                {t('sync.brakeCountLabel')}
                <input type="number" min={0} value={brakeCount} onChange={(e) => setBrakeCount(clamp(e.target.valueAsNumber, 0, MAX_BRAKE_COUNT))} />
              </label>
              <label>
                {t('sync.trashDaysLabel')}
                <input type="number" min={0} max={syncPairLimits.trashDays} value={trashDays} onChange={(e) => setTrashDays(clamp(e.target.valueAsNumber, 0, syncPairLimits.trashDays))} />
              </label>
            </>
          )}
          <Safety mode={mode} brakeShare={brakePercent / 100} brakeCount={brakeCount} trashDays={trashDays} />
          <details className="landing">
            <summary>{t('sync.layout.title')}</summary>
            <LayoutFields choices={layout} onChange={(patch) => setLayout((c) => ({ ...c, ...patch }))} mode={mode} prefix={prefix.trim()} />
          </details>
          {error && <SyncError error={error} />}
          <div className="actions">
            <button type="submit" className="primary" disabled={layout.templateError !== undefined}>
              {t('sync.create')}
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}
