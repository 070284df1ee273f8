/**
 * The one list of the operating systems' junk files (Finder's folder state, Windows thumbnails and folder settings,
 * Office lock files): sync never uploads them, and drops and uploads leave them out unless asked to take them.
 * Shared so browser mode can leave them out before spooling, and the engine and the CLI decide the same way.
 */

/** The junk files' names, as gitignore patterns that match a file's name in any folder. */
export const SYSTEM_JUNK_PATTERNS: readonly string[] = ['.DS_Store', 'Thumbs.db', 'desktop.ini', '~$*'];

/** Answers whether a path (either slash) names a junk file; only its last segment is looked at. */
export function isSystemJunk(path: string): boolean {
  const name = path.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? '';
  return SYSTEM_JUNK_PATTERNS.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}
