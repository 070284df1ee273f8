/** The sync index's bulk forgetting: what a full pass uses to drop the rows of files no longer in the folder. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexDb, type IndexedFile } from '../../../../src/main/services/sync/index-db';
import { tempFolder } from './harness';

const row = (key: string): IndexedFile => ({ key, rel: key, size: 1, mtimeMs: 1, sha256: 's', md5: 'm' });

describe('IndexDb.forgetFilesExcept', () => {
  it('forgets exactly the rows whose keys are not kept, whatever characters the keys hold', () => {
    const db = new IndexDb(join(tempFolder(), 'i.sqlite'));
    // Quotes, backslashes, a newline and non-ASCII: the keys travel as JSON, so each must come back as itself.
    const kept = ['a.txt', 'dir/"quoted".txt', 'back\\slash.txt', 'line\nbreak.txt', 'café/Ünïcode ✓.txt', "it's.txt"];
    const gone = ['gone.txt', 'dir/"quoted".txt.bak', 'café/other.txt'];
    db.transaction(() => [...kept, ...gone].forEach((k) => db.putFile(row(k))));
    db.putSynced({ key: 'gone.txt', etag: 'e', size: 1, sha256: 's' });
    db.forgetFilesExcept(kept);
    expect(db.allFiles().map((f) => f.key).sort()).toEqual([...kept].sort());
    // Only hash rows: what the bucket held is the synced table's, and stays.
    expect(db.getSynced('gone.txt')).toBeDefined();
    db.close();
  });

  it('takes a whole large folder in one call (no bound-parameter limit), and an empty list forgets everything', () => {
    const db = new IndexDb(join(tempFolder(), 'i.sqlite'));
    const keys = Array.from({ length: 50_000 }, (_, i) => `d${Math.floor(i / 1000)}/f${i}.txt`);
    db.transaction(() => keys.forEach((k) => db.putFile(row(k))));
    db.forgetFilesExcept(keys.filter((_, i) => i % 10 !== 0));
    expect(db.countFiles()).toBe(45_000);
    expect(db.getFile('d0/f0.txt')).toBeUndefined();
    expect(db.getFile('d0/f1.txt')).toBeDefined();
    db.forgetFilesExcept([]);
    expect(db.countFiles()).toBe(0);
    db.close();
  });
});
