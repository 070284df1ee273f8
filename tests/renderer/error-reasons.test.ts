/**
 * Name errors in the UI language: the engine's English `reason` for BUCKET_NAME_INVALID and KEY_INVALID is shown
 * from the UI catalogue, for every reason the real checks in validate.ts produce, so Portuguese is not mixed text.
 */
import { describe, expect, it } from 'vitest';
import { assertBucketNameForCreate, assertBucketRef, assertUploadKey } from '../../src/main/services/s3/validate';
import { AppError, errorText, toErrorData, type AppErrorData, type Language } from '../../src/shared/errors';
import { localisedErrorParams, reasonKeyOf } from '../../src/renderer/error-reasons';
import { createI18n } from '../../src/renderer/i18n';

/** The error a check throws for a bad name, as the renderer receives it. */
function refusal(check: (name: string) => void, name: string): AppErrorData {
  try {
    check(name);
  } catch (err) {
    return toErrorData(err);
  }
  throw new Error(`expected ${JSON.stringify(name)} to be refused`);
}

/** One bad name for every branch of the real checks. */
const refusals: AppErrorData[] = [
  ...['ab', 'a'.repeat(64), 'MyBucket', 'my_bucket', '-bucket', 'my..bucket', '192.168.1.1', 'xn--bucket', 'bucket-s3alias'].map((n) => refusal(assertBucketNameForCreate, n)),
  ...['', 'b'.repeat(256), 'my bucket'].map((n) => refusal(assertBucketRef, n)),
  ...['', 'é'.repeat(600), 'a\u0001b', 'x\ud800y', 'fotos/../segredo.txt'].map((n) => refusal(assertUploadKey, n)),
];

/** The sentence ErrorMessage shows for an error in a language. */
function shown(error: AppErrorData, lang: Language): string {
  const i18n = createI18n(lang);
  return errorText(error.code, lang, localisedErrorParams(error, { t: (key, values) => i18n.t(key, values), exists: (key) => i18n.exists(key) }));
}

describe('name errors in the UI language', () => {
  it('know every reason the engine checks give (a new or reworded reason in validate.ts fails here)', () => {
    expect(refusals).toHaveLength(17);
    const unknown = refusals.filter((e) => !reasonKeyOf(e)).map((e) => e.params?.reason);
    expect(unknown).toEqual([]);
    // Every branch has its own text (no two checks collapse into one reason).
    expect(new Set(refusals.map((e) => reasonKeyOf(e)!.key)).size).toBe(17);
  });

  it('leave the English sentence exactly as the engine wrote it', () => {
    for (const e of refusals) expect(shown(e, 'en')).toBe(e.message);
  });

  it('show the whole sentence in Portuguese, with the numbers of the long-key reason', () => {
    for (const e of refusals) expect(shown(e, 'pt-BR'), e.message).not.toContain(String(e.params!.reason));
    expect(shown(refusals[0]!, 'pt-BR')).toBe('O nome de bucket "ab" não pode ser usado: ele precisa ter pelo menos 3 caracteres.');
    const long = refusals.find((e) => e.code === 'KEY_INVALID' && /bytes/.test(String(e.params!.reason)))!;
    expect(shown(long, 'pt-BR')).toMatch(/: ele tem 1200 bytes, e o S3 aceita no máximo 1024 bytes \(/);
  });

  it('use a reasonKey param when the engine sends one, and keep an unknown reason as it came', () => {
    const keyed = new AppError('BUCKET_NAME_INVALID', { bucket: 'a..b', reason: 'some newer wording', reasonKey: 'twoDots' }).toData();
    expect(shown(keyed, 'pt-BR')).toBe('O nome de bucket "a..b" não pode ser usado: ele não pode ter dois pontos seguidos.');
    const unknown = new AppError('KEY_INVALID', { key: 'x', reason: 'a reason the UI has not heard of' }).toData();
    expect(shown(unknown, 'pt-BR')).toBe('O nome "x" não pode ser usado no bucket: a reason the UI has not heard of.');
    const missingKey = new AppError('KEY_INVALID', { key: 'x', reason: 'kept', reasonKey: 'noSuchReason' }).toData();
    expect(shown(missingKey, 'pt-BR')).toContain(': kept.');
    // Other codes' params are passed through untouched.
    const other = new AppError('TEMPLATE_INVALID', { reason: 'it must be at least 3 characters long' }).toData();
    expect(reasonKeyOf(other)).toBeUndefined();
  });
});
