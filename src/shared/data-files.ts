/**
 * Which files the landing options (name pattern, gzip, UTF-8) are for: data files, by name. The engine adds one
 * look inside a .txt (data only when its first line has a delimiter); the UI, which may not read the file, goes by
 * the name alone. With the upload option `dataMode` the options apply to every file instead.
 */

/** True for names that may hold a table: .csv, .tsv and .txt (any case). */
export function isDataFileName(name: string): boolean {
  return /\.(csv|tsv|txt)$/i.test(name);
}

/** True for .txt, whose content decides (a delimiter on its first line) whether it is a data file. */
export function needsContentCheck(name: string): boolean {
  return /\.txt$/i.test(name);
}

/** The delimiters a data file's first line may use (as the CSV check knows them). */
export const DATA_DELIMITERS: readonly string[] = [',', ';', '\t', '|'];
