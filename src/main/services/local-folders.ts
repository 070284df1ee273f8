/**
 * Local folder paths as a person types or picks them: `~` expanded (the one place), and the browser-mode folder
 * picker, which lists folders only inside the person's home, whatever path, `..` or link it is handed.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FolderListing } from '../../shared/contract';
import { AppError } from '../../shared/errors';

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
