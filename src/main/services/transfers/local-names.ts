/**
 * Where a downloaded key lands on this computer: the key's folders kept, each name made one the local OS can hold
 * (control characters, Windows' reserved characters and names, trailing dots and spaces, over-long names), and never outside the chosen
 * folder, whatever the key says (`../../etc/x`, `/etc/x`). Pure: no file is touched here.
 */
import { createHash } from 'node:crypto';
import { join, resolve, sep } from 'node:path';
import type { RenamedDownload } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { CONTROL_CHARS } from '../s3/validate';

/** Why a name was changed. */
export type RenameReason = RenamedDownload['reason'];

/**
 * The most UTF-8 bytes one local name may take: 255 is the limit of every common file system, less room for the
 * `.s3drop-part` suffix the file carries while it downloads.
 */
export const MAX_NAME_BYTES = 240;

/** Names Windows keeps for devices, with or without an extension (`CON`, `nul.txt`, `COM1`, `LPT9.log`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Characters Windows refuses in a name, and the control characters. */
// eslint-disable-next-line no-control-regex
const WINDOWS_BAD_CHARS = /[<>:"|?*\\\u0000-\u001f]/g;

/** One local name for one key segment, and why it differs from the segment when it does. */
function safeSegment(segment: string, windows: boolean): { name: string; reason?: RenameReason } {
  let name = segment;
  let reason: RenameReason | undefined;
  if (name === '..') {
    name = '__';
    reason = 'unsafe';
  }
  // NUL ends a path in every OS API; the others would reach a terminal through `ls` or a script, and upload refuses
  // them all, so a name keeping one could never go back up.
  if (CONTROL_CHARS.test(name)) {
    name = name.replace(new RegExp(CONTROL_CHARS.source, 'g'), '_');
    reason ??= 'control';
  }
  if (windows) {
    let w = name.replace(WINDOWS_BAD_CHARS, '_');
    // Windows drops trailing dots and spaces silently, so `a.` and `a` would be one file.
    w = w.replace(/[. ]+$/, (tail) => '_'.repeat(tail.length));
    if (WINDOWS_RESERVED.test(w)) w = `_${w}`;
    if (w !== name) {
      name = w;
      reason ??= 'windows';
    }
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    name = shorten(name);
    reason ??= 'long';
  }
  return reason ? { name, reason } : { name };
}

/**
 * A name cut to MAX_NAME_BYTES: the start of the stem, a short hash of the whole name (so two long names that
 * share a start stay two files), and the extension when it is short.
 */
function shorten(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && Buffer.byteLength(name.slice(dot), 'utf8') <= 16 ? name.slice(dot) : '';
  const tag = `~${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  const room = MAX_NAME_BYTES - Buffer.byteLength(tag + ext, 'utf8');
  let stem = '';
  // Whole code points only, so a cut never splits a character into invalid UTF-8.
  for (const ch of name.slice(0, name.length - ext.length)) {
    if (Buffer.byteLength(stem + ch, 'utf8') > room) break;
    stem += ch;
  }
  return stem + tag + ext;
}

/**
 * The local path, relative and '/'-separated, that a key's path (already relative to what is downloaded, such as
 * `photos/2024/a.jpg`) becomes; empty and `.` segments are dropped (a leading `/` makes no absolute path here).
 */
export function safeRelativePath(relKey: string, platform: NodeJS.Platform = process.platform): { rel: string; reason?: RenameReason } {
  const windows = platform === 'win32';
  const segments: string[] = [];
  let reason: RenameReason | undefined;
  const raw = relKey.split('/');
  for (const [i, segment] of raw.entries()) {
    if (segment === '' || segment === '.') {
      // A trailing '/' is a folder's own marker; a leading one would make an absolute path; anything else empty or
      // '.' names no folder of its own and is left out.
      if (i === 0 && segment === '' && raw.length > 1) reason ??= 'unsafe';
      else if (!(segment === '' && i === raw.length - 1)) reason ??= 'dropped';
      continue;
    }
    const safe = safeSegment(segment, windows);
    if (safe.reason) reason ??= safe.reason;
    segments.push(safe.name);
  }
  if (segments.length === 0) throw new AppError('KEY_INVALID', { key: relKey, reason: 'it names no file' });
  const rel = segments.join('/');
  return reason ? { rel, reason } : { rel };
}

/**
 * The absolute local path of `rel`, a name `safeRelativePath` made, under `folder`. This last check does not trust
 * the cleaning: a path that resolves outside the folder is refused (KEY_INVALID, naming `key`).
 */
export function pathUnder(folder: string, rel: string, key: string): string {
  const root = resolve(folder);
  const path = resolve(join(root, ...rel.split('/')));
  if (!path.startsWith(root + sep)) throw new AppError('KEY_INVALID', { key, reason: 'it points outside the download folder' });
  return path;
}

/** True where the OS usually treats `A.txt` and `a.txt` as one file (Windows and macOS). */
export function caseInsensitiveFs(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}
