/**
 * End-to-end helpers: start the real `s3-drop serve` (built by `npm run build`) against the test S3
 * server with fixture AWS config files in a temporary HOME, and drive it with a real Chromium (see findChromium).
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { isExecutable } from './programs';
import type { S3ServerInfo } from './s3-server';
import { ensureBuiltCli, startServe, type ServeProcess } from './serve';

/** Where screenshots go (a CI artifact). */
export const resultsDir = resolve(import.meta.dirname, '../../test-results');

/** Chromium flags that work in a container without a GPU or a sandbox. */
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** A Chromium the tests can launch, and where it was found. */
export interface FoundChromium {
  path: string;
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

/** The Chromium builds Debian and Ubuntu install, tried after CHROMIUM_PATH. */
export const systemChromiumPaths = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Finds a Chromium without any setup: CHROMIUM_PATH when set, else the system's (CI installs Debian's), else the
 * headless shell that ships inside the `@sparticuz/chromium` devDependency, so `npm install && npm test` works on a
 * bare Linux machine. The packaged one is decompressed once into node_modules/.cache.
 */
export async function findChromium(env: Record<string, string | undefined> = process.env, systemPaths = systemChromiumPaths): Promise<FoundChromium> {
  if (env.CHROMIUM_PATH) {
    if (!isExecutable(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which is not a program this user can run.`);
    return { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  }
  const system = systemPaths.find(isExecutable);
  if (system) return { path: system, source: 'system' };
  // The package holds a Linux x64 build only.
  const packaged = process.platform === 'linux' && process.arch === 'x64' ? packagedChromiumDir() : undefined;
  if (!packaged) {
    throw new Error('No Chromium for the end-to-end tests: set CHROMIUM_PATH to a Chromium or Chrome, or install one (apt-get install chromium).');
  }
  return { path: await inflatePackagedChromium(packaged), source: '@sparticuz/chromium' };
}

/** The installed @sparticuz/chromium's folder, or undefined when npm install left it out. */
function packagedChromiumDir(): string | undefined {
  try {
    // Its exports name only the entry (build/index.js); the package folder is two levels up.
    return dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')));
  } catch {
    return undefined;
  }
}

/**
 * Decompresses the package's brotli'd Chromium into a folder of its own per version. Not the package's own
 * executablePath(): that writes /tmp/chromium, shared with every other user and version, and two test workers
 * starting at once could launch a half-written file. Here each writer renames a finished file into place.
 */
async function inflatePackagedChromium(pkgDir: string): Promise<string> {
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const dir = resolve(import.meta.dirname, '../../node_modules/.cache/s3drop-chromium', version);
  const binary = join(dir, 'chromium');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await pipeline(createReadStream(join(pkgDir, 'bin/chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    renameSync(partial, binary);
  } finally {
    rmSync(partial, { force: true });
  }
  return binary;
}

/** Launches the Chromium findChromium picks through playwright-core. */
export async function launchChromium(): Promise<Browser> {
  const { path } = await findChromium();
  return chromium.launch({ executablePath: path, args: chromiumArgs, headless: true });
}

/** Options for one app instance. */
export interface AppOptions {
  /** Pre-seeded settings.json (e.g. onboarded, lastProfileId, lastBucket) to skip the first run. */
  settings?: Record<string, unknown>;
  /** Profile name in the fixture ~/.aws files (default "e2e"). */
  profileName?: string;
  /** Extra text appended to the fixture ~/.aws/config (more profiles). */
  extraConfig?: string;
  /** Extra variables for serve. */
  env?: Record<string, string>;
  /** Browser colour scheme, for theme screenshots. */
  colorScheme?: 'light' | 'dark';
  locale?: string;
}

/** A running app: serve, a browser context and a page on its address. */
export interface AppSession {
  serve: ServeProcess;
  context: BrowserContext;
  page: Page;
  home: string;
  dataDir: string;
  /** Stops `serve` and starts it again on the same port and data folder (so the open page may reconnect). */
  restartServe(extraArgs?: string[]): Promise<ServeProcess>;
  close(): Promise<void>;
}

/** Writes ~/.aws/config and credentials whose profile points at the test S3 server. */
export function writeAwsFixture(home: string, s3: S3ServerInfo, profileName = 'e2e', extraConfig = ''): { config: string; credentials: string } {
  const dir = join(home, '.aws');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  const section = profileName === 'default' ? 'default' : `profile ${profileName}`;
  writeFileSync(config, `[${section}]\nregion = ${s3.region}\nendpoint_url = ${s3.endpoint}\n${extraConfig}`);
  writeFileSync(credentials, `[${profileName}]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n`);
  return { config, credentials };
}

/**
 * Refuses to test a stale UI: ensureBuiltCli() rebuilds for engine changes only, and two test files
 * building at once would race on out/, so a renderer edit needs `npm run build` (npm test does it first).
 */
export function assertRendererBuilt(): void {
  const built = resolve(import.meta.dirname, '../../out/renderer/index.html');
  const src = resolve(import.meta.dirname, '../../src/renderer');
  const newest = Math.max(...readdirSync(src, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => statSync(join(e.parentPath, e.name)).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newest) throw new Error('The built UI in out/renderer is older than src/renderer: run `npm run build` first.');
}

/** Builds if needed, then starts serve with a temp HOME and data dir, and opens a page on it. */
export async function startApp(browser: Browser, s3: S3ServerInfo, options: AppOptions = {}): Promise<AppSession> {
  ensureBuiltCli();
  assertRendererBuilt();
  const home = mkdtempSync(join(tmpdir(), 's3drop-e2e-'));
  const dataDir = join(home, 'data');
  mkdirSync(dataDir, { recursive: true });
  if (options.settings) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(options.settings));
  const { config, credentials } = writeAwsFixture(home, s3, options.profileName, options.extraConfig);
  const env = {
    HOME: home,
    S3DROP_DATA_DIR: dataDir,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    // No keychain session in the test process tree: app profiles fall back to memory for the session.
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    ...options.env,
  };
  const serve = await startServe(env);
  const context = await browser.newContext({
    viewport: { width: 1200, height: 820 },
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  await page.goto(serve.url);
  const session: AppSession = {
    serve,
    context,
    page,
    home,
    dataDir,
    async restartServe(extraArgs = []) {
      await session.serve.stop();
      session.serve = await startServe(env, ['--port', String(session.serve.port), ...extraArgs]);
      return session.serve;
    },
    async close() {
      await context.close().catch(() => undefined);
      await session.serve.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return session;
}

/** The profile id the fixture profile gets in the app. */
export const fixtureProfileId = (name = 'e2e') => `aws:${name}`;

/** Sets the language and theme on the Settings tab (the fifth) and waits until the page is drawn in that theme. */
export async function setLanguageAndTheme(page: Page, lang: 'en' | 'pt-BR', theme: 'light' | 'dark'): Promise<void> {
  await page.locator('.tabs button').nth(4).click();
  await page.getByTestId('language-select').selectOption(lang);
  await page.getByTestId('theme-select').selectOption(theme);
  await page.waitForFunction((t) => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme === t, theme);
}

/**
 * Opens the upload screen's data options and waits until the app knows: it learns from the panel's toggle event, a
 * task the browser queues after the click, so a drop sent at once (no person is that fast) would go without them.
 */
export async function openDataOptions(page: Page): Promise<void> {
  const panel = page.getByTestId('landing-panel');
  const toggled = panel.evaluate((el) => {
    // Typed by hand: the tests are compiled without the DOM's types.
    const frame = (globalThis as unknown as { requestAnimationFrame(cb: () => void): number }).requestAnimationFrame;
    const details = el as unknown as { addEventListener(type: string, cb: () => void, options: { once: boolean }): void };
    return new Promise<void>((resolve) => details.addEventListener('toggle', () => frame(() => frame(() => resolve())), { once: true }));
  });
  await panel.locator('summary').click();
  await toggled;
}

/** Saves a full-page screenshot as test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Drops files on an element through a synthetic DataTransfer, as a person dragging from the file
 * manager would (bytes are created in the page, so the browser-mode spool path is exercised).
 */
export async function dropFiles(page: Page, selector: string, files: { name: string; base64: string; type?: string }[]): Promise<void> {
  const handle = await page.evaluateHandle((list) => {
    // Runs in the page; typed loosely because this file is compiled without the DOM library.
    const w = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string, o: object) => unknown; atob(s: string): string };
    const dt = new w.DataTransfer();
    for (const f of list) {
      const bin = w.atob(f.base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new w.File([bytes], f.name, { type: f.type ?? 'application/octet-stream' }));
    }
    return dt;
  }, files);
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer: handle });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: handle });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: handle });
}

/**
 * Drops a folder tree on an element. A page cannot build the FileSystemEntry objects Chromium hands
 * over for a real folder drag, so this builds objects with the same interface (isFile/isDirectory,
 * fullPath, file(), createReader().readEntries() in batches) around real File objects, and dispatches
 * a drop event carrying them: the app's own walking code runs unchanged.
 */
export async function dropFolder(page: Page, selector: string, files: Record<string, string>): Promise<void> {
  await page.evaluate(
    ({ selector, files }) => {
      type Entry = { isFile: boolean; isDirectory: boolean; name: string; fullPath: string; file?: (ok: (f: unknown) => void) => void; createReader?: () => { readEntries: (ok: (e: Entry[]) => void) => void } };
      const w = globalThis as unknown as { File: new (parts: unknown[], name: string) => unknown; document: { querySelector(s: string): { dispatchEvent(e: unknown): void } }; Event: new (t: string, o: object) => object };
      const dirs = new Map<string, Entry[]>();
      const dir = (path: string): Entry[] => {
        let list = dirs.get(path);
        if (!list) {
          dirs.set(path, (list = []));
          const cut = path.lastIndexOf('/');
          if (cut > 0) dir(path.slice(0, cut)).push(dirEntry(path));
        }
        return list;
      };
      const dirEntry = (path: string): Entry => ({
        isFile: false,
        isDirectory: true,
        name: path.slice(path.lastIndexOf('/') + 1),
        fullPath: path,
        createReader: () => {
          let done = false;
          // Like Chromium: the children once, then an empty batch.
          return { readEntries: (ok) => setTimeout(() => ok(done ? [] : ((done = true), dirs.get(path) ?? [])), 0) };
        },
      });
      for (const [rel, body] of Object.entries(files)) {
        const full = '/' + rel;
        const name = rel.slice(rel.lastIndexOf('/') + 1);
        const file = new w.File([body], name);
        dir(full.slice(0, full.lastIndexOf('/'))).push({ isFile: true, isDirectory: false, name, fullPath: full, file: (ok) => setTimeout(() => ok(file), 0) });
      }
      const top = [...dirs.keys()].filter((p) => p.split('/').length === 2).map(dirEntry);
      const items = top.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => null }));
      const dataTransfer = { items, files: [], types: ['Files'], dropEffect: 'copy' };
      const target = w.document.querySelector(selector);
      for (const type of ['dragenter', 'dragover', 'drop']) {
        const ev = new w.Event(type, { bubbles: true, cancelable: true });
        Object.defineProperty(ev, 'dataTransfer', { value: dataTransfer });
        target.dispatchEvent(ev);
      }
    },
    { selector, files },
  );
}
