/**
 * Issue 15 sync screen, browser mode: the add form starts empty; a missing folder (typed with ~, shown expanded) is
 * reported next to the folder field; "Browse…" walks the home folder through the engine's folder picker; a new pair
 * offers one action, "Start sync", and "Sync now" only once it runs. axe finds nothing serious on the way. A double
 * click on "Add and preview" adds the pair once, with one toast.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seriousViolations } from '../support/axe';
import { fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-sync-form');
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
  // serve's HOME is the session's temp home: the picker shows what is in it.
  mkdirSync(join(app.home, 'Photos', 'Trip'), { recursive: true });
  writeFileSync(join(app.home, 'Photos', 'Trip', 'beach.txt'), 'sand\n');
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

describe('sync screen form', () => {
  it('starts empty, puts a folder error next to the folder, browses the home folder, and offers one action for a new pair', async () => {
    const { page } = app;
    const home = realpathSync(app.home);
    await page.getByRole('button', { name: 'Synced folders' }).click();
    const folderField = page.getByLabel('Folder on this computer');
    const bucketField = page.getByLabel('Bucket', { exact: true });
    expect(await folderField.inputValue()).toBe('');
    expect(await bucketField.inputValue()).toBe('');

    await folderField.fill('~/No such folder');
    await bucketField.fill(bucket);
    await page.getByRole('button', { name: 'Add and preview' }).click();
    await expect.poll(() => folderField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await folderField.getAttribute('aria-describedby');
    const message = page.locator(`[id="${describedBy}"]`);
    // The engine expanded ~ before it looked.
    expect(await message.textContent()).toContain(`There is no folder at ${join(home, 'No such folder')}.`);
    expect(await bucketField.getAttribute('aria-invalid')).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sync-form-folder-error');

    await page.getByRole('button', { name: 'Browse…' }).click();
    const picker = page.getByTestId('folder-picker');
    await picker.getByRole('button', { name: 'Photos' }).click();
    await picker.getByText(join(home, 'Photos'), { exact: true }).waitFor();
    await picker.getByRole('button', { name: 'Trip' }).click();
    await picker.getByText(join(home, 'Photos', 'Trip'), { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sync-folder-picker');
    await picker.getByRole('button', { name: 'Choose this folder' }).click();
    expect(await folderField.inputValue()).toBe(join(home, 'Photos', 'Trip'));

    await page.getByRole('button', { name: 'Add and preview' }).click();
    const card = page.locator('.sync-card');
    await card.getByRole('button', { name: 'Start sync' }).waitFor({ timeout: 30_000 });
    expect(await card.getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    expect(await folderField.getAttribute('aria-invalid')).toBeNull();
    await card.getByRole('button', { name: 'Start sync' }).click();
    await card.getByRole('button', { name: 'Sync now' }).waitFor({ timeout: 30_000 });
    expect(await card.getByRole('button', { name: 'Start sync' }).count()).toBe(0);
  });

  it('adds the pair once, with one toast, when "Add and preview" is clicked twice in a row', async () => {
    const { page } = app;
    mkdirSync(join(app.home, 'Twice'));
    const folder = join(realpathSync(app.home), 'Twice');
    // Counts the sync:add commands the page sends and the answers it gets, over the page's one socket (opened anew
    // by the reload, so this listener sees it).
    const sent = new Set<number>();
    const answered = new Set<number>();
    page.on('websocket', (ws) => {
      ws.on('framesent', ({ payload }) => {
        const msg = JSON.parse(String(payload)) as { type: string; id: number; name: string };
        if (msg.type === 'invoke' && msg.name === 'sync:add') sent.add(msg.id);
      });
      ws.on('framereceived', ({ payload }) => {
        const msg = JSON.parse(String(payload)) as { type: string; id: number };
        if (msg.type === 'result' && sent.has(msg.id)) answered.add(msg.id);
      });
    });
    await page.reload();
    await page.getByRole('button', { name: 'Synced folders' }).click();
    await page.getByLabel('Folder on this computer').fill(folder);
    await page.getByLabel('Bucket', { exact: true }).fill(bucket);
    await page.getByRole('button', { name: 'Add and preview' }).dblclick();
    const card = page.locator('.sync-card').filter({ hasText: folder });
    await card.getByRole('button', { name: 'Start sync' }).first().waitFor({ timeout: 30_000 });
    // Every add the page sent has been answered: nothing more can arrive.
    await expect.poll(() => answered.size > 0 && answered.size === sent.size).toBe(true);
    expect(sent.size).toBe(1);
    const toasts = page.locator('.toast').filter({ hasText: 'Check what will be uploaded, then press “Start sync”.' });
    await expect.poll(() => toasts.count()).toBe(1);
    expect(await card.count()).toBe(1);
    await screenshot(page, 'sync-added-once');
  });

  it('on a small window, brings the new pair\'s card into view and focuses it: the form below it was all one saw', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 900, height: 640 });
    mkdirSync(join(app.home, 'Small'));
    const folder = join(realpathSync(app.home), 'Small');
    await page.getByRole('button', { name: 'Synced folders' }).click();
    await page.getByLabel('Folder on this computer').fill(folder);
    await page.getByLabel('Bucket', { exact: true }).fill(bucket);
    await page.getByRole('button', { name: 'Add and preview' }).click();
    const card = page.locator('.sync-card').filter({ hasText: folder });
    await card.getByRole('button', { name: 'Start sync' }).first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator(':focus').getAttribute('data-pair-id')).toBeTruthy();
    expect(await page.locator(':focus').textContent()).toContain(folder);
    const box = await card.boundingBox();
    expect(box && box.y >= 0 && box.y < 640).toBe(true);
    await screenshot(page, 'sync-added-small-window');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
