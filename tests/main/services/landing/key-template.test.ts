import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { renderKeyTemplate, sanitizeAthenaName, validateKeyTemplate } from '../../../../src/main/services/landing/key-template';

const time = new Date('2026-11-25T03:07:09Z');

function templateError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('TEMPLATE_INVALID');
    return err as AppError;
  }
  throw new Error('expected TEMPLATE_INVALID');
}

describe('renderKeyTemplate', () => {
  it('renders a Hive-style partition for a fixed date', () => {
    expect(renderKeyTemplate('{table}/dt={yyyy}-{mm}-{dd}/{name}', { relativePath: 'vendas.csv', time })).toBe('vendas/dt=2026-11-25/vendas.csv');
    expect(renderKeyTemplate('{table}/dt={yyyy}-{mm}-{dd}/{name}', { relativePath: 'x.csv', time, table: 'Vendas Região' })).toBe(
      'vendas_regiao/dt=2026-11-25/x.csv',
    );
  });

  it('fills every token', () => {
    expect(renderKeyTemplate('{folder}/{yyyy}/{mm}/{dd}/{hh}/{ext}/{name}', { relativePath: '2026/jan/report.final.csv', time })).toBe(
      '2026/jan/2026/11/25/03/csv/report.final.csv',
    );
  });

  it('pads and uses UTC, so a partition does not move with the time zone', () => {
    const newYearsEveInBrazil = new Date('2026-01-01T01:30:00Z'); // still 31 Dec in São Paulo
    expect(renderKeyTemplate('dt={yyyy}-{mm}-{dd}-{hh}/{name}', { relativePath: 'a.csv', time: newYearsEveInBrazil })).toBe('dt=2026-01-01-01/a.csv');
  });

  it('drops an empty {folder} segment for files at the top, and accepts Windows separators', () => {
    expect(renderKeyTemplate('in/{folder}/{name}', { relativePath: 'a.csv', time })).toBe('in/a.csv');
    expect(renderKeyTemplate('in/{folder}/{name}', { relativePath: 'sub\\deep\\a.csv', time })).toBe('in/sub/deep/a.csv');
  });

  it('defaults {table} to the sanitised stem, ignoring .gz and accents', () => {
    expect(renderKeyTemplate('{table}/{name}', { relativePath: 'Relatório Mensal.csv.gz', time })).toBe('relatorio_mensal/Relatório Mensal.csv.gz');
  });

  it('refuses an unknown token with its name', () => {
    expect(templateError(() => renderKeyTemplate('{date}/{name}', { relativePath: 'a.csv', time })).message).toContain('{date}');
    templateError(() => validateKeyTemplate('{Name}'));
  });

  it('refuses empty segments', () => {
    templateError(() => validateKeyTemplate('a//{name}'));
    templateError(() => validateKeyTemplate('/{name}'));
    templateError(() => validateKeyTemplate('{table}/'));
    templateError(() => validateKeyTemplate(''));
    // {ext} of a file without an extension makes an empty folder.
    expect(templateError(() => renderKeyTemplate('{ext}/{name}', { relativePath: 'README', time })).message).toContain('{ext}');
  });

  it('refuses unbalanced braces and dot segments', () => {
    templateError(() => validateKeyTemplate('{name'));
    templateError(() => validateKeyTemplate('a}/{name}'));
    templateError(() => validateKeyTemplate('../{name}'));
  });

  it('refuses a key over 1,024 UTF-8 bytes and accepts exactly 1,024', () => {
    const ok = 'ç'.repeat(508) + '/{name}'; // 1,016 bytes + '/' + 'abc.csv' = 1,024
    expect(Buffer.byteLength(renderKeyTemplate(ok, { relativePath: 'abc.csv', time }))).toBe(1024);
    expect(templateError(() => renderKeyTemplate(ok, { relativePath: 'abcd.csv', time })).message).toContain('1025 bytes');
  });

  it('never returns a key with an empty segment or over the limit (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('{name}', '{ext}', '{yyyy}', '{mm}', '{dd}', '{hh}', '{folder}', '{table}', 'dt={yyyy}-{mm}-{dd}'),
      fc.string({ minLength: 0, maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), fc.date({ noInvalidDate: true }), (segs, parts, date) => {
        const template = segs.join('/');
        try {
          const key = renderKeyTemplate(template, { relativePath: parts.join('/'), time: date });
          expect(key.split('/').every((s) => s !== '')).toBe(true);
          expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1024);
        } catch (err) {
          expect((err as AppError).code).toBe('TEMPLATE_INVALID');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('sanitizeAthenaName', () => {
  it('lowercases, strips accents, replaces other characters and avoids a leading digit', () => {
    expect(sanitizeAthenaName('Município', 'x')).toBe('municipio');
    expect(sanitizeAthenaName('Valor Total (R$)', 'x')).toBe('valor_total_r');
    expect(sanitizeAthenaName('2024 Sales', 'x')).toBe('col_2024_sales');
    expect(sanitizeAthenaName(' -- ', 'col_3')).toBe('col_3');
  });
});
