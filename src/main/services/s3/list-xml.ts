/**
 * A small, strict reader of S3's ListObjectsV2 answer (ListBucketResult). The SDK's general XML deserializer spent
 * about a third of a no-change sync pass's CPU on 2,000 keys (docs/benchmarks.md); this reads only the fields a
 * listing needs, in one regular-expression sweep. Strict: anything it does not fully understand (another root, a
 * DOCTYPE or CDATA, an unknown entity, unbalanced tags, a Contents without Key or Size) makes it answer undefined,
 * and the caller lets the SDK read that answer instead, so an odd server is never misread, only read more slowly.
 */

/** One object of a listing page, as the XML gives it (the ETag keeps its quotes). */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
}

/** What a listing needs from one ListObjectsV2 page; keys and prefixes already URL-decoded when the answer says so. */
export interface ListPage {
  objects: ListedObject[];
  /** The CommonPrefixes of a delimiter listing. */
  prefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text content with its entities decoded (XML's five, and character references); undefined for any other. */
function decodeText(raw: string): string | undefined {
  // XML hands a parser's reader every line break as \n; a CR that matters arrives as &#13;.
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!text.includes('&')) return text;
  // Every ETag comes as &quot;…&quot;: with no other entity left, that is the whole decoding, without a callback per match.
  const quoted = text.replaceAll('&quot;', '"');
  if (!quoted.includes('&')) return quoted;
  let bad = false;
  const out = text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) bad = true;
    else if (name in NAMED) return NAMED[name]!;
    else if (/^#[0-9]{1,7}$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    else if (/^#x[0-9a-fA-F]{1,6}$/.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    else bad = true;
    return '';
  });
  return bad ? undefined : out;
}

/** Undoes encoding-type=url, as the AWS CLI does (unquote_plus): `+` is a space, `%XX` a UTF-8 byte. */
function urlDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

// A tag (`<Name attrs>`, `</Name>`, `<Name/>`), a declaration or comment, or a construct this reader refuses (<!…, <![CDATA[).
const TOKEN = /<(\/?)([A-Za-z_][\w.:-]*)(\s[^<>]*?)?(\/?)>|<\?[^]*?\?>|<!--[^]*?-->|</g;

/**
 * A Contents made only of leaf elements, each `<Name>text</Name>` with no attributes, and text whose entities are all
 * ones decodeText knows: every listing of S3, RGW and MinIO. Such a Contents is checked whole by this one expression
 * and its three fields found by name, rather than tag by tag: reading 2,000 keys (a no-change sync's whole listing)
 * took 16 ms in a fresh process tag by tag. Anything else in a Contents goes tag by tag.
 */
const FLAT_CONTENTS = /^(?:<([A-Za-z_][\w.:-]*)>(?:[^<&]|&(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)*<\/\1>)*$/;

/** The raw text of the last `<name>` leaf of a FLAT_CONTENTS body (the last, as tag by tag the last one stands), or undefined. */
function leafText(body: string, name: string): string | undefined {
  const at = body.lastIndexOf(`<${name}>`);
  if (at < 0) return undefined;
  const from = at + name.length + 2;
  return body.slice(from, body.indexOf('<', from));
}

/**
 * Reads a ListObjectsV2 answer; undefined when it is not one this reader fully understands. Keys and prefixes are
 * URL-decoded when the answer's EncodingType is `url` (the request asked for it).
 */
export function parseListBucketResult(xml: string): ListPage | undefined {
  const stack: string[] = [];
  const objects: ListedObject[] = [];
  const prefixes: string[] = [];
  let isTruncated: boolean | undefined;
  let token: string | undefined;
  let encoding: string | undefined;
  let current: Partial<ListedObject> | undefined;
  let text = '';
  let last = 0;
  let rootSeen = false;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    const between = xml.slice(last, m.index);
    last = TOKEN.lastIndex;
    if (stack.length === 0 && between.trim() !== '') return undefined;
    text += between;
    const [whole, closing, name, , selfClosing] = m;
    if (name === undefined) {
      // A declaration or comment is skipped; a bare '<' starts something this reader refuses (DOCTYPE, CDATA).
      if (whole === '<') return undefined;
      continue;
    }
    if (!closing) {
      if (stack.length === 0) {
        if (rootSeen || name !== 'ListBucketResult') return undefined;
        rootSeen = true;
      }
      const path = stack.length === 1 ? name : '';
      if (path === 'Contents' && !selfClosing && m[3] === undefined) {
        const close = xml.indexOf('</Contents>', TOKEN.lastIndex);
        const body = close < 0 ? '' : xml.slice(TOKEN.lastIndex, close);
        if (close >= 0 && FLAT_CONTENTS.test(body)) {
          const key = leafText(body, 'Key');
          const size = leafText(body, 'Size');
          const etag = leafText(body, 'ETag');
          if (key === undefined || size === undefined) return undefined;
          const k = decodeText(key);
          const sz = decodeText(size)?.trim();
          const e = etag === undefined ? '' : decodeText(etag);
          if (k === undefined || sz === undefined || e === undefined || !/^\d{1,16}$/.test(sz)) return undefined;
          objects.push({ key: k, size: Number(sz), etag: e });
          TOKEN.lastIndex = last = close + '</Contents>'.length;
          text = '';
          continue;
        }
      }
      if (path === 'Contents') current = {};
      if (selfClosing) {
        // An empty element: an empty value, and a Contents with nothing in it is not an object.
        if (path === 'Contents') return undefined;
        if (!element(stack, name, '')) return undefined;
        continue;
      }
      stack.push(name);
      text = '';
      continue;
    }
    if (stack.pop() !== name) return undefined;
    const value = decodeText(text);
    text = '';
    if (value === undefined) return undefined;
    if (stack.length === 1 && name === 'Contents') {
      if (current?.key === undefined || current.size === undefined) return undefined;
      objects.push({ key: current.key, size: current.size, etag: current.etag ?? '' });
      current = undefined;
    } else if (!element(stack, name, value)) return undefined;
  }
  if (!rootSeen || stack.length > 0 || xml.slice(last).trim() !== '' || isTruncated === undefined) return undefined;
  if (encoding !== undefined && encoding !== 'url') return undefined;
  try {
    const decode = encoding === 'url' ? urlDecode : (s: string) => s;
    return {
      objects: encoding === 'url' ? objects.map((o) => ({ ...o, key: decode(o.key) })) : objects,
      prefixes: prefixes.map(decode),
      isTruncated,
      ...(token !== undefined ? { nextContinuationToken: token } : {}),
    };
  } catch {
    return undefined; // a malformed %-sequence
  }

  /** Takes one leaf element's value (`stack` holds its parents); false when the value cannot be right. */
  function element(parents: string[], name: string, value: string): boolean {
    // The parents are read by depth rather than joined into a path for every element (the root was checked when it
    // opened, so parents[0] is ListBucketResult).
    const depth = parents.length;
    const inner = depth === 2 ? parents[1] : undefined;
    if (depth === 1) {
      if (name === 'IsTruncated') {
        const v = value.trim();
        if (v !== 'true' && v !== 'false') return false;
        isTruncated = v === 'true';
      } else if (name === 'NextContinuationToken') token = value;
      else if (name === 'EncodingType') encoding = value.trim();
    } else if (inner === 'Contents' && current) {
      if (name === 'Key') current.key = value;
      else if (name === 'ETag') current.etag = value;
      else if (name === 'Size') {
        const v = value.trim();
        if (!/^\d{1,16}$/.test(v)) return false;
        current.size = Number(v);
      }
    } else if (inner === 'CommonPrefixes' && name === 'Prefix') prefixes.push(value);
    return true;
  }
}
