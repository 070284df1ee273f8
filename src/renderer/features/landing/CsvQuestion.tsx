/**
 * The CSV question before a drop is queued: the drop's first data file is checked (landing:checkCsv), and when the
 * check finds a problem (not UTF-8, ragged rows, a first line over 64 KiB, no rows) the person chooses "Convert and upload", "Upload as is" or Cancel.
 * Nothing is queued while the question is open.
 */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CsvReport } from '../../../shared/contract';
import { Modal } from '../../components/Modal';
import { useStoreApi } from '../../state/store';
import { askedCsvWarnings, type DataFile } from './landing-options';

/** What the person chose: convert the data files to UTF-8, send them as they are, or send nothing. */
export type CsvAnswer = 'convert' | 'as-is' | 'cancel';

interface Pending {
  file: DataFile;
  report: CsvReport;
  resolve: (answer: CsvAnswer) => void;
}

/** `ask(file)` checks the file and resolves at once when all is well, or when the person answers; `element` is the dialog. */
export function useCsvQuestion(): { ask: (file: DataFile, converting: boolean) => Promise<CsvAnswer>; element: ReactNode } {
  const store = useStoreApi();
  const [pending, setPending] = useState<Pending | null>(null);
  const current = useRef<Pending | null>(null);

  const ask = useCallback(
    async (file: DataFile, converting: boolean): Promise<CsvAnswer> => {
      const res = await store.api.invoke('landing:checkCsv', { path: file.path });
      // A file the check cannot read as a table goes as it is: the card shows why, and the upload itself is not at risk.
      if (!res.ok) return 'as-is';
      const problems = askedCsvWarnings(res.value, converting);
      if (problems.length === 0) return 'as-is';
      return new Promise<CsvAnswer>((resolve) => {
        const p: Pending = { file, report: res.value, resolve };
        current.current = p;
        setPending(p);
      });
    },
    [store],
  );

  const answer = (a: CsvAnswer) => {
    current.current?.resolve(a);
    current.current = null;
    setPending(null);
  };

  return { ask, element: pending ? <Question pending={pending} onAnswer={answer} /> : null };
}

function Question({ pending, onAnswer }: { pending: Pending; onAnswer: (a: CsvAnswer) => void }) {
  const { t } = useTranslation();
  const { report, file } = pending;
  const notUtf8 = report.warnings.some((w) => w.code === 'not-utf8');
  return (
    <Modal title={t('csvQuestion.title', { name: file.name })} onClose={() => onAnswer('cancel')}>
      <div className="existing-question" data-testid="csv-question">
        <ul>
          {askedCsvWarnings(report, false).map((w) => (
            <li key={w.code}>{t(`landing.warnings.${w.code}`, { count: report.raggedRows, names: w.detail ?? '' })}</li>
          ))}
        </ul>
        <p className="hint">{t('csvQuestion.nothingSent')}</p>
        <div className="actions">
          {notUtf8 && (
            <button type="button" className="primary" onClick={() => onAnswer('convert')}>
              {t('csvQuestion.convert')}
            </button>
          )}
          <button type="button" className={notUtf8 ? undefined : 'primary'} onClick={() => onAnswer('as-is')}>
            {t('csvQuestion.asIs')}
          </button>
          <button type="button" onClick={() => onAnswer('cancel')}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
