/**
 * Gets a CSV ready for the data lake before it is uploaded: optionally re-encoded from Windows-1252
 * to UTF-8 and optionally gzipped, streaming through a temporary file so memory stays flat.
 *
 * Decisions, recorded here because the transfer engine and Athena both depend on them:
 * - BOM: stripped when converting (Athena, Hive and Spark read a BOM as part of the first value or
 *   column name); kept when not converting, because then the user asked for the bytes unchanged.
 * - gzip: the object is `name.csv.gz` (keySuffix '.gz') with NO Content-Encoding, because Athena
 *   picks the codec from the extension and S3 or a CDN would otherwise decompress it on download.
 *   Its Content-Type is `application/gzip`: the body really is gzip, and calling it `text/csv` would
 *   make a browser save compressed bytes under a text type.
 * - Otherwise Content-Type is `text/csv` (`text/tab-separated-values` for .tsv, `text/plain` for .txt)
 *   with the charset the bytes really have after this step.
 * - Nothing happens to the user's file: outputs go to a fresh folder inside `tmpDir`, and `cleanup()`
 *   removes it; when no change is needed the original path is returned and cleanup does nothing.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compressedKeySuffix } from '../../../shared/landing-key';
import { chunksWithoutBom, detectFileEncoding, fileError, readChunks, type CsvEncoding } from './encoding';

/** Options for preparing one file. */
export interface PrepareOptions {
  gzip?: boolean;
  convertToUtf8?: boolean;
  /** Where temporary outputs go (the app's data folder, so they are on a disk the app may write). */
  tmpDir: string;
}

/** A file ready to upload. */
export interface PreparedUpload {
  /** The file to upload: the original, or a temporary converted/compressed copy. */
  path: string;
  /** The Content-Type to send; undefined for files that are not delimited text (the caller guesses). */
  contentType?: string;
  /** Appended to the key ('.gz' when compressed, else ''). */
  keySuffix: string;
  /** The encoding the source file was found in (undefined when it was not checked). */
  sourceEncoding?: CsvEncoding;
  /** Removes any temporary file; safe to call twice. */
  cleanup(): Promise<void>;
}

const textTypes: Record<string, string> = { csv: 'text/csv', tsv: 'text/tab-separated-values', tab: 'text/tab-separated-values', txt: 'text/plain' };

/**
 * UTF-8 for each Windows-1252 byte from 0x80 up, packed as (length << 24 | bytes). Built once from the
 * WHATWG decoder so the table cannot drift from the standard (0x81, 0x8D… map to C1 controls, lossless).
 */
const cp1252Utf8 = (() => {
  const table = new Uint32Array(128);
  const decoder = new TextDecoder('windows-1252');
  for (let b = 0x80; b <= 0xff; b++) {
    const utf8 = Buffer.from(decoder.decode(Uint8Array.of(b)), 'utf8');
    table[b - 0x80] = (utf8.length << 24) | (utf8[0]! << 16) | ((utf8[1] ?? 0) << 8) | (utf8[2] ?? 0);
  }
  return table;
})();

/**
 * The bytes where Windows-1252 and Latin-1 differ (curly quotes, €, …), as Latin-1 decodes them. Global,
 * so `test` resumes at `lastIndex` and finds the next one without allocating a match.
 */
const c1Bytes = /[\x80-\x9f]/g;

/** Runs shorter than this go through the JS loop: below it a native call costs more than it saves. */
const nativeRunBytes = 64;

/** Converts bytes [from, to) with the table, one at a time; any byte, C1 or not. Returns the new `o`. */
function convertBytes(chunk: Buffer, from: number, to: number, out: Buffer, o: number): number {
  for (let i = from; i < to; i++) {
    const b = chunk[i]!;
    if (b < 0x80) {
      out[o++] = b;
      continue;
    }
    const e = cp1252Utf8[b - 0x80]!;
    out[o++] = (e >>> 16) & 0xff;
    out[o++] = (e >>> 8) & 0xff;
    if (e >>> 24 === 3) out[o++] = e & 0xff;
  }
  return o;
}

/**
 * Converts bytes [from, to), which hold no C1 byte, at `o`; `latin1` is the window's text, starting at
 * byte `at`. Without C1 bytes Windows-1252 is Latin-1, whose every byte is the code point of the same
 * number, so Node's native UTF-8 writer over the Latin-1 text gives the right bytes, many times faster
 * than a JS loop. Returns the new `o`.
 */
function convertLatin1Run(chunk: Buffer, latin1: string, at: number, from: number, to: number, out: Buffer, o: number): number {
  if (to - from < nativeRunBytes) return convertBytes(chunk, from, to, out, o);
  const run = to - from === latin1.length ? latin1 : latin1.slice(from - at, to - at);
  return o + out.write(run, o, 'utf8');
}

/**
 * Text is decoded this much at a time: a string this size is allocated in V8's young generation and dies
 * there for free, whereas one of 128 KiB or more goes to the large-object space, which cost twice the time.
 */
const windowBytes = 64 * 1024;

/**
 * Converts Windows-1252 bytes into `out` (at least 3× as long) and returns the UTF-8 part; no state crosses
 * chunks. The runs between C1 bytes go through the native path; each C1 byte through the table. When C1
 * bytes are dense (one regex call each costs more than the JS loop would), the rest of the window goes
 * through the table loop, so the worst case stays near the plain loop's speed.
 */
export function cp1252ToUtf8(chunk: Buffer, out: Buffer): Buffer {
  let o = 0;
  for (let at = 0; at < chunk.length; at += windowBytes) {
    const end = Math.min(chunk.length, at + windowBytes);
    const latin1 = chunk.toString('latin1', at, end);
    let from = at;
    let budget = (end - at) >> 8; // C1 bytes found one by one before the table loop takes the rest
    c1Bytes.lastIndex = 0;
    while (from < end && c1Bytes.test(latin1)) {
      const c1 = at + c1Bytes.lastIndex - 1;
      if (budget-- === 0) {
        o = convertBytes(chunk, from, end, out, o);
        from = end;
        break;
      }
      o = convertBytes(chunk, c1, c1 + 1, out, convertLatin1Run(chunk, latin1, at, from, c1, out, o));
      from = c1 + 1;
    }
    o = convertLatin1Run(chunk, latin1, at, from, end, out, o);
  }
  return out.subarray(0, o);
}

/** Prepares one file for upload (see the module comment for the rules). */
export async function prepareCsvUpload(path: string, opts: PrepareOptions): Promise<PreparedUpload> {
  const extension = (/\.([^./\\]+)$/.exec(path)?.[1] ?? '').toLowerCase();
  const textType = textTypes[extension];
  const noop = async () => {};
  if (!textType) {
    // Not delimited text: only compression applies; the caller picks the type from the extension.
    if (!opts.gzip) return { path, keySuffix: '', cleanup: noop };
    return writeTemp(path, opts.tmpDir, null, 'application/gzip', true, undefined);
  }
  const encoding = await detectFileEncoding(path);
  const convert = opts.convertToUtf8 === true && encoding !== 'utf-8';
  const charset = encoding === 'windows-1252' && !convert ? 'windows-1252' : 'utf-8';
  const contentType = opts.gzip ? 'application/gzip' : `${textType}; charset=${charset}`;
  if (!convert && !opts.gzip) return { path, contentType, keySuffix: '', sourceEncoding: encoding, cleanup: noop };
  return writeTemp(path, opts.tmpDir, convert ? encoding : null, contentType, opts.gzip === true, encoding);
}

/**
 * The read size when converting: 1 MiB, a quarter of the system calls of 256 KiB (measured some 10% faster
 * per CPU-second). Memory: two read buffers and two 3 MiB output buffers, 8 MiB in all.
 */
const convertChunkBytes = 1024 * 1024;

/** The converted bytes of a file, chunk by chunk, in reused buffers (BOM dropped when converting). */
async function* convertedChunks(path: string, from: CsvEncoding | null): AsyncGenerator<Buffer> {
  const chunkSize = convertChunkBytes;
  // Two output buffers taken in turn: a chunk stays valid while the next one is read and converted,
  // so the caller can keep one write in flight (read, convert and write overlap) without new allocations.
  const outs = [Buffer.allocUnsafe(chunkSize * 3), Buffer.allocUnsafe(chunkSize * 3)];
  let turn = 0;
  const source = from === null ? readChunks(path, chunkSize) : chunksWithoutBom(readChunks(path, chunkSize), () => {});
  for await (const chunk of source) {
    const out = outs[turn++ % 2]!;
    yield from === 'windows-1252' ? cp1252ToUtf8(chunk, out) : out.subarray(0, chunk.copy(out));
  }
}

/** Writes a whole buffer (a file write may in principle be short). */
async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  for (let done = 0; done < data.length; ) done += (await fh.write(data, done, data.length - done)).bytesWritten;
}

async function writeTemp(
  path: string,
  tmpDir: string,
  convertFrom: CsvEncoding | null,
  contentType: string,
  gzip: boolean,
  sourceEncoding: CsvEncoding | undefined,
): Promise<PreparedUpload> {
  const keySuffix = compressedKeySuffix(gzip);
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpDir, 'landing-'));
  } catch (err) {
    throw fileError(err, tmpDir);
  }
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const out = join(dir, basename(path) + keySuffix);
  try {
    if (gzip) {
      // gzip holds on to what it is given, so each chunk is copied out of the reused buffers.
      const copies = async function* () {
        for await (const chunk of convertedChunks(path, convertFrom)) yield Buffer.from(chunk);
      };
      await pipeline(Readable.from(copies()), process.getBuiltinModule('node:zlib').createGzip({ level: 6 }), createWriteStream(out, { mode: 0o600 }));
    } else {
      // One write in flight while the next chunk is read and converted; buffers are reused, so memory
      // stays flat however big the file.
      const fh = await open(out, 'w', 0o600);
      let writing: Promise<void> = Promise.resolve();
      try {
        for await (const chunk of convertedChunks(path, convertFrom)) {
          await writing;
          writing = writeAll(fh, chunk);
          // Marked handled now: a failure is rethrown by the next await, not reported as unhandled meanwhile.
          writing.catch(() => {});
        }
        await writing;
      } finally {
        await writing.catch(() => {}); // the error, if any, was already thrown above
        await fh.close();
      }
    }
  } catch (err) {
    await cleanup();
    throw fileError(err, path);
  }
  return { path: out, contentType, keySuffix, sourceEncoding, cleanup };
}
