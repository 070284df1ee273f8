/**
 * A sync pair's name pattern and data-file choices as the form holds them, and how they reach 'sync:add' and
 * 'sync:update'. The same choices as the landing section (reused from there), plus the name {table} stands for.
 */
import type { SyncPairConfig } from '../../../shared/contract';
import { noLandingChoices, uploadOptionsOf, type LandingChoices } from '../landing/landing-options';

/** The form's values: the landing choices and the table name (blank: each file's own name). */
export interface SyncLayoutChoices extends LandingChoices {
  table: string;
}

/** Nothing chosen: files keep their paths and bytes. */
export const noSyncLayout: SyncLayoutChoices = { ...noLandingChoices, table: '' };

/** The form's values for a pair's saved settings. */
export function layoutChoicesOf(config: Pick<SyncPairConfig, 'template' | 'table' | 'gzip' | 'convertToUtf8'>): SyncLayoutChoices {
  return { template: config.template ?? '', table: config.table ?? '', gzip: config.gzip ?? false, convertToUtf8: config.convertToUtf8 ?? false };
}

/** The fields 'sync:add' carries: only those set, so a plain pair is added exactly as before. */
export function layoutForAdd(c: SyncLayoutChoices): Pick<SyncPairConfig, 'template' | 'table' | 'gzip' | 'convertToUtf8'> {
  const table = c.template.trim() !== '' ? c.table.trim() : '';
  return { ...uploadOptionsOf(c), ...(table ? { table } : {}) };
}

/** The patch 'sync:update' carries: every field, blanks included, because a blank clears (JSON drops undefined). */
export function layoutPatchOf(c: SyncLayoutChoices): Required<Pick<SyncPairConfig, 'template' | 'table' | 'gzip' | 'convertToUtf8'>> {
  return { template: c.template.trim(), table: c.template.trim() !== '' ? c.table.trim() : '', gzip: c.gzip, convertToUtf8: c.convertToUtf8 };
}

/** True when the pattern uses {table}, so the table name field is worth showing. */
export function usesTable(template: string): boolean {
  return template.includes('{table}');
}
