/**
 * Issue 6 sync screen: add a synced folder, see its state and counts, preview it in plain words, and sync now. Issue 15:
 * the count says "2 files" (and "N still to upload" only while a pass has uploads left), and that count falls while
 * a pass runs: serve reaches S3 through the chaos proxy, which holds one upload unanswered until it is cancelled.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let bucket: string;
let folder: string;
let proxy: ChaosProxy;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-sync');
  browser = await launchChromium();
  const info = s3Info();
  proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
  app = await startApp(browser, { ...info, endpoint: proxy.url }, { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
  // Inside the app's home: browser mode only works with folders there.
  folder = mkdtempSync(join(app.home, 'sync-'));
  mkdirSync(join(folder, 'sub'));
  writeFileSync(join(folder, 'one.txt'), 'one\n');
  writeFileSync(join(folder, 'sub', 'two.txt'), 'two\n');
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await proxy?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('sync screen', () => {
  it('adds a folder, shows its state in plain words, and its files reach the bucket', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Synced folders' }).click();
    await page.getByText('No synced folders yet.').waitFor();
    await page.getByLabel('Folder on this computer').fill(folder);
    await page.getByLabel('Bucket', { exact: true }).fill(bucket);
    await page.getByLabel(/^Folder in the bucket/).fill('backup');
    await page.getByText('Nothing in the bucket is ever deleted.').waitFor();
    await page.getByLabel(/^Mirror:/).check();
    await page.getByText(/Mirror stops and asks you first if one pass would delete more than 20% of the files or more than 1000 files\./).waitFor();
    await page.getByLabel(/this share of the files/).fill('10');
    await page.getByLabel(/Keep deleted files recoverable/).fill('14');
    await page.getByText(/more than 10% of the files or more than 1000 files\. Deleted files stay recoverable for 14 days\./).waitFor();
    await screenshot(page, 'sync-mirror-safety');
    await page.getByLabel(/^Upload only:/).check();
    await page.getByRole('button', { name: 'Add and preview' }).click();
    const card = page.locator('.sync-card');
    await card.getByText(folder, { exact: true }).waitFor({ timeout: 30_000 });
    // Before the first pass the pair waits with its dry-run preview, and nothing is in the bucket yet.
    await card.getByText(/^Files to upload: 2 \(.+\)\. Files to delete: 0\. Conflicts: 0\.$/).waitFor({ timeout: 30_000 });
    expect(await getObjectBytes(rawClient(), bucket, 'backup/one.txt').catch(() => undefined)).toBeUndefined();
    await screenshot(page, 'sync-preview');
    await card.getByRole('button', { name: 'Start sync' }).click();
    await card.getByText('Up to date').or(card.getByText('Watching for changes')).first().waitFor({ timeout: 60_000 });
    await card.getByText(/^Last synced /).waitFor({ timeout: 60_000 });
    // Issue 15: the count reads as a person says it; nothing is left to upload once the pass is done.
    await expect.poll(() => card.getByTestId('sync-counts').textContent(), { timeout: 30_000 }).toBe('2 files');
    // The plan made before the pass is not shown beside "Up to date"; asking for a preview shows what is left now.
    await card.getByText(/^Files to upload: 2 /).waitFor({ state: 'detached', timeout: 30_000 });
    await screenshot(page, 'sync-pair');
    await card.getByRole('button', { name: 'Preview' }).click();
    await card.getByText(/^Files to upload: 0 \(.+\)\. Files to delete: 0\. Conflicts: 0\.$/).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await getObjectBytes(rawClient(), bucket, 'backup/sub/two.txt').catch(() => Buffer.from(''))).toString(), { timeout: 60_000 }).toBe('two\n');
    expect((await getObjectBytes(rawClient(), bucket, 'backup/one.txt')).toString()).toBe('one\n');
  });

  it("counts down the files still to upload while a pass runs, and says so on the pair's card", async () => {
    const { page } = app;
    const live = mkdtempSync(join(app.home, 'live-'));
    try {
      for (const name of ['a.txt', 'b.txt', 'hangs.txt']) writeFileSync(join(live, name), `${name}\n`);
      // Every attempt at uploading hangs.txt is read and never answered: the pass stays open with one file to go.
      proxy.configure({ faultRate: 1, faults: { stall: 1 }, eligible: (req) => req.kind === 'PutObject' && (req.key ?? '').endsWith('hangs.txt') });
      await page.getByLabel('Folder on this computer').fill(live);
      await page.getByLabel('Bucket', { exact: true }).fill(bucket);
      await page.getByLabel(/^Folder in the bucket/).fill('live');
      await page.getByRole('button', { name: 'Add and preview' }).click();
      const card = page.locator('.sync-card').filter({ has: page.getByText(live, { exact: true }) });
      await card.getByRole('button', { name: 'Start sync' }).click({ timeout: 30_000 });
      const counts = card.getByTestId('sync-counts');
      await expect.poll(() => counts.textContent(), { timeout: 60_000 }).toBe('3 files · 1 still to upload');
      expect(await card.locator('.badge.state-syncing').textContent()).toBe('Syncing');
      await screenshot(page, 'sync-live-count');
      proxy.configure({ faultRate: 0 });
      // The held upload is in the transfers drawer of the Upload screen: cancelling it ends the pass.
      await page.getByRole('navigation').getByRole('button', { name: 'Upload' }).click();
      await page.getByRole('button', { name: 'Cancel all' }).click();
      await page.getByRole('navigation').getByRole('button', { name: 'Synced folders' }).click();
      await expect.poll(() => counts.textContent(), { timeout: 60_000 }).toBe('3 files');
    } finally {
      proxy.configure({ faultRate: 0 });
      // A held upload left behind would keep serve from stopping.
      await page.getByRole('navigation').getByRole('button', { name: 'Upload' }).click();
      // Only needed when the test stopped before its own Cancel all; by now the watched pair may be sending the file
      // again (the store answers once more), so the button can come and go: a click that finds nothing is fine.
      const cancelAll = page.getByRole('button', { name: 'Cancel all' });
      if (await cancelAll.isVisible()) await cancelAll.click({ timeout: 5_000 }).catch(() => undefined);
      rmSync(live, { recursive: true, force: true });
    }
  }, 180_000);
});
