/**
 * S3's rules for an object's user metadata, and which keys are the app's own. Pure, so the engine refuses with the
 * same rules the properties panel checks as a person types.
 */

/** Metadata keys starting with this are the app's own (its content hashes): shown, never editable. */
export const APP_META_PREFIX = 's3drop-';

/** S3 allows at most this many bytes of user metadata, keys and values together (UTF-8). */
export const MAX_METADATA_BYTES = 2048;

/** Why a metadata table cannot be saved: the error catalogue's code and its values. */
export interface MetadataProblem {
  code: 'METADATA_KEY_INVALID' | 'METADATA_VALUE_INVALID' | 'METADATA_KEY_RESERVED' | 'METADATA_KEY_TWICE' | 'METADATA_TOO_LARGE';
  params: Record<string, string | number>;
}

/** True when `key` is one of the app's own metadata keys. */
export function isAppMetaKey(key: string): boolean {
  return key.toLowerCase().startsWith(APP_META_PREFIX);
}

/** The bytes a metadata table takes against S3's limit. */
export function metadataBytes(meta: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(meta)) n += new TextEncoder().encode(k).length + new TextEncoder().encode(v).length;
  return n;
}

/**
 * The first problem with the user metadata a person wants to save (`appMeta` is what the app keeps beside it and
 * counts against the same limit), or undefined. Keys are sent as HTTP header names and S3 lowercases them, so two
 * keys differing in case are the same key; values travel as header values, so only printable ASCII is safe.
 */
export function metadataProblem(rows: readonly (readonly [string, string])[], appMeta: Record<string, string> = {}): MetadataProblem | undefined {
  const seen = new Set<string>();
  for (const [key, value] of rows) {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) return { code: 'METADATA_KEY_INVALID', params: { key } };
    if (isAppMetaKey(key)) return { code: 'METADATA_KEY_RESERVED', params: { key } };
    if (seen.has(key.toLowerCase())) return { code: 'METADATA_KEY_TWICE', params: { key: key.toLowerCase() } };
    seen.add(key.toLowerCase());
    if (!/^[\x20-\x7e]*$/.test(value)) return { code: 'METADATA_VALUE_INVALID', params: { key } };
  }
  const bytes = metadataBytes({ ...appMeta, ...Object.fromEntries(rows) });
  if (bytes > MAX_METADATA_BYTES) return { code: 'METADATA_TOO_LARGE', params: { bytes, max: MAX_METADATA_BYTES } };
  return undefined;
}
