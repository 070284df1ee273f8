import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readChunks } from '../../../../src/main/services/landing/encoding';

const tmp = mkdtempSync(join(tmpdir(), 's3drop-encoding-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readChunks', () => {
  const bytes = Buffer.from(Array.from({ length: 10_007 }, (_, i) => (i * 31) % 256));
  const path = join(tmp, 'bytes.bin');
  writeFileSync(path, bytes);

  it('yields the whole file in order whatever the chunk size, with the next read in flight', async () => {
    for (const chunkSize of [1, 7, 4096, 10_007, 10_008, 1 << 20]) {
      const copies: Buffer[] = [];
      // Copied at once: the buffer is refilled after the next chunk is asked for.
      for await (const chunk of readChunks(path, chunkSize)) copies.push(Buffer.from(chunk));
      expect(Buffer.concat(copies).equals(bytes), `chunk ${chunkSize}`).toBe(true);
      expect(copies.every((c) => c.length === chunkSize || c === copies.at(-1))).toBe(true);
    }
  });

  it('keeps a chunk intact while the consumer awaits other work before asking for the next', async () => {
    const seen: string[] = [];
    for await (const chunk of readChunks(path, 1000)) {
      const before = chunk.toString('hex');
      await new Promise((resolve) => setTimeout(resolve, 1)); // the prefetch finishes meanwhile
      expect(chunk.toString('hex')).toBe(before);
      seen.push(before);
    }
    expect(Buffer.from(seen.join(''), 'hex').equals(bytes)).toBe(true);
  });

  it('lets a consumer stop early and reports a failing read', async () => {
    for await (const chunk of readChunks(path, 100)) {
      expect(chunk.length).toBe(100);
      break; // the read in flight is awaited before the handle closes
    }
    const dir = join(tmp, 'folder.csv');
    mkdirSync(dir);
    await expect(
      (async () => {
        for await (const _ of readChunks(dir)) void _;
      })(),
    ).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
