/**
 * The name pattern field with its live preview of one example key, shared by the landing section (uploads) and
 * sync pairs. The engine renders the preview (the one place templates are rendered), so it always matches.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../shared/errors';
import { compressedKeySuffix } from '../../../shared/landing-key';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStoreApi } from '../../state/store';
import { localiseTemplateError } from './landing-options';

/** Props: the pattern as typed, where its problem goes, and what the example key is made of. */
export interface TemplateFieldProps {
  template: string;
  onTemplate(template: string): void;
  /** Told each time the engine refuses the typed pattern (with why) or accepts it (undefined). */
  onError(error: AppErrorData | undefined): void;
  error?: AppErrorData;
  /** The relative path the example key is made for. */
  sample: string;
  /** The bucket folder shown before the example key. */
  prefix?: string;
  /** Adds ".gz" to the example, as the engine does when compressing. */
  gzip: boolean;
  /** The name {table} stands for; blank means the file's own name. */
  table?: string;
  /** What is held back while the pattern has a problem. */
  blocked: string;
  /** More to say under the list of parts. */
  note?: ReactNode;
}

/** The field. */
export function TemplateField({ template: typed, onTemplate, onError, error, sample, prefix = '', gzip, table, blocked, note }: TemplateFieldProps) {
  const { t } = useTranslation();
  const store = useStoreApi();
  const ids = useId();
  const template = typed.trim();
  const tableName = table?.trim() || undefined;
  const [preview, setPreview] = useState<{ template: string; sample: string; table?: string; key: string } | null>(null);
  // Kept in a ref so a parent passing a new function each render does not ask the engine again each render.
  const report = useRef(onError);
  useEffect(() => {
    report.current = onError;
  });

  // Live preview: every change asks the engine, and a late answer for an older pattern is dropped, so the
  // preview always matches what is in the field.
  useEffect(() => {
    if (template === '') {
      report.current(undefined);
      return;
    }
    let current = true;
    void store.api.invoke('landing:previewKey', { template, relativePath: sample, ...(tableName ? { table: tableName } : {}) }).then((res) => {
      if (!current) return;
      if (res.ok) {
        setPreview({ template, sample, table: tableName, key: res.value });
        report.current(undefined);
      } else {
        setPreview(null);
        report.current(res.error);
      }
    });
    return () => {
      current = false;
    };
  }, [store, template, sample, tableName]);

  // The final key as the engine builds it: the folder shown in the breadcrumb, the pattern, and ".gz" when compressing.
  const shown = preview && preview.template === template && preview.sample === sample && preview.table === tableName ? prefix + preview.key + compressedKeySuffix(gzip) : null;

  return (
    <div className="landing-field">
      <label htmlFor={`${ids}-template`}>{t('landing.pattern')}</label>
      <input
        id={`${ids}-template`}
        type="text"
        spellCheck={false}
        placeholder={t('landing.patternPlaceholder')}
        aria-describedby={`${ids}-tokens ${ids}-preview`}
        aria-invalid={error ? true : undefined}
        value={typed}
        onChange={(e) => onTemplate(e.target.value)}
      />
      <p className="hint" id={`${ids}-tokens`}>
        {t('landing.tokens')}
      </p>
      {note}
      <p id={`${ids}-preview`} aria-live="polite" data-testid="landing-preview">
        {template === '' ? t('landing.noPattern') : shown !== null ? t('landing.previewKey', { key: shown, sample }) : null}
      </p>
      {error && (
        <>
          <ErrorMessage error={localiseTemplateError(error, (key, values) => t(key, values))} />
          <p className="hint">{blocked}</p>
        </>
      )}
    </div>
  );
}
