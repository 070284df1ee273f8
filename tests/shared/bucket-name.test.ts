/** The bucket-name rules the engine and the create dialog share, and the corrected name the dialog offers. */
import { describe, expect, it } from 'vitest';
import { bucketNameProblems, suggestBucketName } from '../../src/shared/bucket-name';

describe('bucket names', () => {
  it('lists every rule a name breaks, not only the first', () => {
    expect(bucketNameProblems('My Bucket!').map((p) => p.key)).toEqual(['lowercaseOnly', 'noSpaces', 'badCharacters', 'startEnd']);
    expect(bucketNameProblems('My Bucket!').find((p) => p.key === 'badCharacters')?.values).toEqual({ chars: '"!"' });
    expect(bucketNameProblems('ab')).toEqual([{ key: 'tooShort', en: 'it must be at least 3 characters long' }]);
    expect(bucketNameProblems('my-bucket')).toEqual([]);
  });

  it('offers a corrected name that follows every rule, or none when the name is fine or nothing is left', () => {
    expect(suggestBucketName('My Bucket!')).toBe('my-bucket');
    expect(suggestBucketName('Fotos da Família 2026')).toBe('fotos-da-familia-2026');
    expect(suggestBucketName('my_bucket..v2')).toBe('my-bucket.v2');
    expect(suggestBucketName('192.168.1.1')).toBe('192-168-1-1');
    expect(suggestBucketName('xn--thing')).toBe('thing');
    expect(suggestBucketName('my-bucket')).toBeUndefined();
    expect(suggestBucketName('!!')).toBeUndefined();
    // Whatever is typed, a suggestion is always a name that may be created.
    const samples = ['A', 'Ab C', '--x--', 'a'.repeat(80) + '!', 'Ünïcödé Bücket', '...a...b...', 'data-s3alias', 'bucket--x-s3', '  spaced  out  '];
    for (const name of samples) {
      const s = suggestBucketName(name);
      if (s !== undefined) expect(bucketNameProblems(s), `${name} -> ${s}`).toEqual([]);
    }
  });
});
