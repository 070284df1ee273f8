/** The "." / ".." folder-name rule the engine's upload check and the drop zone share. */
import { describe, expect, it } from 'vitest';
import { hasDotSegment } from '../../src/shared/dot-segments';

describe('dot segments', () => {
  it('finds "." or ".." as a whole segment anywhere in a key or a folder prefix', () => {
    for (const k of ['..', '.', '../', './', '../inside.txt', 'a/../b.txt', 'a/./b.txt', 'a/..', 'a/b/../', '../c/']) expect(hasDotSegment(k), k).toBe(true);
  });

  it('leaves dots inside a name alone, and the top of the bucket', () => {
    for (const k of ['', 'a/', '.hidden', '..x/', 'x../', 'a/...', 'report.v2/..tmp', 'a//b']) expect(hasDotSegment(k), k).toBe(false);
  });
});
