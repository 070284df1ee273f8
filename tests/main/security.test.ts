/** Electron security checklist over the real security setup code, with small fakes for Electron objects. */
import { describe, expect, it } from 'vitest';
import { allowedPermissions, buildCsp, hardenSession, hardenWebContents, isTrustedRendererUrl, secureWebPreferences, type SessionLike, type WebContentsLike } from '../../src/main/security';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FALLBACK_CSP } from '../../src/main/services/static-files';
import { APP_ORIGIN, APP_RENDERER_URL } from '../../src/main/app-protocol';

const rendererUrl = APP_RENDERER_URL;

function fakeSession() {
  const s = {
    headersListener: undefined as undefined | Parameters<SessionLike['webRequest']['onHeadersReceived']>[0],
    requestHandler: undefined as undefined | Parameters<SessionLike['setPermissionRequestHandler']>[0],
    checkHandler: undefined as undefined | Parameters<SessionLike['setPermissionCheckHandler']>[0],
  };
  const session: SessionLike = {
    webRequest: { onHeadersReceived: (l) => (s.headersListener = l) },
    setPermissionRequestHandler: (h) => (s.requestHandler = h),
    setPermissionCheckHandler: (h) => (s.checkHandler = h),
  };
  return { s, session };
}

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    on(event: string, fn: (event: { preventDefault(): void }, url: string) => void) {
      listeners.set(event, fn);
    },
    setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) {
      openHandler = h;
    },
  } as unknown as WebContentsLike;
  const fire = (event: string, url = '') => {
    let prevented = false;
    listeners.get(event)!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

describe('webPreferences', () => {
  it('turn on isolation, sandbox and web security and turn off Node', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      webSecurity: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      preload: '/app/out/preload/index.cjs',
    });
  });
});

describe('CSP', () => {
  it('is strict: default-src self, no unsafe-eval, no inline script, no objects', () => {
    const csp = buildCsp();
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-eval');
  });

  it('is set as a response header, replacing any CSP the response carried', () => {
    const { s, session } = fakeSession();
    hardenSession(session, { rendererUrl });
    let out: Record<string, string[] | string> | undefined;
    s.headersListener!({ responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'x-other': ['1'] } }, (r) => (out = r.responseHeaders));
    expect(out?.['Content-Security-Policy']).toEqual([buildCsp()]);
    expect(out?.['content-security-policy']).toBeUndefined();
    expect(out?.['x-other']).toEqual(['1']);
  });

  it('the meta tag in the renderer page (browser mode\'s policy) is strict too', () => {
    const html = readFileSync(join(import.meta.dirname, '../../src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(meta).toContain("default-src 'self'");
    expect(meta).toContain("script-src 'self'");
    expect(meta).not.toContain('unsafe-eval');
    // It must not let the page reach other local ports (another app's server). 'self' alone still covers
    // browser mode's same-origin WebSocket in Chromium (CSP3).
    const connect = meta!.split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'connect-src');
    expect(connect).toEqual(['connect-src', "'self'"]);
    // Browser mode's header falls back to this same policy when the built page cannot be read.
    expect(FALLBACK_CSP).toBe(meta);
  });
});

describe('permissions', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['notifications', rendererUrl, true],
    ['clipboard-sanitized-write', rendererUrl + '#/settings', true],
    ['media', rendererUrl, false],
    ['geolocation', rendererUrl, false],
    ['openExternal', rendererUrl, false],
    ['notifications', 'https://evil.example/', false],
    ['notifications', 'file:///tmp/other.html', false],
    ['notifications', 'app://other/index.html', false],
    ['notifications', 'https://s3drop/index.html', false],
    ['notifications', undefined, false],
  ];
  it.each(cases)('request %s from %s → %s', (permission, url, expected) => {
    const { s, session } = fakeSession();
    hardenSession(session, { rendererUrl });
    let granted: boolean | undefined;
    s.requestHandler!({}, permission, (g) => (granted = g), { requestingUrl: url });
    expect(granted).toBe(expected);
    expect(s.checkHandler!({}, permission, 'null', { requestingUrl: url })).toBe(expected);
  });

  it('a permission check that gives only the origin (app://s3drop) is ours; other origins are not', () => {
    const { s, session } = fakeSession();
    hardenSession(session, { rendererUrl });
    expect(s.checkHandler!({}, 'notifications', APP_ORIGIN, {})).toBe(true);
    expect(s.checkHandler!({}, 'notifications', 'app://evil', {})).toBe(false);
    expect(s.checkHandler!({}, 'notifications', 'file://', {})).toBe(false);
  });

  it('the allowlist is exactly clipboard writes and notifications', () => {
    expect([...allowedPermissions].sort()).toEqual(['clipboard-sanitized-write', 'notifications']);
  });
});

describe('navigation and new windows', () => {
  it('denies every navigation, redirect and webview', () => {
    const denied: string[] = [];
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, { openExternal: () => undefined, onDenied: (what) => denied.push(what) });
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', rendererUrl)).toBe(true);
    expect(fire('will-redirect', 'https://aws.amazon.com/')).toBe(true);
    expect(fire('will-attach-webview')).toBe(true);
    expect(denied).toEqual(['navigation', 'navigation', 'redirect', 'webview']);
  });

  it('denies window.open; allowlisted https links go to the system browser, others nowhere', () => {
    const opened: string[] = [];
    const { contents, open } = fakeContents();
    hardenWebContents(contents, { openExternal: (u) => opened.push(u) });
    for (const url of ['https://docs.aws.amazon.com/s3/', 'http://docs.aws.amazon.com/', 'https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@github.com/']) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://docs.aws.amazon.com/s3/']);
  });
});

describe('isTrustedRendererUrl', () => {
  it('accepts our app:// page with any path or hash, and nothing else', () => {
    expect(isTrustedRendererUrl(rendererUrl, rendererUrl)).toBe(true);
    expect(isTrustedRendererUrl(rendererUrl + '#/transfers', rendererUrl)).toBe(true);
    expect(isTrustedRendererUrl(APP_ORIGIN, rendererUrl)).toBe(true);
    expect(isTrustedRendererUrl('app://evil/index.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('app://s3drop.evil/index.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('app://s3drop:8080/index.html', rendererUrl)).toBe(false);
    // Node gives every non-special scheme the origin "null": comparing origins would accept these.
    expect(isTrustedRendererUrl('evil://s3drop/index.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('foo://bar/', 'baz://qux/')).toBe(false);
    expect(isTrustedRendererUrl('app:s3drop/index.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('https://s3drop/index.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('file:///opt/S3%20Drop/resources/app.asar/out/renderer/index.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('file:///x/index.html', 'file:///x/index.html')).toBe(false);
    expect(isTrustedRendererUrl('', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('not a url', rendererUrl)).toBe(false);
  });
});
