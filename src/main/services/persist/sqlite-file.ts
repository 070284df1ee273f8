/**
 * Opening an engine-owned SQLite file (WAL, integrity-checked): a damaged file is moved aside and a fresh one is
 * started, because what such a file holds (history, an index) is worth less than an app that starts.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** An opened database, and where a damaged predecessor went. */
export interface OpenedSqlite {
  db: DatabaseSync;
  /** Set when the file failed its check and was moved here. */
  corruptMovedTo?: string;
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
  const db = new DatabaseSync(file);
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
