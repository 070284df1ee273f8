/** Serves the built renderer: correct MIME types, no directory traversal, and the page's CSP as a header. */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import mime from 'mime-types';

/** Used when the built index.html cannot be read; the same policy as src/renderer/index.html. */
export const FALLBACK_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * Directives that work only in a header. They are not in the page's meta tag, where Chromium ignores them and logs
 * a console error on every load; the header adds them.
 */
export const HEADER_ONLY_CSP = "frame-ancestors 'none'";

/** Reads the CSP from the page's meta tag, so the header can never drift from what the page declares. */
export function cspFromIndexHtml(html: string): string | undefined {
  const m = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content="([^"]+)"/i.exec(html);
  return m?.[1];
}

/** The CSP header for the built page in `root`: its meta tag's policy (or the fallback) plus the header-only directives. */
export function loadCsp(root: string): string {
  let page = FALLBACK_CSP;
  try {
    page = cspFromIndexHtml(readFileSync(join(root, 'index.html'), 'utf8')) ?? FALLBACK_CSP;
  } catch {
    // No built page: the fallback, which is the same policy.
  }
  return `${page}; ${HEADER_ONLY_CSP}`;
}

/**
 * Maps a request path to a file inside `root`, or undefined when it would leave it (`..`, encoded
 * slashes, NUL bytes, absolute or drive paths). `/` maps to index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const rel = decoded.replace(/^\/+/, '') || 'index.html';
  if (rel.split('/').some((seg) => seg === '..') || isAbsolute(rel) || /^[a-z]:/i.test(rel)) return undefined;
  const base = resolve(root);
  const full = resolve(base, rel);
  const back = relative(base, full);
  if (back === '' || back.startsWith('..') || isAbsolute(back) || back.split(sep).includes('..')) return undefined;
  return full;
}

/** Security headers every response carries. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** Answers a GET/HEAD for a static file; returns false when the path is not a servable file. */
export function serveStatic(root: string, csp: string, req: IncomingMessage, res: ServerResponse, urlPath: string): boolean {
  const file = resolveStaticPath(root, urlPath);
  if (!file) return false;
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return false;
    size = st.size;
  } catch {
    return false;
  }
  const type = mime.contentType(file.split('/').pop() ?? '') || 'application/octet-stream';
  res.writeHead(200, {
    ...securityHeaders(csp),
    'content-type': type,
    'content-length': String(size),
    // Vite's hashed assets can be cached for good; everything else (the page) must be fresh after an update.
    'cache-control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}
