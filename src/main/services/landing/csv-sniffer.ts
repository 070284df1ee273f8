/**
 * The CSV check: one streaming pass over a .csv/.tsv/.txt file that finds the encoding, the dialect
 * (delimiter and quote), whether there is a header, the column count per row and the row count, and
 * keeps only a bounded sample for the preview and for type inference. Memory is one read chunk plus the
 * sample (at most `sampleBytes`), whatever the file size, so a 2 GiB export is checked without loading it.
 */
import type { CsvReport } from '../../../shared/contract/landing';
import { AppError } from '../../../shared/errors';
import { detectHeader } from './csv-types';
import { chunksWithoutBom, fileError, readChunks, Utf8Validator, type CsvEncoding } from './encoding';

/** A delimiter the check recognises. */
export type CsvDelimiter = CsvReport['delimiter'];

/** The delimiters tried, in order of preference when two fit equally well. */
export const delimiterCandidates: readonly CsvDelimiter[] = [',', ';', '\t', '|'];

/** Tuning for the check; the defaults suit the UI. */
export interface SniffOptions {
  /** Data rows in the report's preview (default 20). */
  previewRows?: number;
  /** Rows kept for header and type inference (default 1,000). */
  sampleRows?: number;
  /** Raw bytes kept for that sample (default 1 MiB); bounds memory whatever the row length. */
  sampleBytes?: number;
  /** Read size (default 256 KiB: few system calls, and two buffers of it keep RSS low). */
  chunkSize?: number;
}

/** The report plus what the DDL generator needs and the UI does not. */
export interface CsvSniffResult {
  report: CsvReport;
  /** The first rows (header included when there is one), decoded and whole, for type inference. */
  sample: string[][];
  /** Records whose quoted fields hold line breaks (Athena would split them into two rows). */
  multilineRecords: number;
  /** The file's size in bytes. */
  bytes: number;
}

/** The head read for the dialect; a first line longer than this gets the `long-line` warning and no preview. */
export const HEAD_BYTES = 64 * 1024;
/** The longest cell text shown in the preview. */
export const previewCellChars = 500;
const MAX_RAGGED_EXAMPLES = 3;

/** Parses text into rows, RFC 4180 style; blank lines are skipped. Used on the bounded head and sample only. */
export function parseCsvText(text: string, delimiter: string, quote: string | null, maxRows = Infinity): { rows: string[][]; complete: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let quotedField = false;
  let started = false;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    if (started) {
      row.push(field);
      rows.push(row);
    }
    row = [];
    field = '';
    started = false;
    quotedField = false;
  };
  while (i < n && rows.length < maxRows) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === quote) {
        if (text[i + 1] === quote) {
          field += c;
          i += 2;
          continue;
        }
        inQuotes = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === quote && field === '' && !quotedField) {
      inQuotes = true;
      quotedField = true;
      started = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      quotedField = false;
      started = true;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += c;
      started = true;
    }
    i++;
  }
  const complete = i >= n && !inQuotes;
  if (i >= n && started) endRecord();
  return { rows, complete };
}

/** Picks the delimiter whose field count is most consistent over the head's records (then the most fields). */
export function detectDialect(head: string, isLastChunk: boolean, extension: string): { delimiter: CsvDelimiter; quote: CsvReport['quote'] } {
  let best: { delimiter: CsvDelimiter; consistency: number; fields: number } | null = null;
  for (const delimiter of delimiterCandidates) {
    let { rows } = parseCsvText(head, delimiter, '"', 200);
    // The head may end mid-record; that partial record would skew the counts.
    if (!isLastChunk && rows.length > 1) rows = rows.slice(0, -1);
    if (rows.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 0;
    let modeCount = 0;
    for (const [fields, count] of counts) if (count > modeCount || (count === modeCount && fields > mode)) [mode, modeCount] = [fields, count];
    if (mode < 2) continue;
    const consistency = modeCount / rows.length;
    if (!best || consistency > best.consistency || (consistency === best.consistency && mode > best.fields)) best = { delimiter, consistency, fields: mode };
  }
  const delimiter: CsvDelimiter = best?.delimiter ?? (extension === 'tsv' || extension === 'tab' ? '\t' : ',');
  return { delimiter, quote: detectQuote(head, delimiter) };
}

/** `"` when any field opens with one; `'` only when single-quoted fields are whole (so "O'Brien" stays text). */
function detectQuote(head: string, delimiter: string): CsvReport['quote'] {
  const d = delimiter === '|' ? '\\|' : delimiter === '\t' ? '\\t' : delimiter;
  if (new RegExp(`(^|[${d}\\r\\n])"`).test(head)) return '"';
  const opened = head.match(new RegExp(`(?:^|[${d}\\r\\n])'[^'${d}\\r\\n]*`, 'g')) ?? [];
  const whole = head.match(new RegExp(`(?:^|[${d}\\r\\n])'[^'\\r\\n]*'(?=[${d}\\r\\n]|$)`, 'g')) ?? [];
  return whole.length > 0 && whole.length >= opened.length ? "'" : null;
}

/** Byte classes for the counting loop. */
const OTHER = 0;
const DELIM = 1;
const QUOTE = 2;
const LF = 3;
const CR = 4;

/** Parser states. */
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

/** In the pair table: the two bytes hold a quote, CR or LF (any value over 4 would do, as pairs sum two). */
const PAIR_SPECIAL = 0x80;

/**
 * Counts records and fields per record over raw bytes, keeping its state across chunks. It works on
 * bytes, not text, because every delimiter and quote is ASCII and no UTF-8 or Windows-1252 multi-byte
 * character contains an ASCII byte, so decoding (the slow part) is only needed for the sample.
 */
export class RecordCounter {
  records = 0;
  firstCount = -1;
  ragged = 0;
  raggedExamples: { record: number; fields: number }[] = [];
  multilineRecords = 0;
  quotedSeen = false;
  private state = FIELD_START;
  private fields = 0;
  private started = false;
  private lineBreakInQuotes = false;
  private afterCr = false;
  private readonly cls = new Uint8Array(256);
  /**
   * For every two bytes read as one 16-bit value: how many delimiters they hold (0–2), or PAIR_SPECIAL
   * when either is a quote, CR or LF. The entry depends on both bytes alike, so it is right whichever byte
   * the platform's endianness puts in the low half. 64 KiB, which stays in the CPU's L2 cache.
   */
  private readonly pairs = new Uint8Array(65536);
  private readonly quote: number;

  constructor(delimiter: string, quote: string) {
    this.quote = quote.charCodeAt(0);
    this.cls[delimiter.charCodeAt(0)] = DELIM;
    this.cls[this.quote] = QUOTE;
    this.cls[10] = LF;
    this.cls[13] = CR;
    for (let v = 0; v < 65536; v++) {
      const a = this.cls[v & 0xff]!;
      const b = this.cls[v >>> 8]!;
      this.pairs[v] = a >= QUOTE || b >= QUOTE ? PAIR_SPECIAL : a + b;
    }
  }

  /**
   * Counts the records in the next chunk. Most lines hold no quote, so they take the fast path, which is
   * the state machine with nothing to track: outside quotes a record's field count is its delimiters plus
   * one, and a CR or LF ends it. It reads four bytes at a time (two pair-table look-ups per 32-bit word)
   * until a word holds a quote, CR or LF, then finds that byte one at a time. At a quote, or at the chunk's
   * end, it hands the state machine exactly the state `scan` would have reached over the same bytes (see
   * `enterScan`), so the two paths agree byte for byte and no byte is counted twice.
   */
  push(buf: Buffer): void {
    const n = buf.length;
    const cls = this.cls;
    const pairs = this.pairs;
    // A 32-bit view over the aligned words inside the chunk; `base` is how far the chunk starts past a word
    // boundary (a BOM cut or a pooled small buffer can start anywhere), so byte k is in word (k + base) >> 2.
    const base = buf.byteOffset & 3;
    const words = new Int32Array(buf.buffer, buf.byteOffset - base, (base + n) >> 2);
    const wordEnd = words.length;
    let i = this.state === FIELD_START && !this.started && this.fields === 0 ? 0 : this.scan(buf, 0, true);
    while (i < n) {
      if (this.afterCr) {
        // The LF of a CRLF whose CR ended the last record (maybe in the previous chunk).
        this.afterCr = false;
        if (buf[i] === 10) i++;
        continue;
      }
      // Only OTHER (0) and DELIM (1) bytes pass these loops, so adding the class counts the delimiters.
      let k = i;
      let count = 1;
      for (; k < n && ((k + base) & 3) !== 0; k++) {
        const c = cls[buf[k]!]!;
        if (c >= QUOTE) break;
        count += c;
      }
      if (k < n && ((k + base) & 3) === 0) {
        // Word 0 may start before the chunk, but k + base >= 4 here whenever base > 0, so j >= 1.
        let j = (k + base) >> 2;
        for (; j < wordEnd; j++) {
          const w = words[j]!;
          const v = pairs[w & 0xffff]! + pairs[w >>> 16]!;
          if (v > 4) break;
          count += v;
        }
        for (k = (j << 2) - base; k < n; k++) {
          const c = cls[buf[k]!]!;
          if (c >= QUOTE) break;
          count += c;
        }
      }
      if (k >= n) {
        this.enterScan(buf, i, k, count);
        return;
      }
      const c = cls[buf[k]!]!;
      if (c === QUOTE) {
        this.enterScan(buf, i, k, count);
        i = this.scan(buf, k, true);
        continue;
      }
      // LF or CR: a blank line is no record; a CR may be the first half of a CRLF.
      if (k > i) this.endRecord(count);
      this.afterCr = c === CR;
      i = k + 1;
    }
  }

  /** Counts the next chunk with the state machine alone: the reference the fast path must agree with. */
  pushScan(buf: Buffer): void {
    this.scan(buf, 0, false);
  }

  /**
   * Sets the state `scan` would have after the bytes [from, to) of a record that starts at `from`, given
   * they are only delimiters and other bytes (`count` - 1 of them delimiters): each delimiter counts a field
   * and opens a new one, any byte starts the record, and a field with bytes in it is unquoted.
   */
  private enterScan(buf: Buffer, from: number, to: number, count: number): void {
    this.fields = count - 1;
    this.started = to > from;
    this.state = to === from || this.cls[buf[to - 1]!] === DELIM ? FIELD_START : UNQUOTED;
  }

  /** The full state machine from `from`; with `stopAtRecordEnd` it returns just after the first record ends. */
  private scan(buf: Buffer, from: number, stopAtRecordEnd: boolean): number {
    const cls = this.cls;
    const quote = this.quote;
    let { state, fields, started, afterCr } = this;
    const n = buf.length;
    let i = from;
    while (i < n) {
      if (state === QUOTED) {
        // Inside quotes only the closing quote matters (and whether a line break is carried along). A plain
        // loop beats native indexOf here: quoted fields are short, and each native call has a fixed cost.
        let breaks = false;
        while (i < n) {
          const b = buf[i]!;
          if (b === quote) break;
          if (b === 10 || b === 13) breaks = true;
          i++;
        }
        if (breaks) this.lineBreakInQuotes = true;
        if (i >= n) break;
        state = QUOTE_IN_QUOTED;
        i++;
        continue;
      }
      if (afterCr) {
        afterCr = false;
        if (buf[i] === 10) {
          i++;
          continue;
        }
      }
      const from = i;
      while (i < n && cls[buf[i]!] === OTHER) i++;
      if (i > from) {
        started = true;
        if (state !== UNQUOTED) state = UNQUOTED;
      }
      if (i >= n) break;
      const c = cls[buf[i]!]!;
      i++;
      if (c === DELIM) {
        fields++;
        started = true;
        state = FIELD_START;
      } else if (c === QUOTE) {
        started = true;
        if (state === FIELD_START) {
          state = QUOTED;
          this.quotedSeen = true;
        } else if (state === QUOTE_IN_QUOTED) state = QUOTED; // "" inside a quoted field
      } else {
        // LF or CR ends the record; a CR followed by LF is one break.
        if (c === CR) afterCr = true;
        const ended = started;
        if (started) this.endRecord(fields + 1);
        fields = 0;
        started = false;
        state = FIELD_START;
        if (stopAtRecordEnd && ended) break;
      }
    }
    this.state = state;
    this.fields = fields;
    this.started = started;
    this.afterCr = afterCr;
    return i;
  }

  private endRecord(count: number): void {
    this.records++;
    if (this.lineBreakInQuotes) this.multilineRecords++;
    this.lineBreakInQuotes = false;
    if (this.firstCount < 0) this.firstCount = count;
    else if (count !== this.firstCount) {
      this.ragged++;
      if (this.raggedExamples.length < MAX_RAGGED_EXAMPLES) this.raggedExamples.push({ record: this.records, fields: count });
    }
  }

  /** Ends the stream: a last record without a line break still counts. */
  finish(): void {
    if (this.started || this.state === QUOTED) this.endRecord(this.fields + 1);
    this.started = false;
  }
}

function decoderLabel(encoding: CsvEncoding): string {
  return encoding === 'windows-1252' ? 'windows-1252' : 'utf-8';
}

/**
 * Checks a CSV file in one streaming pass. Throws FILE_NOT_FOUND / FILE_UNREADABLE / CSV_INVALID.
 * In the report, `rows` counts data rows (the header is not one), `columns` is the first row's field
 * count (rows that differ are the ragged ones), and blank lines are not rows.
 */
export async function sniffCsv(path: string, options: SniffOptions = {}): Promise<CsvSniffResult> {
  const { previewRows = 20, sampleRows = 1000, sampleBytes = 1 << 20, chunkSize = 256 * 1024 } = options;
  const extension = (/\.([^./\\]+)$/.exec(path)?.[1] ?? '').toLowerCase();
  const validator = new Utf8Validator();
  const sampleChunks: Buffer[] = [];
  let sampled = 0;
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let bom = false;
  let bytes = 0;
  let counter: RecordCounter | null = null;
  let dialect: { delimiter: CsvDelimiter; quote: CsvReport['quote'] } | null = null;
  let longFirstLine = false;

  const startCounting = (isLast: boolean) => {
    const head = Buffer.concat(headChunks);
    headChunks.length = 0;
    if (head.subarray(0, 8192).includes(0)) throw new AppError('CSV_INVALID', { path, reason: 'it looks like a binary file, not text' });
    // A first line with no break in the whole head is no table with column names; parsing it into a preview
    // gave the UI hundreds of thousands of cells (a 10 MB line of "a," froze the page), so it gets none.
    const firstLine = head.subarray(0, HEAD_BYTES);
    longFirstLine = firstLine.length >= HEAD_BYTES && !firstLine.includes(10) && !firstLine.includes(13);
    // Latin-1 decoding keeps every ASCII delimiter and quote where it is, whatever the real encoding.
    dialect = detectDialect(head.toString('latin1'), isLast, extension);
    counter = new RecordCounter(dialect.delimiter, dialect.quote ?? '"');
    counter.push(head);
  };

  try {
    for await (const chunk of chunksWithoutBom(readChunks(path, chunkSize), () => (bom = true))) {
      bytes += chunk.length;
      validator.push(chunk);
      if (sampled < sampleBytes) {
        const part = chunk.subarray(0, sampleBytes - sampled);
        sampleChunks.push(Buffer.from(part));
        sampled += part.length;
      }
      if (counter) (counter as RecordCounter).push(chunk);
      else {
        headChunks.push(Buffer.from(chunk)); // the read buffer is reused for the next chunk
        headLength += chunk.length;
        if (headLength >= HEAD_BYTES) startCounting(false);
      }
    }
    if (!counter) startCounting(true);
  } catch (err) {
    throw fileError(err, path);
  }
  const count = counter as unknown as RecordCounter;
  count.finish();
  const { delimiter, quote: detectedQuote } = dialect as unknown as { delimiter: CsvDelimiter; quote: CsvReport['quote'] };
  const quote = detectedQuote ?? (count.quotedSeen ? '"' : null);
  const encoding: CsvEncoding = !validator.finish() ? 'windows-1252' : bom ? 'utf-8-bom' : 'utf-8';

  const sampleText = longFirstLine ? '' : new TextDecoder(decoderLabel(encoding)).decode(Buffer.concat(sampleChunks));
  const truncated = sampled < bytes;
  let { rows: sample } = longFirstLine ? { rows: [] as string[][] } : parseCsvText(sampleText, delimiter, quote, sampleRows + 1);
  // When the sample stops inside the file, its last record may be cut short.
  if (truncated && sample.length > 1 && sample.length <= sampleRows) sample = sample.slice(0, -1);
  if (sample.length > sampleRows) sample = sample.slice(0, sampleRows);

  const hasHeader = count.records > 0 && detectHeader(sample);
  const header = hasHeader ? sample[0]! : [];
  const dataSample = hasHeader ? sample.slice(1) : sample;
  const warnings: CsvReport['warnings'] = [];
  // Zero columns and rows alone did not tell the person the file has nothing in it.
  if (count.records === 0) warnings.push({ code: 'empty' });
  if (longFirstLine) warnings.push({ code: 'long-line', detail: String(HEAD_BYTES / 1024) });
  if (count.ragged > 0) {
    const examples = count.raggedExamples.map((e) => `row ${e.record} has ${e.fields}`).join(', ');
    warnings.push({ code: 'ragged', detail: `${count.ragged} of ${count.records} rows do not have ${count.firstCount} columns (${examples})` });
  }
  if (hasHeader) {
    const empty = header.map((h, i) => (h.trim() === '' ? i + 1 : 0)).filter((i) => i > 0);
    if (empty.length > 0) warnings.push({ code: 'empty-header', detail: `column ${empty.join(', ')}` });
    // Athena lowercases names, so "Nome" and "nome" collide there even though they differ here.
    const seen = new Map<string, number>();
    for (const h of header) if (h.trim() !== '') seen.set(h.trim().toLowerCase(), (seen.get(h.trim().toLowerCase()) ?? 0) + 1);
    const dupes = [...seen].filter(([, n]) => n > 1).map(([h]) => h);
    if (dupes.length > 0) warnings.push({ code: 'duplicate-header', detail: dupes.join(', ') });
  }
  if (encoding === 'windows-1252') warnings.push({ code: 'not-utf8', detail: 'Windows-1252 (Latin-1)' });

  const report: CsvReport = {
    encoding,
    delimiter,
    quote,
    hasHeader,
    columns: Math.max(0, count.firstCount),
    rows: Math.max(0, count.records - (hasHeader ? 1 : 0)),
    header,
    // Cells are cut for the preview table: one 1 MiB field must not travel to the UI twenty times over.
    preview: dataSample.slice(0, previewRows).map((row) => row.map((cell) => (cell.length > previewCellChars ? `${cell.slice(0, previewCellChars)}…` : cell))),
    raggedRows: count.ragged,
    warnings,
  };
  return { report, sample, multilineRecords: count.multilineRecords, bytes: bytes + (bom ? 3 : 0) };
}
