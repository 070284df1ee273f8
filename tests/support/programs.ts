/** Which programs this machine has: the tests that need one (a browser, a keychain daemon) look here first. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether `path` is a file this user may run. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The names in `names` that no folder of PATH holds as a runnable file. */
export function missingPrograms(names: string[], path = process.env.PATH ?? ''): string[] {
  const dirs = path.split(delimiter).filter(Boolean);
  return names.filter((name) => !dirs.some((dir) => isExecutable(join(dir, name))));
}
