/** Part-size arithmetic for simulated huge files (no bytes are written). */
import { describe, expect, it } from 'vitest';
import { MAX_PARTS, MIN_PART_SIZE, partRange, partSizeFor, planUpload } from '../../../../src/main/services/s3/part-plan';
import { backoffMs } from '../../../../src/main/services/transfers/retry';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

describe('part plan', () => {
  it('100 GiB with 8 MiB preferred grows to 11 MiB parts, within 10,000 parts', () => {
    const p = planUpload(100 * GiB, 16 * MiB, 8 * MiB);
    expect(p.multipart).toBe(true);
    expect(p.partSize).toBe(11 * MiB);
    expect(p.partCount).toBe(9310);
    expect(p.partCount).toBeLessThanOrEqual(MAX_PARTS);
  });
  it('5 TiB needs 525 MiB parts and exactly fits', () => {
    const p = planUpload(5 * TiB, 16 * MiB, 8 * MiB);
    expect(p.partSize).toBe(525 * MiB);
    expect(p.partCount).toBe(Math.ceil((5 * TiB) / (525 * MiB)));
    expect(p.partCount).toBeLessThanOrEqual(MAX_PARTS);
  });
  it('over 5 TiB is refused', () => {
    expect(() => planUpload(5 * TiB + 1, 16 * MiB, 8 * MiB, '/x')).toThrowError(/5 TiB/);
  });
  it('never single-PUTs over 5 GiB even with a huge threshold', () => {
    expect(planUpload(5 * GiB + 1, 5120 * MiB + 10, 8 * MiB).multipart).toBe(true);
    expect(planUpload(5 * GiB, 5120 * MiB + 10, 8 * MiB).multipart).toBe(false);
  });
  it('the threshold splits single PUT and multipart', () => {
    expect(planUpload(16 * MiB - 1, 16 * MiB, 8 * MiB).multipart).toBe(false);
    expect(planUpload(16 * MiB, 16 * MiB, 8 * MiB)).toEqual({ multipart: true, partSize: 8 * MiB, partCount: 2 });
  });
  it('clamps the preferred size to 5 MiB and ranges cover the file exactly', () => {
    expect(partSizeFor(1, 1)).toBe(MIN_PART_SIZE);
    const size = 16 * MiB + 1;
    const ps = partSizeFor(size, 5 * MiB);
    let covered = 0;
    for (let n = 1; n <= Math.ceil(size / ps); n++) {
      const r = partRange(n, ps, size);
      expect(r.start).toBe(covered);
      covered = r.end;
    }
    expect(covered).toBe(size);
  });
});

describe('backoff', () => {
  it('grows exponentially under full jitter and is capped', () => {
    expect(backoffMs(1, { attempts: 5, baseMs: 100, maxMs: 1000 }, () => 0.999)).toBe(99);
    expect(backoffMs(3, { attempts: 5, baseMs: 100, maxMs: 1000 }, () => 0.999)).toBe(399);
    expect(backoffMs(10, { attempts: 5, baseMs: 100, maxMs: 1000 }, () => 0.999)).toBe(999);
    expect(backoffMs(3, { attempts: 5, baseMs: 100, maxMs: 1000 }, () => 0)).toBe(0);
  });
});
