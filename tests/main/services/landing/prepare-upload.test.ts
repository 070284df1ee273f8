import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cp1252ToUtf8, prepareCsvUpload } from '../../../../src/main/services/landing/prepare-upload';

const fixtures = join(import.meta.dirname, '../../../fixtures/csv');
const fx = (name: string) => join(fixtures, name);
const tmp = mkdtempSync(join(tmpdir(), 's3drop-prepare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('prepareCsvUpload', () => {
  it('converts a Windows-1252 export to UTF-8 byte for byte', async () => {
    const out = await prepareCsvUpload(fx('brazil-latin1.csv'), { convertToUtf8: true, tmpDir: tmp });
    expect(out.path).not.toBe(fx('brazil-latin1.csv'));
    expect(readFileSync(out.path).equals(readFileSync(fx('brazil-latin1.utf8.csv')))).toBe(true);
    expect(out).toMatchObject({ contentType: 'text/csv; charset=utf-8', keySuffix: '', sourceEncoding: 'windows-1252' });
    // The user's file is untouched.
    expect(readFileSync(fx('brazil-latin1.csv')).includes(0xe3)).toBe(true);
    await out.cleanup();
    expect(existsSync(out.path)).toBe(false);
    await out.cleanup(); // twice is fine
  });

  it('maps the Windows-1252 specials (€, curly quotes) that plain Latin-1 lacks', async () => {
    const path = join(tmp, 'specials.csv');
    writeFileSync(path, Buffer.from([0x80, 0x3b, 0x93, 0x61, 0x94, 0x3b, 0xe7, 0x0a]));
    const out = await prepareCsvUpload(path, { convertToUtf8: true, tmpDir: tmp });
    expect(readFileSync(out.path).toString('hex')).toBe(Buffer.from('€;“a”;ç\n', 'utf8').toString('hex'));
    await out.cleanup();
  });

  it('agrees with the WHATWG Windows-1252 decoder on every byte, with and without the 0x80–0x9F range', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b).filter((b) => b !== 0));
    const noC1 = Buffer.from([...all].filter((b) => b < 0x80 || b > 0x9f));
    for (const [name, bytes] of [['all.csv', all], ['no-c1.csv', noC1]] as const) {
      const path = join(tmp, name);
      writeFileSync(path, Buffer.concat([Buffer.from('a,b\n'), bytes, Buffer.from('\n')]));
      const out = await prepareCsvUpload(path, { convertToUtf8: true, tmpDir: tmp });
      const expected = Buffer.from(new TextDecoder('windows-1252').decode(readFileSync(path)), 'utf8');
      expect(readFileSync(out.path).equals(expected), name).toBe(true);
      await out.cleanup();
    }
  });

  it('labels an unconverted Windows-1252 file with its real charset and leaves it in place', async () => {
    const out = await prepareCsvUpload(fx('brazil-latin1.csv'), { tmpDir: tmp });
    expect(out).toMatchObject({ path: fx('brazil-latin1.csv'), contentType: 'text/csv; charset=windows-1252', keySuffix: '' });
  });

  it('uploads UTF-8 as it is, with the TSV type for a .tsv', async () => {
    const out = await prepareCsvUpload(fx('tabs.tsv'), { convertToUtf8: true, tmpDir: tmp });
    expect(out).toMatchObject({ path: fx('tabs.tsv'), contentType: 'text/tab-separated-values; charset=utf-8', keySuffix: '' });
  });

  it('strips the BOM when converting and keeps it otherwise', async () => {
    const original = readFileSync(fx('bom.csv'));
    const converted = await prepareCsvUpload(fx('bom.csv'), { convertToUtf8: true, tmpDir: tmp });
    expect(readFileSync(converted.path).equals(original.subarray(3))).toBe(true);
    await converted.cleanup();
    const kept = await prepareCsvUpload(fx('bom.csv'), { tmpDir: tmp });
    expect(kept.path).toBe(fx('bom.csv'));
    expect(kept.contentType).toBe('text/csv; charset=utf-8');
  });

  it('gzips to name.csv.gz with a gzip type and round-trips to the converted bytes', async () => {
    const out = await prepareCsvUpload(fx('brazil-latin1.csv'), { convertToUtf8: true, gzip: true, tmpDir: tmp });
    expect(out.path.endsWith('brazil-latin1.csv.gz')).toBe(true);
    expect(out).toMatchObject({ keySuffix: '.gz', contentType: 'application/gzip' });
    expect(gunzipSync(readFileSync(out.path)).equals(readFileSync(fx('brazil-latin1.utf8.csv')))).toBe(true);
    await out.cleanup();
  });

  it('compresses a file that is not delimited text without guessing its type', async () => {
    const path = join(tmp, 'data.json');
    writeFileSync(path, '{"a":1}');
    expect(await prepareCsvUpload(path, { convertToUtf8: true, tmpDir: tmp })).toMatchObject({ path, keySuffix: '' });
    const gz = await prepareCsvUpload(path, { gzip: true, tmpDir: tmp });
    expect(gz.keySuffix).toBe('.gz');
    expect(gunzipSync(readFileSync(gz.path)).toString()).toBe('{"a":1}');
    await gz.cleanup();
  });

  it('reports a missing file plainly and leaves no temporary files behind', async () => {
    const before = readdirSync(tmp).length;
    await expect(prepareCsvUpload(join(tmp, 'gone.csv'), { convertToUtf8: true, gzip: true, tmpDir: tmp })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(prepareCsvUpload(join(tmp, 'gone.json'), { gzip: true, tmpDir: tmp })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(readdirSync(tmp).length).toBe(before);
  });
});

describe('cp1252ToUtf8', () => {
  /** The WHATWG decoder: the reference the conversion must match byte for byte. */
  const reference = (bytes: Buffer) => Buffer.from(new TextDecoder('windows-1252').decode(bytes), 'utf8');
  const convert = (bytes: Buffer) => Buffer.from(cp1252ToUtf8(bytes, Buffer.alloc(bytes.length * 3)));
  const c1 = [0x80, 0x81, 0x8d, 0x93, 0x94, 0x9f];

  it('matches the decoder with C1 bytes only at the end, only at the start, at window edges and nowhere', () => {
    const text = Buffer.from('Conceição;São Paulo;1.234,56\r\n'.repeat(6000), 'latin1'); // ~180 KiB: three 64 KiB windows
    const cases: Record<string, Buffer> = {
      none: text,
      'at the end': Buffer.concat([text, Buffer.from([0x80])]),
      'at the start': Buffer.concat([Buffer.from([0x93]), text]),
      'around window edges': Buffer.from(text).fill(0x80, 65535, 65537).fill(0x9f, 131071, 131072),
      'one short run between two': Buffer.concat([Buffer.from([0x93]), text.subarray(0, 63), Buffer.from([0x94]), text.subarray(0, 64), Buffer.from([0x80]), text]),
      'dense, then sparse': Buffer.concat([Buffer.from(Array.from({ length: 4000 }, (_, i) => c1[i % c1.length]!)), text]),
    };
    for (const [name, bytes] of Object.entries(cases)) expect(convert(bytes).equals(reference(bytes)), name).toBe(true);
  });

  it('matches the decoder on any mix of C1 bytes, runs and lengths (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom(...c1).map((b) => [b]),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 200 })).map(([b, n]) => new Array<number>(n).fill(b)),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 100 }),
      fc.tuple(fc.constantFrom(0x61, 0xe7), fc.integer({ min: 60_000, max: 70_000 })).map(([b, n]) => new Array<number>(n).fill(b)),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 40 }), (segments) => {
        const bytes = Buffer.from(segments.flat());
        expect(convert(bytes).equals(reference(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('converts a file over several read chunks with C1 bytes at the chunk edges', async () => {
    const mib = 1024 * 1024;
    const bytes = Buffer.alloc(3 * mib + 7, 0xe7);
    for (const at of [0, mib - 1, mib, 2 * mib - 1, 2 * mib + 1, 3 * mib + 6]) bytes[at] = 0x80;
    const path = join(tmp, 'chunks.csv');
    writeFileSync(path, bytes);
    const out = await prepareCsvUpload(path, { convertToUtf8: true, tmpDir: tmp });
    expect(readFileSync(out.path).equals(reference(bytes))).toBe(true);
    await out.cleanup();
  });
});
