/** Synced folders: the list of pairs and the form that adds one (with mirror's safety settings and a name pattern). */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { syncPairDefaults, syncPairLimits, type SyncPairConfig } from '../../../shared/contract';
import type { AppErrorData, ErrorCode } from '../../../shared/errors';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { FolderPicker } from './FolderPicker';
import { PairCard } from './PairCard';
import { LayoutFields } from './PairLayout';
import { Safety } from './Safety';
import { layoutForAdd, noSyncLayout, type SyncLayoutChoices } from './sync-layout';
import { SyncError } from './SyncError';
import './sync-screen.css';

/** The form's own bound for the brake count (the contract sets none): beyond it the field stops growing. */
const MAX_BRAKE_COUNT = 1_000_000;

/** A whole number within bounds; an empty or invalid field counts as the lower bound. */
function clamp(v: number, min: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : min;
}

/** The form's fields a refusal can be about; anything else is shown under the whole form. */
type Field = 'folder' | 'bucket' | 'prefix';

/** Which field each refusal concerns, so it is shown (and announced) next to that field. */
const FIELD_OF: Partial<Record<ErrorCode, Field>> = {
  SYNC_FOLDER_MISSING: 'folder',
  SYNC_FOLDER_GONE: 'folder',
  NOT_A_FOLDER: 'folder',
  FOLDER_NOT_FOUND: 'folder',
  FOLDER_OUTSIDE_HOME: 'folder',
  FILE_UNREADABLE: 'folder',
  BUCKET_NOT_FOUND: 'bucket',
  BUCKET_NOT_FOUND_ENDPOINT_PATH: 'bucket',
  BUCKET_NAME_INVALID: 'bucket',
  KEY_INVALID: 'prefix',
};

/** The field an error belongs to, or undefined for the form as a whole. */
function fieldOf(error: AppErrorData | null): Field | undefined {
  return error ? FIELD_OF[error.code] : undefined;
}

/** The sync screen. */
export function SyncScreen() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const pairs = useAppState((s) => s.sync);
  const settings = useAppState((s) => s.settings);
  const nativeDialogs = useAppState((s) => s.info?.capabilities.nativeDialogs ?? false);
  const [folder, setFolder] = useState('');
  // The form starts empty: a bucket filled in from the last one browsed read as a choice already made.
  const [bucket, setBucket] = useState('');
  const [prefix, setPrefix] = useState('');
  const [mode, setMode] = useState<SyncPairConfig['mode']>(syncPairDefaults.mode);
  // Mirror's safety settings, with the contract's defaults (the share as a whole percentage).
  const [brakePercent, setBrakePercent] = useState(Math.round(syncPairDefaults.brakeShare * 100));
  const [brakeCount, setBrakeCount] = useState<number>(syncPairDefaults.brakeCount);
  const [trashDays, setTrashDays] = useState<number>(syncPairDefaults.trashDays);
  const [layout, setLayout] = useState<SyncLayoutChoices>(noSyncLayout);
  const { run, error, setError } = useCommand();
  const [picking, setPicking] = useState(false);
  // A second submit while the first sync:add is on its way (a double click, Enter pressed twice) added the pair twice,
  // with two identical toasts: the ref refuses it at once, the state greys the button out.
  const adding = useRef(false);
  const [busy, setBusy] = useState(false);
  // The pair just added: its card (above the form, out of view on a small window) is brought into view and focused
  // once it is listed, so a hurried person sees what the first pass will do and where "Start sync" is.
  const added = useRef<string | undefined>(undefined);
  const reveal = () => {
    const id = added.current;
    const card = id && document.querySelector<HTMLElement>(`[data-pair-id="${CSS.escape(id)}"]`);
    if (!card) return;
    added.current = undefined;
    card.scrollIntoView({ block: 'start' });
    card.focus({ preventScroll: true });
  };
  // The card is listed when the pair's event comes, before or after the answer to sync:add: whichever is later reveals it.
  useEffect(reveal, [pairs]);
  const ids = useId();
  const errorField = fieldOf(error);
  /** The props that tie a field to its error: invalid, and described by the error's sentence. */
  const describedBy = (field: Field) => (errorField === field ? { 'aria-invalid': true, 'aria-describedby': `${ids}-${field}-error` } : {});
  const fieldError = (field: Field) => {
    if (errorField !== field || !error) return null;
    return (
      <div id={`${ids}-${field}-error`} className="field-error">
        <SyncError error={error} />
      </div>
    );
  };

  const browse = async () => {
    // Desktop asks the OS; a browser cannot hand over a path, so the engine lists folders instead.
    if (!nativeDialogs) return setPicking(true);
    const res = await run('app:pickFiles', { folders: true });
    if (res.ok && res.value[0]) setFolder(res.value[0]);
  };

  const add = async () => {
    if (!settings?.lastProfileId) return setError(null);
    if (adding.current) return;
    adding.current = true;
    setBusy(true);
    const res = await run('sync:add', {
      folder: folder.trim(),
      target: { profileId: settings.lastProfileId, bucket: bucket.trim(), prefix: prefix.trim() },
      mode,
      // Nothing is sent before the person has seen what the first pass will do; "Start sync" resumes it.
      startPaused: true,
      ...(mode === 'mirror' ? { brakeShare: brakePercent / 100, brakeCount, trashDays } : {}),
      ...layoutForAdd(layout),
    }).finally(() => {
      adding.current = false;
      setBusy(false);
    });
    if (!res.ok) return;
    added.current = res.value.config.id;
    reveal();
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
          <div className="field">
            <label htmlFor={`${ids}-folder`}>{t('sync.folder')}</label>
            <span className="field-row">
              <input id={`${ids}-folder`} value={folder} onChange={(e) => setFolder(e.target.value)} placeholder={t('sync.folderPlaceholder')} required {...describedBy('folder')} />
              <button type="button" onClick={() => void browse()}>
                {t('sync.browse')}
              </button>
            </span>
            {fieldError('folder')}
          </div>
          <div className="field">
            <label htmlFor={`${ids}-bucket`}>{t('sync.bucket')}</label>
            <input id={`${ids}-bucket`} value={bucket} onChange={(e) => setBucket(e.target.value)} required {...describedBy('bucket')} />
            {fieldError('bucket')}
          </div>
          <div className="field">
            <label htmlFor={`${ids}-prefix`}>
              <span>
                {t('sync.prefix')} <span className="hint">{t('common.optional')}</span>
              </span>
            </label>
            <input id={`${ids}-prefix`} value={prefix} onChange={(e) => setPrefix(e.target.value)} {...describedBy('prefix')} />
            {fieldError('prefix')}
          </div>
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
          {error && !errorField && <SyncError error={error} />}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || layout.templateError !== undefined}>
              {t('sync.create')}
            </button>
          </div>
        </form>
      </section>
      {picking && (
        <FolderPicker
          start={folder}
          onClose={() => setPicking(false)}
          onPick={(path) => {
            setFolder(path);
            setPicking(false);
          }}
        />
      )}
    </main>
  );
}
