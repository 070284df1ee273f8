import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { athenaColumnNames, athenaDdlForFile, s3Location, templateLayout } from '../../../../src/main/services/landing/athena-ddl';
import { detectHeader, profileColumn } from '../../../../src/main/services/landing/csv-types';

const fixtures = join(import.meta.dirname, '../../../fixtures/csv');
const fx = (name: string) => join(fixtures, name);
const tmp = mkdtempSync(join(tmpdir(), 's3drop-ddl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The golden files were reviewed by hand for Athena's DDL syntax (backticks, Hive escapes, SerDe properties). */
const goldens: [string, string, Parameters<typeof athenaDdlForFile>[1]][] = [
  ['brazil-latin1.csv', 'brazil-latin1.sql', { bucket: 'lake', prefix: 'raw', table: 'vendas', template: '{table}/dt={yyyy}-{mm}-{dd}/{name}' }],
  ['quoted.csv', 'quoted.sql', { bucket: 'lake', prefix: 'raw/products/' }],
  ['tabs.tsv', 'tabs.sql', { bucket: 'lake', prefix: '', table: 'Estoque Loja' }],
  ['headerless.txt', 'headerless.sql', { bucket: 'lake', prefix: 'events', template: '{table}/dt={yyyy}{mm}{dd}{hh}/{name}' }],
];

describe('athenaDdlForFile', () => {
  it.each(goldens)('%s matches %s', async (file, golden, target) => {
    expect(await athenaDdlForFile(fx(file), target)).toBe(readFileSync(fx(golden), 'utf8'));
  });

  it('declares OpenCSVSerde number columns with empty values as string and converts them in the view', async () => {
    const path = join(tmp, 'sparse.csv');
    writeFileSync(path, 'id,qty,"label"\n1,,"a"\n2,5,"b"\n');
    const sql = await athenaDdlForFile(path, { bucket: 'b' });
    expect(sql).toContain('`id` int,');
    expect(sql).toContain("`qty` string COMMENT 'int; some values are empty, which OpenCSVSerde cannot read as a number'");
    expect(sql).toContain(`TRY_CAST(NULLIF(TRIM("qty"), '') AS INTEGER) AS "qty"`);
    expect(sql).toContain("LOCATION 's3://b/'");
  });

  it('renames a data column called dt when dt is the partition', async () => {
    const path = join(tmp, 'dt.csv');
    writeFileSync(path, 'dt,value\n2024-01-01,1\n');
    const sql = await athenaDdlForFile(path, { bucket: 'b', template: 'dt={yyyy}-{mm}-{dd}/{name}' });
    expect(sql).toContain('`dt_2` date,');
    expect(sql).toContain('PARTITIONED BY (`dt` string)');
    expect(sql).toContain("LOCATION 's3://b/'");
  });

  it('falls back to MSCK REPAIR TABLE when the dt value cannot be projected', async () => {
    const byFolder = await athenaDdlForFile(fx('one-column.csv'), { bucket: 'b', prefix: 'p', template: 'mail/dt={folder}/{name}' });
    expect(byFolder).toContain('\nMSCK REPAIR TABLE `one_column`;\n');
    const ok = await athenaDdlForFile(fx('one-column.csv'), { bucket: 'b', prefix: 'p', template: 'mail/dt=batch-{yyyy}{ext}/{name}' });
    expect(ok).toContain('\nMSCK REPAIR TABLE `one_column`;\n');
    expect(ok).not.toContain('projection.enabled');
  });

  it('refuses an empty file and a template whose table folder depends on the file', async () => {
    await expect(athenaDdlForFile(fx('empty.csv'), { bucket: 'b' })).rejects.toMatchObject({ code: 'CSV_INVALID' });
    await expect(athenaDdlForFile(fx('tabs.tsv'), { bucket: 'b', template: '{name}/dt={yyyy}-{mm}-{dd}/{name}' })).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
  });
});

describe('type inference', () => {
  const kind = (values: string[]) => profileColumn(values).kind;
  it('infers each Athena type from sample values', () => {
    expect(kind(['true', 'FALSE', ''])).toBe('boolean');
    expect(kind(['1', '-20', '2147483647'])).toBe('int');
    expect(kind(['1', '2147483648'])).toBe('bigint');
    expect(kind(['1', '2.5', '-3e4'])).toBe('double');
    expect(kind(['1.234,56', '7', '0,5'])).toBe('decimal-comma');
    expect(kind(['2024-02-29', '1999-12-31'])).toBe('date');
    expect(kind(['31/01/2024', '29/02/2024'])).toBe('date-dmy');
    expect(kind(['2024-01-31 08:15:00', '2024-01-31 08:15:00.123'])).toBe('timestamp');
    expect(kind(['2024-01-31T08:15:00Z', '2024-01-31T08:15:00-03:00'])).toBe('timestamp-iso');
  });

  it('keeps identifiers, impossible dates and mixed columns as text', () => {
    expect(kind(['007', '12'])).toBe('string'); // a leading zero would be lost
    expect(kind(['12345678901234567890'])).toBe('string'); // beyond bigint
    expect(kind(['2023-02-29'])).toBe('string');
    expect(kind(['31/13/2024'])).toBe('string');
    expect(kind(['1', 'n/a'])).toBe('string');
    expect(kind(['', ''])).toBe('string');
  });

  it('sizes DECIMAL from the normalised values', () => {
    expect(profileColumn(['1.234.567,891', '0,5'])).toMatchObject({ kind: 'decimal-comma', precision: 12, scale: 3 });
  });

  it('tells a header row from a data row', () => {
    expect(detectHeader([['id', 'when'], ['1', '2024-01-01']])).toBe(true);
    expect(detectHeader([['1', '2024-01-01'], ['2', '2024-01-02']])).toBe(false);
    expect(detectHeader([['name', 'city'], ['Ana', 'Recife']])).toBe(true);
    expect(detectHeader([['Ana', 'Recife'], ['Ana', 'Natal']])).toBe(false);
  });
});

describe('names and locations', () => {
  it('sanitises, de-duplicates and fills in column names', () => {
    expect(athenaColumnNames(['Nome', 'nome', 'NOME', '', 'Preço (R$)', '1º lugar'], 7)).toEqual(['nome', 'nome_2', 'nome_3', 'col_4', 'preco_r', 'col_1o_lugar', 'col_7']);
  });

  it('builds LOCATION with single slashes and reads the table folder from the template', () => {
    expect(s3Location('b', '/raw//', 'sales/')).toBe('s3://b/raw/sales/');
    expect(s3Location('b')).toBe('s3://b/');
    expect(templateLayout('{table}/dt={yyyy}-{mm}/{name}', 'sales')).toEqual({ locationPath: 'sales/', partition: { projectionFormat: 'yyyy-MM', unit: 'MONTHS' } });
    expect(templateLayout('in/{table}/{yyyy}/{name}', 'sales')).toEqual({ locationPath: 'in/sales/', partition: null });
  });
});
