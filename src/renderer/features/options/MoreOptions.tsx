/**
 * "More options": storage class, encryption, metadata, tags and (for drops) files to leave out. Collapsed, it says
 * in words what every object will get, so the defaults are never a mystery and never a surprise.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Plus, Trash2 } from 'lucide-react';
import { errorText } from '../../../shared/errors';
import { resolveLanguage } from '../../i18n';
import { excludeOf, problemsOf, storageClassChoices, type NameValue, type ObjectChoices } from './object-options';
import './more-options.css';

/** Props: the choices (owned by the screen that sends them), and whether exclude patterns apply here. */
export interface MoreOptionsProps {
  choices: ObjectChoices;
  onChange(next: ObjectChoices): void;
  /** Drops offer "Leave out"; a sync pair has its own ignore list. */
  withExclude?: boolean;
  /** Open at first (a pair's settings, where the person came to change them). */
  defaultOpen?: boolean;
}

/** The section. */
export function MoreOptions({ choices, onChange, withExclude = false, defaultOpen = false }: MoreOptionsProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const problems = problemsOf(choices);
  const set = (patch: Partial<ObjectChoices>) => onChange({ ...choices, ...patch });
  const storage = choices.storageClass ? t(`moreOptions.class.${choices.storageClass}`) : t('moreOptions.classDefault');
  const encryption = t(`moreOptions.encryption.${choices.encryption}`);
  const tagCount = choices.tags.filter((r) => r.name.trim() !== '').length;
  const metaCount = choices.metadata.filter((r) => r.name.trim() !== '').length;
  const excluded = excludeOf(choices).length;
  const summary = [
    t('moreOptions.summaryStorage', { storage }),
    t('moreOptions.summaryEncryption', { encryption }),
    tagCount > 0 ? t('moreOptions.summaryTags', { count: tagCount }) : t('moreOptions.summaryNoTags'),
    ...(metaCount > 0 ? [t('moreOptions.summaryMetadata', { count: metaCount })] : []),
    ...(withExclude ? [excluded > 0 ? t('moreOptions.summaryExcluded', { count: excluded }) : t('moreOptions.summaryNothingExcluded')] : []),
  ].join(' · ');

  const rows = (list: 'metadata' | 'tags') => {
    const items: NameValue[] = choices[list];
    const change = (index: number, patch: Partial<NameValue>) => set({ [list]: items.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
    return (
      <fieldset className="name-values">
        <legend>{t(`moreOptions.${list}`)}</legend>
        <p className="hint" id={`${id}-${list}-hint`}>
          {t(`moreOptions.${list}Hint`)}
        </p>
        {items.map((row, index) => {
          const problem = problems.find((p) => p.list === list && p.index === index);
          const errId = `${id}-${list}-${index}-err`;
          return (
            <div className="name-value-row" key={index} data-testid={`${list}-row`}>
              <input
                aria-label={t('moreOptions.rowName', { n: index + 1 })}
                value={row.name}
                onChange={(e) => change(index, { name: e.target.value })}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? errId : `${id}-${list}-hint`}
              />
              <input aria-label={t('moreOptions.rowValue', { n: index + 1 })} value={row.value} onChange={(e) => change(index, { value: e.target.value })} aria-invalid={problem ? true : undefined} />
              <button type="button" className="icon-button" aria-label={t('moreOptions.removeRow', { n: index + 1 })} onClick={() => set({ [list]: items.filter((_, i) => i !== index) })}>
                <Trash2 size={16} aria-hidden="true" />
              </button>
              {problem && (
                <p className="field-error" id={errId} role="alert">
                  {problem.error ? errorText(problem.error.code, resolveLanguage(i18n.language), problem.error.params) : t(problem.key)}
                </p>
              )}
            </div>
          );
        })}
        <button type="button" onClick={() => set({ [list]: [...items, { name: '', value: '' }] })} disabled={list === 'tags' && items.length >= 10}>
          <Plus size={16} aria-hidden="true" /> {t(`moreOptions.add.${list}`)}
        </button>
      </fieldset>
    );
  };

  return (
    <details className="more-options landing card" open={defaultOpen || undefined} data-testid="more-options">
      <summary>
        <span className="more-options-title">{t('moreOptions.title')}</span>
        <span className="hint more-options-summary" data-testid="more-options-summary">
          {summary}
        </span>
      </summary>
      <div className="more-options-body">
        <label>
          <span className="label-text">{t('moreOptions.storageClass')}</span>
          <select value={choices.storageClass} onChange={(e) => set({ storageClass: e.target.value })}>
            <option value="">{t('moreOptions.classDefault')}</option>
            {storageClassChoices.map((c) => (
              <option key={c} value={c}>
                {t(`moreOptions.class.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="label-text">{t('moreOptions.encryptionLabel')}</span>
          <select value={choices.encryption} onChange={(e) => set({ encryption: e.target.value as ObjectChoices['encryption'] })}>
            {(['default', 'AES256', 'aws:kms'] as const).map((e) => (
              <option key={e} value={e}>
                {t(`moreOptions.encryption.${e}`)}
              </option>
            ))}
          </select>
        </label>
        {choices.encryption === 'aws:kms' && (
          <label>
            <span className="label-text">{t('moreOptions.kmsKey')}</span>
            <input value={choices.kmsKeyId} onChange={(e) => set({ kmsKeyId: e.target.value })} placeholder={t('moreOptions.kmsKeyPlaceholder')} spellCheck={false} />
          </label>
        )}
        {rows('metadata')}
        {rows('tags')}
        {withExclude && (
          <label className="exclude">
            <span className="label-text">{t('moreOptions.exclude')}</span>
            <textarea rows={3} value={choices.exclude} onChange={(e) => set({ exclude: e.target.value })} placeholder={t('moreOptions.excludePlaceholder')} spellCheck={false} aria-describedby={`${id}-exclude-hint`} />
            <span className="hint" id={`${id}-exclude-hint`}>
              {t('moreOptions.excludeHint')}
            </span>
          </label>
        )}
      </div>
    </details>
  );
}
