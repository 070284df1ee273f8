/**
 * What kind of value a CSV cell holds, for header detection and for the Athena column types.
 * Each value is classified into the set of kinds it could be; a column's kind is the first kind,
 * in `kindOrder`, that every non-empty value allows. That keeps "12" compatible with a column of
 * "1.234,56" (a decimal-comma column) while "007" (a CEP, a product code) stays text.
 */

/** The kinds a value can have, narrowest first. */
export const kindOrder = ['boolean', 'int', 'bigint', 'double', 'decimal-comma', 'date', 'date-dmy', 'timestamp', 'timestamp-iso', 'string'] as const;

/** One value kind. `decimal-comma` is `1.234,56`; `date-dmy` is `31/01/2026`; `timestamp-iso` has a `T`. */
export type ValueKind = (typeof kindOrder)[number];

const bit = (k: ValueKind) => 1 << kindOrder.indexOf(k);
const STRING = bit('string');

const INT32_MAX = 2147483647n;
const INT64_MAX = 9223372036854775807n;

const intRe = /^[+-]?\d+$/;
const doubleRe = /^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$/;
// Brazilian and most European exports: optional dot thousands, a comma before the decimals.
const commaRe = /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/;
const isoDateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const dmyRe = /^(\d{2})\/(\d{2})\/(\d{4})$/;
// java.sql.Timestamp's text form, the only one LazySimpleSerDe reads.
const tsRe = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?$/;
const isoTsRe = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function realDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

function realTime(h: string, m: string, s = '0'): boolean {
  return Number(h) < 24 && Number(m) < 60 && Number(s) < 60;
}

/** The set of kinds (a bit mask over `kindOrder`) a non-empty value could be. */
export function classifyValue(raw: string): number {
  const v = raw.trim();
  if (v === '') return 0;
  let mask = STRING;
  const lower = v.toLowerCase();
  if (lower === 'true' || lower === 'false') return mask | bit('boolean');
  if (intRe.test(v)) {
    const digits = v.replace(/^[+-]/, '');
    // A leading zero means an identifier (CEP, CPF, product code): a number type would drop it.
    if (digits.length > 1 && digits.startsWith('0')) return mask;
    if (digits.length > 19) return mask;
    const n = BigInt(v);
    const abs = n < 0n ? -n - 1n : n;
    if (abs > INT64_MAX) return mask;
    if (abs <= INT32_MAX) mask |= bit('int');
    return mask | bit('bigint') | bit('double') | bit('decimal-comma');
  }
  if (doubleRe.test(v) && !/^[+-]?0\d/.test(v)) mask |= bit('double');
  if (commaRe.test(v) && !/^[+-]?0\d/.test(v)) mask |= bit('decimal-comma');
  if (mask !== STRING) return mask;
  let m = isoDateRe.exec(v);
  if (m) return realDate(m[1]!, m[2]!, m[3]!) ? mask | bit('date') : mask;
  m = dmyRe.exec(v);
  if (m) return realDate(m[3]!, m[2]!, m[1]!) ? mask | bit('date-dmy') : mask;
  m = tsRe.exec(v);
  if (m) return realDate(m[1]!, m[2]!, m[3]!) && realTime(m[4]!, m[5]!, m[6]!) ? mask | bit('timestamp') : mask;
  m = isoTsRe.exec(v);
  if (m) return realDate(m[1]!, m[2]!, m[3]!) && realTime(m[4]!, m[5]!, m[6]) ? mask | bit('timestamp-iso') : mask;
  return mask;
}

/** The narrowest kind a single value can have ('string' for empty text). */
export function kindOfValue(raw: string): ValueKind {
  return kindFromMask(classifyValue(raw) || STRING);
}

function kindFromMask(mask: number): ValueKind {
  for (let i = 0; i < kindOrder.length; i++) if (mask & (1 << i)) return kindOrder[i]!;
  return 'string';
}

/** What the sample says about one column. */
export interface ColumnProfile {
  kind: ValueKind;
  /** Some sample values were empty (OpenCSVSerde cannot read those as numbers). */
  hasEmpty: boolean;
  /** For `decimal-comma`: digits before and after the comma, for DECIMAL(p,s). */
  precision: number;
  scale: number;
}

/** Profiles one column from its sample values. */
export function profileColumn(values: readonly string[]): ColumnProfile {
  let mask = -1;
  let seen = false;
  let hasEmpty = false;
  let intDigits = 1;
  let scale = 0;
  for (const raw of values) {
    const m = classifyValue(raw);
    if (m === 0) {
      hasEmpty = true;
      continue;
    }
    seen = true;
    mask &= m;
    const v = raw.trim().replace(/^[+-]/, '');
    const [whole = '', frac = ''] = v.split(',');
    intDigits = Math.max(intDigits, whole.replace(/\./g, '').length);
    scale = Math.max(scale, frac.length);
  }
  const kind = seen ? kindFromMask(mask) : 'string';
  // DECIMAL allows at most 38 digits; leave room for bigger values than the sample's.
  const precision = Math.min(38, Math.max(intDigits + scale + 2, 10));
  return { kind, hasEmpty, precision, scale: Math.min(scale, precision) };
}

/**
 * Guesses whether the first row is a header: in each column whose other values share a non-text kind,
 * a first value of a different kind votes "header" and one of the same kind votes "data". When every
 * column is text, a first row of distinct, non-empty labels that do not reappear below counts as a header,
 * because almost every export has one.
 */
export function detectHeader(rows: readonly (readonly string[])[]): boolean {
  if (rows.length === 0) return false;
  const first = rows[0]!;
  if (first.some((c) => classifyValue(c) !== 0 && kindOfValue(c) !== 'string')) {
    // A number or a date in the first row is data in every export we know.
    return false;
  }
  const rest = rows.slice(1);
  let votes = 0;
  for (let col = 0; col < first.length; col++) {
    const values = rest.map((r) => r[col] ?? '');
    const profile = profileColumn(values);
    if (profile.kind !== 'string') votes++;
  }
  if (votes > 0) return true;
  const cells = first.map((c) => c.trim());
  if (cells.some((c) => c === '')) return false;
  if (new Set(cells.map((c) => c.toLowerCase())).size !== cells.length) return false;
  if (rest.length === 0) return true;
  return !rest.some((r) => r.some((v, i) => v.trim() === cells[i]));
}
