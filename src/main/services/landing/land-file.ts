/**
 * The landing plan, for transfers and sync alike: given a local file, its relative path and the landing options
 * of an upload (template, gzip, convertToUtf8), say which file to send, under which key and with which
 * Content-Type. Its two halves are the ones the engine uses: `landingKey` names the object (drops and the CLI at
 * enqueue, sync in pair-layout.ts), and `prepareCsvUpload` makes the body when the upload starts (upload.ts), both
 * from the same options, so the `.gz` suffix (shared/landing-key.ts) can never be added to a key whose body was
 * not compressed, or the other way round. `planLanding` does both at once for one file.
 */
import { landingKey } from './key-template';
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
  // Windows paths arrive with backslashes; a key's folders are always '/'.
  const key = landingKey(ctx.relativePath.replace(/\\/g, '/'), { prefix: ctx.prefix, template: options.template, table: ctx.table, time: ctx.time, gzip: options.gzip });
  const prepared = await prepareCsvUpload(localPath, { gzip: options.gzip, convertToUtf8: options.convertToUtf8, tmpDir: ctx.tmpDir });
  return { ...prepared, key };
}
