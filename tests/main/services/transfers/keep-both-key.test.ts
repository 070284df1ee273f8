/** Keep-both naming: `name (n).ext`, and the first such name a set does not hold yet (one helper for drops and the sync trash). */
import { describe, expect, it } from 'vitest';
import { claimKeepBothKey, keepBothKey } from '../../../../src/main/services/transfers/upload';

describe('keepBothKey', () => {
  it('puts " (n)" before the extension, in the last part of the key only', () => {
    expect(keepBothKey('a/photo.jpg', 1)).toBe('a/photo (1).jpg');
    expect(keepBothKey('dir.v2/readme', 3)).toBe('dir.v2/readme (3)');
    expect(keepBothKey('.env', 1)).toBe('.env (1)');
    expect(keepBothKey('x/archive.tar.gz', 2)).toBe('x/archive.tar (2).gz');
  });
});

describe('claimKeepBothKey', () => {
  it('gives the first n the set does not hold, and holds it from then on', () => {
    const taken = new Set(['a.txt', 'a (1).txt', 'a (3).txt']);
    expect(claimKeepBothKey('a.txt', taken)).toBe('a (2).txt');
    expect(taken.has('a (2).txt')).toBe(true);
    // The next claim for the same name skips both the claimed and the existing ones.
    expect(claimKeepBothKey('a.txt', taken)).toBe('a (4).txt');
    expect(claimKeepBothKey('b/c', new Set())).toBe('b/c (1)');
  });
});
