/**
 * Reads the shared AWS files the way the AWS CLI does: Python's configparser (RawConfigParser, strict, `#`/`;`
 * comment lines only, `=` or `:`, indented continuation lines, a [DEFAULT] section) under botocore's
 * raw_config_parse (an indented block under an empty value is a sub-section), and shlex for profile names.
 * The SDK's own parser (@smithy/shared-ini-file-loader) reads other shapes otherwise, and the CLI is what people
 * compare the profile list against. Where the CLI refuses a whole file, this says why, with the line.
 */

/** Python's str.isspace() characters, which its strip() removes and its regex `\s` matches (JS trim() differs). */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const leadingWs = new RegExp(`^[${PY_WS}]+`);
const trailingWs = new RegExp(`[${PY_WS}]+$`);
const nonSpace = new RegExp(`[^${PY_WS}]`);
/** str.splitlines() separators (wider than the file's own line breaks). */
// eslint-disable-next-line no-control-regex -- splitlines() also breaks at the file, group and record separators.
const pySplitLines = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

function pyStrip(s: string): string {
  return s.replace(leadingWs, '').replace(trailingWs, '');
}

/** Why the CLI refuses a file; the code is a catalogue code, the rest fills its text. */
export type IniProblem =
  | { code: 'CONFIG_NOT_UTF8' }
  | { code: 'CONFIG_BOM' }
  | { code: 'CONFIG_NO_SECTION'; line: number }
  | { code: 'CONFIG_DUPLICATE_SECTION'; section: string; first: number; line: number }
  | { code: 'CONFIG_DUPLICATE_SETTING'; section: string; setting: string; line: number }
  | { code: 'CONFIG_BAD_LINE'; line: number }
  | { code: 'CONFIG_BAD_BLOCK'; setting: string; line: number };

/** One section's settings; an indented block `s3 =\n  a = b` gives the key `s3.a`, as the SDK names it. */
export type IniSettings = Record<string, string>;

/** One section as botocore's raw_config_parse returns it, with [DEFAULT]'s settings filled in. */
export interface IniSection {
  /** The text between the brackets, untrimmed: `[ profile a]` is " profile a". */
  header: string;
  line: number;
  settings: IniSettings;
}

/** The sections of a file, in order, or the reason the CLI refuses it. */
export type IniRead = { sections: IniSection[]; problem?: undefined } | { problem: IniProblem; sections?: undefined };

class Refused extends Error {
  constructor(readonly problem: IniProblem) {
    super(problem.code);
  }
}

interface RawSection {
  header: string;
  line: number;
  /** Lines of each value, joined at the end; an option's first line number for error messages. */
  values: Map<string, { parts: string[]; line: number }>;
}

/** Python's configparser._read, strict, with RawConfigParser's defaults. */
function configparserRead(text: string): { sections: RawSection[]; defaults: RawSection } {
  const sections = new Map<string, RawSection>();
  const defaults: RawSection = { header: 'DEFAULT', line: 0, values: new Map() };
  const added = new Set<string>();
  let cur: RawSection | undefined;
  let sectName = '';
  let optName: string | undefined;
  let indentLevel = 0;
  let firstBadLine: number | undefined;
  // Universal newlines, as Python's text mode reads the file: \r\n, \r and \n each end a line.
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const stripped = pyStrip(line);
    const comment = stripped.startsWith('#') || stripped.startsWith(';');
    const value = comment ? '' : stripped;
    if (!value) {
      // empty_lines_in_values: a blank line stays part of a value that may continue below it.
      if (!comment && cur && optName) cur.values.get(optName)?.parts.push('');
      return;
    }
    const indent = line.search(nonSpace);
    if (cur && optName && indent > indentLevel) {
      cur.values.get(optName)!.parts.push(value);
      return;
    }
    indentLevel = indent;
    // `\[(?P<header>.+)\]` matched at the start: the header runs to the LAST `]`, and text after it is ignored.
    const close = value.lastIndexOf(']');
    if (value.startsWith('[') && close >= 2) {
      const header = value.slice(1, close);
      const existing = sections.get(header);
      if (existing) {
        if (added.has(`s\0${header}`)) throw new Refused({ code: 'CONFIG_DUPLICATE_SECTION', section: header, first: existing.line, line: lineNo });
        cur = existing;
      } else if (header === 'DEFAULT') {
        cur = defaults;
      } else {
        cur = { header, line: lineNo, values: new Map() };
        sections.set(header, cur);
        added.add(`s\0${header}`);
      }
      sectName = header;
      optName = undefined;
      return;
    }
    if (!cur) throw new Refused(lineNo === 1 && line.startsWith('\ufeff') ? { code: 'CONFIG_BOM' } : { code: 'CONFIG_NO_SECTION', line: lineNo });
    // `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: the first `=` or `:` splits.
    const delim = value.search(/[=:]/);
    if (delim < 0) {
      firstBadLine ??= lineNo;
      return;
    }
    const rawName = value.slice(0, delim).replace(trailingWs, '');
    if (!rawName) firstBadLine ??= lineNo;
    optName = rawName.toLowerCase();
    if (added.has(`o\0${sectName}\0${optName}`)) throw new Refused({ code: 'CONFIG_DUPLICATE_SETTING', section: sectName, setting: optName, line: lineNo });
    added.add(`o\0${sectName}\0${optName}`);
    cur.values.set(optName, { parts: [pyStrip(value.slice(delim + 1))], line: lineNo });
  });
  if (firstBadLine !== undefined) throw new Refused({ code: 'CONFIG_BAD_LINE', line: firstBadLine });
  return { sections: [...sections.values()], defaults };
}

/** Fills one section's settings like raw_config_parse: its own options, then [DEFAULT]'s, blocks parsed. */
function settingsOf(section: RawSection, defaults: RawSection): IniSettings {
  const out: IniSettings = Object.create(null) as IniSettings;
  const names = [...section.values.keys(), ...[...defaults.values.keys()].filter((k) => !section.values.has(k))];
  for (const name of names) {
    const v = section.values.get(name) ?? defaults.values.get(name)!;
    const value = v.parts.join('\n').replace(trailingWs, '');
    if (!value.startsWith('\n')) {
      out[name] = value;
      continue;
    }
    for (const raw of value.split(pySplitLines)) {
      const line = pyStrip(raw);
      if (!line) continue;
      const eq = line.indexOf('=');
      if (eq < 0) throw new Refused({ code: 'CONFIG_BAD_BLOCK', setting: name, line: v.line });
      out[`${name}.${pyStrip(line.slice(0, eq))}`] = pyStrip(line.slice(eq + 1));
    }
  }
  return out;
}

/** Reads one shared file's bytes as the AWS CLI does: every section but [DEFAULT], in order, or why it refuses. */
export function readAwsIni(bytes: Uint8Array): IniRead {
  let text: string;
  try {
    // Python reads the file as UTF-8 (its locale encoding on Linux and macOS) and keeps a BOM as a character.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { problem: { code: 'CONFIG_NOT_UTF8' } };
  }
  try {
    const { sections, defaults } = configparserRead(text);
    return { sections: sections.map((s) => ({ header: s.header, line: s.line, settings: settingsOf(s, defaults) })) };
  } catch (err) {
    if (err instanceof Refused) return { problem: err.problem };
    throw err;
  }
}

/**
 * Python's shlex.split (POSIX mode, no comments): words split on space, tab, CR and LF only; quotes group;
 * a backslash escapes outside quotes and, inside double quotes, only `"` and `\`. Throws on an open quote
 * or a trailing backslash, as shlex does (botocore then skips the section).
 */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  const space = ' \t\r\n';
  let token = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const chars = Array.from(s);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') {
        const next = chars[++i];
        if (next === undefined) throw new Error('No escaped character');
        token += next === '"' || next === '\\' ? next : `\\${next}`;
      } else token += c;
    } else if (space.includes(c)) {
      if (inWord) words.push(token);
      token = '';
      inWord = false;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      const next = chars[++i];
      if (next === undefined) throw new Error('No escaped character');
      token += next;
      inWord = true;
    } else {
      token += c;
      inWord = true;
    }
  }
  if (quote) throw new Error('No closing quotation');
  if (inWord) words.push(token);
  return words;
}
