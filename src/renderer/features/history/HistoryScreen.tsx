/** History: what was uploaded, downloaded, deleted and synced, searchable by name and filtered by kind and outcome. */
import { History, Search } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { historyKinds, historyOutcomes, type HistoryKind, type HistoryOutcome } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HistoryTable } from './HistoryTable';
import { useHistory } from './use-history';

/** The history screen. */
export function HistoryScreen() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<HistoryKind | ''>('');
  const [outcome, setOutcome] = useState<HistoryOutcome | ''>('');
  const filtered = query.trim() !== '' || kind !== '' || outcome !== '';
  const view = useHistory({ query, ...(kind ? { kinds: [kind] } : {}), ...(outcome ? { outcomes: [outcome] } : {}) });
  return (
    <main className="page history-page" id="main">
      <h1>{t('history.title')}</h1>
      <p className="hint">{t('history.intro')}</p>
      <div className="history-filters card" role="search" aria-label={t('history.filters')}>
        <label className="history-search">
          <span className="label-text">{t('history.search')}</span>
          <span className="history-search-box">
            <Search aria-hidden="true" size={16} />
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="history-search" />
          </span>
        </label>
        <label>
          <span className="label-text">{t('history.kindFilter')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as HistoryKind | '')} data-testid="history-kind">
            <option value="">{t('history.all')}</option>
            {historyKinds.map((k) => (
              <option key={k} value={k}>
                {t(`history.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="label-text">{t('history.outcomeFilter')}</span>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as HistoryOutcome | '')} data-testid="history-outcome">
            <option value="">{t('history.all')}</option>
            {historyOutcomes.map((o) => (
              <option key={o} value={o}>
                {t(`history.outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {view.error && <ErrorMessage error={view.error} />}
      {view.loaded && view.entries.length === 0 ? (
        <div className="history-empty">
          <History aria-hidden="true" size={32} />
          <p>{filtered ? t('history.noMatch') : t('history.empty')}</p>
        </div>
      ) : (
        <HistoryTable entries={view.entries} label={t('history.title')} busy={view.busy} />
      )}
      {view.more && (
        <div className="actions">
          <button type="button" onClick={view.showOlder}>
            {t('history.showOlder')}
          </button>
        </div>
      )}
    </main>
  );
}
