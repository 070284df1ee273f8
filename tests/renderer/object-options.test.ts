/** "More options" (src/renderer/features/options/object-options.ts): rows S3 would refuse, and the options they make. */
import { describe, expect, it } from 'vitest';
import { syncPairInputSchema, uploadOptionsSchema } from '../../src/shared/contract';
import { patchOf } from '../../src/shared/contract/define';
import { choicesOf, excludeOf, noObjectChoices, objectOptionsOf, pairPatchOf, problemsOf, type ObjectChoices } from '../../src/renderer/features/options/object-options';

const c = (patch: Partial<ObjectChoices>): ObjectChoices => ({ ...noObjectChoices, ...patch });

describe('More options', () => {
  it('changes nothing until something is chosen; blank rows are ignored', () => {
    expect(objectOptionsOf(noObjectChoices)).toBeUndefined();
    expect(objectOptionsOf(c({ tags: [{ name: ' ', value: '' }], metadata: [{ name: '', value: '' }] }))).toBeUndefined();
    expect(problemsOf(c({ tags: [{ name: '', value: '' }] }))).toEqual([]);
  });

  it('makes options the contract accepts, with a KMS key only for SSE-KMS', () => {
    const o = objectOptionsOf(
      c({ storageClass: 'STANDARD_IA', encryption: 'aws:kms', kmsKeyId: ' alias/photos ', metadata: [{ name: 'owner', value: 'ana' }], tags: [{ name: ' project ', value: 'Trip to Lisbon' }] }),
    );
    expect(o).toEqual({ storageClass: 'STANDARD_IA', sse: 'aws:kms', kmsKeyId: 'alias/photos', metadata: { owner: 'ana' }, tags: { project: 'Trip to Lisbon' } });
    expect(uploadOptionsSchema.safeParse(o).success).toBe(true);
    expect(objectOptionsOf(c({ encryption: 'AES256', kmsKeyId: 'ignored' }))).toEqual({ sse: 'AES256' });
  });

  it('names the rule each refused row breaks, as S3 would refuse it', () => {
    const problems = problemsOf(
      c({
        metadata: [{ name: 'Owner Name', value: 'x' }, { name: 'a', value: 'x' }, { name: 'a', value: 'y' }],
        tags: [{ name: 'aws:team', value: 'x' }, { name: 'ok', value: 'semi;colon' }, ...Array.from({ length: 10 }, (_, i) => ({ name: `t${i}`, value: 'v' }))],
      }),
    );
    expect(problems.map((p) => `${p.list}[${p.index}] ${p.error?.code ?? p.key}`)).toEqual([
      'metadata[0] METADATA_KEY_INVALID',
      'tags[0] moreOptions.tagReserved',
      'tags[1] moreOptions.tagText',
      'tags[10] moreOptions.tooManyTags',
      'tags[11] moreOptions.tooManyTags',
    ]);
  });

  it('checks metadata with the rules the properties panel and the engine share, on the row at fault', () => {
    const twice = problemsOf(c({ metadata: [{ name: 'Owner', value: 'a' }, { name: '', value: '' }, { name: 'owner', value: 'b' }] }));
    expect(twice.map((p) => `${p.index} ${p.error?.code}`)).toEqual(['2 METADATA_KEY_TWICE']);
    expect(problemsOf(c({ metadata: [{ name: 's3drop-sha256', value: 'x' }] }))[0]?.error?.code).toBe('METADATA_KEY_RESERVED');
    // What the form accepts, the contract accepts too (the same rules on both sides).
    expect(uploadOptionsSchema.safeParse(objectOptionsOf(c({ metadata: [{ name: 'Owner_Name', value: 'Ana' }] }))).success).toBe(true);
    expect(uploadOptionsSchema.safeParse({ metadata: { 'bad key': 'x' } }).success).toBe(false);
  });

  it('reads exclude patterns one per line, and a pair\'s stored options back into the form', () => {
    expect(excludeOf(c({ exclude: '*.tmp\r\n\n  raw/  \n' }))).toEqual(['*.tmp', 'raw/']);
    const back = choicesOf({ storageClass: 'GLACIER_IR', sse: 'AES256', tags: { a: 'b' } }, ['*.log']);
    expect(back).toMatchObject({ storageClass: 'GLACIER_IR', encryption: 'AES256', tags: [{ name: 'a', value: 'b' }], exclude: '*.log' });
    expect(objectOptionsOf(back)).toEqual({ storageClass: 'GLACIER_IR', sse: 'AES256', tags: { a: 'b' } });
  });
});

describe('More options in a sync pair\'s settings', () => {
  it('patches every field, so a choice taken back clears on the pair, and the exclude lines become its ignore list', () => {
    expect(pairPatchOf(noObjectChoices)).toEqual({ storageClass: '', sse: 'none', kmsKeyId: '', metadata: {}, tags: {}, ignore: [] });
    const patch = pairPatchOf(c({ storageClass: 'GLACIER_IR', encryption: 'AES256', tags: [{ name: 'a', value: 'b' }], exclude: '*.tmp' }));
    expect(patch).toEqual({ storageClass: 'GLACIER_IR', sse: 'AES256', kmsKeyId: '', metadata: {}, tags: { a: 'b' }, ignore: ['*.tmp'] });
    // The contract takes both patches.
    expect(patchOf(syncPairInputSchema).safeParse(pairPatchOf(noObjectChoices)).success).toBe(true);
    expect(patchOf(syncPairInputSchema).safeParse(patch).success).toBe(true);
  });
});
