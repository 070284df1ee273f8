/**
 * Electron security setup (the Electron security checklist), written against narrow interfaces so the
 * real code runs in unit tests with small fakes: CSP, permissions, navigation and window.open, and the
 * renderer URL that senders must match.
 */
import { isAllowedExternalUrl } from './services/handlers/app';

/**
 * The Content-Security-Policy of the app's page: sent as a header by the app:// handler and on every
 * response the session sees. The page's own meta tag (browser mode's policy too) is no wider.
 */
export function buildCsp(): string {
  // The page talks to nothing but its own origin (app://s3drop); the engine does the networking.
  return [
    `default-src 'self'`,
    `script-src 'self'`,
    // React sets inline style attributes (progress bar widths); no inline or eval'd script is allowed.
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
    `frame-src 'none'`,
    `worker-src 'none'`,
  ].join('; ');
}

/** The only permissions a page may get; everything else (camera, geolocation, HID, …) is refused. */
export const allowedPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'notifications']);

/** The webPreferences every S3 Drop window uses. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A file dropped outside the drop zone must not replace the app with the file's contents.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}

/** True when `url` is on the app's own page's origin (app://s3drop): same scheme and host, any path or hash. */
export function isTrustedRendererUrl(url: string | undefined, rendererUrl: string): boolean {
  if (!url) return false;
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  // Not URL.origin: Node gives every non-special scheme (app:) the opaque origin "null", so any two would
  // match. A host is required, so no file:// page (host '') is ever trusted.
  return expected.host !== '' && actual.protocol === expected.protocol && actual.host === expected.host;
}

/** The parts of Electron's `Session` this module configures. */
export interface SessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string, details: { requestingUrl?: string }) => boolean): void;
}

/** Adds the CSP header to every response and installs the permission allowlist on a session. */
export function hardenSession(session: SessionLike, options: { rendererUrl: string }): void {
  const csp = buildCsp();
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    // Drop any CSP the response carried (in any letter case) so ours is the one in force.
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  const trusted = (url: string | undefined) => isTrustedRendererUrl(url, options.rendererUrl);
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(allowedPermissions.has(permission) && trusted(details?.requestingUrl));
  });
  session.setPermissionCheckHandler((_wc, permission, origin, details) => {
    // Prefer the full requesting URL when Electron gives it; the origin (app://s3drop) otherwise.
    return allowedPermissions.has(permission) && (trusted(details?.requestingUrl) || trusted(origin));
  });
}

/** The parts of Electron's `WebContents` this module configures. */
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/**
 * Denies every navigation, redirect, webview and new window. A window.open or link to an allowlisted
 * https URL is handed to the system browser instead; anything else is dropped.
 */
export function hardenWebContents(contents: WebContentsLike, options: { openExternal: (url: string) => void; onDenied?: (what: string, url: string) => void }): void {
  const deny = (what: string) => (event: { preventDefault(): void }, url: string) => {
    event.preventDefault();
    options.onDenied?.(what, url);
  };
  contents.on('will-navigate', deny('navigation'));
  contents.on('will-redirect', deny('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.onDenied?.('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) options.openExternal(url);
    else options.onDenied?.('new window', url);
    return { action: 'deny' };
  });
}
