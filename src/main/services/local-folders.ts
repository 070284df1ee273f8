/**
 * Local folder paths as a person types or picks them: `~` expanded (the one place), and browser mode's one rule for
 * local paths: the folder picker lists, and every command reads and writes, only inside the allowed roots (home, and
 * the spool for dropped files), whatever path, `..` or link it is handed.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FolderListing } from '../../shared/contract';
import { AppError } from '../../shared/errors';

/**
 * The user's home folder: HOME (or USERPROFILE) from the given environment first, so tests can move it. Here, not
 * with the AWS profiles: browser mode's Node platform needs it at every CLI start, which must not load the SDK.
 */
export function homeDir(env: Record<string, string | undefined>): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** The most folders one listing returns (a home with more in one folder is cut, sorted by name). */
export const MAX_LISTED_FOLDERS = 2000;

/** `~` alone or followed by a separator becomes `home`; `~user` and every other path are left as typed. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || (sep === '\\' && path.startsWith('~\\'))) return join(home, path.slice(2));
  return path;
}

/** True when `child` is `root` or inside it (both already real paths). */
function within(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Where `path` leads once every link and `..` is followed as the OS follows them: its real path, or, for a path not
 * made yet, its nearest existing parent's real path with the rest appended. The string is never normalised first:
 * `home/link/..` is the link target's parent to the OS, not `home`. A part that cannot be followed (missing, not a
 * folder, no permission, a loop) is taken from the parent above it, which the OS could not get past either.
 */
async function realOrNearest(path: string): Promise<string> {
  // Relative paths are the process's, as the commands that use them see them; joined by hand so `..` stays literal.
  let head = isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
  const rest: string[] = [];
  for (;;) {
    const real = await realpath(head).catch(() => undefined);
    // Everything in `rest` is yet to be made, so its `..` can only climb back through real folders: resolve is exact.
    if (real !== undefined) return resolve(real, ...rest);
    const parent = dirname(head);
    if (parent === head) return resolve(head, ...rest);
    rest.unshift(basename(head));
    head = parent;
  }
}

/**
 * Refuses (FOLDER_OUTSIDE_HOME, naming the path as given) the first of `paths` that does not lead inside one of
 * `roots` once links and `..` are followed (`realOrNearest`). `roots` undefined means no limit: the desktop app and
 * the CLI, where the person chose the paths in a native dialog or on the command line (`Platform.localRoots`).
 */
export async function assertInsideRoots(paths: Iterable<string>, roots: readonly string[] | undefined): Promise<void> {
  if (roots === undefined) return;
  const realRoots = await Promise.all(roots.map(realOrNearest));
  for (const path of paths) {
    const real = await realOrNearest(path);
    if (!realRoots.some((root) => within(root, real))) throw new AppError('FOLDER_OUTSIDE_HOME', { path });
  }
}

/**
 * The folders inside `path` (default: home), for a picker that can only show what the engine lists. `path` may be
 * `~`-relative, relative to home, or absolute; after `..` and links are resolved it must still be inside home, or the
 * listing is refused (FOLDER_OUTSIDE_HOME). Links inside it that lead out of home are left out, as are hidden folders.
 */
export async function listFolders(path: string | undefined, home: string): Promise<FolderListing> {
  // A home that is gone (a removed account, a test's temporary HOME) is a folder not found, not a crash.
  const realHome = await realpath(home).catch(() => {
    throw new AppError('FOLDER_NOT_FOUND', { path: home });
  });
  const asked = resolve(realHome, expandHome(path?.trim() || '~', realHome));
  const real = await realpath(asked).catch(() => undefined);
  if (!real || !(await stat(real)).isDirectory()) throw new AppError('FOLDER_NOT_FOUND', { path: asked });
  if (!within(realHome, real)) throw new AppError('FOLDER_OUTSIDE_HOME', { path: asked });
  const folders: FolderListing['folders'] = [];
  const entries = await readdir(real, { withFileTypes: true }).catch((err: unknown) => {
    throw new AppError('FILE_UNREADABLE', { path: real }, { cause: err });
  });
  for (const d of entries) {
    if (d.name.startsWith('.')) continue;
    const full = join(real, d.name);
    if (d.isSymbolicLink()) {
      const target = await realpath(full).catch(() => undefined);
      if (!target || !within(realHome, target) || !(await stat(target).catch(() => undefined))?.isDirectory()) continue;
    } else if (!d.isDirectory()) continue;
    folders.push({ name: d.name, path: full });
  }
  folders.sort((a, b) => a.name.localeCompare(b.name));
  return {
    path: real,
    home: realHome,
    ...(real !== realHome ? { parent: resolve(real, '..') } : {}),
    folders: folders.slice(0, MAX_LISTED_FOLDERS),
    truncated: folders.length > MAX_LISTED_FOLDERS,
  };
}
