/** One synced folder: its state, counts, last sync, errors, controls, name pattern and a dry-run preview. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncPairStatus, SyncPreview } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate } from '../../format';
import { useCommand } from '../../state/use-command';
import { PairActivity } from './PairActivity';
import { LayoutEditor, LayoutSummary } from './PairLayout';
import { PreviewText, Skipped } from './PairPreview';
import { Safety } from './Safety';

/** A pair's card in the list. */
export function PairCard({ pair }: { pair: SyncPairStatus }) {
  const { t, i18n } = useTranslation();
  const { run, error } = useCommand();
  // A preview the person asked for, and the pass it follows: it stands until the next pass replaces it.
  const [asked, setAsked] = useState<{ preview: SyncPreview; after?: number }>();
  const [editing, setEditing] = useState(false);
  const id = pair.config.id;
  const act = (name: 'sync:now' | 'sync:pause' | 'sync:resume' | 'sync:remove' | 'sync:confirmDeletes') => run(name, { id });
  const doPreview = async () => {
    const res = await run('sync:preview', { id });
    if (res.ok) setAsked({ preview: res.value, ...(pair.lastSyncAt !== undefined ? { after: pair.lastSyncAt } : {}) });
  };
  const c = pair.config;
  const askedNow = asked && asked.after === pair.lastSyncAt ? asked.preview : undefined;
  // The pair's own preview is the plan of its last pass, made before that pass ran: it is news only while the pair
  // waits on the person (a new pair before "Start sync", or the brake's question). Shown otherwise, "Files to
  // upload: 2" would sit beside "Up to date" after those files were uploaded.
  const isNew = pair.state === 'paused' && !pair.lastSyncAt;
  const waiting = isNew || pair.state === 'needs-confirmation';
  const plan = askedNow ?? (waiting ? pair.preview : undefined);
  const leftOut = askedNow ?? pair.preview;
  return (
    // Focusable by the screen only (tabIndex -1): a pair just added is brought into view and focused (SyncScreen).
    <li className="card sync-card" data-pair-id={c.id} tabIndex={-1}>
      <div>
        <strong>{c.folder}</strong>
        <div className="hint">
          → {c.target.bucket}/{c.target.prefix}
        </div>
        <div>
          <span className={`badge state-${pair.state}`}>{t(`sync.state.${pair.state}`)}</span>{' '}
          <span className="hint">{pair.lastSyncAt ? t('sync.lastSync', { when: formatDate(pair.lastSyncAt, i18n.language) }) : t('sync.never')}</span>
        </div>
        {/* Live: the count of files still to upload falls as each upload of a pass ends (sync:status). */}
        <div className="hint" data-testid="sync-counts">
          {t('sync.files', { count: pair.files })}
          {pair.pending > 0 && ` · ${t('sync.toUpload', { count: pair.pending })}`}
        </div>
        <p className="hint">{t(`sync.modes.${c.mode}`)}</p>
        <Safety mode={c.mode} brakeShare={c.brakeShare} brakeCount={c.brakeCount} trashDays={c.trashDays} />
        <LayoutSummary config={c} />
        {plan && <PreviewText preview={plan} />}
        {leftOut && <Skipped preview={leftOut} />}
        {pair.error && <ErrorMessage error={pair.error} announce={false} />}
        {error && <ErrorMessage error={error} />}
        {editing && <LayoutEditor pair={pair} onDone={() => setEditing(false)} />}
        <PairActivity pairId={id} folder={c.folder} />
      </div>
      <div className="actions">
        {/* A new pair waits on its preview with one clear action, "Start sync"; "Sync now" comes once it runs. */}
        {!isNew && (
          <button type="button" className="primary" onClick={() => void act('sync:now')}>
            {t('sync.syncNow')}
          </button>
        )}
        {pair.state === 'paused' ? (
          <button type="button" className={isNew ? 'primary' : undefined} onClick={() => void act('sync:resume')}>
            {pair.lastSyncAt ? t('sync.resume') : t('sync.start')}
          </button>
        ) : (
          <button type="button" onClick={() => void act('sync:pause')}>
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
          <button type="button" className="danger" onClick={() => void act('sync:confirmDeletes')}>
            {t('sync.confirmDeletes')}
          </button>
        )}
        <button type="button" onClick={() => void act('sync:remove')}>
          {t('sync.remove')}
        </button>
      </div>
    </li>
  );
}
