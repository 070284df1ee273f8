/** Names checked before any request: bucket rules, key byte limits, prefix normalisation, error mapping. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketNameProblem, keyProblem, normalisePrefix, uploadKeyProblem } from '../../../../src/main/services/s3/validate';
import { toAppError } from '../../../../src/main/services/s3/errors';
import { errorText } from '../../../../src/shared/errors';

describe('bucket names', () => {
  it.each([
    ['my-bucket', undefined],
    ['a.b.c', undefined],
    ['ab', /at least 3/],
    ['a'.repeat(64), /at most 63/],
    ['Bucket', /lowercase/],
    ['bad_name', /only lowercase letters, digits/],
    ['-start', /start and end/],
    ['a..b', /two dots/],
    ['192.168.1.1', /IP address/],
    ['xn--abc', /may not start/],
    ['name-s3alias', /may not end/],
  ])('%s', (name, expected) => {
    const p = bucketNameProblem(name);
    if (expected === undefined) expect(p).toBeUndefined();
    else expect(p).toMatch(expected);
  });
});

describe('keys', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(keyProblem('é'.repeat(512))).toBeUndefined();
    expect(keyProblem('é'.repeat(512) + 'x')).toMatch(/1025 bytes/);
  });
  it('refuses empty keys and control characters', () => {
    expect(keyProblem('')).toMatch(/empty/);
    expect(keyProblem('a\nb')).toMatch(/control/);
  });
  it('accepts any printable unicode key up to the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), (s) => {
        // eslint-disable-next-line no-control-regex -- control characters are refused separately
        const clean = s.replace(/[\u0000-\u001f\u007f]/g, 'x');
        expect(keyProblem(clean)).toBe(Buffer.byteLength(clean) > 1024 ? expect.any(String) : undefined);
      }),
    );
  });
});

describe('prefixes', () => {
  it.each([
    ['', ''],
    ['a', 'a/'],
    ['a/', 'a/'],
    ['/a/b', 'a/b/'],
  ])('%s → %s', (input, out) => expect(normalisePrefix(input)).toBe(out));
});

describe('toAppError', () => {
  const s3err = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  it('names the missing permission and place for AccessDenied', () => {
    const e = toAppError(s3err('AccessDenied', 403), { action: 'PutObject', bucket: 'b', key: 'photos/2024/x.jpg' });
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).toContain('s3:PutObject');
    expect(e.message).toContain('that on b/photos/2024/*.');
    // The place is worded in the reader's language, not built in English by the engine.
    expect(errorText(e.code, 'pt-BR', e.params)).toBe('Esta chave não tem permissão para isso em b/photos/2024/*. Peça ao administrador a permissão s3:PutObject.');
  });
  it('marks throttling, 5xx, timeouts and resets retryable, and the rest not', () => {
    expect(toAppError(s3err('SlowDown', 503)).options.retryable).toBe(true);
    expect(toAppError(s3err('InternalError', 500)).code).toBe('SERVER_ERROR');
    expect(toAppError(s3err('RequestTimeout', 400)).options.retryable).toBe(true);
    expect(toAppError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).code).toBe('NETWORK');
    expect(toAppError(s3err('NoSuchBucket', 404), { bucket: 'x' }).options.retryable).toBe(false);
    expect(toAppError(s3err('RequestTimeTooSkewed', 403)).code).toBe('CLOCK_SKEW');
  });
  it('a missing bucket at an endpoint with a path points at the path; a bare address (trailing / or not) does not', () => {
    const at = (endpoint: string, err = s3err('NoSuchBucket', 404), action?: string) => toAppError(err, { bucket: 'b', endpoint, ...(action ? { action } : {}) });
    expect(at('http://127.0.0.1:7590/some/path')).toMatchObject({ code: 'BUCKET_NOT_FOUND_ENDPOINT_PATH', params: { bucket: 'b', endpoint: 'http://127.0.0.1:7590/some/path', origin: 'http://127.0.0.1:7590' } });
    expect(at('https://s3.example.com/s3/', s3err('NotFound', 404), 'HeadBucket').code).toBe('BUCKET_NOT_FOUND_ENDPOINT_PATH');
    expect(at('http://127.0.0.1:7590').code).toBe('BUCKET_NOT_FOUND');
    expect(at('http://127.0.0.1:7590/').code).toBe('BUCKET_NOT_FOUND');
    expect(toAppError(s3err('NoSuchBucket', 404), { bucket: 'b' }).code).toBe('BUCKET_NOT_FOUND');
  });
  it('names the region of a bucket elsewhere from a HEAD\'s bodiless 301 (the SDK calls it Unknown)', () => {
    const head301 = Object.assign(new Error('UnknownError'), { name: 'Unknown', $metadata: { httpStatusCode: 301 }, $response: { statusCode: 301, headers: { 'x-amz-bucket-region': 'eu-west-1' } } });
    const e = toAppError(head301, { action: 'HeadObject', bucket: 'photos' });
    expect(e.code).toBe('WRONG_REGION');
    expect(e.message).toContain('eu-west-1');
  });
  it('hides unknown exception text behind UNKNOWN, keeping it in details', () => {
    const e = toAppError(new Error('weird thing'));
    expect(e.code).toBe('UNKNOWN');
    expect(e.options.details).toContain('weird thing');
  });
});

describe('upload keys', () => {
  it.each(['../escape.txt', 'a/../../b.txt', './x.txt', 'a/./b.txt', 'inbox/..', '.'])('refuses the dot segment in %j with a plain reason', (key) => {
    expect(uploadKeyProblem(key)).toMatch(/outside the chosen folder/);
  });
  it.each(['.hidden', 'a/..b/c.txt', 'x.../y', 'a/b.c', '...'])('accepts %j (dots that are not a whole folder name)', (key) => {
    expect(uploadKeyProblem(key)).toBeUndefined();
  });
});
