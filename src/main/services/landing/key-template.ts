/**
 * Destination templates: turn a file's relative path and a time into an S3 key, e.g.
 * `{table}/dt={yyyy}-{mm}-{dd}/{name}` → `sales/dt=2026-11-25/sales.csv`.
 *
 * Token meanings (documented here because the UI preview and the DDL generator both rely on them):
 * - `{name}`   the file name with its extension (`sales.csv`), so a template ending in `{name}` keeps it;
 * - `{ext}`    the extension without the dot (`csv`), '' when there is none;
 * - `{yyyy}` `{mm}` `{dd}` `{hh}`  the time in UTC, zero-padded: partitions must not move with the
 *   laptop's time zone or a daylight-saving change, and Athena's partition projection assumes UTC;
 * - `{folder}` the folders of the relative path (`2026/jan` for `2026/jan/a.csv`); when it is empty and
 *   forms a whole segment (`{folder}/{name}`), that segment is dropped so root files still get a key;
 * - `{table}`  the table name given, or else the file's stem, sanitised to Athena's rules either way.
 */
import { AppError } from '../../../shared/errors';
import { compressedKeySuffix } from '../../../shared/landing-key';
import { hasDotSegment } from '../../../shared/dot-segments';
import { normalisePrefix } from '../s3/validate';

/** What a template is rendered against. */
export interface KeyTemplateContext {
  relativePath: string;
  time: Date;
  table?: string;
}

/** The tokens a template may use. */
export const templateTokens = ['name', 'ext', 'yyyy', 'mm', 'dd', 'hh', 'folder', 'table'] as const;

/** One template token. */
export type TemplateToken = (typeof templateTokens)[number];

/** S3's limit on a key, in UTF-8 bytes. */
export const maxKeyBytes = 1024;

const tokenPattern = /\{([^{}]*)\}/g;

function invalid(reason: string): AppError {
  return new AppError('TEMPLATE_INVALID', { reason });
}

/** Checks a template's shape (tokens, braces, empty segments) without rendering it; throws TEMPLATE_INVALID. */
export function validateKeyTemplate(template: string): void {
  if (template.trim() === '') throw invalid('it is empty');
  for (const m of template.matchAll(tokenPattern)) {
    if (!(templateTokens as readonly string[]).includes(m[1]!)) {
      throw invalid(`{${m[1]}} is not a known token (use ${templateTokens.map((t) => `{${t}}`).join(' ')})`);
    }
  }
  const withoutTokens = template.replace(tokenPattern, '');
  if (/[{}]/.test(withoutTokens)) throw invalid('a { or } is not closed');
  if (template.startsWith('/')) throw invalid('it starts with "/", which makes an empty folder name');
  if (template.endsWith('/')) throw invalid('it ends with "/", so there is no file name');
  if (template.includes('//')) throw invalid('it has "//", which makes an empty folder name');
  if (hasDotSegment(template)) throw invalid('"." and ".." cannot be folder names');
}

/** Athena's rules for a table or column name: lowercase ASCII letters, digits and `_`, accents stripped. */
export function sanitizeAthenaName(raw: string, fallback: string): string {
  const name = raw
    .normalize('NFKD') // NFKD also unfolds º ª ² and ligatures, common in Brazilian headers ("1º lugar")
    .replace(/[\u0300-\u036f]/g, '') // combining accents: "ção" → "cao", which reads better than "c_o"
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 255);
  if (name === '') return fallback;
  // A name starting with a digit must be quoted in every query; a prefix spares the user that.
  return /^[0-9]/.test(name) ? `col_${name}`.slice(0, 255) : name;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Splits a relative path (either slash, as Windows paths arrive) into folders and the file name. */
function splitPath(relativePath: string): { folder: string; name: string } {
  const parts = relativePath.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  const name = parts.pop() ?? '';
  return { folder: parts.join('/'), name };
}

/** The file's stem: `sales.csv.gz` → `sales`, so the default table name ignores compression too. */
export function fileStem(fileName: string): string {
  const dot = fileName.indexOf('.', 1);
  return dot === -1 ? fileName : fileName.slice(0, dot);
}

/** Renders a template into a key; throws TEMPLATE_INVALID for an unknown token, a key over 1,024 bytes, or an empty segment. */
export function renderKeyTemplate(template: string, ctx: KeyTemplateContext): string {
  validateKeyTemplate(template);
  if (Number.isNaN(ctx.time.getTime())) throw invalid('the date is not valid');
  const { folder, name } = splitPath(ctx.relativePath);
  if (name === '') throw invalid('the file has no name');
  const lastDot = name.lastIndexOf('.');
  const values: Record<TemplateToken, string> = {
    name,
    ext: lastDot > 0 ? name.slice(lastDot + 1) : '',
    yyyy: pad(ctx.time.getUTCFullYear(), 4),
    mm: pad(ctx.time.getUTCMonth() + 1),
    dd: pad(ctx.time.getUTCDate()),
    hh: pad(ctx.time.getUTCHours()),
    folder,
    // Sanitised like the DDL's table name, so the folder and the table always match.
    table: sanitizeAthenaName(ctx.table?.trim() || fileStem(name), 'data'),
  };
  const segments: string[] = [];
  for (const segment of template.split('/')) {
    if (segment === '{folder}' && folder === '') continue;
    const rendered = segment.replace(tokenPattern, (_whole, token: TemplateToken) => values[token]);
    for (const part of rendered.split('/')) {
      if (part === '') throw invalid(`the part "${segment}" comes out empty for ${name}`);
      segments.push(part);
    }
  }
  if (segments.length === 0) throw invalid(`the name comes out empty for ${name}`);
  const key = segments.join('/');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > maxKeyBytes) throw invalid(`the name would be ${bytes} bytes long; S3 allows at most ${maxKeyBytes}`);
  return key;
}

/** How a file is named in the bucket: the landing options that shape its key. */
export interface LandingKeyOptions {
  /** The folder in the bucket; normalised as every prefix is (see `normalisePrefix`). */
  prefix?: string;
  template?: string;
  table?: string;
  /** The time the template's date tokens take (the upload's, or the file's mtime). */
  time: Date;
  gzip?: boolean;
}

/**
 * The key a file lands under, for drops, the CLI and sync alike: the prefix, the rendered template (or the relative
 * path as given), and `.gz` when the body is compressed. Throws TEMPLATE_INVALID when the template cannot name it.
 */
export function landingKey(relativePath: string, options: LandingKeyOptions): string {
  const base = options.template ? renderKeyTemplate(options.template, { relativePath, time: options.time, table: options.table }) : relativePath;
  return normalisePrefix(options.prefix ?? '') + base + compressedKeySuffix(options.gzip);
}
