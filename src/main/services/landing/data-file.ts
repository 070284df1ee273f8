/**
 * The engine's half of the data-file rule (src/shared/data-files.ts): a .csv or .tsv is a data file by its name; a
 * .txt only when its first line has a delimiter, so a note or a log dropped beside the tables keeps its own name.
 */
import { open } from 'node:fs/promises';
import type { UploadOptions } from '../../../shared/contract';
import { DATA_DELIMITERS, isDataFileName, needsContentCheck } from '../../../shared/data-files';

/** How much of a .txt is read to find its first line. */
const FIRST_LINE_BYTES = 4096;

/** True when the landing options apply to this file: a data file by name (and, for .txt, by its first line). */
export async function isDataFile(localPath: string, name: string): Promise<boolean> {
  if (!isDataFileName(name)) return false;
  if (!needsContentCheck(name)) return true;
  let fh;
  try {
    fh = await open(localPath, 'r');
    const buf = Buffer.alloc(FIRST_LINE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const firstLine = buf.subarray(0, bytesRead).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
    return DATA_DELIMITERS.some((d) => firstLine.includes(d));
  } catch {
    // Unreadable here means unreadable at upload too, where it fails with a plain error; no options are needed for that.
    return false;
  } finally {
    await fh?.close();
  }
}

/**
 * The options one file of a drop is uploaded with: the landing options (pattern, gzip, UTF-8) only for a data file,
 * unless `dataMode` asks for them on every file. A photo dropped with a pattern on lands at the plain prefix.
 */
export async function optionsForFile(options: UploadOptions | undefined, localPath: string, name: string): Promise<UploadOptions | undefined> {
  if (!options || options.dataMode || !(options.template || options.gzip || options.convertToUtf8)) return options;
  if (await isDataFile(localPath, name)) return options;
  const { template: _template, gzip: _gzip, convertToUtf8: _utf8, ...rest } = options;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
