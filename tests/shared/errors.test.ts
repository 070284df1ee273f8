import { describe, expect, it } from 'vitest';
import { AppError, errorCatalogue, errorText, fillText, toErrorData, type CatalogueTexts, type ErrorCode } from '../../src/shared/errors';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the error catalogue', () => {
  const codes = Object.keys(errorCatalogue) as ErrorCode[];
  /** Each code's texts: the general pair, and the pair for a count of one where there is one. */
  const textsOf = (code: ErrorCode): CatalogueTexts[] => {
    const entry: CatalogueTexts & { one?: CatalogueTexts } = errorCatalogue[code];
    return entry.one ? [entry, entry.one] : [entry];
  };

  it('has a sentence in both languages for every code, with the same placeholders', () => {
    for (const code of codes) for (const { en, 'pt-BR': pt } of textsOf(code)) {
      expect(en.trim().length, code).toBeGreaterThan(10);
      expect(pt.trim().length, code).toBeGreaterThan(10);
      expect(pt, `${code} is not translated`).not.toBe(en);
      expect(placeholders(pt), code).toEqual(placeholders(en));
      // A sentence a person can read: it starts with a capital (or a placeholder) and ends with a full stop.
      for (const text of [en, pt]) expect(text, code).toMatch(/^([A-Z"“{ÁÉÍÓÚÂÊÔÃÕÇ]|Esta|Esse)[\s\S]*[.!?]$/u);
    }
  });

  it('promises nothing the app may not do: a final error is shown after the last retry, and after the CLI has exited', () => {
    const promise = /will try again|will be (uploaded|sent|retried|downloaded)|try again shortly|vai tentar de novo|será (enviad|baixad)[oa] de novo|tentar de novo em instantes/i;
    for (const code of codes) for (const t of textsOf(code)) for (const text of [t.en, t['pt-BR']]) expect(text, code).not.toMatch(promise);
  });

  it('counts files in words that fit the count: "1 file", "2 files", in both languages', () => {
    expect(new AppError('SYNC_BRAKE', { count: 1, percent: 50 }).message).toBe('This sync would delete 1 file (50% of the folder). It was stopped so you can confirm.');
    expect(errorText('SYNC_BRAKE', 'pt-BR', { count: 1, percent: 50 })).toBe('Esta sincronização apagaria 1 arquivo (50% da pasta). Ela foi parada para você confirmar.');
    expect(errorText('SYNC_BRAKE', 'en', { count: 2, percent: 50 })).toContain('delete 2 files (');
    expect(errorText('SYNC_UPLOADS_FAILED', 'en', { count: 1 })).toMatch(/^1 file could not be uploaded/);
    expect(errorText('SYNC_UPLOADS_FAILED', 'pt-BR', { count: 3 })).toMatch(/^3 arquivos não puderam/);
  });

  it('fills parameters and leaves a missing one visible', () => {
    expect(errorText('BUCKET_NOT_FOUND', 'en', { bucket: 'photos' })).toBe('The bucket "photos" does not exist. Create it, or check its name.');
    expect(errorText('BUCKET_NOT_FOUND', 'pt-BR', { bucket: 'fotos' })).toContain('"fotos"');
    expect(fillText('a {x} b {y}', { x: 1 })).toBe('a 1 b {y}');
  });

  it('shows a name\'s control characters as escapes, in the app as on the terminal: a message must not hide part of the name', () => {
    const text = errorText('KEY_INVALID', 'en', { key: 'bad\u0007bell\u0001.txt', reason: 'it contains an invisible control character' });
    expect(text).toContain('"bad\\x07bell\\x01.txt"');
    expect(errorText('KEY_INVALID', 'pt-BR', { key: 'a\u202eb.txt', reason: 'x' })).toContain('a\\u202eb.txt');
  });

  it('words the place of an access error in each language, and leaves it out when there is none', () => {
    const params = { resource: 'explore2-ui/sync/*', permission: 's3:PutObject' };
    expect(errorText('ACCESS_DENIED', 'pt-BR', params)).toBe('Esta chave não tem permissão para isso em explore2-ui/sync/*. Peça ao administrador a permissão s3:PutObject.');
    expect(errorText('ACCESS_DENIED', 'en', params)).toBe('This key is not allowed to do that on explore2-ui/sync/*. Ask your administrator for s3:PutObject.');
    expect(errorText('ACCESS_DENIED_OR_SECRET', 'pt-BR', { ...params, resource: '' })).toMatch(/^O acesso foi recusado: ou/);
  });

  it('never passes raw exception text off as a message', () => {
    const data = toErrorData(new TypeError('Cannot read properties of undefined'));
    expect(data.code).toBe('UNKNOWN');
    expect(data.message).toBe(errorText('UNKNOWN'));
    expect(data.details).toContain('Cannot read properties');
    expect(new AppError('FILE_NOT_FOUND', { path: '/x' }).toData()).toEqual({ code: 'FILE_NOT_FOUND', message: errorText('FILE_NOT_FOUND', 'en', { path: '/x' }), params: { path: '/x' } });
  });
});
