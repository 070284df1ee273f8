/**
 * The one hashing of content, for transfers and sync alike: SHA-256 (the app's own hash, stored as SHA256_META),
 * MD5 (a single-part ETag, and Content-MD5 for custom stores) and the multipart ETag the AWS CLI would give a file,
 * all hex, from one read. Encodings other than hex are made where a header needs them (`base64Of`).
 */
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** The AWS CLI's default multipart threshold and part size, so its ETags can be recomputed. */
export const AWS_CLI_PART_SIZE = 8 * 1024 * 1024;

/** The most a file read takes at once: one reused buffer, never one per chunk (a gigabyte of garbage per gigabyte). */
const READ_BYTES = 4 * 1024 * 1024;

/** Which digests to compute besides SHA-256 (each costs another pass of the CPU over the bytes). */
export interface HashOptions {
  md5?: boolean;
  /** The AWS CLI's multipart ETag, for content of AWS_CLI_PART_SIZE or more. */
  awsCliEtag?: boolean;
  signal?: AbortSignal;
}

/** Digests of some content, hex. */
export interface ContentHashes {
  /** The bytes hashed (for a file: what was read, which a changing file may make differ from its stat). */
  size: number;
  sha256: string;
  md5?: string;
  mpEtag?: string;
}

/** ContentHashes with the MD5 that was asked for. */
export type ContentHashesWithMd5 = ContentHashes & { md5: string };

/** Feeds chunks to every digest asked for, cutting AWS CLI parts across chunk boundaries (bytes arriving in order, as a whole-object GET's do). */
export class Hasher {
  private readonly sha = createHash('sha256');
  private readonly md5?: Hash;
  private readonly partDigests?: Buffer[];
  private part?: Hash;
  private inPart = 0;
  size = 0;

  /** Which digests besides SHA-256. */
  constructor(options: HashOptions) {
    if (options.md5) this.md5 = createHash('md5');
    if (options.awsCliEtag) {
      this.partDigests = [];
      this.part = createHash('md5');
    }
  }

  /** Adds the next bytes. */
  update(chunk: Buffer): void {
    this.sha.update(chunk);
    this.md5?.update(chunk);
    this.size += chunk.length;
    if (!this.partDigests) return;
    for (let offset = 0; offset < chunk.length; ) {
      const take = Math.min(AWS_CLI_PART_SIZE - this.inPart, chunk.length - offset);
      this.part!.update(chunk.subarray(offset, offset + take));
      this.inPart += take;
      offset += take;
      if (this.inPart === AWS_CLI_PART_SIZE) {
        this.partDigests.push(this.part!.digest());
        this.part = createHash('md5');
        this.inPart = 0;
      }
    }
  }

  /** The digests of everything added. */
  digest(): ContentHashes {
    const out: ContentHashes = { size: this.size, sha256: this.sha.digest('hex') };
    if (this.md5) out.md5 = this.md5.digest('hex');
    if (this.partDigests && this.size >= AWS_CLI_PART_SIZE) {
      if (this.inPart > 0) this.partDigests.push(this.part!.digest());
      out.mpEtag = `${createHash('md5').update(Buffer.concat(this.partDigests)).digest('hex')}-${this.partDigests.length}`;
    }
    return out;
  }
}

/** Hashes bytes already in memory (a small file read once to be both hashed and sent). */
export function hashBuffer(buf: Buffer, options: HashOptions & { md5: true }): ContentHashesWithMd5;
/** Hashes bytes already in memory. */
export function hashBuffer(buf: Buffer, options?: HashOptions): ContentHashes;
export function hashBuffer(buf: Buffer, options: HashOptions = {}): ContentHashes {
  const h = new Hasher(options);
  h.update(buf);
  return h.digest();
}

/** Hashes a whole file in one read pass; `sizeHint` (the size just seen) keeps the buffer small for small files. */
export async function hashFile(path: string, options: HashOptions & { md5: true; sizeHint?: number }): Promise<ContentHashesWithMd5>;
/** Hashes a whole file in one read pass. */
export async function hashFile(path: string, options?: HashOptions & { sizeHint?: number }): Promise<ContentHashes>;
export async function hashFile(path: string, options: HashOptions & { sizeHint?: number } = {}): Promise<ContentHashes> {
  const h = new Hasher(options);
  // One byte more than the hint, so a small file ends in one read plus the read that finds its end.
  const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, options.sizeHint !== undefined ? options.sizeHint + 1 : READ_BYTES));
  const fh = await open(path, 'r');
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, h.size);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest();
}

/** A hex digest as base64, the form of Content-MD5 and x-amz-checksum-sha256. */
export function base64Of(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
