/**
 * The one home for the engine's small JSON files (profiles.json, settings.json, pairs.json): an atomic write
 * (temp file, fsync, rename) and one queue per file for read-modify-write steps, so two changes that overlap in
 * time both land instead of the second overwriting the first with what it read before an `await`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Replaces `file` with `text` all at once: a reader (or a crash) sees the old content or the new, never half. */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(file), { recursive: true });
  // A random suffix: two writers (two steps of this process, or two processes) never share a temp file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeFileSync(fd, text);
      // Without it a power cut after the rename can leave an empty file where the old one was.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The tail of each file's queue. Module-level on purpose, unlike the rest of the engine: the queue must be shared
 * by every writer of that file in this process, whichever object holds it. An entry goes as soon as its file's
 * queue is empty, so nothing stays behind between changes.
 */
const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `step` after every step queued earlier on the same file has finished (in call order), and resolves with its
 * result. Put the whole read-modify-write in `step`: read the file inside it, not before.
 */
export function serialized<T>(file: string, step: () => T | Promise<T>): Promise<T> {
  const key = resolve(file);
  const before = tails.get(key) ?? Promise.resolve();
  const run = before.then(step);
  // The queue goes on after a failed step; the failure is the caller's, through `run`.
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
