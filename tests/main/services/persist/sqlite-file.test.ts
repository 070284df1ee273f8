/** The engine's SQLite files (journal, history, sync index) and the sync folder are the owner's alone: they name the user's files and buckets. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryService } from '../../../../src/main/services/history/history-service';
import { silentLogger } from '../../../../src/main/services/log/logger';
import { EventBus } from '../../../../src/main/services/events';
import { IndexDb } from '../../../../src/main/services/sync/index-db';
import { Journal } from '../../../../src/main/services/transfers/journal';

const root = mkdtempSync(join(tmpdir(), 's3drop-sqlite-modes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('SQLite files are readable by their owner only', () => {
  it('a new journal, history and sync index, with their -wal files, are 0600 whatever the umask', () => {
    const old = process.umask(0o022);
    try {
      const { journal } = Journal.open(join(root, 'new', 'journal.sqlite'));
      const history = new HistoryService({ dataDir: join(root, 'new'), events: new EventBus(), logger: silentLogger });
      // History opens its file at its first read or write.
      history.list({ query: '', limit: 1 });
      const index = new IndexDb(join(root, 'new', 'sync', 'pair.sqlite'));
      index.setMeta('clean', '1');
      for (const f of ['journal.sqlite', 'journal.sqlite-wal', 'history.sqlite', 'history.sqlite-wal', 'sync/pair.sqlite', 'sync/pair.sqlite-wal']) {
        expect([f, modeOf(join(root, 'new', f))]).toEqual([f, 0o600]);
      }
      // The sync folder also holds the folder snapshots, which the watcher writes with the umask's mode.
      expect(modeOf(join(root, 'new', 'sync'))).toBe(0o700);
      journal.close();
      history.close();
      index.close();
    } finally {
      process.umask(old);
    }
  });

  it('a journal left readable by everyone (an older version) is narrowed when opened', () => {
    const file = join(root, 'old', 'journal.sqlite');
    Journal.open(file).journal.close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const { journal } = Journal.open(file);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}-wal`)).toBe(0o600);
    journal.close();
  });
});
