/** "Recently deleted": the current folder's objects hidden by a delete marker on a versioned bucket, to restore. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeletedObject, KeyFailure } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatDate } from '../../format';
import { useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { KeyFailures } from './ListingDialogs';

/** Props: the folder whose deleted objects show. */
export interface RecentlyDeletedProps {
  profileId: string;
  bucket: string;
  prefix: string;
  onRestored: () => void;
}

/** The list, with a Restore button each. */
export function RecentlyDeleted({ profileId, bucket, prefix, onRestored }: RecentlyDeletedProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const store = useStoreApi();
  const { run, error } = useCommand({ keepError: true });
  const [items, setItems] = useState<DeletedObject[] | null>(null);
  const [failed, setFailed] = useState<KeyFailure[]>([]);

  const load = useCallback(async () => {
    const res = await run('objects:recentlyDeleted', { profileId, bucket, prefix });
    setItems(res.ok ? res.value : []);
  }, [run, profileId, bucket, prefix]);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the list arrives asynchronously.
    void load();
  }, [load]);

  const restore = async (list: DeletedObject[]) => {
    const res = await run('objects:restore', { profileId, bucket, markers: list.map(({ key, versionId }) => ({ key, versionId })) });
    if (!res.ok) return;
    setFailed(res.value.failed);
    if (res.value.restored > 0) store.toast({ level: 'success', key: 'listing.undone', params: { count: res.value.restored } });
    onRestored();
    void load();
  };

  return (
    <section className="listing-deleted" aria-labelledby="deleted-title" data-testid="recently-deleted">
      <h3 id="deleted-title">{t('listing.deleted.title', { where: `${bucket}/${prefix}` })}</h3>
      {error && <ErrorMessage error={error} />}
      {items === null && <p className="hint">{t('common.loading')}</p>}
      {items !== null && items.length === 0 && !error && <p className="hint">{t('listing.deleted.empty')}</p>}
      <KeyFailures failed={failed} />
      {items !== null && items.length > 0 && (
        <>
          <ul>
            {items.map((d) => (
              <li key={`${d.key}\n${d.versionId}`}>
                <span className="listing-deleted-name">{d.key.slice(prefix.length)}</span>
                <span className="hint">
                  {d.size !== undefined ? formatBytes(d.size, locale) : ''} {d.deletedAt ? t('listing.deleted.at', { when: formatDate(d.deletedAt, locale) }) : ''}
                </span>
                <button type="button" onClick={() => void restore([d])} aria-label={t('listing.deleted.restoreOne', { name: d.key.slice(prefix.length) })}>
                  {t('listing.deleted.restore')}
                </button>
              </li>
            ))}
          </ul>
          {items.length > 1 && (
            <button type="button" onClick={() => void restore(items)}>
              {t('listing.deleted.restoreAll', { count: items.length })}
            </button>
          )}
        </>
      )}
    </section>
  );
}
