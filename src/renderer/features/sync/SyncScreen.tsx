/** Synced folders: each pair with its state, counts, last sync, errors, controls, name pattern and a dry-run preview. */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncPairConfig, SyncPairStatus, SyncPreview } from '../../../shared/contract';
import type { AppErrorData } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatDate } from '../../format';
import { useAppState, useStoreApi } from '../../state/store';
import { localiseTemplateError, sampleName } from '../landing/landing-options';
import { DataFileChecks } from '../landing/DataFileChecks';
import { TemplateField } from '../landing/TemplateField';
import { layoutChoicesOf, layoutForAdd, layoutPatchOf, noSyncLayout, usesTable, type SyncLayoutChoices } from './sync-layout';

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

/** A name-pattern or other refusal, with the pattern's reason in the UI language. */
function SyncError({ error }: { error: AppErrorData }) {
  const { t } = useTranslation();
  return <ErrorMessage error={localiseTemplateError(error, (key, values) => t(key, values))} />;
}

/**
 * The name pattern (with its live example), the {table} name and the gzip/UTF-8 choices of a pair, for the add
 * form and for editing a pair. The pattern field and its preview are the landing section's own.
 */
function LayoutFields({ choices, onChange, mode, prefix }: { choices: SyncLayoutChoices; onChange(patch: Partial<SyncLayoutChoices>): void; mode: SyncPairConfig['mode']; prefix: string }) {
  const { t } = useTranslation();
  const ids = useId();
  const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return (
    <div className="sync-layout">
      <TemplateField
        template={choices.template}
        onTemplate={(template) => onChange({ template })}
        onError={(templateError) => onChange({ templateError })}
        error={choices.templateError}
        sample={sampleName}
        prefix={folder}
        gzip={choices.gzip}
        table={choices.table}
        blocked={t('sync.layout.blocked')}
        note={
          <p className="hint">
            {t('sync.layout.mtime')} {t(mode === 'mirror' ? 'sync.layout.mirrorMoves' : 'sync.layout.uploadOnlyKeeps')}
          </p>
        }
      />
      {usesTable(choices.template) && (
        <div className="landing-field">
          <label htmlFor={`${ids}-table`}>{t('sync.layout.table')}</label>
          <input id={`${ids}-table`} type="text" spellCheck={false} value={choices.table} placeholder={t('sync.layout.tablePlaceholder')} onChange={(e) => onChange({ table: e.target.value })} />
        </div>
      )}
      <DataFileChecks gzip={choices.gzip} convertToUtf8={choices.convertToUtf8} onChange={onChange} />
    </div>
  );
}

/** What a pair does to names and bytes, in one line. */
function LayoutSummary({ config }: { config: SyncPairConfig }) {
  const { t } = useTranslation();
  const parts = [config.template ? t('sync.layout.current', { template: config.template }) : t('sync.layout.none')];
  if (config.gzip) parts.push(t('sync.layout.gzipOn'));
  if (config.convertToUtf8) parts.push(t('sync.layout.utf8On'));
  return <p className="hint">{parts.join(' ')}</p>;
}

/** Changing a pair's name pattern and data-file choices; the engine refuses a pattern that cannot work. */
function LayoutEditor({ pair, onDone }: { pair: SyncPairStatus; onDone(): void }) {
  const { t } = useTranslation();
  const store = useStoreApi();
  const [choices, setChoices] = useState<SyncLayoutChoices>(() => layoutChoicesOf(pair.config));
  const [error, setError] = useState<AppErrorData | null>(null);
  const save = async () => {
    setError(null);
    const res = await store.api.invoke('sync:update', { id: pair.config.id, patch: layoutPatchOf(choices) });
    if (!res.ok) return setError(res.error);
    store.toast({ level: 'success', key: 'sync.layout.saved' });
    onDone();
  };
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <LayoutFields choices={choices} onChange={(patch) => setChoices((c) => ({ ...c, ...patch }))} mode={pair.config.mode} prefix={pair.config.target.prefix} />
      {error && <SyncError error={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={choices.templateError !== undefined}>
          {t('common.save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Files a pass left out (names that collide, links outside the folder, a pattern that cannot name them). */
function Skipped({ preview }: { preview: SyncPreview }) {
  const { t } = useTranslation();
  if (preview.problems.length === 0) return null;
  return (
    <details className="sync-skipped">
      <summary>{t('sync.skipped', { count: preview.problems.length })}</summary>
      <ul>
        {preview.problems.map((p) => (
          <li key={`${p.path}\n${p.reason}`}>
            {/* The engine's sentence is English; the kind has one in each language (an unknown kind shows the sentence). */}
            <code>{p.path}</code>: {p.kind ? t(`sync.problem.${p.kind}`, { other: p.other ?? '' }) : p.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}

function PairCard({ pair }: { pair: SyncPairStatus }) {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  // A preview the person asked for, and the pass it follows: it stands until the next pass replaces it.
  const [asked, setAsked] = useState<{ preview: SyncPreview; after?: number }>();
  const [error, setError] = useState<AppErrorData | null>(null);
  const [editing, setEditing] = useState(false);
  const id = pair.config.id;
  const run = async (name: 'sync:now' | 'sync:pause' | 'sync:resume' | 'sync:remove' | 'sync:confirmDeletes') => {
    setError(null);
    const res = await store.api.invoke(name, { id });
    if (!res.ok) setError(res.error);
  };
  const doPreview = async () => {
    setError(null);
    const res = await store.api.invoke('sync:preview', { id });
    if (res.ok) setAsked({ preview: res.value, ...(pair.lastSyncAt !== undefined ? { after: pair.lastSyncAt } : {}) });
    else setError(res.error);
  };
  const c = pair.config;
  const askedNow = asked && asked.after === pair.lastSyncAt ? asked.preview : undefined;
  // The pair's own preview is the plan of its last pass, made before that pass ran: it is news only while the pair
  // waits on the person (a new pair before "Start sync", or the brake's question). Shown otherwise, "Files to
  // upload: 2" would sit beside "Up to date" after those files were uploaded.
  const waiting = (pair.state === 'paused' && !pair.lastSyncAt) || pair.state === 'needs-confirmation';
  const plan = askedNow ?? (waiting ? pair.preview : undefined);
  const leftOut = askedNow ?? pair.preview;
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
        <LayoutSummary config={c} />
        {plan && <PreviewText preview={plan} />}
        {leftOut && <Skipped preview={leftOut} />}
        {pair.error && <ErrorMessage error={pair.error} announce={false} />}
        {error && <ErrorMessage error={error} />}
        {editing && <LayoutEditor pair={pair} onDone={() => setEditing(false)} />}
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
        {!editing && (
          <button type="button" onClick={() => setEditing(true)}>
            {t('sync.layout.edit')}
          </button>
        )}
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
  const [layout, setLayout] = useState<SyncLayoutChoices>(noSyncLayout);
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
      ...layoutForAdd(layout),
    });
    if (!res.ok) return setError(res.error);
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
                <input type="number" min={0} value={brakeCount} onChange={(e) => setBrakeCount(clamp(e.target.valueAsNumber, 0, 1_000_000))} />
              </label>
              <label>
                {t('sync.trashDaysLabel')}
                <input type="number" min={0} max={3650} value={trashDays} onChange={(e) => setTrashDays(clamp(e.target.valueAsNumber, 0, 3650))} />
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
