/**
 * Opening an engine-owned SQLite file (WAL, integrity-checked): a damaged file is moved aside and a fresh one is
 * started, because what such a file holds (history, an index) is worth less than an app that starts.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** An opened database, and where a damaged predecessor went. */
export interface OpenedSqlite {
  db: DatabaseSync;
  /** Set when the file failed its check and was moved here. */
  corruptMovedTo?: string;
}

/**
 * Opens a SQLite file that only its owner may read: SQLite creates a database with the umask's mode (often 0644),
 * and its -wal and -shm files copy the main file's, while these files name the user's files and buckets. The file is
 * created 0600 when missing, and one left readable by an older version is narrowed.
 */
export function openPrivateDb(file: string): DatabaseSync {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch {
      // -wal and -shm exist only while a connection is open; on Windows the mode means little.
    }
  }
  return new DatabaseSync(file);
}

/** Opens `file`, runs `schema` (idempotent DDL) on it, and moves a damaged file aside instead of failing. */
export function openSqliteFile(file: string, schema: string): OpenedSqlite {
  mkdirSync(dirname(file), { recursive: true });
  try {
    return { db: openChecked(file, schema) };
  } catch {
    const aside = `${file}.corrupt-${Date.now()}`;
    if (existsSync(file)) renameSync(file, aside);
    for (const extra of ['-wal', '-shm']) rmSync(file + extra, { force: true });
    return { db: openChecked(file, schema), corruptMovedTo: aside };
  }
}

function openChecked(file: string, schema: string): DatabaseSync {
  const db = openPrivateDb(file);
  try {
    // busy_timeout: the CLI and the app may write the same file at once.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    const check = db.prepare('PRAGMA quick_check').get() as Record<string, unknown> | undefined;
    if (!check || Object.values(check)[0] !== 'ok') throw new Error(`${file} failed its integrity check`);
    db.exec(schema);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
