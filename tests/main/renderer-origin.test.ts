/**
 * The built renderer in Debian's Chromium under a non-file origin with the production CSP, as the packaged app
 * serves it over app://s3drop. Plain Chromium cannot register app://, so the page is requested from
 * https://s3drop.test and every request is answered by the real app:// handler (src/main/app-protocol.ts) with a
 * stand-in net.fetch over the built files. A bridge like the preload's forwards the page's commands to a real
 * engine in this process. The page must start with no console error and no CSP violation.
 * The control: the same build opened from file:// (what the fuse-less packaged app did) fails with CORS errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, createAppProtocolHandler } from '../../src/main/app-protocol';
import { createElectronPlatform } from '../../src/main/platform/electron-platform';
import { buildCsp } from '../../src/main/security';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { silentLogger } from '../../src/main/services/log/logger';
import { MemorySecretStore } from '../../src/main/services/secrets/secret-store';
import { assertRendererBuilt, launchChromium } from '../support/browser';
import { builtRendererDir, ensureBuiltCli } from '../support/serve';

const ORIGIN = 'https://s3drop.test';
let browser: Browser;
let rendererDir: string;
let home: string;
let services: AppServices;

beforeAll(async () => {
  ensureBuiltCli();
  assertRendererBuilt();
  rendererDir = builtRendererDir();
  home = mkdtempSync(join(tmpdir(), 's3drop-renderer-origin-'));
  const dataDir = join(home, 'data');
  const platform = createElectronPlatform({
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    shell: { openExternal: async () => undefined, openPath: async () => '' },
    dataDir,
    logsDir: join(dataDir, 'logs'),
    version: '0.0.0-test',
  });
  // No ~/.aws and no keychain: a first run.
  const env = { HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') };
  services = await createAppServices({ platform, logger: silentLogger, env, secrets: new MemorySecretStore() });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await services?.dispose();
  rmSync(home, { recursive: true, force: true });
});

/** Everything the page reported as wrong: console errors and warnings, uncaught errors, failed requests. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return problems;
}

describe('the built renderer under a non-file origin', () => {
  it('starts under the production CSP, served by the app:// handler, with no console error or CSP violation', async () => {
    const handler = createAppProtocolHandler({
      rootDir: rendererDir,
      fetch: async (url) => new Response(readFileSync(fileURLToPath(url))),
      csp: buildCsp(),
    });
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const served: string[] = [];
      await context.route(`${ORIGIN}/**`, async (route) => {
        const request = route.request();
        const url = new URL(request.url());
        served.push(url.pathname);
        // The page's own requests come from its origin; the top-level load from the browser itself.
        const initiatorOrigin = request.isNavigationRequest() ? undefined : APP_ORIGIN;
        const res = await handler({ url: APP_ORIGIN + url.pathname + url.search, method: request.method(), initiatorOrigin });
        await route.fulfill({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) });
      });
      // The preload's bridge, over a binding to the real engine; events come back the same way.
      await context.exposeFunction('__s3dropInvoke', (name: string, payload: unknown) => services.dispatch(name, payload));
      await context.addInitScript(() => {
        type Listener = (payload: unknown) => void;
        const w = globalThis as unknown as {
          __s3dropInvoke(name: string, payload: unknown): Promise<unknown>;
          __s3dropEmit?: (name: string, payload: unknown) => void;
          __cspViolations: string[];
          s3drop?: unknown;
          document: { addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void };
        };
        const listeners = new Map<string, Set<Listener>>();
        w.__cspViolations = [];
        w.document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
        w.__s3dropEmit = (name, payload) => listeners.get(name)?.forEach((fn) => fn(payload));
        w.s3drop = Object.freeze({
          capabilities: { transport: 'electron', nativeDialogs: true, dropGivesPaths: true, desktopIntegration: true },
          invoke: (name: string, payload: unknown) => w.__s3dropInvoke(name, payload),
          on(name: string, fn: Listener) {
            if (!listeners.has(name)) listeners.set(name, new Set());
            listeners.get(name)!.add(fn);
            return () => listeners.get(name)!.delete(fn);
          },
          getPathForFile: () => '',
        });
      });
      const page = await context.newPage();
      const problems = watch(page);
      const off = services.events.onAny((name, payload) => void page.evaluate(([n, p]) => (globalThis as unknown as { __s3dropEmit(n: string, p: unknown): void }).__s3dropEmit(n, p), [name, payload] as const).catch(() => undefined));
      try {
        const response = await page.goto(`${ORIGIN}/index.html`);
        expect(response?.status()).toBe(200);
        expect(response?.headers()['content-security-policy']).toBe(buildCsp());
        await page.getByRole('heading', { name: 'Welcome to S3 Drop' }).waitFor();
        // The module script and the stylesheet both came through the handler (Vite marks both crossorigin).
        expect(served.some((p) => /^\/assets\/.+\.js$/.test(p))).toBe(true);
        expect(served.some((p) => /^\/assets\/.+\.css$/.test(p))).toBe(true);
        expect(await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        off();
      }
    } finally {
      await context.close();
    }
  });

  it('control: the same build from file:// is blocked by CORS and stays empty (why the app no longer loads it so)', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(pathToFileURL(join(rendererDir, 'index.html')).href);
      await page.waitForLoadState('load');
      expect(problems.some((p) => p.includes("from origin 'null' has been blocked by CORS policy"))).toBe(true);
      expect(await page.locator('#root').innerHTML()).toBe('');
    } finally {
      await context.close();
    }
  });
});
