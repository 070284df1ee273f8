/**
 * "Options for data files (CSV)": a collapsed section under the drop zone with the name pattern and its
 * live preview, gzip and UTF-8 choices, the CSV check of the last dropped data file, and the Athena table SQL.
 * Collapsed by default so people who only move files never meet the jargon.
 */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CsvReport, Target } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { hasLandingChoices, sampleName, type DataFile, type LandingChoices } from './landing-options';
import { DataFileChecks } from './DataFileChecks';
import { TemplateField } from './TemplateField';

/** Props: the choices (owned by the main screen, which passes them to the drop zone), and the last data file. */
export interface LandingPanelProps {
  choices: LandingChoices;
  onChange(patch: Partial<LandingChoices>): void;
  /** The last dropped or added .csv/.tsv/.txt file, checked when it changes. */
  dataFile?: DataFile;
  target?: Target;
  open: boolean;
  onToggle(open: boolean): void;
}

const delimiterKeys: Record<CsvReport['delimiter'], string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
const previewRowsShown = 5;

/** The section. */
export function LandingPanel({ choices, onChange, dataFile, target, open, onToggle }: LandingPanelProps) {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  const ids = useId();
  const sample = dataFile?.name ?? sampleName;
  const template = choices.template.trim();
  const [report, setReport] = useState<{ path: string; value: CsvReport } | null>(null);
  // A check's refusal is cleared as the next file's check starts (only the newest check's answer counts).
  const { run: checkCsv, error: checkError } = useCommand();
  const [table, setTable] = useState('');
  const [sql, setSql] = useState<string | null>(null);
  // The SQL on screen, or its refusal, stays until the next answer replaces it.
  const { run: athenaDdl, error: sqlError, setError: setSqlError } = useCommand({ keepError: true });
  const numbers = new Intl.NumberFormat(i18n.language);

  // Check each new data file once; the report stays until another file is dropped.
  useEffect(() => {
    if (!dataFile) return;
    let current = true;
    void checkCsv('landing:checkCsv', { path: dataFile.path }).then((res) => {
      if (!current) return;
      if (res.ok) setReport({ path: dataFile.path, value: res.value });
      setSql(null);
      setSqlError(null);
    });
    return () => {
      current = false;
    };
  }, [checkCsv, setSqlError, dataFile]);

  const showSql = async () => {
    if (!dataFile || !target) return;
    let where = template && !choices.templateError ? template : undefined;
    if (where?.includes('{table}')) {
      // Uploads fill {table} from the file's name (they carry no table name), so the folder in LOCATION must
      // too, whatever name the table gets: ask the engine for that folder name and put it in the pattern. On a
      // refusal the pattern goes as typed, and only the SQL request's own answer is shown (a plain invoke, not useCommand).
      const folder = await store.api.invoke('landing:previewKey', { template: '{table}', relativePath: dataFile.name });
      if (folder.ok) where = where.replaceAll('{table}', folder.value);
    }
    const res = await athenaDdl('landing:athenaDdl', {
      path: dataFile.path,
      bucket: target.bucket,
      prefix: target.prefix,
      table: table.trim() || undefined,
      template: where,
    });
    setSql(res.ok ? res.value : null);
  };

  const copySql = async () => {
    if (!sql) return;
    try {
      await navigator.clipboard.writeText(sql);
      store.toast({ level: 'success', key: 'landing.copied' });
    } catch (err) {
      store.toast({ level: 'error', error: { code: 'NOT_SUPPORTED', message: '', params: { what: t('landing.clipboard') }, details: String(err) } });
    }
  };

  const csv = report?.path === dataFile?.path ? report?.value : undefined;
  const csvError = dataFile ? checkError : null;

  return (
    <details className="landing card" open={open} onToggle={(e) => onToggle(e.currentTarget.open)} data-testid="landing-panel">
      <summary>
        {t('landing.title')}
        {hasLandingChoices(choices) && <span className="badge landing-active">{t('landing.active')}</span>}
      </summary>
      <div className="landing-body">
        <p className="hint">{t('landing.intro')}</p>

        <TemplateField
          template={choices.template}
          onTemplate={(value) => onChange({ template: value })}
          onError={(templateError) => onChange({ templateError })}
          error={choices.templateError}
          sample={sample}
          prefix={target?.prefix}
          gzip={choices.gzip}
          blocked={t('landing.blocked')}
        />

        <DataFileChecks gzip={choices.gzip} convertToUtf8={choices.convertToUtf8} onChange={onChange} />
        <label className="inline">
          <input type="checkbox" checked={choices.dataMode === true} onChange={(e) => onChange({ dataMode: e.target.checked })} data-testid="data-mode" />
          {t('landing.dataMode')}
        </label>

        <section className="landing-report" aria-labelledby={`${ids}-report`}>
          <h3 id={`${ids}-report`}>{dataFile ? t('landing.reportFor', { name: dataFile.name }) : t('landing.reportTitle')}</h3>
          {!dataFile && <p className="hint">{t('landing.noFile')}</p>}
          {dataFile && !csv && !csvError && <p className="hint">{t('landing.checking')}</p>}
          {csvError && <ErrorMessage error={csvError} />}
          {csv && (
            <>
              <dl className="landing-facts" data-testid="csv-report">
                <dt>{t('landing.encoding')}</dt>
                <dd>{t(`landing.encodings.${csv.encoding}`)}</dd>
                <dt>{t('landing.delimiter')}</dt>
                <dd>{t(`landing.delimiters.${delimiterKeys[csv.delimiter]}`)}</dd>
                <dt>{t('landing.header')}</dt>
                <dd>{csv.hasHeader ? t('landing.yes') : t('landing.no')}</dd>
                <dt>{t('landing.columns')}</dt>
                <dd>{numbers.format(csv.columns)}</dd>
                <dt>{t('landing.rows')}</dt>
                <dd>{numbers.format(csv.rows)}</dd>
              </dl>
              {csv.warnings.length > 0 && (
                <ul className="landing-warnings" data-testid="csv-warnings">
                  {csv.warnings.map((w) => (
                    <li key={w.code}>
                      {t(`landing.warnings.${w.code}`, { count: csv.raggedRows, names: w.detail ?? '' })}
                      {w.code === 'not-utf8' &&
                        (choices.convertToUtf8 ? (
                          <span className="landing-ok"> {t('landing.willConvert')}</span>
                        ) : (
                          <button type="button" onClick={() => onChange({ convertToUtf8: true })}>
                            {t('landing.convertNow')}
                          </button>
                        ))}
                    </li>
                  ))}
                </ul>
              )}
              {csv.warnings.length > 0 && <p className="hint">{t('landing.neverBlocks')}</p>}
              <div className="landing-table-wrap" tabIndex={0} role="group" aria-label={t('landing.previewTable')}>
                <table className="listing landing-preview">
                  <caption className="sr-only">{t('landing.previewTable')}</caption>
                  {csv.hasHeader && (
                    <thead>
                      <tr>
                        {csv.header.map((h, i) => (
                          <th scope="col" key={i}>
                            {h}
                          </th>
                        ))}
                      </tr>
                    </thead>
                  )}
                  <tbody>
                    {csv.preview.slice(0, previewRowsShown).map((row, r) => (
                      <tr key={r}>
                        {row.map((cell, c) => (
                          <td key={c}>{cell}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>

        <section className="landing-athena" aria-labelledby={`${ids}-athena`}>
          <h3 id={`${ids}-athena`}>{t('landing.athena')}</h3>
          <p className="hint">{t('landing.athenaHint')}</p>
          <div className="actions">
            <label htmlFor={`${ids}-table`}>{t('landing.tableName')}</label>
            <input id={`${ids}-table`} type="text" spellCheck={false} value={table} placeholder={t('landing.tablePlaceholder')} onChange={(e) => setTable(e.target.value)} />
            <button type="button" disabled={!dataFile || !target} onClick={() => void showSql()}>
              {t('landing.showSql')}
            </button>
          </div>
          {sqlError && <ErrorMessage error={sqlError} />}
          {sql && (
            <>
              <label className="sr-only" htmlFor={`${ids}-sql`}>
                {t('landing.sql')}
              </label>
              <textarea id={`${ids}-sql`} className="landing-sql" readOnly rows={Math.min(18, sql.split('\n').length + 1)} value={sql} data-testid="landing-sql" />
              <button type="button" onClick={() => void copySql()}>
                {t('landing.copySql')}
              </button>
            </>
          )}
        </section>
      </div>
    </details>
  );
}
