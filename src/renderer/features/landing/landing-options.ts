/**
 * The landing-zone choices for the next uploads (name pattern, gzip, UTF-8), and how they reach
 * 'transfers:enqueue' without the drop code knowing about them: a command runner that adds the options.
 */
import type { CsvReport, UploadOptions } from '../../../shared/contract';
import type { AppErrorData } from '../../../shared/errors';
import type { Commands } from '../../state/use-command';

/** What the "Options for data files" section holds for the next drops. */
export interface LandingChoices {
  /** The name pattern as typed; blank means "no pattern" (files keep their own names). */
  template: string;
  gzip: boolean;
  convertToUtf8: boolean;
  /** "Data mode": the choices apply to every file, not only to data files (.csv, .tsv, .txt with a delimiter). */
  dataMode?: boolean;
  /** Set while the typed pattern is refused; uploads are not started with it. */
  templateError?: AppErrorData;
}

/** Nothing chosen: uploads behave exactly as without the section. */
export const noLandingChoices: LandingChoices = { template: '', gzip: false, convertToUtf8: false };

/** A local file the section can check (an Electron path, or a browser-mode spooled copy). */
export interface DataFile {
  path: string;
  /** The name shown and used as the sample for the key preview (relative path inside a dropped folder). */
  name: string;
}

/** The sample relative path the preview uses before any data file was dropped. */
export const sampleName = 'report.csv';

/** True for the files the CSV check understands and the options apply to: .csv, .tsv and .txt (any case). */
export { isDataFileName as isDataFile } from '../../../shared/data-files';

/**
 * The CSV check's warnings worth asking about before a drop is queued: the ones that change what lands or say the file
 * is not the table it looks like (not UTF-8, ragged rows, a first line too long to be a header, no rows at all).
 * Duplicate or empty column names stay on the card: the data itself lands as meant.
 */
const ASKED: ReadonlySet<CsvReport['warnings'][number]['code']> = new Set(['not-utf8', 'ragged', 'long-line', 'empty']);

/** The warnings the drop's CSV question shows; when `converting`, not-UTF-8 no longer asks (that is what the option is for). */
export function askedCsvWarnings(report: CsvReport, converting: boolean): CsvReport['warnings'] {
  return report.warnings.filter((w) => ASKED.has(w.code) && !(converting && w.code === 'not-utf8'));
}

/** True when any choice changes how files are uploaded (shown as a badge on the collapsed section). */
export function hasLandingChoices(c: LandingChoices): boolean {
  return c.template.trim() !== '' || c.gzip || c.convertToUtf8;
}

/** The upload options for the choices, or undefined when none is set (the enqueue payload stays as before). */
export function uploadOptionsOf(c: LandingChoices): UploadOptions | undefined {
  if (!hasLandingChoices(c)) return undefined;
  const options: UploadOptions = {};
  if (c.template.trim() !== '') options.template = c.template.trim();
  if (c.gzip) options.gzip = true;
  if (c.convertToUtf8) options.convertToUtf8 = true;
  if (c.dataMode) options.dataMode = true;
  return options;
}

/**
 * Commands whose 'transfers:enqueue' carries the options (merged over any the caller sent) and the exclude patterns. The drop
 * helpers take a command runner, so wrapping it keeps them unchanged; every other call goes straight through.
 */
export function withUploadOptions<C extends Pick<Commands, 'run'>>(commands: C, options: UploadOptions | undefined, exclude: string[] = []): C {
  if (!options && exclude.length === 0) return commands;
  const run: Commands['run'] = (name, input) => {
    if (name !== 'transfers:enqueue') return commands.run(name, input);
    const payload = input as { options?: UploadOptions; exclude?: string[] };
    return commands.run(name, {
      ...payload,
      ...(options ? { options: { ...payload.options, ...options } } : {}),
      ...(exclude.length > 0 ? { exclude: [...(payload.exclude ?? []), ...exclude] } : {}),
    } as typeof input);
  };
  return { ...commands, run };
}

/** What the section remembers while the app runs, so a visit to Settings or Sync does not clear the form. */
export interface LandingMemory {
  choices: LandingChoices;
  open: boolean;
  dataFile?: DataFile;
}

/**
 * The section's form values for this session. Not saved to disk on purpose (a name pattern is a per-batch
 * choice), and not in the app store, which holds engine state; only the main screen reads and writes it.
 */
export const landingMemory: LandingMemory = { choices: noLandingChoices, open: false };

/** One name-pattern reason the engine sends in English: its UI catalogue key and how to recognise it. */
interface TemplateReason {
  key: string;
  match: RegExp;
}

// Mirrors the reasons of src/main/services/landing/key-template.ts (tests/renderer/landing.test.ts runs that code
// on bad patterns and fails when a reason has no entry here), so the Portuguese UI never shows an English reason.
const templateReasons: readonly TemplateReason[] = [
  { key: 'landing.reasons.empty', match: /^it is empty$/ },
  { key: 'landing.reasons.unknownToken', match: /^(?<token>\{[^{}]*\}) is not a known token \(use [^)]*\)$/ },
  { key: 'landing.reasons.unclosed', match: /^a \{ or \} is not closed$/ },
  { key: 'landing.reasons.startsSlash', match: /^it starts with "\/", which makes an empty folder name$/ },
  { key: 'landing.reasons.endsSlash', match: /^it ends with "\/", so there is no file name$/ },
  { key: 'landing.reasons.doubleSlash', match: /^it has "\/\/", which makes an empty folder name$/ },
  { key: 'landing.reasons.dotFolder', match: /^"\." and "\.\." cannot be folder names$/ },
  { key: 'landing.reasons.badDate', match: /^the date is not valid$/ },
  { key: 'landing.reasons.noName', match: /^the file has no name$/ },
  { key: 'landing.reasons.emptyPart', match: /^the part "(?<part>.*)" comes out empty for (?<name>.*)$/ },
  { key: 'landing.reasons.emptyName', match: /^the name comes out empty for (?<name>.*)$/ },
  { key: 'landing.reasons.tooLong', match: /^the name would be (?<bytes>\d+) bytes long; S3 allows at most (?<max>\d+)$/ },
];

/** The UI catalogue key and values for a TEMPLATE_INVALID reason; undefined for other errors or an unknown reason. */
export function templateReasonKey(error: AppErrorData): { key: string; values: Record<string, string> } | undefined {
  const reason = error.params?.reason;
  if (error.code !== 'TEMPLATE_INVALID' || typeof reason !== 'string') return undefined;
  for (const known of templateReasons) {
    const m = known.match.exec(reason);
    if (m) return { key: known.key, values: { ...m.groups } };
  }
  return undefined;
}

/** The error with its name-pattern reason in the UI language (unchanged when the reason is not recognised). */
export function localiseTemplateError(error: AppErrorData, t: (key: string, values: Record<string, string>) => string): AppErrorData {
  const found = templateReasonKey(error);
  return found ? { ...error, params: { ...error.params, reason: t(found.key, found.values) } } : error;
}
