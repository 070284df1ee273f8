/**
 * One call for the transfer engine and sync: given a local file, its relative path and the landing
 * options of an upload (template, gzip, convertToUtf8), say which file to send, under which key and with
 * which Content-Type. Keeping key and body decisions together means the `.gz` suffix can never be
 * added to a key whose body was not compressed, or the other way round.
 */
import { renderKeyTemplate } from './key-template';
import { prepareCsvUpload, type PreparedUpload } from './prepare-upload';

/** The landing options of an upload (a subset of the contract's UploadOptions). */
export interface LandingOptions {
  template?: string;
  gzip?: boolean;
  convertToUtf8?: boolean;
}

/** What to upload. */
export interface LandingPlan extends PreparedUpload {
  /** The full key: the target prefix, the rendered template (or the relative path), and the suffix. */
  key: string;
}

/** Prepares one file: renders the key first, so a bad template is refused before any disk work. */
export async function planLanding(
  localPath: string,
  ctx: { relativePath: string; prefix?: string; time: Date; table?: string; tmpDir: string },
  options: LandingOptions,
): Promise<LandingPlan> {
  const relative = options.template ? renderKeyTemplate(options.template, { relativePath: ctx.relativePath, time: ctx.time, table: ctx.table }) : ctx.relativePath.replace(/\\/g, '/');
  const prefix = ctx.prefix && !ctx.prefix.endsWith('/') ? `${ctx.prefix}/` : (ctx.prefix ?? '');
  const prepared = await prepareCsvUpload(localPath, { gzip: options.gzip, convertToUtf8: options.convertToUtf8, tmpDir: ctx.tmpDir });
  return { ...prepared, key: prefix + relative + prepared.keySuffix };
}
