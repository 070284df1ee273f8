/**
 * Helpers for the real-Electron suite: launch the built app (out/) in the Electron binary through playwright-core,
 * with a temp HOME, data folder and ~/.aws pointing at the test S3 server, and drive it as a person would.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { writeAwsFixture } from '../support/browser';
import type { S3ServerInfo } from '../support/s3-server';

/** The repository root, whose package.json names out/main/index.cjs. */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** A running app. */
export interface DesktopApp {
  app: ElectronApplication;
  page: Page;
  home: string;
  dataDir: string;
  /** Console errors and uncaught page errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

/** Starts the app; `settings` pre-seeds settings.json (to skip the first run). */
export async function launchDesktop(s3: S3ServerInfo, settings?: Record<string, unknown>): Promise<DesktopApp> {
  const executablePath = process.env.S3DROP_ELECTRON_BIN;
  if (!executablePath) throw new Error('Run this suite with `npm run test:electron`, which finds the Electron binary.');
  const home = mkdtempSync(join(tmpdir(), 's3drop-electron-'));
  const dataDir = join(home, 'data');
  mkdirSync(dataDir, { recursive: true });
  if (settings) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings));
  const { config, credentials } = writeAwsFixture(home, s3);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOME: home,
    S3DROP_DATA_DIR: dataDir,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    S3DROP_DISABLE_UPDATES: '1',
    // Exposes the tray menu to app.evaluate (src/main/index.ts).
    S3DROP_TEST_HOOKS: '1',
  };
  // Chromium refuses to run as root with its sandbox (CI containers).
  const args = process.getuid?.() === 0 ? ['--no-sandbox', repoRoot] : [repoRoot];
  const app = await _electron.launch({ executablePath, args, env, cwd: repoRoot, timeout: 60_000 });
  const page = await app.firstWindow();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return {
    app,
    page,
    home,
    dataDir,
    problems,
    async close() {
      await app.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Drops files from disk on the drop zone. A page cannot make File objects that carry a path, but an
 * <input type=file> filled by Playwright can: its Files go into a DataTransfer and the drop handler
 * reads their paths with webUtils.getPathForFile, as with a drag from the file manager.
 */
export async function dropPaths(page: Page, paths: string[]): Promise<void> {
  const input = await page.evaluateHandle(() => {
    const d = (globalThis as unknown as { document: { createElement(t: string): { type: string; multiple: boolean; hidden: boolean }; body: { append(e: unknown): void } } }).document;
    const el = d.createElement('input');
    el.type = 'file';
    el.multiple = true;
    el.hidden = true;
    d.body.append(el);
    return el;
  });
  await input.asElement()!.setInputFiles(paths);
  await page.evaluate((el) => {
    type Files = ArrayLike<unknown>;
    const w = globalThis as unknown as {
      DataTransfer: new () => { items: { add(f: unknown): void } };
      DragEvent: new (type: string, init: object) => unknown;
      document: { querySelector(s: string): { dispatchEvent(e: unknown): void } };
    };
    const dt = new w.DataTransfer();
    for (const f of Array.from((el as unknown as { files: Files }).files)) dt.items.add(f);
    const zone = w.document.querySelector('[data-testid="drop-zone"]');
    for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new w.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    (el as unknown as { remove(): void }).remove();
  }, input);
}

/** The labels of the tray menu, read in the main process (S3DROP_TEST_HOOKS). */
export function trayLabels(app: ElectronApplication): Promise<string[]> {
  return app.evaluate(() => {
    const hooks = (globalThis as unknown as { __s3dropTest: { trayMenu(): { label?: string }[] } }).__s3dropTest;
    return hooks.trayMenu().flatMap((i) => (i.label ? [i.label] : []));
  });
}

/** Clicks a tray menu item by its label, in the main process, as the tray would. */
export function clickTray(app: ElectronApplication, label: string): Promise<void> {
  return app.evaluate((_electronModule, text) => {
    const hooks = (globalThis as unknown as { __s3dropTest: { trayMenu(): { label?: string; click?: () => void }[] } }).__s3dropTest;
    const item = hooks.trayMenu().find((i) => i.label === text);
    if (!item?.click) throw new Error(`no tray item ${text}`);
    item.click();
  }, label);
}
