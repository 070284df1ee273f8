/** What mirror's safety settings mean, in one line (and that upload-only never deletes). */
import { useTranslation } from 'react-i18next';
import type { SyncPairConfig } from '../../../shared/contract';

/** Props: a pair's mode and mirror's brake and trash settings (a saved pair's, or the add form's). */
export type SafetyProps = Pick<SyncPairConfig, 'mode' | 'brakeShare' | 'brakeCount' | 'trashDays'>;

/** The safety line of a pair or of the add form. */
export function Safety({ mode, brakeShare, brakeCount, trashDays }: SafetyProps) {
  const { t } = useTranslation();
  if (mode !== 'mirror') return <p className="hint">{t('sync.uploadOnlySafe')}</p>;
  return (
    <p className="hint">
      {t('sync.brake', { share: Math.round(brakeShare * 100), count: brakeCount })} {t('sync.trash', { days: trashDays })}
    </p>
  );
}
