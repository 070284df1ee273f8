/**
 * The `app://s3drop` scheme that serves the built renderer (out/renderer) instead of file://.
 *
 * The packaged app keeps the `grantFileProtocolExtraPrivileges` fuse off (Electron's security checklist,
 * item 18). A file:// page then gets no more than a browser gives it: Vite's `<script type="module"
 * crossorigin>` and `<link crossorigin>` are CORS fetches from origin `null` and are blocked, so the window
 * stays empty. A privileged standard scheme gives the page a real origin, which `'self'` in the CSP and the
 * IPC sender check both mean.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomScheme } from 'electron';
import mime from 'mime-types';
import { resolveStaticPath, securityHeaders } from './services/static-files';

/** The scheme's name. */
export const APP_SCHEME = 'app';
/** The one host the scheme answers for. */
export const APP_HOST = 's3drop';
/** The page's origin. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads. */
export const APP_RENDERER_URL = `${APP_ORIGIN}/index.html`;

/**
 * For `protocol.registerSchemesAsPrivileged`, before `ready`: standard (relative URLs, an origin, web
 * storage), secure (a secure context, like https), and fetch() allowed. No CSP bypass, no CORS for others.
 */
export const appSchemePrivileges: CustomScheme[] = [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }];

/** What the handler needs. */
export interface AppProtocolDeps {
  /** out/renderer, possibly inside app.asar. */
  rootDir: string;
  /** Electron's `net.fetch`: it reads file:// URLs inside app.asar, which a plain read would not do for every file. */
  fetch(url: string): Promise<Response>;
  /** The Content-Security-Policy every response carries (webRequest headers do not reach every custom-scheme response). */
  csp: string;
}

/** A request as `protocol.handle` gives it: Electron adds the origin that issued it (absent for the browser's own loads). */
export type AppProtocolRequest = Pick<Request, 'url' | 'method'> & { initiatorOrigin?: string };

/**
 * Builds the `protocol.handle('app', …)` handler: GET and HEAD of files inside `rootDir` only, with their
 * MIME type; anything that would leave the folder (`..`, encoded slashes, NUL, absolute paths), another host,
 * a directory or a missing file is a 404. Requests issued by any other origin get a 403.
 */
export function createAppProtocolHandler(deps: AppProtocolDeps): (request: AppProtocolRequest) => Promise<Response> {
  const headers = securityHeaders(deps.csp);
  const refuse = (status: number, text: string) => new Response(text, { status, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(404, 'Not found');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'Not found');
    // Only our own page (or the browser loading it) may read the app's files.
    if (request.initiatorOrigin !== undefined && request.initiatorOrigin !== APP_ORIGIN) return refuse(403, 'Forbidden');
    // The same containment rules as browser mode's static server: one home for path traversal.
    const file = resolveStaticPath(deps.rootDir, url.pathname);
    if (!file || !isFile(file)) return refuse(404, 'Not found');
    let body: Response;
    try {
      body = await deps.fetch(pathToFileURL(file).href);
    } catch {
      return refuse(404, 'Not found');
    }
    if (!body.ok) return refuse(404, 'Not found');
    const type = mime.contentType(basename(file)) || 'application/octet-stream';
    if (request.method === 'HEAD') {
      await body.body?.cancel();
      return new Response(null, { status: 200, headers: { ...headers, 'content-type': type } });
    }
    return new Response(body.body, { status: 200, headers: { ...headers, 'content-type': type } });
  };
}

/** True for a regular file; Electron's fs answers for paths inside app.asar too. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
