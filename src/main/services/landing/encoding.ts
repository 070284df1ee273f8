/**
 * Streaming encoding checks: is a byte stream valid UTF-8 (with or without a BOM), or is it one of the
 * single-byte Windows encodings that Brazilian exports (Excel, ERP systems) still produce? Windows-1252
 * is a superset of Latin-1's printable range, so decoding Latin-1 bytes as Windows-1252 is always safe.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';

/** The encodings the CSV check reports. */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

/** The UTF-8 byte-order mark. */
export const utf8Bom = Buffer.from([0xef, 0xbb, 0xbf]);

/** How many bytes a UTF-8 sequence that starts with this lead byte has (0 for a continuation byte). */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b < 0xc0) return 0;
  if (b < 0xe0) return 2;
  if (b < 0xf0) return 3;
  return 4;
}

/**
 * Validates UTF-8 chunk by chunk with Node's native `isUtf8`, carrying a sequence split across two
 * chunks over to the next one, so memory stays at one chunk whatever the file size.
 */
export class Utf8Validator {
  private carry: Buffer | null = null;
  private ok = true;

  /** False once any invalid byte has been seen. */
  get valid(): boolean {
    return this.ok;
  }

  /** Feeds the next chunk. */
  push(chunk: Buffer): void {
    if (!this.ok) return;
    let start = 0;
    if (this.carry) {
      const need = sequenceLength(this.carry[0]!) - this.carry.length;
      const joined = Buffer.concat([this.carry, chunk.subarray(0, need)]);
      this.carry = null;
      if (chunk.length < need) {
        // A tiny chunk that still does not finish the sequence: keep carrying if it is well-formed so far.
        if (isUtf8Prefix(joined)) this.carry = joined;
        else this.ok = false;
        return;
      }
      if (!isUtf8(joined)) {
        this.ok = false;
        return;
      }
      start = need;
    }
    let end = chunk.length;
    for (let i = chunk.length - 1; i >= Math.max(start, chunk.length - 4); i--) {
      const len = sequenceLength(chunk[i]!);
      if (len === 1) break;
      if (len > 1) {
        if (chunk.length - i < len) end = i;
        break;
      }
    }
    if (!isUtf8(chunk.subarray(start, end))) {
      this.ok = false;
      return;
    }
    if (end < chunk.length) this.carry = Buffer.from(chunk.subarray(end));
  }

  /** Call at the end of the stream: a sequence cut off by the end of the file is invalid. */
  finish(): boolean {
    if (this.carry) this.ok = false;
    this.carry = null;
    return this.ok;
  }
}

/** True when the bytes are an unfinished but so far well-formed UTF-8 sequence. */
function isUtf8Prefix(bytes: Buffer): boolean {
  const len = sequenceLength(bytes[0]!);
  if (len < 2 || bytes.length >= len) return false;
  for (let i = 1; i < bytes.length; i++) if ((bytes[i]! & 0xc0) !== 0x80) return false;
  return true;
}

/** Maps a file-system error to the catalogue: missing, unreadable, disk full, or unknown. */
export function fileError(err: unknown, path: string): AppError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof AppError) return err;
  if (code === 'ENOENT') return new AppError('FILE_NOT_FOUND', { path }, { cause: err });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') return new AppError('FILE_UNREADABLE', { path }, { cause: err });
  if (code === 'ENOSPC') return new AppError('DISK_FULL', {}, { cause: err });
  return new AppError('FILE_UNREADABLE', { path }, { cause: err, details: code ?? String(err) });
}

/**
 * Yields a file's chunks with a leading UTF-8 BOM removed, however small the first chunks are;
 * `onBom` is called when one was there.
 */
export async function* chunksWithoutBom(source: AsyncIterable<Buffer>, onBom: () => void): AsyncGenerator<Buffer> {
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of source) {
    if (head === null) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < 3 && utf8Bom.subarray(0, head.length).equals(head)) continue;
    const hasBom = head.subarray(0, 3).equals(utf8Bom);
    if (hasBom) onBom();
    const rest = hasBom ? head.subarray(3) : head;
    head = null;
    if (rest.length > 0) yield rest;
  }
  if (head !== null && head.length > 0) yield head;
}

/**
 * Reads a file in chunks into TWO reused buffers taken in turn. Each chunk is valid only until the next
 * one is asked for, so consumers copy what they keep. A fresh buffer per chunk (as fs streams do) leaves
 * hundreds of MiB of garbage for the GC to find late, which is what pushed the peak RSS over budget on
 * big files. The next chunk is read (on libuv's thread pool) while the consumer works on this one: a
 * buffer is refilled only once the consumer has asked for the chunk after the one it held, so it is
 * never overwritten while in use, and the read no longer waits for the work nor the work for the read.
 */
export async function* readChunks(path: string, chunkSize = 256 * 1024): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const bufs = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    let position = 0;
    for (let turn = 0; ; turn++) {
      const read: Promise<{ bytesRead: number }> = pending ?? fh.read(bufs[0]!, 0, chunkSize, 0);
      pending = null;
      const { bytesRead } = await read;
      if (bytesRead === 0) return;
      position += bytesRead; // a short read (a network share, say) is not the end; only 0 bytes is
      pending = fh.read(bufs[(turn + 1) % 2]!, 0, chunkSize, position);
      // Marked handled now: a failure is rethrown by the next await, not reported as unhandled meanwhile.
      pending.catch(() => {});
      yield bufs[turn % 2]!.subarray(0, bytesRead);
    }
  } finally {
    // A read still in flight (the consumer stopped early, or this one failed) must end before the close.
    if (pending) await pending.catch(() => {});
    await fh.close();
  }
}

/** Reads a whole file once to find its encoding: a BOM, valid UTF-8, or else Windows-1252. */
export async function detectFileEncoding(path: string, chunkSize = 256 * 1024): Promise<CsvEncoding> {
  const validator = new Utf8Validator();
  let bom = false;
  try {
    for await (const chunk of chunksWithoutBom(readChunks(path, chunkSize), () => (bom = true))) {
      validator.push(chunk);
      if (!validator.valid) return 'windows-1252';
    }
  } catch (err) {
    throw fileError(err, path);
  }
  if (!validator.finish()) return 'windows-1252';
  return bom ? 'utf-8-bom' : 'utf-8';
}
