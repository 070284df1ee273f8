/** A synced folder's activity: its last 100 history entries (uploaded, already there, moved to the trash, conflicts). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HistoryTable } from '../history/HistoryTable';
import { useHistory } from '../history/use-history';

/** How many entries a pair's activity shows. */
const ACTIVITY_SIZE = 100;

/** The list itself; mounted only while open, so a closed card asks the engine nothing when history grows. */
function ActivityList({ pairId, folder }: { pairId: string; folder: string }) {
  const { t } = useTranslation();
  const view = useHistory({ pairId }, ACTIVITY_SIZE);
  if (view.loaded && view.entries.length === 0) return <p className="hint">{t('sync.activityEmpty')}</p>;
  return <HistoryTable entries={view.entries} label={t('sync.activityOf', { folder })} />;
}

/** The activity list of pair `pairId`, folded away until opened. */
export function PairActivity({ pairId, folder }: { pairId: string; folder: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <details className="sync-activity" data-testid="sync-activity" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        {t('sync.activity')} <span className="hint">({t('sync.activityHint')})</span>
      </summary>
      {open && <ActivityList pairId={pairId} folder={folder} />}
    </details>
  );
}
