import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { RecordCounter, sniffCsv } from '../../../../src/main/services/landing/csv-sniffer';
import { Utf8Validator } from '../../../../src/main/services/landing/encoding';

const fixtures = join(import.meta.dirname, '../../../fixtures/csv');
const fx = (name: string) => join(fixtures, name);
const tmp = mkdtempSync(join(tmpdir(), 's3drop-sniff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sniffCsv on the fixtures', () => {
  it('reads a Brazilian export: ; delimited, Windows-1252, accents in headers', async () => {
    const { report } = await sniffCsv(fx('brazil-latin1.csv'));
    expect(report).toMatchObject({ encoding: 'windows-1252', delimiter: ';', quote: null, hasHeader: true, columns: 7, rows: 4, raggedRows: 0 });
    expect(report.header).toEqual(['Nome do Cliente', 'Município', 'Código', 'Valor Total', 'Data da Venda', 'Quantidade', 'Ativo']);
    expect(report.preview[0]).toEqual(['João Silva', 'São Paulo', '007', '1.234,56', '31/01/2024', '3', 'true']);
    expect(report.preview[3]![0]).toBe('Ângela Müller');
    expect(report.warnings).toEqual([{ code: 'not-utf8', detail: 'Windows-1252 (Latin-1)' }]);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields', async () => {
    const result = await sniffCsv(fx('quoted.csv'));
    expect(result.report).toMatchObject({ encoding: 'utf-8', delimiter: ',', quote: '"', hasHeader: true, columns: 5, rows: 3, raggedRows: 0, warnings: [] });
    expect(result.report.preview[0]).toEqual(['1', 'Widget, large', 'Line one\nline two', '10.5', '2024-01-31 08:15:00']);
    expect(result.report.preview[1]![1]).toBe('Gadget "Pro"');
    expect(result.report.preview[2]![2]).toBe('');
    expect(result.multilineRecords).toBe(1);
  });

  it('detects a TSV', async () => {
    const { report } = await sniffCsv(fx('tabs.tsv'));
    expect(report).toMatchObject({ delimiter: '\t', quote: null, hasHeader: true, columns: 5, rows: 3 });
    expect(report.preview[2]).toEqual(['B-7', 'Tea pot, white', '4000000000', 'true', '2024-05-03']);
  });

  it('sees that a file of numbers and dates has no header', async () => {
    const { report } = await sniffCsv(fx('headerless.txt'));
    expect(report).toMatchObject({ delimiter: '|', hasHeader: false, header: [], columns: 4, rows: 3 });
    expect(report.preview[0]).toEqual(['1001', '2024-03-01', '19.90', 'ok']);
  });

  it('warns about ragged rows, an empty header and a duplicate header (Athena lowercases names)', async () => {
    const { report } = await sniffCsv(fx('ragged.csv'));
    expect(report).toMatchObject({ columns: 5, rows: 4, raggedRows: 2, hasHeader: true });
    expect(report.preview[1]).toEqual(['2', 'd', 'e']);
    expect(report.warnings.map((w) => w.code)).toEqual(['ragged', 'empty-header', 'duplicate-header']);
    expect(report.warnings[0]!.detail).toBe('2 of 5 rows do not have 5 columns (row 3 has 3, row 4 has 6)');
    expect(report.warnings[1]!.detail).toBe('column 4');
    expect(report.warnings[2]!.detail).toBe('name');
  });

  it('reports an empty file as zero rows and columns, and says it is empty', async () => {
    const { report } = await sniffCsv(fx('empty.csv'));
    expect(report).toEqual({ encoding: 'utf-8', delimiter: ',', quote: null, hasHeader: false, columns: 0, rows: 0, header: [], preview: [], raggedRows: 0, warnings: [{ code: 'empty' }] });
    const blank = join(tmp, 'blank-lines.csv');
    writeFileSync(blank, '\n\r\n\n');
    expect((await sniffCsv(blank)).report.warnings).toEqual([{ code: 'empty' }]);
  });

  it('handles a one-column file', async () => {
    const { report } = await sniffCsv(fx('one-column.csv'));
    expect(report).toMatchObject({ delimiter: ',', columns: 1, rows: 3, hasHeader: true, header: ['email'], raggedRows: 0 });
    expect(report.preview).toEqual([['ana@example.com'], ['beto@example.com'], ['carla@example.com']]);
  });

  it('reports a BOM and keeps it out of the first header name', async () => {
    const { report } = await sniffCsv(fx('bom.csv'));
    expect(report).toMatchObject({ encoding: 'utf-8-bom', header: ['cidade', 'população'], rows: 2 });
    expect(report.warnings).toEqual([]);
  });
});

describe('sniffCsv streaming', () => {
  it('gives the same report whatever the chunk size (state carried across chunk edges)', async () => {
    for (const name of ['brazil-latin1.csv', 'quoted.csv', 'bom.csv', 'ragged.csv', 'tabs.tsv']) {
      const whole = await sniffCsv(fx(name));
      for (const chunkSize of [1, 2, 3, 5, 64]) {
        expect(await sniffCsv(fx(name), { chunkSize }), `${name} at ${chunkSize}`).toEqual(whole);
      }
    }
  });

  it('finds a Latin-1 byte far past the sample and the head', async () => {
    const path = join(tmp, 'late-latin1.csv');
    const rows = ['id;nome'];
    for (let i = 0; i < 20_000; i++) rows.push(`${i};linha ${i}`);
    writeFileSync(path, Buffer.concat([Buffer.from(rows.join('\n') + '\n'), Buffer.from([0x39, 0x3b, 0x63, 0xe7, 0x0a])])); // "9;cç" in Latin-1
    const { report } = await sniffCsv(path, { sampleBytes: 4096 });
    expect(report.encoding).toBe('windows-1252');
    expect(report.rows).toBe(20_001);
    expect(report.preview).toHaveLength(20);
  });

  it('keeps CRLF line endings and blank lines out of the counts', async () => {
    const path = join(tmp, 'crlf.csv');
    writeFileSync(path, 'a,b\r\n1,2\r\n\r\n3,4\r\n\r\n');
    const { report } = await sniffCsv(path, { chunkSize: 3 });
    expect(report).toMatchObject({ rows: 2, columns: 2, raggedRows: 0, preview: [['1', '2'], ['3', '4']] });
  });

  it('detects single-quoted fields only when they are whole', async () => {
    const single = join(tmp, 'single.csv');
    writeFileSync(single, "name,city\n'Smith, J',Recife\n'Lee',Natal\n");
    expect((await sniffCsv(single)).report.quote).toBe("'");
    const apostrophe = join(tmp, 'apostrophe.csv');
    writeFileSync(apostrophe, "name,city\nO'Brien,Recife\nLee,Natal\n");
    expect((await sniffCsv(apostrophe)).report.quote).toBe(null);
  });

  it('refuses a binary file and a missing file in plain words', async () => {
    const bin = join(tmp, 'photo.csv');
    writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48]));
    await expect(sniffCsv(bin)).rejects.toMatchObject({ code: 'CSV_INVALID' });
    const missing = sniffCsv(join(tmp, 'nope.csv'));
    await expect(missing).rejects.toBeInstanceOf(AppError);
    await expect(missing).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });

  it('counts rows and cells exactly for any RFC 4180 table (property)', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', 'ç', ' ', ',', '"', '\n', '\r\n', '7'), maxLength: 8 });
    const table = fc.integer({ min: 2, max: 5 }).chain((cols) => fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 30 }));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(table, fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(1 << 20)), fc.constantFrom('\n', '\r\n', '\r'), async (rows, chunkSize, eol) => {
        const encode = (v: string) => (/[",\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v);
        const path = join(tmp, `prop-${n++}.csv`);
        writeFileSync(path, rows.map((r) => r.map(encode).join(',')).join(eol) + eol);
        const { report, sample } = await sniffCsv(path, { chunkSize });
        expect(report.delimiter).toBe(',');
        expect(report.columns).toBe(rows[0]!.length);
        expect(report.raggedRows).toBe(0);
        expect(report.rows + (report.hasHeader ? 1 : 0)).toBe(rows.length);
        expect(sample).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Utf8Validator', () => {
  it('accepts multi-byte characters split at every position and rejects a truncated one', () => {
    const bytes = Buffer.from('aç€😀z', 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (let cut2 = cut; cut2 <= bytes.length; cut2++) {
        const v = new Utf8Validator();
        v.push(bytes.subarray(0, cut));
        v.push(bytes.subarray(cut, cut2));
        v.push(bytes.subarray(cut2));
        expect(v.finish(), `cuts ${cut},${cut2}`).toBe(true);
      }
    }
    const truncated = new Utf8Validator();
    truncated.push(Buffer.from([0x61, 0xe2, 0x82]));
    expect(truncated.finish()).toBe(false);
    const latin1 = new Utf8Validator();
    latin1.push(Buffer.from([0x61, 0xe7]));
    latin1.push(Buffer.from([0x61]));
    expect(latin1.finish()).toBe(false);
  });
});

describe('sniffCsv preview', () => {
  it('cuts very long cells in the preview but keeps them whole in the sample', async () => {
    const path = join(tmp, 'long-cell.csv');
    const long = 'x'.repeat(5000);
    writeFileSync(path, `id,text\n1,${long}\n`);
    const { report, sample } = await sniffCsv(path);
    expect(report.preview[0]![1]).toBe('x'.repeat(500) + '…');
    expect(sample[1]![1]).toBe(long);
  });

  it('gives a first line longer than the head a warning and no preview, instead of one row of a million cells', async () => {
    const path = join(tmp, 'one-line.csv');
    writeFileSync(path, 'a,'.repeat(5 * 1024 * 1024)); // 10 MB, no line break
    const { report, sample } = await sniffCsv(path);
    expect(report.warnings).toEqual([{ code: 'long-line', detail: '64' }]);
    expect(report).toMatchObject({ hasHeader: false, header: [], preview: [] });
    expect(sample).toEqual([]);
    expect(JSON.stringify(report).length).toBeLessThan(1000);
  });
});

describe('RecordCounter fast path', () => {
  /** What the counter reports after the stream. */
  const counts = (c: RecordCounter) => {
    c.finish();
    return { records: c.records, firstCount: c.firstCount, ragged: c.ragged, raggedExamples: c.raggedExamples, multilineRecords: c.multilineRecords, quotedSeen: c.quotedSeen };
  };
  /** Feeds `bytes` cut at `cuts`, each piece starting `shift` bytes past a word boundary (as a BOM cut or a pooled buffer does). */
  const feed = (bytes: Buffer, cuts: number[], shift: number, fast: boolean, delimiter = ';', quote = '"') => {
    const counter = new RecordCounter(delimiter, quote);
    const edges = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
    for (let e = 0; e + 1 < edges.length; e++) {
      const piece = bytes.subarray(edges[e], edges[e + 1]);
      const holder = Buffer.alloc(piece.length + 4);
      piece.copy(holder, shift);
      const chunk = holder.subarray(shift, shift + piece.length);
      if (fast) counter.push(chunk);
      else counter.pushScan(chunk);
    }
    return counts(counter);
  };

  it('agrees with the state machine alone on any bytes, chunking and alignment (property)', () => {
    const byte = fc.constantFrom(0x61, 0x37, 0xe7, 0x3b, 0x3b, 0x2c, 0x22, 0x27, 0x0d, 0x0a, 0x0a);
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 300 }), fc.array(fc.nat(300)), fc.nat(3), (bytes, cuts, shift) => {
        const buf = Buffer.from(bytes);
        expect(feed(buf, cuts, shift, true)).toEqual(feed(buf, cuts, shift, false));
        expect(feed(buf, cuts, shift, true, ',', "'")).toEqual(feed(buf, cuts, shift, false, ',', "'"));
      }),
      { numRuns: 2000 },
    );
  });

  it('hands over to the state machine at a quote after delimiters, at every word position', () => {
    // Lines long enough for the word loop, with the quote (or the cut) at each byte of a word.
    for (let pad = 0; pad < 8; pad++) {
      const bytes = Buffer.from(`${'x'.repeat(pad)}abc;defgh;ij;"k;l""m\r\nn";o\r\n${'y'.repeat(pad)};12345678;"p"q;r\r\nlast;one`, 'latin1');
      for (let cut = 0; cut <= bytes.length; cut++) {
        for (let shift = 0; shift < 4; shift++) expect(feed(bytes, [cut], shift, true), `pad ${pad} cut ${cut} shift ${shift}`).toEqual(feed(bytes, [], 0, false));
      }
    }
    expect(feed(Buffer.from('abc;defgh;ij;"k;l""m\r\nn";o\r\n', 'latin1'), [], 0, true)).toMatchObject({ records: 1, firstCount: 5, multilineRecords: 1, quotedSeen: true });
  });

  it('keeps a CRLF whose halves fall in two chunks one line break', () => {
    const bytes = Buffer.from('aaaa;bbbb;cccc\r\ndddd;eeee;ffff\r\n\r\ngggg;hhhh\r\n', 'latin1');
    const cr = bytes.indexOf(0x0d) + 1;
    expect(feed(bytes, [cr], 0, true)).toEqual({ records: 3, firstCount: 3, ragged: 1, raggedExamples: [{ record: 3, fields: 2 }], multilineRecords: 0, quotedSeen: false });
    expect(feed(bytes, [cr], 1, true)).toEqual(feed(bytes, [cr], 1, false));
  });
});
