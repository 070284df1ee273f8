/** The landing-zone choices: which files get checked, and how the choices reach 'transfers:enqueue' as contract-valid options. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffCsv } from '../../src/main/services/landing/csv-sniffer';
import { AppError, type AppErrorData } from '../../src/shared/errors';
import { renderKeyTemplate } from '../../src/main/services/landing/key-template';
import { createI18n } from '../../src/renderer/i18n';
import { askedCsvWarnings, hasLandingChoices, isDataFile, localiseTemplateError, noLandingChoices, templateReasonKey, uploadOptionsOf, withUploadOptions } from '../../src/renderer/features/landing/landing-options';
import { createStore } from '../../src/renderer/state/store';
import { contractBridge } from './contract-bridge';

describe('data files', () => {
  it('are .csv, .tsv and .txt in any case, and nothing else', () => {
    expect(['a.csv', 'b.TSV', 'dir/c.Txt', 'vendas 2026.csv'].every(isDataFile)).toBe(true);
    expect(['a.csv.gz', 'b.xlsx', 'csv', 'notes.txt.bak', 'photo.png'].some(isDataFile)).toBe(false);
  });
});

describe('the CSV question before a drop', () => {
  const tmp = mkdtempSync(join(tmpdir(), 's3drop-question-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  // Reports from the engine's own check, so a warning it adds or renames is seen here.
  const reportOf = async (name: string, body: string | Buffer) => {
    writeFileSync(join(tmp, name), body);
    return (await sniffCsv(join(tmp, name))).report;
  };
  const asked = async (name: string, body: string | Buffer, converting = false) => askedCsvWarnings(await reportOf(name, body), converting).map((w) => w.code);

  it('asks about a first line over 64 KiB (no header, no preview) and about an empty file, like ragged rows and Latin-1', async () => {
    expect(await asked('one-line.csv', 'a,'.repeat(40 * 1024))).toEqual(['long-line']);
    expect(await asked('empty.csv', '')).toEqual(['empty']);
    expect(await asked('blank.csv', '\n\n')).toEqual(['empty']);
    expect(await asked('ragged.csv', 'a,b\n1,2\n3\n')).toEqual(['ragged']);
    expect(await asked('latin1.csv', Buffer.from('nome;cidade\nJoão;São Paulo\n', 'latin1'))).toEqual(['not-utf8']);
  });

  it('does not ask about Latin-1 when converting, nor about column names alone, nor about a clean file', async () => {
    expect(await asked('latin1.csv', Buffer.from('nome;cidade\nJoão;São Paulo\n', 'latin1'), true)).toEqual([]);
    expect(await asked('names.csv', 'id,Nome,nome,\n1,a,b,c\n')).toEqual([]);
    expect(await asked('clean.csv', 'id,name\n1,a\n')).toEqual([]);
  });
});

describe('upload options from the choices', () => {
  it('are absent when nothing is chosen, so ordinary uploads send the same payload as before', () => {
    expect(hasLandingChoices(noLandingChoices)).toBe(false);
    expect(uploadOptionsOf(noLandingChoices)).toBeUndefined();
    expect(uploadOptionsOf({ ...noLandingChoices, template: '   ' })).toBeUndefined();
  });

  it('carry the trimmed pattern and only the ticked boxes', () => {
    expect(uploadOptionsOf({ template: ' {table}/dt={yyyy}-{mm}-{dd}/{name} ', gzip: true, convertToUtf8: false })).toEqual({ template: '{table}/dt={yyyy}-{mm}-{dd}/{name}', gzip: true });
    expect(uploadOptionsOf({ template: '', gzip: false, convertToUtf8: true })).toEqual({ convertToUtf8: true });
  });

  it('are added to transfers:enqueue (valid for the contract) and to nothing else', async () => {
    const { api, seen } = contractBridge();
    const store = createStore(api);
    // The drop zone's commands as useCommand gives them: run invokes, report toasts.
    const commands = { run: api.invoke, report: (error: AppErrorData) => store.toast({ level: 'error', error }) };
    const wrapped = withUploadOptions(commands, { template: '{name}', gzip: true, convertToUtf8: true });
    const target = { profileId: 'aws:e2e', bucket: 'data', prefix: 'in/' };
    const res = await wrapped.run('transfers:enqueue', { items: [{ path: '/tmp/x.csv', relativeKey: 'x.csv' }], target, options: { existing: 'overwrite' } });
    expect(res.ok).toBe(true);
    await wrapped.run('transfers:list', {});
    expect(seen[0]!.name).toBe('transfers:enqueue');
    expect((seen[0]!.payload as { options: unknown }).options).toEqual({ existing: 'overwrite', template: '{name}', gzip: true, convertToUtf8: true });
    expect(seen[1]).toEqual({ name: 'transfers:list', payload: expect.not.objectContaining({ options: expect.anything() }) });
    // Everything but run passes through: refusals still land in the one state the UI reads.
    wrapped.report({ code: 'NETWORK', message: '' });
    expect(store.getState().toasts).toHaveLength(1);
  });

  it('leave the commands untouched when there are none', () => {
    const { api } = contractBridge();
    const commands = { run: api.invoke };
    expect(withUploadOptions(commands, undefined)).toBe(commands);
  });
});

describe('name pattern reasons', () => {
  const time = new Date(Date.UTC(2026, 10, 25, 9));
  // Bad patterns run through the engine's own renderer, so a reworded reason there fails here.
  const cases: [template: string, relativePath: string, at: Date, key: string][] = [
    ['   ', 'a.csv', time, 'empty'],
    ['{nope}/{name}', 'a.csv', time, 'unknownToken'],
    ['{name', 'a.csv', time, 'unclosed'],
    ['/{name}', 'a.csv', time, 'startsSlash'],
    ['{name}/', 'a.csv', time, 'endsSlash'],
    ['a//{name}', 'a.csv', time, 'doubleSlash'],
    ['../{name}', 'a.csv', time, 'dotFolder'],
    ['{name}', 'a.csv', new Date(Number.NaN), 'badDate'],
    ['{name}', '/', time, 'noName'],
    ['{ext}/{name}', 'README', time, 'emptyPart'],
    ['{folder}', 'a.csv', time, 'emptyName'],
    ['{name}/' + 'x'.repeat(1100), 'a.csv', time, 'tooLong'],
  ];
  const english = createI18n('en');
  const portuguese = createI18n('pt-BR');

  it.each(cases)('"%s" with %s is refused with a reason the UI knows, in both languages', (template, relativePath, at, key) => {
    let caught: unknown;
    try {
      renderKeyTemplate(template, { relativePath, time: at });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    const data = (caught as AppError).toData();
    expect(templateReasonKey(data)?.key).toBe(`landing.reasons.${key}`);
    const pt = localiseTemplateError(data, (k, v) => portuguese.t(k, v));
    const en = localiseTemplateError(data, (k, v) => english.t(k, v));
    expect(pt.params?.reason).not.toBe(data.params?.reason);
    expect(String(pt.params?.reason)).not.toMatch(/\{\{|landing\./);
    expect(String(en.params?.reason)).not.toMatch(/\{\{|landing\./);
  });

  it('keeps the values the reason names (the unknown token, the sizes)', () => {
    const data = { code: 'TEMPLATE_INVALID' as const, message: '', params: { reason: '{nope} is not a known token (use {name} {ext})' } };
    expect(localiseTemplateError(data, (k, v) => portuguese.t(k, v)).params?.reason).toBe('{nope} não é uma das partes listadas acima');
    const long = { code: 'TEMPLATE_INVALID' as const, message: '', params: { reason: 'the name would be 1200 bytes long; S3 allows at most 1024' } };
    expect(localiseTemplateError(long, (k, v) => english.t(k, v)).params?.reason).toBe('the name would be 1200 bytes long, and S3 allows at most 1024');
  });

  it('leaves other errors and unknown reasons as they came', () => {
    const other = { code: 'KEY_INVALID' as const, message: '', params: { reason: 'it is empty' } };
    expect(localiseTemplateError(other, (k, v) => portuguese.t(k, v))).toBe(other);
    const unknown = { code: 'TEMPLATE_INVALID' as const, message: '', params: { reason: 'something new' } };
    expect(localiseTemplateError(unknown, (k, v) => portuguese.t(k, v))).toBe(unknown);
  });
});
