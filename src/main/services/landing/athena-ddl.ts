/**
 * Writes the Athena `CREATE EXTERNAL TABLE` for a checked CSV, choosing only column types Athena can
 * really read from that file. The two SerDes differ, and a wrong type fails the query or reads NULLs:
 * - LazySimpleSerDe (no quotes in the file) reads boolean, int, bigint, double, DATE as yyyy-MM-dd and
 *   TIMESTAMP as `yyyy-MM-dd HH:mm:ss[.fff]`; an empty value reads as NULL.
 * - OpenCSVSerde (quoted fields) reads boolean, int, bigint and double, but an empty value in a number
 *   column fails the query, and DATE/TIMESTAMP only as days / milliseconds since 1970.
 * - Neither reads `1.234,56` (decimal comma), `31/01/2026` (dd/mm/yyyy) or ISO timestamps with a `T`.
 * Such columns are declared `string` with a COMMENT, and a `<table>_typed` view converts them with
 * Trino functions (TRY so one bad cell gives NULL instead of failing the whole query).
 */
import { basename } from 'node:path';
import { AppError } from '../../../shared/errors';
import { sniffCsv, type CsvSniffResult } from './csv-sniffer';
import { profileColumn, type ColumnProfile } from './csv-types';
import { fileStem, sanitizeAthenaName, validateKeyTemplate } from './key-template';

/** Where the table's files live and what to call it. */
export interface AthenaTarget {
  bucket: string;
  prefix?: string;
  /** The table name; defaults to the file's stem, sanitised. */
  table?: string;
  /** The destination template the files are uploaded with (decides LOCATION and the dt partition). */
  template?: string;
}

/** One column of the table, as the DDL declares it and as the typed view reads it. */
export interface AthenaColumn {
  name: string;
  /** The type in CREATE TABLE. */
  type: string;
  /** Why a column is text although its values are typed (empty when the declared type is the real one). */
  comment: string;
  /** The view's expression turning the text into its real type, when there is one. */
  viewExpr?: string;
}

/** Quotes a Hive DDL string literal. */
function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\t/g, '\\t').replace(/\n/g, '\\n')}'`;
}

/** Quotes a Trino (view) identifier; Athena's DML uses double quotes, its DDL backticks. */
const dq = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Sanitises and de-duplicates the column names (`nome`, `nome_2`, …); `reserved` names (the partition) are avoided. */
export function athenaColumnNames(header: readonly string[], count: number, reserved: readonly string[] = []): string[] {
  const used = new Set(reserved);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = sanitizeAthenaName(header[i] ?? '', `col_${i + 1}`);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    names.push(name);
  }
  return names;
}

/** Maps a column's profile to what the table can declare under a SerDe. */
export function athenaColumn(name: string, profile: ColumnProfile, openCsv: boolean): AthenaColumn {
  const col = dq(name);
  const emptyNumbers = openCsv && profile.hasEmpty;
  switch (profile.kind) {
    case 'boolean':
    case 'int':
    case 'bigint':
    case 'double': {
      const type = profile.kind === 'int' ? 'int' : profile.kind;
      if (!emptyNumbers) return { name, type, comment: '' };
      const sqlType = { boolean: 'BOOLEAN', int: 'INTEGER', bigint: 'BIGINT', double: 'DOUBLE' }[profile.kind];
      return { name, type: 'string', comment: `${type}; some values are empty, which OpenCSVSerde cannot read as a number`, viewExpr: `TRY_CAST(NULLIF(TRIM(${col}), '') AS ${sqlType})` };
    }
    case 'decimal-comma': {
      const t = `DECIMAL(${profile.precision},${profile.scale})`;
      return {
        name,
        type: 'string',
        comment: `decimal(${profile.precision},${profile.scale}) written with a decimal comma (1.234,56)`,
        viewExpr: `TRY_CAST(REPLACE(REPLACE(NULLIF(TRIM(${col}), ''), '.', ''), ',', '.') AS ${t})`,
      };
    }
    case 'date':
      if (!openCsv) return { name, type: 'date', comment: '' };
      return { name, type: 'string', comment: 'date (yyyy-mm-dd); OpenCSVSerde reads dates only as days since 1970', viewExpr: `TRY_CAST(NULLIF(TRIM(${col}), '') AS DATE)` };
    case 'date-dmy':
      return { name, type: 'string', comment: 'date written dd/mm/yyyy, which no CSV SerDe parses', viewExpr: `CAST(TRY(date_parse(TRIM(${col}), '%d/%m/%Y')) AS DATE)` };
    case 'timestamp':
      if (!openCsv) return { name, type: 'timestamp', comment: '' };
      return { name, type: 'string', comment: 'timestamp; OpenCSVSerde reads timestamps only as milliseconds since 1970', viewExpr: `TRY_CAST(NULLIF(TRIM(${col}), '') AS TIMESTAMP)` };
    case 'timestamp-iso':
      return { name, type: 'string', comment: 'ISO 8601 timestamp, which no CSV SerDe parses', viewExpr: `TRY(from_iso8601_timestamp(TRIM(${col})))` };
    default:
      return { name, type: 'string', comment: '' };
  }
}

/** The parts of a template that shape the table: its folder and its `dt=` partition. */
interface TemplateLayout {
  /** Static folders under the prefix, e.g. `sales/`. */
  locationPath: string;
  partition: null | { projectionFormat: string | null; unit: 'HOURS' | 'DAYS' | 'MONTHS' | 'YEARS' };
}

/** Reads the table folder and the `dt=` partition out of a template (with `{table}` filled in). */
export function templateLayout(template: string | undefined, table: string): TemplateLayout {
  if (!template) return { locationPath: '', partition: null };
  validateKeyTemplate(template);
  const segments = template.split('/');
  const dtIndex = segments.findIndex((s) => s.startsWith('dt='));
  const staticEnd = dtIndex >= 0 ? dtIndex : segments.findIndex((s, i) => i === segments.length - 1 || /\{(?!table\})/.test(s));
  const staticSegments = segments.slice(0, staticEnd);
  if (dtIndex >= 0 && staticSegments.some((s) => /\{(?!table\})/.test(s))) {
    throw new AppError('TEMPLATE_INVALID', { reason: 'the folders before dt= must be the same for every file (use only {table} there)' });
  }
  const locationPath = staticSegments.map((s) => s.replace(/\{table\}/g, table) + '/').join('');
  if (dtIndex < 0) return { locationPath, partition: null };
  const value = segments[dtIndex]!.slice(3);
  const format = value.replace(/\{yyyy\}/g, 'yyyy').replace(/\{mm\}/g, 'MM').replace(/\{dd\}/g, 'dd').replace(/\{hh\}/g, 'HH');
  // Projection needs a pure date pattern; another token ({name}, {folder}) makes the value unpredictable.
  const projectable = !/[{}']/.test(format) && format.includes('yyyy');
  const unit = value.includes('{hh}') ? 'HOURS' : value.includes('{dd}') ? 'DAYS' : value.includes('{mm}') ? 'MONTHS' : 'YEARS';
  return { locationPath, partition: { projectionFormat: projectable ? format : null, unit } };
}

/** `s3://bucket/prefix/` with exactly one slash between parts and a trailing slash. */
export function s3Location(bucket: string, prefix = '', sub = ''): string {
  const parts = [prefix, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  return `s3://${bucket}/${parts.map((p) => p + '/').join('')}`;
}

const encodingNames = { 'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 with BOM', 'windows-1252': 'Windows-1252 (Latin-1)' } as const;
/** "1 row", "2 rows". */
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const delimiterNames: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** Builds the SQL from a finished check. */
export function buildAthenaDdl(sniff: CsvSniffResult, fileName: string, target: AthenaTarget): string {
  const { report } = sniff;
  if (report.columns === 0) throw new AppError('CSV_INVALID', { path: fileName, reason: 'the file is empty, so there are no columns to describe' });
  const table = sanitizeAthenaName(target.table?.trim() || fileStem(fileName), 'data');
  const layout = templateLayout(target.template, table);
  const openCsv = report.quote !== null;
  const data = report.hasHeader ? sniff.sample.slice(1) : sniff.sample;
  const names = athenaColumnNames(report.header, report.columns, layout.partition ? ['dt'] : []);
  const columns = names.map((name, i) => athenaColumn(name, profileColumn(data.map((r) => r[i] ?? '')), openCsv));
  const location = s3Location(target.bucket, target.prefix, layout.locationPath);

  const out: string[] = [];
  out.push(`-- Athena table for ${fileName}: ${plural(report.columns, 'column')}, ${plural(report.rows, 'row')}, ${delimiterNames[report.delimiter]}-separated, ${encodingNames[report.encoding]}.`);
  out.push('-- Run each statement on its own in the Athena query editor.');
  if (report.encoding === 'windows-1252') out.push('-- Athena reads text as UTF-8: upload this file with "Convert to UTF-8" on, or accents will come out garbled.');
  if (sniff.multilineRecords > 0) {
    out.push(`-- Warning: ${plural(sniff.multilineRecords, 'row')} with line breaks inside quoted fields. Athena reads each line as a row, so those rows will come out split.`);
  }
  if (report.raggedRows > 0) out.push(`-- Warning: ${plural(report.raggedRows, 'row')} without exactly ${plural(report.columns, 'column')}; Athena fills missing ones with NULL and drops extra ones.`);
  out.push(`CREATE EXTERNAL TABLE IF NOT EXISTS \`${table}\` (`);
  out.push(columns.map((c) => `  \`${c.name}\` ${c.type}${c.comment ? ` COMMENT ${sqlString(c.comment)}` : ''}`).join(',\n'));
  out.push(')');
  if (layout.partition) out.push('PARTITIONED BY (`dt` string)');
  if (openCsv) {
    out.push("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'");
    out.push('WITH SERDEPROPERTIES (');
    out.push(`  'separatorChar' = ${sqlString(report.delimiter)},`);
    out.push(`  'quoteChar' = ${sqlString(report.quote!)},`);
    out.push(`  'escapeChar' = ${sqlString('\\')}`);
    out.push(')');
  } else {
    out.push('ROW FORMAT DELIMITED');
    out.push(`  FIELDS TERMINATED BY ${sqlString(report.delimiter)}`);
    out.push(`  LINES TERMINATED BY ${sqlString('\n')}`);
  }
  out.push('STORED AS TEXTFILE');
  out.push(`LOCATION ${sqlString(location)}`);
  const props: [string, string][] = [];
  if (report.hasHeader) props.push(['skip.header.line.count', '1']);
  const projection = layout.partition?.projectionFormat;
  if (layout.partition && projection) {
    // Projection computes partitions from the dt pattern, so new days are queryable with no MSCK run.
    props.push(
      ['projection.enabled', 'true'],
      ['projection.dt.type', 'date'],
      ['projection.dt.format', projection],
      // A relative range keeps working as time passes; widen the start if older data is uploaded.
      ['projection.dt.range', 'NOW-3YEARS,NOW'],
      ['projection.dt.interval', '1'],
      ['projection.dt.interval.unit', layout.partition.unit],
      ['storage.location.template', `${location}dt=\${dt}/`],
    );
  }
  if (props.length > 0) {
    out.push('TBLPROPERTIES (');
    out.push(props.map(([k, v]) => `  ${sqlString(k)} = ${sqlString(v)}`).join(',\n'));
    out.push(');');
  } else out[out.length - 1] += ';';
  if (layout.partition) {
    out.push('');
    if (projection) {
      out.push('-- Partition projection finds each dt= folder by itself. If you turn it off, load the partitions with:');
      out.push(`-- MSCK REPAIR TABLE \`${table}\`;`);
    } else {
      out.push('-- Load the dt= partitions (run again after new folders are uploaded):');
      out.push(`MSCK REPAIR TABLE \`${table}\`;`);
    }
  }
  const typed = columns.filter((c) => c.viewExpr);
  if (typed.length > 0) {
    out.push('');
    out.push(`-- Some columns are text in the table (see their comments). This view gives them their real types:`);
    out.push(`CREATE OR REPLACE VIEW ${dq(`${table}_typed`)} AS`);
    out.push('SELECT');
    const select = columns.map((c) => (c.viewExpr ? `  ${c.viewExpr} AS ${dq(c.name)}` : `  ${dq(c.name)}`));
    if (layout.partition) select.push(`  ${dq('dt')}`);
    out.push(select.join(',\n'));
    out.push(`FROM ${dq(table)};`);
  }
  return out.join('\n') + '\n';
}

/** Checks a local file and returns the SQL for it (the service and the CLI both call this). */
export async function athenaDdlForFile(path: string, target: AthenaTarget): Promise<string> {
  const sniff = await sniffCsv(path);
  return buildAthenaDdl(sniff, basename(path), target);
}
