/**
 * Where a sync pair puts each file and in what form: its key template, {table} name, gzip and UTF-8 choices.
 *
 * A file's key is a pure function of (relative path, modification time, layout): the template's time tokens
 * take the file's mtime, never the upload time (an upload-time template would give an unchanged file a new
 * key every day, and sync would never converge). Everything here is pure, so the planner stays pure.
 */
import { AppError } from '../../../shared/errors';
import { landingKey, validateKeyTemplate } from '../landing/key-template';
import type { UploadOptions } from '../../../shared/contract';
import type { IndexedFile } from './index-db';

/** A pair's key and body choices, normalised: blank strings are absent. */
export interface PairLayout {
  template?: string;
  table?: string;
  gzip?: boolean;
  convertToUtf8?: boolean;
}

/** The layout fields of a pair's config, with blanks dropped (a blank template means "keep the paths"). */
export function layoutOf(config: PairLayout): PairLayout {
  const layout: PairLayout = {};
  const template = config.template?.trim();
  const table = config.table?.trim();
  if (template) layout.template = template;
  if (table) layout.table = table;
  if (config.gzip) layout.gzip = true;
  if (config.convertToUtf8) layout.convertToUtf8 = true;
  return layout;
}

/** What each object a pair uploads gets (storage class, encryption, metadata, tags): only the fields it sets. */
export function objectOptionsOf(config: Pick<UploadOptions, 'sse' | 'kmsKeyId' | 'metadata' | 'tags'> & { storageClass?: UploadOptions['storageClass'] | '' }): UploadOptions {
  const o: UploadOptions = {};
  if (config.storageClass) o.storageClass = config.storageClass;
  if (config.sse && config.sse !== 'none') o.sse = config.sse;
  if (config.sse === 'aws:kms' && config.kmsKeyId?.trim()) o.kmsKeyId = config.kmsKeyId.trim();
  if (config.metadata && Object.keys(config.metadata).length > 0) o.metadata = config.metadata;
  if (config.tags && Object.keys(config.tags).length > 0) o.tags = config.tags;
  return o;
}

/** Refuses a pair whose template cannot work, with TEMPLATE_INVALID and its plain-language reason. */
export function assertLayout(layout: PairLayout): void {
  if (layout.template !== undefined) validateKeyTemplate(layout.template);
}

/** True when the bytes sent are a gzip/UTF-8 copy, so the object's own hash and size are not the file's. */
export function transformsBody(layout: PairLayout): boolean {
  return Boolean(layout.gzip || layout.convertToUtf8);
}

/** True when keys are not simply the files' relative paths. */
export function rewritesKeys(layout: PairLayout): boolean {
  return layout.template !== undefined || Boolean(layout.gzip);
}

/** A stable text for the layout, kept in the pair's index to notice when it changes. */
export function layoutSignature(layout: PairLayout): string {
  return JSON.stringify([layout.template ?? null, layout.table ?? null, Boolean(layout.gzip), Boolean(layout.convertToUtf8)]);
}

/** A stable text for the body choices alone: when it changes, what the bucket's bytes mean changes too. */
export function bodySignature(layout: PairLayout): string {
  return JSON.stringify([Boolean(layout.gzip), Boolean(layout.convertToUtf8)]);
}

/** The key (relative to the pair's prefix) a file should have; throws TEMPLATE_INVALID when the template cannot name it. */
export function destinationKey(file: Pick<IndexedFile, 'key' | 'mtimeMs'>, layout: PairLayout): string {
  return landingKey(file.key, { template: layout.template, table: layout.table, time: new Date(file.mtimeMs), gzip: layout.gzip });
}

/** Local files by the key each maps to, plus the files that cannot be named and the keys two files map to. */
export interface KeyedFiles {
  /** Keys with exactly one file. */
  byKey: Map<string, IndexedFile>;
  /** Keys two or more files map to: none of them is synced (one would overwrite the other). */
  collisions: Map<string, IndexedFile[]>;
  /** Files the template cannot name, with the reason. */
  unnamed: { file: IndexedFile; reason: string }[];
}

/** Maps every local file to its key through the layout. */
export function keyFiles(local: readonly IndexedFile[], layout: PairLayout): KeyedFiles {
  const out: KeyedFiles = { byKey: new Map(), collisions: new Map(), unnamed: [] };
  for (const file of local) {
    let key: string;
    try {
      key = destinationKey(file, layout);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out.unnamed.push({ file, reason: `the name pattern cannot name this file: ${String(err.params.reason ?? err.code)}` });
      continue;
    }
    const clash = out.collisions.get(key);
    if (clash) {
      clash.push(file);
      continue;
    }
    const prior = out.byKey.get(key);
    if (prior) {
      out.byKey.delete(key);
      out.collisions.set(key, [prior, file]);
      continue;
    }
    out.byKey.set(key, file);
  }
  return out;
}

/** The plain-language reason reported for each file of a collision. */
export function collisionReason(key: string, files: readonly IndexedFile[]): string {
  return `${files.map((f) => `"${f.key}"`).join(' and ')} would ${files.length === 2 ? 'both' : 'all'} be saved as "${key}" by the name pattern, so none of them is synced`;
}
