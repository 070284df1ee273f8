/** The one content hashing (transfers and sync): every digest is hex, a file and the same bytes in memory agree, and the whole file is read whatever its size hint. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWS_CLI_PART_SIZE, base64Of, hashBuffer, hashFile } from '../../../../src/main/services/s3/content-hash';

const dir = mkdtempSync(join(tmpdir(), 's3drop-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const hex = (algo: string, buf: Buffer) => createHash(algo).update(buf).digest('hex');

describe('hashFile and hashBuffer', () => {
  // Around the 4 MiB read buffer and the 8 MiB AWS CLI part: empty, tiny, one byte either side of each edge.
  it.each([0, 1, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1, AWS_CLI_PART_SIZE, AWS_CLI_PART_SIZE + 10])('agree on %i bytes: hex SHA-256 and MD5, the size read', async (size) => {
    const buf = randomBytes(size);
    const path = join(dir, `f${size}`);
    writeFileSync(path, buf);
    const expected = { size, sha256: hex('sha256', buf), md5: hex('md5', buf) };
    expect(await hashFile(path, { md5: true, sizeHint: size })).toMatchObject(expected);
    expect(hashBuffer(buf, { md5: true })).toMatchObject(expected);
  });

  it('computes the AWS CLI multipart ETag for 8 MiB and more, and none below', async () => {
    const buf = Buffer.alloc(2 * AWS_CLI_PART_SIZE + 5, 7);
    const path = join(dir, 'mp');
    writeFileSync(path, buf);
    const parts = [0, 1, 2].map((i) => createHash('md5').update(buf.subarray(i * AWS_CLI_PART_SIZE, (i + 1) * AWS_CLI_PART_SIZE)).digest());
    const mpEtag = `${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-3`;
    expect((await hashFile(path, { awsCliEtag: true })).mpEtag).toBe(mpEtag);
    expect(hashBuffer(buf, { awsCliEtag: true }).mpEtag).toBe(mpEtag);
    expect(hashBuffer(buf.subarray(0, AWS_CLI_PART_SIZE - 1), { awsCliEtag: true }).mpEtag).toBeUndefined();
  });

  it('reads the whole file even when it grew past the size hint, and leaves out what was not asked for', async () => {
    const buf = randomBytes(3000);
    const path = join(dir, 'grew');
    writeFileSync(path, buf);
    const h = await hashFile(path, { sizeHint: 10 });
    expect(h).toEqual({ size: 3000, sha256: hex('sha256', buf) });
  });

  it('stops when its signal aborts', async () => {
    const path = join(dir, 'abort');
    writeFileSync(path, 'x');
    await expect(hashFile(path, { signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop');
  });

  it('gives the base64 form headers need', () => {
    const buf = Buffer.from('hello');
    expect(base64Of(hex('md5', buf))).toBe(createHash('md5').update(buf).digest('base64'));
  });
});
