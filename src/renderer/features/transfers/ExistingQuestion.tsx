/**
 * The same-name question: while a transfer waits in 'waiting-answer' (the 'ask' choice found its name taken), ask
 * Replace / Skip if identical / Keep both, with "Do the same for the rest of this drop". Nothing is sent meanwhile.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExistingChoice, TransferSnapshot } from '../../../shared/contract';
import { Modal } from '../../components/Modal';
import { useAppState } from '../../state/store';
import { useCommand } from '../../state/use-command';
import './existing-question.css';

const FINISHED: ReadonlySet<TransferSnapshot['state']> = new Set(['done', 'skipped', 'failed', 'cancelled']);

/** Shows the question for the oldest transfer that waits for one; renders nothing otherwise. */
export function ExistingQuestion() {
  const rows = useAppState((s) => s.transfers.rows);
  const first = rows.find((r) => r.state === 'waiting-answer');
  if (!first) return null;
  // The rest of its drop that an "Apply to all" would reach: everything of the batch that is not finished.
  const others = first.batch ? rows.filter((r) => r.id !== first.id && r.batch === first.batch && !FINISHED.has(r.state)).length : 0;
  // Keyed by the drop, so "Apply to all" starts unticked for the next drop's question.
  return <Question key={first.batch ?? first.id} row={first} others={others} />;
}

function Question({ row, others }: { row: TransferSnapshot; others: number }) {
  const { t } = useTranslation();
  const { run } = useCommand({ toast: true });
  const [applyToAll, setApplyToAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const download = row.direction === 'download';
  // The engine names the place: the bucket and folder of an upload, the local folder of a download.
  const where = String(row.error?.params?.where ?? (download ? '' : row.bucket));

  const answer = async (choice: ExistingChoice) => {
    setBusy(true);
    await run('transfers:answer', { ids: [row.id], choice, applyToAll: applyToAll && others > 0 });
    setBusy(false);
  };
  // Escape, like "Don't send this one", cancels only this transfer: the object (or local file) stays as it was.
  const cancel = () => void run('transfers:cancel', { id: row.id });

  const choices: [ExistingChoice, string, string][] = [
    ['overwrite', t('existing.replace'), t('existing.replaceHint')],
    ['skip-identical', t('existing.skip'), t('existing.skipHint')],
    ['keep-both', t('existing.keepBoth'), t('existing.keepBothHint')],
  ];
  return (
    <Modal title={t('existing.title')} onClose={cancel}>
      <p className="existing-name" data-testid="existing-question" data-id={row.id}>
        {t(download ? 'existing.download' : 'existing.upload', { name: row.name, where })}
      </p>
      <div className="existing-choices">
        {choices.map(([choice, label, hint]) => (
          <button key={choice} type="button" disabled={busy} onClick={() => void answer(choice)} className={choice === 'keep-both' ? 'primary' : undefined}>
            <span>{label}</span>
            <span className="hint">{hint}</span>
          </button>
        ))}
      </div>
      {others > 0 && (
        <label className="inline">
          <input type="checkbox" checked={applyToAll} onChange={(e) => setApplyToAll(e.target.checked)} />
          {t('existing.applyToAll', { count: others })}
        </label>
      )}
      <div className="actions">
        <button type="button" disabled={busy} onClick={cancel}>
          {t(download ? 'existing.cancelDownload' : 'existing.cancel')}
        </button>
      </div>
    </Modal>
  );
}
