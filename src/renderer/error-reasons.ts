/**
 * Translated reasons for the name errors. BUCKET_NAME_INVALID and KEY_INVALID carry an English `reason` param
 * (the engine's CLI prints it as is), so the Portuguese UI would show mixed text. The UI renders the reason from
 * its own catalogue instead: from an optional `reasonKey` param when the engine sends one (the convention: a key
 * under `errorReasons` in en.json and pt-BR.json, plus any numbers the text needs as params), otherwise by
 * recognising the engine's English reason below. An unknown reason is shown as it came, never dropped.
 */
import type { AppErrorData } from '../shared/errors';

/** The codes whose `reason` param the UI translates. */
const reasonCodes = new Set(['BUCKET_NAME_INVALID', 'KEY_INVALID']);

/** One engine reason: the UI catalogue key, and how to recognise the English text (numbers captured by name). */
interface KnownReason {
  key: string;
  match: RegExp;
}

// Mirrors the texts of src/main/services/s3/validate.ts; tests/renderer/error-reasons.test.ts runs those checks
// on bad names and fails when a reason there has no entry here.
const knownReasons: readonly KnownReason[] = [
  { key: 'errorReasons.tooShort', match: /^it must be at least 3 characters long$/ },
  { key: 'errorReasons.tooLong', match: /^it must be at most 63 characters long$/ },
  { key: 'errorReasons.lowercaseOnly', match: /^it may use only lowercase letters$/ },
  { key: 'errorReasons.allowedCharacters', match: /^it may use only lowercase letters, digits, dots \(\.\) and hyphens \(-\)$/ },
  { key: 'errorReasons.startEnd', match: /^it must start and end with a letter or a digit$/ },
  { key: 'errorReasons.twoDots', match: /^it may not have two dots in a row$/ },
  { key: 'errorReasons.ipAddress', match: /^it may not look like an IP address$/ },
  { key: 'errorReasons.reservedStart', match: /^it may not start with "xn--", "sthree-" or "amzn-s3-demo-"$/ },
  { key: 'errorReasons.reservedEnd', match: /^it may not end with "-s3alias", "--ol-s3", "\.mrap" or "--x-s3"$/ },
  { key: 'errorReasons.empty', match: /^it is empty$/ },
  { key: 'errorReasons.over255', match: /^it is longer than 255 characters$/ },
  { key: 'errorReasons.slashOrSpace', match: /^it may not contain slashes or spaces$/ },
  { key: 'errorReasons.emptyKey', match: /^the name is empty$/ },
  { key: 'errorReasons.keyTooLong', match: /^it is (?<bytes>\d+) bytes long, and S3 allows at most (?<max>\d+) bytes \(accented letters and symbols count as 2 to 4\)$/ },
  { key: 'errorReasons.controlCharacter', match: /^it contains an invisible control character$/ },
  { key: 'errorReasons.brokenCharacter', match: /^it contains a broken character$/ },
  { key: 'errorReasons.dotFolder', match: /^it has "\." or "\.\." as a folder name, which could put the file outside the chosen folder$/ },
];

/** A UI catalogue key for the error's reason, with the values its text needs; undefined when there is none. */
export function reasonKeyOf(error: AppErrorData): { key: string; values: Record<string, string | number> } | undefined {
  if (!reasonCodes.has(error.code)) return undefined;
  const params = error.params ?? {};
  if (typeof params.reasonKey === 'string' && params.reasonKey !== '') {
    const key = params.reasonKey.startsWith('errorReasons.') ? params.reasonKey : `errorReasons.${params.reasonKey}`;
    return { key, values: params };
  }
  if (typeof params.reason !== 'string') return undefined;
  for (const known of knownReasons) {
    const m = known.match.exec(params.reason);
    if (m) return { key: known.key, values: { ...m.groups } };
  }
  return undefined;
}

/** A translate function as i18next gives it: a key plus values, and whether the key exists. */
export interface ReasonTranslator {
  t(key: string, values: Record<string, string | number>): string;
  exists(key: string): boolean;
}

/** The error's params with `reason` in the UI language when the UI knows it; the same params otherwise. */
export function localisedErrorParams(error: AppErrorData, i18n: ReasonTranslator): Record<string, string | number> | undefined {
  const found = reasonKeyOf(error);
  if (!found || !i18n.exists(found.key)) return error.params;
  return { ...error.params, reason: i18n.t(found.key, found.values) };
}
