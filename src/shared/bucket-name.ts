/**
 * S3's rules for a new bucket's name, every one that a name breaks, and a corrected name to offer. Pure, so the
 * engine refuses with the same rules the create dialog checks as a person types.
 */

/** One broken rule: a key under `errorReasons` in the UI catalogues, its English text, and the values it needs. */
export interface BucketNameProblem {
  key: string;
  en: string;
  values?: Record<string, string>;
}

const RESERVED_START = /^(xn--|sthree-|amzn-s3-demo-)/;
const RESERVED_END = /(-s3alias|--ol-s3|\.mrap|--x-s3)$/;

/** Every rule `name` breaks (AWS naming rules), in the order a person would fix them; empty when it may be created. */
export function bucketNameProblems(name: string): BucketNameProblem[] {
  const out: BucketNameProblem[] = [];
  if (name.length < 3) out.push({ key: 'tooShort', en: 'it must be at least 3 characters long' });
  if (name.length > 63) out.push({ key: 'tooLong', en: 'it must be at most 63 characters long' });
  if (/[A-Z]/.test(name)) out.push({ key: 'lowercaseOnly', en: 'it may use only lowercase letters' });
  if (/\s/.test(name)) out.push({ key: 'noSpaces', en: 'it may not contain spaces' });
  const others = [...new Set(name.replace(/[A-Za-z0-9.\s-]/g, ''))];
  if (others.length > 0) {
    const chars = others.map((c) => `"${c}"`).join(' ');
    out.push({ key: 'badCharacters', en: `it may not contain ${chars} (only lowercase letters, digits, dots and hyphens)`, values: { chars } });
  }
  if (name.length > 0 && (!/^[a-zA-Z0-9]/.test(name) || !/[a-zA-Z0-9]$/.test(name))) out.push({ key: 'startEnd', en: 'it must start and end with a letter or a digit' });
  if (name.includes('..')) out.push({ key: 'twoDots', en: 'it may not have two dots in a row' });
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) out.push({ key: 'ipAddress', en: 'it may not look like an IP address' });
  if (RESERVED_START.test(name)) out.push({ key: 'reservedStart', en: 'it may not start with "xn--", "sthree-" or "amzn-s3-demo-"' });
  if (RESERVED_END.test(name)) out.push({ key: 'reservedEnd', en: 'it may not end with "-s3alias", "--ol-s3", ".mrap" or "--x-s3"' });
  return out;
}

/**
 * A name close to `name` that follows every rule ("My Bucket!" → "my-bucket"), or undefined when `name` is fine
 * already or nothing usable is left of it.
 */
export function suggestBucketName(name: string): string | undefined {
  if (bucketNameProblems(name).length === 0) return undefined;
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(RESERVED_START, '')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  s = s.replace(RESERVED_END, '').replace(/[^a-z0-9]+$/g, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) s = s.replace(/\./g, '-');
  return s.length >= 3 && bucketNameProblems(s).length === 0 ? s : undefined;
}
