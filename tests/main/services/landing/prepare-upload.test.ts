import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareCsvUpload } from '../../../../src/main/services/landing/prepare-upload';

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
