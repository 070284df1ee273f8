/**
 * A store-only ZIP written as it streams: each entry is a local header, the bytes as they come, and a data
 * descriptor with the CRC-32 (known only at the end); the central directory closes the archive. Sizes are known
 * beforehand (from the listing), so the whole archive's length is too, and the server can send a Content-Length.
 * ZIP64 records appear only where a size, an offset or the entry count does not fit the classic fields.
 * Pure byte layout: no I/O here, so the ZIP64 rules are tested on synthetic sizes without writing 4 GiB.
 */

/** The largest value a classic 32-bit field holds; this value itself means "see the ZIP64 record". */
const MAX32 = 0xffffffff;
/** The largest entry count a classic 16-bit field holds. */
const MAX16 = 0xffff;
/** General purpose flags: bit 3 (sizes and CRC in a data descriptor after the bytes) and bit 11 (UTF-8 names). */
const FLAGS = 0x0808;

/** One file of the archive, as the listing knows it before any byte is read. */
export interface ZipEntry {
  /** The name inside the archive, '/'-separated, already made safe. */
  name: string;
  size: number;
  /** A directory entry (an empty folder): its name ends in '/', and it has no bytes. */
  dir?: boolean;
  /** DOS time and date fields (see `dosDateTime`). */
  dos?: { time: number; date: number };
}

/** Where an entry sits and whether it needs ZIP64 records. */
export interface PlacedEntry {
  entry: ZipEntry;
  nameBytes: Buffer;
  offset: number;
  /** The entry's size needs ZIP64 (local extra field and 8-byte descriptor sizes). */
  bigSize: boolean;
}

/** The DOS time/date fields of a date (local time, 2-second steps; before 1980 becomes 1980). */
export function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** The local header of an entry; a ZIP64 one carries zero sizes in its extra field, as the descriptor has them. */
export function localHeader(p: PlacedEntry): Buffer {
  const extra = p.bigSize ? zip64Extra([0, 0]) : Buffer.alloc(0);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(p.bigSize ? 45 : 20, 4);
  h.writeUInt16LE(FLAGS, 6);
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(p.entry.dos?.time ?? 0, 10);
  h.writeUInt16LE(p.entry.dos?.date ?? 0x21, 12);
  // CRC and sizes follow in the data descriptor; ZIP64 marks the sizes as "in the extra field".
  h.writeUInt32LE(0, 14);
  h.writeUInt32LE(p.bigSize ? MAX32 : 0, 18);
  h.writeUInt32LE(p.bigSize ? MAX32 : 0, 22);
  h.writeUInt16LE(p.nameBytes.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, p.nameBytes, extra]);
}

/** The data descriptor after an entry's bytes: 8-byte sizes when the local header was ZIP64. */
export function dataDescriptor(p: PlacedEntry, crc: number): Buffer {
  const d = Buffer.alloc(p.bigSize ? 24 : 16);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(crc >>> 0, 4);
  if (p.bigSize) {
    d.writeBigUInt64LE(BigInt(p.entry.size), 8);
    d.writeBigUInt64LE(BigInt(p.entry.size), 16);
  } else {
    d.writeUInt32LE(p.entry.size, 8);
    d.writeUInt32LE(p.entry.size, 12);
  }
  return d;
}

/** A ZIP64 extended information extra field holding the given 8-byte values, in the order the format requires. */
function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

/** The central directory header of an entry: only the fields that overflow go to its ZIP64 extra field. */
export function centralHeader(p: PlacedEntry, crc: number): Buffer {
  const sizeOver = p.entry.size >= MAX32;
  const offsetOver = p.offset >= MAX32;
  const values = [...(sizeOver ? [p.entry.size, p.entry.size] : []), ...(offsetOver ? [p.offset] : [])];
  const extra = values.length > 0 ? zip64Extra(values) : Buffer.alloc(0);
  const zip64 = values.length > 0 || p.bigSize;
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  // Made by: UNIX (3) so the mode below is read; version 4.5 when ZIP64 is involved.
  h.writeUInt16LE((3 << 8) | (zip64 ? 45 : 20), 4);
  h.writeUInt16LE(zip64 ? 45 : 20, 6);
  h.writeUInt16LE(FLAGS, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(p.entry.dos?.time ?? 0, 12);
  h.writeUInt16LE(p.entry.dos?.date ?? 0x21, 14);
  h.writeUInt32LE(crc >>> 0, 16);
  h.writeUInt32LE(sizeOver ? MAX32 : p.entry.size, 20);
  h.writeUInt32LE(sizeOver ? MAX32 : p.entry.size, 24);
  h.writeUInt16LE(p.nameBytes.length, 28);
  h.writeUInt16LE(extra.length, 30);
  // 32: comment length, 34: disk number, 36: internal attributes: all 0.
  // A directory, rwxr-xr-x, with the MS-DOS directory bit for readers that ignore the UNIX mode; else a regular file, rw-r--r--.
  h.writeUInt32LE(p.entry.dir ? ((0o40755 << 16) | 0x10) >>> 0 : (0o100644 << 16) >>> 0, 38);
  h.writeUInt32LE(offsetOver ? MAX32 : p.offset, 42);
  return Buffer.concat([h, p.nameBytes, extra]);
}

/** The end records: ZIP64 end record and locator when the count, the directory's size or its offset overflow. */
export function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const zip64 = count >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
  const parts: Buffer[] = [];
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4); // the size of the rest of this record
    rec.writeUInt16LE((3 << 8) | 45, 12);
    rec.writeUInt16LE(45, 14);
    // 16, 20: this disk and the directory's disk: 0.
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8); // where the ZIP64 end record starts
    loc.writeUInt32LE(1, 16); // total disks
    parts.push(rec, loc);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, MAX16), 8);
  end.writeUInt16LE(Math.min(count, MAX16), 10);
  end.writeUInt32LE(Math.min(cdSize, MAX32), 12);
  end.writeUInt32LE(Math.min(cdOffset, MAX32), 16);
  parts.push(end);
  return Buffer.concat(parts);
}

/**
 * The archive's plan: every entry placed at its offset, and the total length, computed from names and sizes alone
 * (the CRC changes no length), so the server knows the Content-Length before reading a byte.
 */
export function planZip(entries: readonly ZipEntry[]): { placed: PlacedEntry[]; cdOffset: number; cdSize: number; total: number } {
  const placed: PlacedEntry[] = [];
  let offset = 0;
  for (const entry of entries) {
    const p: PlacedEntry = { entry, nameBytes: Buffer.from(entry.name, 'utf8'), offset, bigSize: entry.size >= MAX32 };
    placed.push(p);
    offset += localHeader(p).length + entry.size + (p.bigSize ? 24 : 16);
  }
  const cdOffset = offset;
  let cdSize = 0;
  for (const p of placed) cdSize += centralHeader(p, 0).length;
  const total = cdOffset + cdSize + endRecords(placed.length, cdOffset, cdSize).length;
  return { placed, cdOffset, cdSize, total };
}
