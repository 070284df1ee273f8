/**
 * The one rule for "." and ".." folder names in a key or folder prefix. S3 stores them as plain characters, but
 * tools that mirror a bucket to disk (and URL resolution) read them as "this folder" and "the folder above", so a
 * file uploaded under them could land outside the chosen folder. Pure, so the engine's upload check and the drop
 * zone, which cannot import the engine, refuse the same keys.
 */

/** Whether a key or prefix (`a/../b.txt`, `../`, `./x`) has a "." or ".." segment between its slashes. */
export function hasDotSegment(keyOrPrefix: string): boolean {
  return keyOrPrefix.split('/').some((s) => s === '.' || s === '..');
}
