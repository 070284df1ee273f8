/** A pair's name pattern and data-file choices: the fields (add form and editor), the one-line summary, and the editor. */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncPairConfig, SyncPairStatus } from '../../../shared/contract';
import { useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { DataFileChecks } from '../landing/DataFileChecks';
import { sampleName } from '../landing/landing-options';
import { TemplateField } from '../landing/TemplateField';
import { MoreOptions } from '../options/MoreOptions';
import { choicesOf, pairPatchOf, problemsOf, type ObjectChoices } from '../options/object-options';
import { layoutChoicesOf, layoutPatchOf, usesTable, type SyncLayoutChoices } from './sync-layout';
import { SyncError } from './SyncError';

/** Props of the layout fields: the choices, where changes go, and the pair's mode and bucket folder. */
export interface LayoutFieldsProps {
  choices: SyncLayoutChoices;
  onChange(patch: Partial<SyncLayoutChoices>): void;
  mode: SyncPairConfig['mode'];
  prefix: string;
}

/**
 * The name pattern (with its live example), the {table} name and the gzip/UTF-8 choices of a pair, for the add
 * form and for editing a pair. The pattern field and its preview are the landing section's own.
 */
export function LayoutFields({ choices, onChange, mode, prefix }: LayoutFieldsProps) {
  const { t } = useTranslation();
  const ids = useId();
  // Display only: the example key's folder. The engine's rule (normalisePrefix in src/main/services/s3/validate.ts)
  // also drops leading slashes; no shared rule exists for the renderer yet, so this stays until one moves to src/shared.
  const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return (
    <div className="sync-layout">
      <TemplateField
        template={choices.template}
        onTemplate={(template) => onChange({ template })}
        onError={(templateError) => onChange({ templateError })}
        error={choices.templateError}
        sample={sampleName}
        prefix={folder}
        gzip={choices.gzip}
        table={choices.table}
        blocked={t('sync.layout.blocked')}
        note={
          <p className="hint">
            {t('sync.layout.mtime')} {t(mode === 'mirror' ? 'sync.layout.mirrorMoves' : 'sync.layout.uploadOnlyKeeps')}
          </p>
        }
      />
      {usesTable(choices.template) && (
        <div className="landing-field">
          <label htmlFor={`${ids}-table`}>{t('sync.layout.table')}</label>
          <input id={`${ids}-table`} type="text" spellCheck={false} value={choices.table} placeholder={t('sync.layout.tablePlaceholder')} onChange={(e) => onChange({ table: e.target.value })} />
        </div>
      )}
      <DataFileChecks gzip={choices.gzip} convertToUtf8={choices.convertToUtf8} onChange={onChange} />
    </div>
  );
}

/** What a pair does to names and bytes, in one line. */
export function LayoutSummary({ config }: { config: SyncPairConfig }) {
  const { t } = useTranslation();
  const parts = [config.template ? t('sync.layout.current', { template: config.template }) : t('sync.layout.none')];
  if (config.gzip) parts.push(t('sync.layout.gzipOn'));
  if (config.convertToUtf8) parts.push(t('sync.layout.utf8On'));
  return <p className="hint">{parts.join(' ')}</p>;
}

/** Changing a pair's name pattern and data-file choices; the engine refuses a pattern that cannot work. */
export function LayoutEditor({ pair, onDone }: { pair: SyncPairStatus; onDone(): void }) {
  const { t } = useTranslation();
  const store = useStoreApi();
  const [choices, setChoices] = useState<SyncLayoutChoices>(() => layoutChoicesOf(pair.config));
  const [more, setMore] = useState<ObjectChoices>(() => choicesOf(pair.config, pair.config.ignore));
  const { run, error } = useCommand();
  const invalid = problemsOf(more).length > 0;
  const save = async () => {
    const res = await run('sync:update', { id: pair.config.id, patch: { ...layoutPatchOf(choices), ...pairPatchOf(more) } });
    if (!res.ok) return;
    store.toast({ level: 'success', key: 'sync.layout.saved' });
    onDone();
  };
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <LayoutFields choices={choices} onChange={(patch) => setChoices((c) => ({ ...c, ...patch }))} mode={pair.config.mode} prefix={pair.config.target.prefix} />
      {/* What each object of the pair gets, and the pair's own files to leave out (its ignore list). */}
      <MoreOptions choices={more} onChange={setMore} withExclude />
      {error && <SyncError error={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={choices.templateError !== undefined || invalid}>
          {t('common.save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
