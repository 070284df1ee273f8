/**
 * The one rule for what compression does to a key, shared by the engine (transfers, sync, the landing step) and
 * the UI's key preview, which cannot import the engine: a gzip body lands as `<key>.gz`, with no Content-Encoding,
 * because Athena picks the codec from the extension.
 */

/** What a compressed upload adds to its key ('.gz'), or '' for a body sent as it is. */
export function compressedKeySuffix(gzip: boolean | undefined): string {
  return gzip ? '.gz' : '';
}
