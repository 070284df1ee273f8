/** The gzip and UTF-8 choices for data files, shared by the landing section (uploads) and sync pairs. */
import { useTranslation } from 'react-i18next';
import type { LandingChoices } from './landing-options';

/** Props: the two choices and where a change goes. */
export interface DataFileChecksProps {
  gzip: boolean;
  convertToUtf8: boolean;
  onChange(patch: Partial<Pick<LandingChoices, 'gzip' | 'convertToUtf8'>>): void;
}

/** The two checkboxes. */
export function DataFileChecks({ gzip, convertToUtf8, onChange }: DataFileChecksProps) {
  const { t } = useTranslation();
  return (
    <div className="landing-checks">
      <label className="inline">
        <input type="checkbox" checked={gzip} onChange={(e) => onChange({ gzip: e.target.checked })} />
        {t('landing.gzip')}
      </label>
      <label className="inline">
        <input type="checkbox" checked={convertToUtf8} onChange={(e) => onChange({ convertToUtf8: e.target.checked })} />
        {t('landing.utf8')}
      </label>
    </div>
  );
}
