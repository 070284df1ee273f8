/**
 * Issue 15, "Room to see the files": at 900×640, 1280×800 and 1920×1080 the transfers drawer is a one-line bar that
 * opens while an upload runs and closes when it is done, leaving the listing and the drop destination on screen; a drop
 * anywhere on the window (not only on the dashed box) uploads to the current folder, and the overlay names it; a drop
 * on a folder row goes into that folder; the drawer's handle resizes it from the keyboard and the pin is remembered.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, JSHandle, Page } from 'playwright-core';
import { fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let bucket: string;

const sizes = [
  { width: 900, height: 640 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-layout');
  await rawClient().send(new PutObjectCommand({ Bucket: bucket, Key: 'Trip to Lisbon/first.txt', Body: 'first\n' }));
  browser = await launchChromium();
  // A bandwidth cap makes each 384 KiB upload last over a second, so the drawer is seen open while it runs.
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket, bandwidthLimitKiBps: 256 } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

/** A DataTransfer holding one file, made in the page. */
function fileTransfer(page: Page, name: string, bytes: Buffer): Promise<JSHandle> {
  return page.evaluateHandle(
    ({ name, base64 }) => {
      const w = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string) => unknown; atob(s: string): string };
      const dt = new w.DataTransfer();
      const bin = w.atob(base64);
      const data = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      dt.items.add(new w.File([data], name));
      return dt;
    },
    { name, base64: bytes.toString('base64') },
  );
}

/** Records every value the drawer's data-open takes from now on (a MutationObserver in the page). */
async function recordDrawer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as {
      document: { querySelector(s: string): { getAttribute(n: string): string | null } };
      MutationObserver: new (cb: () => void) => { observe(el: unknown, o: object): void };
      drawerSeen: string[];
    };
    const el = w.document.querySelector('[data-testid="transfers-drawer"]');
    w.drawerSeen = [String(el.getAttribute('data-open'))];
    new w.MutationObserver(() => w.drawerSeen.push(String(el.getAttribute('data-open')))).observe(el, { attributes: true, attributeFilter: ['data-open'] });
  });
}

const drawerSeen = (page: Page) => page.evaluate(() => (globalThis as unknown as { drawerSeen: string[] }).drawerSeen);

/** Whether an element's box lies inside the viewport (at least 24 px of it, vertically). */
async function onScreen(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const view = page.viewportSize()!;
  return !!box && box.height > 0 && box.y >= 0 && box.y + Math.min(box.height, 24) <= view.height;
}

const settings = () => JSON.parse(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;

describe('room to see the files', () => {
  it('at each size: the drawer opens while an upload runs and closes to one bar when it is done; a drop outside the box lands in the current folder', { timeout: 120_000 }, async () => {
    const { page } = app;
    for (const size of sizes) {
      await page.setViewportSize(size);
      await page.getByTestId('drop-zone').waitFor();
      const name = `anywhere-${size.width}.bin`;
      const body = randomBytes(384 * 1024);
      await recordDrawer(page);
      const dt = await fileTransfer(page, name, body);
      // Over the content, outside the dashed box: the overlay names the current folder, from the drop zone's sentence.
      await page.dispatchEvent('#main', 'dragenter', { dataTransfer: dt });
      await page.dispatchEvent('#main', 'dragover', { dataTransfer: dt });
      expect(await page.getByTestId('drop-overlay').textContent()).toBe(`Drop to upload to ${bucket}/`);
      await page.dispatchEvent('#main', 'drop', { dataTransfer: dt });
      expect(await page.getByTestId('drop-overlay').count()).toBe(0);

      await page.locator(`[data-testid="transfer-row"][data-key="${name}"][data-state="done"]`).waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('transfers-drawer').getAttribute('data-open')).toBe('false');
      // It was open while the upload ran, and it closed at the end.
      const seen = await drawerSeen(page);
      expect(seen).toContain('true');
      expect(seen.at(-1)).toBe('false');
      expect((await getObjectBytes(rawClient(), bucket, name)).equals(body)).toBe(true);

      await screenshot(page, `layout-drawer-closed-${size.width}x${size.height}`);
      // Done: one bar, not a panel holding ~300 px for a finished row; the listing and the destination are on screen.
      const drawer = (await page.getByTestId('transfers-drawer').boundingBox())!;
      expect(drawer.height).toBeLessThan(72);
      expect(drawer.y + drawer.height).toBeLessThanOrEqual(size.height + 1);
      expect(await page.getByTestId('transfer-counts').textContent()).toMatch(/done/);
      expect(await onScreen(page, '[data-testid="drop-zone"] .drop-hint')).toBe(true);
      expect(await page.locator('[data-testid="drop-zone"] .drop-hint').textContent()).toBe(`They will go to ${bucket}/`);
      await page.getByRole('cell', { name }).waitFor();
      expect(await onScreen(page, `role=cell[name="${name}"]`)).toBe(true);
      // The sidebar folds into a picker at 900 px and below only.
      expect(await page.locator('.bucket-picker').isVisible()).toBe(size.width <= 900);
      expect(await page.locator('#buckets-sidebar').isVisible()).toBe(size.width > 900);
    }
  });

  it('at 900 px folds the bucket column into a picker that opens it as a drawer and closes it on a choice', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 900, height: 640 });
    const picker = page.locator('.bucket-picker');
    expect(await picker.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#buckets-sidebar').isVisible()).toBe(false);
    await picker.click();
    expect(await picker.getAttribute('aria-expanded')).toBe('true');
    await page.locator('#buckets-sidebar').getByRole('button', { name: bucket, exact: true }).click();
    await page.locator('#buckets-sidebar').waitFor({ state: 'hidden' });
    expect(await picker.getAttribute('aria-expanded')).toBe('false');
    // Escape closes it too, and the listing is still there behind it.
    await picker.click();
    await page.locator('#bucket-search').focus();
    await page.keyboard.press('Escape');
    await page.locator('#buckets-sidebar').waitFor({ state: 'hidden' });
    expect(await onScreen(page, '[data-drop-prefix="Trip to Lisbon/"]')).toBe(true);
  });

  it('takes a drop on a folder row into that folder, and names it in the overlay', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    const row = page.locator('[data-drop-prefix="Trip to Lisbon/"]');
    await row.waitFor();
    const body = Buffer.from('postcard\n');
    const dt = await fileTransfer(page, 'postcard.txt', body);
    await row.dispatchEvent('dragenter', { dataTransfer: dt });
    await row.dispatchEvent('dragover', { dataTransfer: dt });
    expect(await page.getByTestId('drop-overlay').textContent()).toBe(`Drop to upload to ${bucket}/Trip to Lisbon/`);
    expect(await row.getAttribute('data-drop-over')).toBe('');
    await screenshot(page, 'layout-drop-overlay-folder-1280x800');
    await row.dispatchEvent('drop', { dataTransfer: dt });
    await page.locator('[data-testid="transfer-row"][data-key="Trip to Lisbon/postcard.txt"][data-state="done"]').waitFor({ timeout: 30_000 });
    expect((await getObjectBytes(rawClient(), bucket, 'Trip to Lisbon/postcard.txt')).equals(body)).toBe(true);
    expect(await row.getAttribute('data-drop-over')).toBeNull();
  });

  it('keeps Size and Modified on screen, and the row short, beside a long name without a space', async () => {
    const { page } = app;
    // 200, not 1,000: s3rver keeps each object in a file named after its key, and a file name stops at 255 bytes.
    const long = 'L'.repeat(200);
    await rawClient().send(new PutObjectCommand({ Bucket: bucket, Key: `Long names/${long}`, Body: 'long\n' }));
    await rawClient().send(new PutObjectCommand({ Bucket: bucket, Key: 'Long names/short.txt', Body: 'short\n' }));
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: 'Long names/' }).click();
    await page.getByRole('cell', { name: 'short.txt' }).waitFor();
    for (const size of sizes) {
      await page.setViewportSize(size);
      const view = page.viewportSize()!;
      for (const header of ['Size', 'Modified']) {
        const box = (await page.getByRole('columnheader', { name: new RegExp(`^${header}`) }).boundingBox())!;
        expect([header, box.x + box.width <= view.width]).toEqual([header, true]);
      }
      const row = (await page.locator(`tr[data-key="Long names/${long}"]`).boundingBox())!;
      expect(row.height).toBeLessThan(64);
      // The whole name is still one hover away.
      expect(await page.locator(`tr[data-key="Long names/${long}"] .listing-name`).getAttribute('title')).toBe(long);
      // The name starts beside its icon, not on a line of its own below it.
      const offset = await page.locator(`tr[data-key="Long names/${long}"] .listing-name`).evaluate((cell: unknown) => {
        type Box = { top: number; height: number };
        type Node = { nodeType: number; textContent: string | null; childNodes: Node[] };
        const el = cell as { querySelector(s: string): { getBoundingClientRect(): Box }; childNodes: Node[]; ownerDocument: { createRange(): { setStart(n: Node, o: number): void; setEnd(n: Node, o: number): void; getBoundingClientRect(): Box } } };
        const icon = el.querySelector('svg').getBoundingClientRect();
        const texts = (n: Node): Node[] => (n.nodeType === 3 ? [n] : [...n.childNodes].flatMap(texts));
        const text = [...el.childNodes].flatMap(texts).find((n) => n.textContent?.includes('L'))!;
        const at = text.textContent!.indexOf('L');
        const range = el.ownerDocument.createRange();
        range.setStart(text, at);
        range.setEnd(text, at + 1);
        const first = range.getBoundingClientRect();
        return Math.abs(first.top + first.height / 2 - (icon.top + icon.height / 2));
      });
      expect(offset).toBeLessThan(8);
      expect(offset).toBeLessThan(8);
      await screenshot(page, `layout-long-name-${size.width}x${size.height}`);
    }
  });

  it('opens, resizes from the keyboard and pins the drawer, and remembers both in settings', async () => {
    const { page } = app;
    const toggle = page.getByRole('button', { name: 'Transfers', exact: true });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const handle = page.getByRole('separator', { name: 'Height of the transfers list' });
    const before = Number(await handle.getAttribute('aria-valuenow'));
    await handle.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(before + 32);
    await expect.poll(() => settings().transfersDrawerHeight).toBe(before + 32);
    await page.keyboard.press('ArrowDown');
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(before + 16);

    await page.getByTestId('transfers-pin').click();
    await expect.poll(() => settings().transfersDrawer).toBe('open');
    await page.reload();
    await page.getByTestId('transfers-drawer').waitFor();
    // Pinned open: it stays open after a reload although all is done.
    expect(await page.getByTestId('transfers-drawer').getAttribute('data-open')).toBe('true');
    await screenshot(page, 'layout-drawer-pinned-1280x800');
    await page.getByTestId('transfers-pin').click();
    await expect.poll(() => settings().transfersDrawer).toBe('auto');
  });
});
