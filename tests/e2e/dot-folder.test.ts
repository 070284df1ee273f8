/**
 * A folder named ".." in browser mode, made by another tool's object "../inside.txt": inside it the drop zone says,
 * before any drop, that files cannot go there and why (not "They will go to"), "Add files…" and "Add folder…" are
 * off, and a drop there (or on its row) queues nothing, while its object can still be downloaded or deleted; once
 * it is deleted the empty folder's text invites no drop either. Axe on that screen; screenshots at 900×640 and
 * 1280×800 in both languages and themes.
 */
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dropFiles, fixtureProfileId, launchChromium, screenshot, setLanguageAndTheme, startApp, type AppSession } from '../support/browser';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { seriousViolations } from '../support/axe';

let browser: Browser;
let app: AppSession;
let bucket: string;

/** The names of the commands the page sent, in order: a refused drop must send no 'transfers:enqueue'. */
const sent: string[] = [];

/**
 * Watches the page's socket (for `sent`). s3rver keeps objects as files, so it resolves the segment away
 * ("a/../b.txt" is stored as "b.txt") and cannot hold a ".." folder; RGW and S3 keep the key as it is. On s3rver
 * (`swap`) the object is kept as "dotdot/inside.txt" and every message swaps "dotdot" for "..", both ways, so the
 * app sees (and lists, deletes) the bucket S3 would show.
 */
async function watchSocket(page: Page, swap: boolean): Promise<void> {
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (typeof m !== 'string') return server.send(m);
      const msg = JSON.parse(m) as { type: string; name: string };
      if (msg.type === 'invoke') sent.push(msg.name);
      server.send(swap ? m.replaceAll('"../', '"dotdot/') : m);
    });
    server.onMessage((m) => ws.send(swap && typeof m === 'string' ? m.replaceAll('"dotdot/', '"../').replaceAll('"name":"dotdot"', '"name":".."') : m));
  });
  await page.reload();
}

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-dots');
  const put = (key: string) => rawClient().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'made by another tool\n' }));
  await put('../inside.txt');
  const kept = (await listKeys()).includes('../inside.txt');
  if (!kept) await put('dotdot/inside.txt');
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
  await watchSocket(app.page, !kept);
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

async function listKeys(): Promise<string[]> {
  const out = await rawClient().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

const zone = '[data-testid="drop-zone"]';
const file = (name: string) => ({ name, base64: Buffer.from(`${name}\n`).toString('base64') });
const tab = (page: Page, i: number) => page.locator('.tabs button').nth(i);
const transferRows = () => app.page.locator('[data-testid="transfer-row"]');

/** Opens the ".." folder from the top of the bucket, as a person would, and waits for its object. */
async function openDots(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: /^(Current folder|Pasta atual)$/ }).getByRole('button', { name: bucket, exact: true }).click();
  await page.getByRole('button', { name: '../', exact: true }).click();
  await page.getByRole('cell', { name: 'inside.txt' }).waitFor();
}

describe('a folder named ".."', () => {
  it('says files cannot go into it, and a drop there or on its row queues nothing', async () => {
    const { page } = app;
    // From the top: a drop aimed at the ".." row must not go into it.
    await page.getByRole('button', { name: '../', exact: true }).waitFor();
    await dropFiles(page, 'tr.listing-row[data-key="../"]', [file('on-the-row.txt')]);

    await openDots(page);
    const box = page.getByTestId('drop-zone');
    await box.getByText('Files cannot be added to this folder').waitFor();
    expect(await page.getByTestId('drop-destination').textContent()).toBe(
      `The path ${bucket}/../ has a folder named “.” or “..”. Many tools read these names as “this folder” and “the folder above”, so files put here could end up outside the chosen folder.`,
    );
    expect(await box.getByText('They will go to').count()).toBe(0);
    expect(await box.getAttribute('aria-label')).toBe(`Drop zone: files cannot be added to ${bucket}/../, because a folder in its path is named “.” or “..”`);
    expect(await box.getByRole('button', { name: 'Add files…' }).isDisabled()).toBe(true);
    expect(await box.getByRole('button', { name: 'Add folder…' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await dropFiles(page, zone, [file('into-dots.txt')]);

    // Its object is still there to handle: selecting it offers Download and Delete.
    await page.locator('tr.listing-row[data-key="../inside.txt"]').click();
    const toolbar = page.getByRole('toolbar', { name: 'Actions for the selection' });
    expect(await toolbar.getByRole('button', { name: 'Download' }).isDisabled()).toBe(false);
    expect(await toolbar.getByRole('button', { name: 'Delete…' }).isDisabled()).toBe(false);
    // Moving it out rescues it; a new name (rename, new folder) would be under ".." again, so those are not offered.
    expect(await toolbar.getByRole('button', { name: 'Move to…' }).isDisabled()).toBe(false);
    expect(await toolbar.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true);
    expect(await toolbar.getByRole('button', { name: 'New folder…' }).isDisabled()).toBe(true);

    // A drop at the top still uploads; it was dropped last, so once it is done the two refused drops (whose
    // handling starts first) would have shown their rows too, and it is the only one.
    await page.getByRole('navigation', { name: 'Current folder' }).getByRole('button', { name: bucket, exact: true }).click();
    await page.getByText(`They will go to ${bucket}/`).waitFor();
    await dropFiles(page, zone, [file('control.txt')]);
    await page.locator('[data-testid="transfer-row"][data-key="control.txt"][data-state="done"]').waitFor({ timeout: 30_000 });
    // Nothing was sent for the refused drops, so the engine had nothing to refuse either.
    expect(sent.filter((n) => n === 'transfers:enqueue')).toHaveLength(1);
    expect(await page.getByText('cannot be used in the bucket').count()).toBe(0);
    expect(await transferRows().evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { key: string } }).dataset.key))).toEqual(['control.txt']);
    expect((await listKeys()).filter((k) => !k.endsWith('inside.txt'))).toEqual(['control.txt']);
  });

  it('shows the refusal in both languages and themes at 900×640 and 1280×800, axe clean', { timeout: 300_000 }, async () => {
    const { page } = app;
    const problems: string[] = [];
    await page.emulateMedia({ reducedMotion: 'reduce' });
    // The first test's "Added to the upload list" would cover the listing in every picture.
    for (const dismiss of await page.getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click();
    for (const size of [{ width: 900, height: 640 }, { width: 1280, height: 800 }]) {
      await page.setViewportSize(size);
      for (const lang of ['en', 'pt-BR'] as const) {
        for (const theme of ['light', 'dark'] as const) {
          await setLanguageAndTheme(page, lang, theme);
          await tab(page, 0).click();
          await openDots(page);
          const title = lang === 'en' ? 'Files cannot be added to this folder' : 'Não dá para adicionar arquivos a esta pasta';
          await page.getByTestId('drop-zone').getByText(title).waitFor();
          await screenshot(page, `dot-folder-${size.width}x${size.height}-${lang}-${theme}`);
          for (const v of await seriousViolations(page)) problems.push(`${size.width}x${size.height}/${lang}/${theme}: ${v}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('deletes the object inside it, and the empty folder still invites no drop', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    await setLanguageAndTheme(page, 'en', 'light');
    await tab(page, 0).click();
    await openDots(page);
    await page.locator('tr.listing-row[data-key="../inside.txt"]').click();
    await page.getByRole('toolbar', { name: 'Actions for the selection' }).getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog', { name: /^Delete 1 object/ }).getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('This folder is empty.', { exact: true }).waitFor();
    expect(await page.getByText('Drop files anywhere').count()).toBe(0);
    await page.getByTestId('drop-zone').getByText('Files cannot be added to this folder').waitFor();
    expect((await listKeys()).filter((k) => k.endsWith('inside.txt'))).toEqual([]);
  });
});
