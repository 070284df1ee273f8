/** A synced folder's activity: its last 100 history entries (uploaded, already there, moved to the trash, conflicts). */
import { useTranslation } from 'react-i18next';
import { HistoryTable } from '../history/HistoryTable';
import { useHistory } from '../history/use-history';

/** How many entries a pair's activity shows. */
const ACTIVITY_SIZE = 100;

/** The activity list of pair `pairId`, folded away until opened. */
export function PairActivity({ pairId, folder }: { pairId: string; folder: string }) {
  const { t } = useTranslation();
  const view = useHistory({ pairId }, ACTIVITY_SIZE);
  return (
    <details className="sync-activity" data-testid="sync-activity">
      <summary>
        {t('sync.activity')} <span className="hint">({t('sync.activityHint')})</span>
      </summary>
      {view.loaded && view.entries.length === 0 ? (
        <p className="hint">{t('sync.activityEmpty')}</p>
      ) : (
        <HistoryTable entries={view.entries} label={t('sync.activityOf', { folder })} />
      )}
    </details>
  );
}
