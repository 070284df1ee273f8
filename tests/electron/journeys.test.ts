/**
 * The desktop journeys in the real Electron binary (npm run test:electron): the built app loads from app://s3drop
 * under its fuses' rules, then the same journeys as the browser-mode e2e: first run, drop two files (paths through
 * webUtils.getPathForFile), pause and resume, a sync pair, settings; and the tray menu's actions through the
 * main-process API. Skipped (by tests/electron/run.mjs) where no Electron binary exists.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { clickTray, dropPaths, launchDesktop, trayLabels, type DesktopApp } from './support';

let files: string;
beforeAll(() => {
  files = mkdtempSync(join(tmpdir(), 's3drop-electron-files-'));
});
afterAll(() => rmSync(files, { recursive: true, force: true }));

const row = (d: DesktopApp, key: string) => d.page.locator(`[data-testid="transfer-row"][data-key="${key}"]`);
const tab = (d: DesktopApp, i: number) => d.page.locator('.tabs button').nth(i);
const savedSettings = (d: DesktopApp) => JSON.parse(readFileSync(join(d.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;

describe('first run in the desktop app', () => {
  let d: DesktopApp;
  let bucket: string;
  beforeAll(async () => {
    bucket = await freshBucket(rawClient(), 'el-first');
    d = await launchDesktop(s3Info());
  });
  afterAll(() => d?.close());

  it('loads the page from app://s3drop, picks the ~/.aws profile and a bucket, and drops two files that land byte for byte', async () => {
    const { page } = d;
    expect(page.url()).toMatch(/^app:\/\/s3drop\/index\.html/);
    await page.getByRole('heading', { name: 'Welcome to S3 Drop' }).waitFor();
    await page.getByRole('button', { name: 'Use this connection: e2e' }).click();
    await page.getByRole('button', { name: bucket }).click();
    await page.getByText(`They will go to ${bucket}/`).waitFor();
    const a = join(files, 'alpha.bin');
    const b = join(files, 'notes.txt');
    writeFileSync(a, randomBytes(64 * 1024));
    writeFileSync(b, 'hello from the desktop\n'.repeat(100));
    await dropPaths(page, [a, b]);
    await row(d, 'alpha.bin').and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    await row(d, 'notes.txt').and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    expect((await getObjectBytes(rawClient(), bucket, 'alpha.bin')).equals(readFileSync(a))).toBe(true);
    expect((await getObjectBytes(rawClient(), bucket, 'notes.txt')).equals(readFileSync(b))).toBe(true);
    expect(savedSettings(d)).toMatchObject({ onboarded: true, lastProfileId: 'aws:e2e', lastBucket: bucket });
    expect(d.problems).toEqual([]);
  });
});

describe('an onboarded desktop app', () => {
  let d: DesktopApp;
  let bucket: string;
  beforeAll(async () => {
    bucket = await freshBucket(rawClient(), 'el-main');
    // A bandwidth cap keeps the big upload running long enough to pause it (no timing is asserted).
    d = await launchDesktop(s3Info(), { onboarded: true, lastProfileId: 'aws:e2e', lastBucket: bucket, bandwidthLimitKiBps: 4096 });
    await d.page.getByTestId('drop-zone').waitFor();
  });
  afterAll(() => d?.close());

  it('pauses and resumes a dropped upload, which then completes', async () => {
    const { page } = d;
    const big = join(files, 'big.bin');
    writeFileSync(big, randomBytes(48 * 1024 * 1024));
    await dropPaths(page, [big]);
    const r = row(d, 'big.bin');
    await r.and(page.locator('[data-state="running"]')).waitFor({ timeout: 60_000 });
    await r.getByRole('button', { name: 'Pause: big.bin' }).click();
    await r.and(page.locator('[data-state="paused"]')).waitFor({ timeout: 30_000 });
    await r.getByRole('button', { name: 'Resume: big.bin' }).click();
    await r.and(page.locator('[data-state="running"]')).waitFor({ timeout: 30_000 });
    // The tray's Pause all and Resume all reach the same queue, from the main process.
    expect(await trayLabels(d.app)).toEqual(['Open S3 Drop', 'Pause all', 'Resume all', 'Quit S3 Drop']);
    await clickTray(d.app, 'Pause all');
    await r.and(page.locator('[data-state="paused"]')).waitFor({ timeout: 30_000 });
    await clickTray(d.app, 'Resume all');
    await r.and(page.locator('[data-state="done"]')).waitFor({ timeout: 120_000 });
    expect((await getObjectBytes(rawClient(), bucket, 'big.bin')).equals(readFileSync(big))).toBe(true);
  });

  it('adds a sync pair whose files reach the bucket', async () => {
    const { page } = d;
    const folder = join(files, 'synced');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'one.txt'), 'one\n');
    writeFileSync(join(folder, 'sub', 'two.txt'), 'two\n');
    await page.getByRole('button', { name: 'Synced folders' }).click();
    await page.getByLabel('Folder on this computer').fill(folder);
    await page.getByLabel('Bucket', { exact: true }).fill(bucket);
    await page.getByLabel(/^Folder in the bucket/).fill('backup');
    await page.getByLabel(/^Upload only:/).check();
    await page.getByRole('button', { name: 'Add and preview' }).click();
    const card = page.locator('.sync-card');
    await card.getByText(folder, { exact: true }).waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Start sync' }).click();
    await expect.poll(async () => (await getObjectBytes(rawClient(), bucket, 'backup/sub/two.txt').catch(() => Buffer.from(''))).toString(), { timeout: 60_000 }).toBe('two\n');
    expect((await getObjectBytes(rawClient(), bucket, 'backup/one.txt')).toString()).toBe('one\n');
  });

  it('saves a setting to settings.json', async () => {
    const { page } = d;
    await tab(d, 4).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByTestId('theme-select').selectOption('dark');
    await expect.poll(() => savedSettings(d).theme).toBe('dark');
    expect(savedSettings(d)).toMatchObject({ onboarded: true, lastBucket: bucket });
  });

  it('the tray brings a hidden window back, and Quit ends the app', async () => {
    const { app } = d;
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.hide());
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible())).toBe(false);
    await clickTray(app, 'Open S3 Drop');
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible())).toBe(true);
    expect(d.problems).toEqual([]);
    const closed = new Promise<void>((r) => app.once('close', () => r()));
    await clickTray(app, 'Quit S3 Drop').catch(() => undefined);
    await closed;
  });
});
