/** A list of history entries: when, what, how it ended, the size, and a way to the object (its folder, a link). */
import { FolderOpen, Link as LinkIcon } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryEntry } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatDate } from '../../format';
import { useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { useCopyLink } from '../../state/use-copy-link';
import './history.css';

/** The folder part of a key ('' at the top of the bucket). */
function folderOf(key: string): string {
  const cut = key.lastIndexOf('/', key.endsWith('/') ? key.length - 2 : undefined);
  return cut < 0 ? '' : key.slice(0, cut + 1);
}

/** The last part of a key. */
function nameOf(key: string): string {
  return key.slice(folderOf(key).length) || key;
}

/** Entries whose object should still be where the entry says (a deleted one has no link to give). */
function objectStays(e: HistoryEntry): boolean {
  return e.outcome !== 'failed' && e.outcome !== 'cancelled' && e.kind !== 'delete' && e.kind !== 'trash';
}

function Row({ entry }: { entry: HistoryEntry }) {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  const { settle } = useCommand({ toast: true });
  const copyLink = useCopyLink();
  const [link, setLink] = useState<string | null>(null);
  const name = nameOf(entry.key);
  const folder = folderOf(entry.key);
  const openFolder = async () => {
    const res = await settle(store.saveSettings({ lastProfileId: entry.profileId, lastBucket: entry.bucket, lastPrefix: folder }));
    if (res.ok) store.update({ screen: 'main' });
  };
  return (
    <li className={`history-row outcome-${entry.outcome}`} data-testid="history-row" data-kind={entry.kind} data-outcome={entry.outcome} data-key={entry.key}>
      <span className="history-when">{formatDate(entry.at, i18n.language)}</span>
      <span className="history-name">
        <span className="history-file" title={entry.key}>
          {name}
        </span>
        <span className="hint history-where" title={`${entry.bucket}/${folder}`}>
          {entry.bucket}/{folder}
        </span>
        {entry.from && (
          <span className="hint history-where" title={entry.from} data-testid="history-from">
            {t('history.movedFrom', { from: entry.from })}
          </span>
        )}
      </span>
      <span className="history-what">{t(`history.kind.${entry.kind}`)}</span>
      <span className={`history-outcome badge outcome-${entry.outcome}`}>{t(`history.outcome.${entry.outcome}`)}</span>
      <span className="history-size">{entry.size > 0 ? formatBytes(entry.size, i18n.language) : ''}</span>
      <span className="history-actions">
        <button type="button" className="icon-button" onClick={() => void openFolder()} aria-label={t('history.openFolderOf', { name })} title={t('history.openFolder')}>
          <FolderOpen aria-hidden="true" size={16} />
        </button>
        {objectStays(entry) && (
          <button
            type="button"
            className="icon-button"
            onClick={() => void copyLink({ profileId: entry.profileId, bucket: entry.bucket, key: entry.key }).then(setLink)}
            aria-label={t('history.copyLinkOf', { name })}
            title={t('history.copyLink')}
          >
            <LinkIcon aria-hidden="true" size={16} />
          </button>
        )}
      </span>
      {entry.error && (
        <div className="history-error">
          <ErrorMessage error={entry.error} announce={false} />
        </div>
      )}
      {link && (
        <label className="history-link">
          <span className="hint">{t('transfers.linkReady', { expiry: t('transfers.expiry.day') })}</span>
          <input className="link-output" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
    </li>
  );
}

/** The entries as a list, newest first; `label` names it for screen readers. */
export function HistoryTable({ entries, label, busy = false }: { entries: readonly HistoryEntry[]; label: string; busy?: boolean }) {
  return (
    <ul className="history-list" aria-label={label} aria-busy={busy}>
      {entries.map((e) => (
        <Row key={e.id} entry={e} />
      ))}
    </ul>
  );
}
