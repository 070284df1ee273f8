/** The per-file queue and the atomic write behind profiles.json and settings.json. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serialized, writeFileAtomic } from '../../../../src/main/services/persist/atomic-file';

const root = mkdtempSync(join(tmpdir(), 's3drop-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('serialized', () => {
  it('runs read-modify-write steps on one file one at a time, in call order, even across awaits', async () => {
    const file = join(root, 'counter.json');
    writeFileAtomic(file, '0');
    const step = () =>
      serialized(file, async () => {
        const n = Number(readFileSync(file, 'utf8'));
        await new Promise((r) => setImmediate(r));
        writeFileAtomic(file, String(n + 1));
        return n;
      });
    const seen = await Promise.all(Array.from({ length: 20 }, step));
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(readFileSync(file, 'utf8')).toBe('20');
  });

  it('a failed step rejects for its caller only; the next step still runs', async () => {
    const file = join(root, 'fails.json');
    const failed = serialized(file, () => Promise.reject(new Error('boom')));
    const next = serialized(file, () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('steps on different files do not wait for each other', async () => {
    let release!: () => void;
    const held = serialized(join(root, 'a.json'), () => new Promise<void>((r) => (release = r)));
    await expect(serialized(join(root, 'b.json'), () => 'b')).resolves.toBe('b');
    release();
    await held;
  });
});

describe('writeFileAtomic', () => {
  it('writes the whole text, readable by the user only, and leaves no temp file', () => {
    const dir = join(root, 'write');
    const file = join(dir, 'profiles.json');
    writeFileAtomic(file, '{"a":1}');
    writeFileAtomic(file, '{"a":2}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['profiles.json']);
  });
});
