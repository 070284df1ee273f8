/**
 * "More options" for what each uploaded object gets (storage class, encryption, metadata, tags) and, for drops,
 * which files of a folder stay out. Pure: the form's rows, their checks, and the upload options they make.
 */
import { tagKeySchema, tagValueSchema, uploadOptionsSchema, type UploadOptions } from '../../../shared/contract';
import { metadataProblem, type MetadataProblem } from '../../../shared/object-metadata';

/** The storage classes offered, in the order a person meets them (cheapest to reach first). */
export const storageClassChoices = uploadOptionsSchema.shape.storageClass.unwrap().options.filter((c) => c !== 'REDUCED_REDUNDANCY');

/** One editable name/value row (metadata or a tag). */
export interface NameValue {
  name: string;
  value: string;
}

/** What the "More options" form holds. */
export interface ObjectChoices {
  /** '' is the bucket's default (STANDARD unless its rules say otherwise). */
  storageClass: string;
  /** 'default' leaves encryption to the bucket's default. */
  encryption: 'default' | 'AES256' | 'aws:kms';
  /** Blank means the account's AWS-managed key for S3. */
  kmsKeyId: string;
  metadata: NameValue[];
  tags: NameValue[];
  /** One gitignore-style pattern per line (drops only; a sync pair has its own ignore list). */
  exclude: string;
}

/** Nothing chosen: objects get the bucket's defaults and no file is left out. */
export const noObjectChoices: ObjectChoices = { storageClass: '', encryption: 'default', kmsKeyId: '', metadata: [], tags: [], exclude: '' };

/** A problem of one row: an i18n key, or (metadata) the shared rules' error code and values. */
export interface RowProblem {
  list: 'metadata' | 'tags';
  index: number;
  key: string;
  error?: MetadataProblem;
}

/** The rows that S3 would refuse, each with the i18n key of the rule it breaks; blank rows are ignored. */
export function problemsOf(c: ObjectChoices): RowProblem[] {
  const problems: RowProblem[] = [];
  const seen = { tags: new Set<string>() };
  // Metadata follows the rules the properties panel and the engine share (shared/object-metadata.ts): the first
  // problem, shown on the row it names (a repeated name: its second row).
  const metaRows = c.metadata.map((row, index) => ({ row, index })).filter(({ row }) => !isBlank(row));
  const metaProblem = metadataProblem(metaRows.map(({ row }) => [row.name.trim(), row.value] as const));
  if (metaProblem) {
    const named = String(metaProblem.params.key ?? '').toLowerCase();
    const hits = metaRows.filter(({ row }) => row.name.trim().toLowerCase() === named);
    const at = hits[metaProblem.code === 'METADATA_KEY_TWICE' ? 1 : 0] ?? metaRows[metaRows.length - 1]!;
    problems.push({ list: 'metadata', index: at.index, key: 'moreOptions.metadataInvalid', error: metaProblem });
  }
  let tags = 0;
  c.tags.forEach((row, index) => {
    if (isBlank(row)) return;
    tags++;
    const name = row.name.trim();
    if (/^aws:/i.test(name)) problems.push({ list: 'tags', index, key: 'moreOptions.tagReserved' });
    else if (!tagKeySchema.safeParse(name).success || !tagValueSchema.safeParse(row.value).success) problems.push({ list: 'tags', index, key: 'moreOptions.tagText' });
    else if (seen.tags.has(name)) problems.push({ list: 'tags', index, key: 'moreOptions.duplicateName' });
    else if (tags > 10) problems.push({ list: 'tags', index, key: 'moreOptions.tooManyTags' });
    seen.tags.add(name);
  });
  return problems;
}

function isBlank(row: NameValue): boolean {
  return row.name.trim() === '' && row.value.trim() === '';
}

function record(rows: NameValue[]): Record<string, string> | undefined {
  const kept = rows.filter((r) => !isBlank(r));
  return kept.length > 0 ? Object.fromEntries(kept.map((r) => [r.name.trim(), r.value])) : undefined;
}

/** The upload options the choices make, or undefined when they change nothing. */
export function objectOptionsOf(c: ObjectChoices): UploadOptions | undefined {
  const o: UploadOptions = {};
  if (c.storageClass) o.storageClass = c.storageClass as UploadOptions['storageClass'];
  if (c.encryption !== 'default') o.sse = c.encryption;
  if (c.encryption === 'aws:kms' && c.kmsKeyId.trim()) o.kmsKeyId = c.kmsKeyId.trim();
  const metadata = record(c.metadata);
  if (metadata) o.metadata = metadata;
  const tags = record(c.tags);
  if (tags) o.tags = tags;
  return Object.keys(o).length > 0 ? o : undefined;
}

/**
 * A sync pair's patch for the choices: every field, blanks included, because a blank clears (JSON drops undefined);
 * the exclude lines become the pair's own ignore patterns.
 */
export function pairPatchOf(c: ObjectChoices) {
  const o = objectOptionsOf(c) ?? {};
  return {
    storageClass: o.storageClass ?? ('' as const),
    sse: o.sse ?? ('none' as const),
    kmsKeyId: o.kmsKeyId ?? '',
    metadata: o.metadata ?? {},
    tags: o.tags ?? {},
    ignore: excludeOf(c),
  };
}

/** The exclude patterns, one per non-blank line. */
export function excludeOf(c: ObjectChoices): string[] {
  return c.exclude
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The form's rows from options a pair already stores (its settings screen starts from them). */
export function choicesOf(o: (Omit<UploadOptions, 'storageClass'> & { storageClass?: UploadOptions['storageClass'] | '' }) | undefined, exclude: string[] = []): ObjectChoices {
  const rows = (r: Record<string, string> | undefined) => Object.entries(r ?? {}).map(([name, value]) => ({ name, value }));
  return {
    storageClass: o?.storageClass ?? '',
    encryption: o?.sse === 'AES256' || o?.sse === 'aws:kms' ? o.sse : 'default',
    kmsKeyId: o?.kmsKeyId ?? '',
    metadata: rows(o?.metadata),
    tags: rows(o?.tags),
    exclude: exclude.join('\n'),
  };
}

/** The "More options" choices for this session's drops (like the data-file options: a per-batch choice, not saved). */
export const objectChoicesMemory: { choices: ObjectChoices } = { choices: noObjectChoices };
