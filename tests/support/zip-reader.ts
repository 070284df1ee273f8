/** Reads a ZIP the download route wrote: a reader of our own, written from the specification, for tests only. */
import { crc32 } from 'node:zlib';

/** Throws with `what` unless `ok` (the reader runs per entry, 65,536 times in one test). */
function need(ok: boolean, what: string): void {
  if (!ok) throw new Error(`not a valid ZIP: ${what}`);
}

/** A small ZIP reader of our own (not the app's writer, so tests do not grade themselves), written from the specification: entries by the central directory, ZIP64 included. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('no end of central directory');
  let count = zip.readUInt16LE(eocd + 10);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  if (eocd >= 20 && zip.readUInt32LE(eocd - 20) === 0x07064b50) {
    const rec = Number(zip.readBigUInt64LE(eocd - 20 + 8));
    need(zip.readUInt32LE(rec) === 0x06064b50, 'ZIP64 end record')
    count = Number(zip.readBigUInt64LE(rec + 32));
    cdOffset = Number(zip.readBigUInt64LE(rec + 48));
  }
  const out = new Map<string, Buffer>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    need(zip.readUInt32LE(p) === 0x02014b50, 'central header');
    need(zip.readUInt16LE(p + 10) === 0, 'stored');
    const crc = zip.readUInt32LE(p + 16);
    let size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    let offset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const extra = zip.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    let e = 4;
    if (extra.length > 0) need(extra.readUInt16LE(0) === 1, 'ZIP64 extra field');
    if (size === 0xffffffff) {
      size = Number(extra.readBigUInt64LE(e + 8));
      e += 16;
    }
    if (offset === 0xffffffff) offset = Number(extra.readBigUInt64LE(e));
    need(zip.readUInt32LE(offset) === 0x04034b50, 'local header');
    const start = offset + 30 + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28);
    const data = zip.subarray(start, start + size);
    need(crc32(data) >>> 0 === crc, `CRC of ${name}`);
    out.set(name, Buffer.from(data));
    p += 46 + nameLen + extraLen + zip.readUInt16LE(p + 32);
  }
  return out;
}
