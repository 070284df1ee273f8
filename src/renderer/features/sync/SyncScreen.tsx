/** Synced folders: each pair with its state, counts, last sync, errors, controls and a dry-run preview. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncPairStatus, SyncPreview } from '../../../shared/contract';
import type { AppErrorData } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatDate } from '../../format';
import { useAppState, useStoreApi } from '../../state/store';

/** A whole number within bounds; an empty or invalid field counts as the lower bound. */
function clamp(v: number, min: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : min;
}

function PreviewText({ preview }: { preview: SyncPreview }) {
  const { t, i18n } = useTranslation();
  return (
    <p className="preview" role="status">
      {t('sync.previewText', { upload: preview.upload, size: formatBytes(preview.uploadBytes, i18n.language), delete: preview.delete, conflicts: preview.conflicts })}
    </p>
  );
}

function Safety({ mode, brakeShare, brakeCount, trashDays }: { mode: string; brakeShare: number; brakeCount: number; trashDays: number }) {
  const { t } = useTranslation();
  if (mode !== 'mirror') return <p className="hint">{t('sync.uploadOnlySafe')}</p>;
  return (
    <p className="hint">
      {t('sync.brake', { share: Math.round(brakeShare * 100), count: brakeCount })} {t('sync.trash', { days: trashDays })}
    </p>
  );
}

function PairCard({ pair }: { pair: SyncPairStatus }) {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  const [preview, setPreview] = useState<SyncPreview | undefined>(pair.preview);
  const [error, setError] = useState<AppErrorData | null>(null);
  const id = pair.config.id;
  const run = async (name: 'sync:now' | 'sync:pause' | 'sync:resume' | 'sync:remove' | 'sync:confirmDeletes') => {
    setError(null);
    const res = await store.api.invoke(name, { id });
    if (!res.ok) setError(res.error);
  };
  const doPreview = async () => {
    setError(null);
    const res = await store.api.invoke('sync:preview', { id });
    if (res.ok) setPreview(res.value);
    else setError(res.error);
  };
  const c = pair.config;
  return (
    <li className="card sync-card">
      <div>
        <strong>{c.folder}</strong>
        <div className="hint">
          → {c.target.bucket}/{c.target.prefix}
        </div>
        <div>
          <span className={`badge state-${pair.state}`}>{t(`sync.state.${pair.state}`)}</span>{' '}
          <span className="hint">{pair.lastSyncAt ? t('sync.lastSync', { when: formatDate(pair.lastSyncAt, i18n.language) }) : t('sync.never')}</span>
        </div>
        <div className="hint">{t('sync.counts', { files: pair.files, pending: pair.pending })}</div>
        <p className="hint">{t(`sync.modes.${c.mode}`)}</p>
        <Safety mode={c.mode} brakeShare={c.brakeShare} brakeCount={c.brakeCount} trashDays={c.trashDays} />
        {(preview ?? pair.preview) && <PreviewText preview={(preview ?? pair.preview)!} />}
        {pair.error && <ErrorMessage error={pair.error} announce={false} />}
        {error && <ErrorMessage error={error} />}
      </div>
      <div className="actions">
        <button type="button" className={pair.state === 'paused' && !pair.lastSyncAt ? undefined : 'primary'} onClick={() => void run('sync:now')}>
          {t('sync.syncNow')}
        </button>
        {pair.state === 'paused' ? (
          <button type="button" className={pair.lastSyncAt ? undefined : 'primary'} onClick={() => void run('sync:resume')}>
            {pair.lastSyncAt ? t('sync.resume') : t('sync.start')}
          </button>
        ) : (
          <button type="button" onClick={() => void run('sync:pause')}>
            {t('sync.pause')}
          </button>
        )}
        <button type="button" onClick={() => void doPreview()}>
          {t('sync.preview')}
        </button>
        {pair.state === 'needs-confirmation' && (
          <button type="button" className="danger" onClick={() => void run('sync:confirmDeletes')}>
            {t('sync.confirmDeletes')}
          </button>
        )}
        <button type="button" onClick={() => void run('sync:remove')}>
          {t('sync.remove')}
        </button>
      </div>
    </li>
  );
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
  const [mode, setMode] = useState<'upload-only' | 'mirror'>('upload-only');
  // Mirror's safety settings, with the contract's defaults.
  const [brakePercent, setBrakePercent] = useState(20);
  const [brakeCount, setBrakeCount] = useState(1000);
  const [trashDays, setTrashDays] = useState(30);
  const [error, setError] = useState<AppErrorData | null>(null);

  const choose = async () => {
    const res = await store.api.invoke('app:pickFiles', { folders: true });
    if (res.ok && res.value[0]) setFolder(res.value[0]);
    else if (!res.ok) setError(res.error);
  };

  const add = async () => {
    setError(null);
    if (!settings?.lastProfileId) return;
    const res = await store.api.invoke('sync:add', {
      folder: folder.trim(),
      target: { profileId: settings.lastProfileId, bucket: bucket.trim(), prefix: prefix.trim() },
      mode,
      // Nothing is sent before the person has seen what the first pass will do; "Start sync" resumes it.
      startPaused: true,
      ...(mode === 'mirror' ? { brakeShare: brakePercent / 100, brakeCount, trashDays } : {}),
    });
    if (!res.ok) return setError(res.error);
    store.toast({ level: 'success', key: 'sync.created' });
    setFolder('');
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
                <input type="number" min={0} value={brakeCount} onChange={(e) => setBrakeCount(clamp(e.target.valueAsNumber, 0, 1_000_000))} />
              </label>
              <label>
                {t('sync.trashDaysLabel')}
                <input type="number" min={0} max={3650} value={trashDays} onChange={(e) => setTrashDays(clamp(e.target.valueAsNumber, 0, 3650))} />
              </label>
            </>
          )}
          <Safety mode={mode} brakeShare={brakePercent / 100} brakeCount={brakeCount} trashDays={trashDays} />
          {error && <ErrorMessage error={error} />}
          <div className="actions">
            <button type="submit" className="primary">
              {t('sync.create')}
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}
