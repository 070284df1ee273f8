/**
 * Issue 14's properties panel in Chromium (browser mode): opened from a finished upload's row, it shows the
 * object's facts and its SHA-256, previews text, edits metadata (refusing a bad name in plain words first), copies
 * a share link; axe finds nothing serious in it. The listing's double-click opens the same panel once the listing
 * (Listing.tsx, the fm branch) is merged; until then that test is skipped.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetObjectCommand, HeadObjectCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dropFiles, fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { seriousViolations as axeViolations } from '../support/axe';

let browser: Browser;
let app: AppSession;
let bucket: string;
const body = 'hello from the properties panel\nsecond line\n';
/** Versioning (RGW only): the metadata edit then leaves the first upload as an older version to download and restore. */
const versioning = s3Info().features.versioning;


beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-props');
  if (versioning) await rawClient().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
  await dropFiles(app.page, '[data-testid="drop-zone"]', [{ name: 'file.txt', base64: Buffer.from(body).toString('base64'), type: 'text/plain' }]);
  await app.page.locator('[data-testid="transfer-row"][data-key="file.txt"][data-state="done"]').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

/** Serious and critical axe violations inside dialog[open]. */
const seriousViolations = (page: Page) => axeViolations(page, 'dialog[open]');

/** Opens the panel from the finished upload's row; the transfers drawer closes when all is done, so open it first. */
async function openFromRow(page: Page): Promise<void> {
  if ((await page.getByTestId('transfers-drawer').getAttribute('data-open')) !== 'true') await page.getByTestId('transfers-toggle').click();
  await page.getByRole('button', { name: 'Properties: file.txt' }).click();
}

describe('properties panel', () => {
  it('shows the facts, the SHA-256 and a preview; edits metadata; copies a link; axe clean', async () => {
    const { page } = app;
    await openFromRow(page);
    const dialog = page.getByRole('dialog', { name: 'Properties of file.txt' });
    await dialog.waitFor();
    const sha = createHash('sha256').update(body).digest('hex');
    await dialog.getByText(sha).waitFor();
    await expect.poll(() => dialog.getByLabel('Preview of file.txt').textContent()).toBe(body);
    expect(await dialog.getByText('STANDARD').count()).toBe(1);
    expect(await dialog.getByText(createHash('md5').update(body).digest('hex')).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    // A name with a space is refused as it is typed, in plain words, and Save stays off.
    await dialog.getByRole('button', { name: 'Add entry' }).click();
    await dialog.getByLabel('Name of entry 1').fill('my project');
    await dialog.getByLabel('Value of entry 1').fill('Apollo');
    await dialog.getByText('names may have only letters, digits, "-" and "_"').waitFor();
    expect(await dialog.getByRole('button', { name: 'Save metadata' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Name of entry 1').fill('project');
    await dialog.getByRole('button', { name: 'Save metadata' }).click();
    await page.getByText('Metadata saved.').waitFor();
    const head = await rawClient().send(new HeadObjectCommand({ Bucket: bucket, Key: 'file.txt' }));
    expect(head.Metadata).toMatchObject({ project: 'Apollo', 's3drop-sha256': sha });
    expect(head.ContentType).toMatch(/^text\/plain/);

    // The share link, with its lifetime, fetches the object.
    await dialog.getByLabel('Link valid for').selectOption('hour');
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    const link = await dialog.getByTestId('link-output').inputValue();
    expect(link).toMatch(/X-Amz-Expires=3600/);
    expect(await (await fetch(link)).text()).toBe(body);

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'properties-panel');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it.skipIf(!versioning)('lists versions on a versioned bucket; downloads and restores the older one (RGW)', async () => {
    const { page } = app;
    await openFromRow(page);
    const dialog = page.getByRole('dialog', { name: 'Properties of file.txt' });
    const versions = dialog.getByRole('region', { name: 'Versions' });
    // The upload, and the copy the metadata edit made on top of it.
    await expect.poll(() => versions.getByRole('row').count()).toBe(3);
    await versions.getByText('Current').waitFor();
    const download = page.waitForEvent('download');
    await versions.getByRole('button', { name: /^Download the version of file\.txt/ }).click();
    // Through the server's download route, pinned to that version, under the object's own name.
    const arrived = await download;
    expect(arrived.url()).toContain('/api/download/');
    expect(arrived.suggestedFilename()).toBe('file.txt');
    expect(readFileSync(await arrived.path(), 'utf8')).toBe(body);
    expect(await seriousViolations(page)).toEqual([]);

    await versions.getByRole('button', { name: /^Restore the version of file\.txt/ }).click();
    await page.getByText(/is the current one again/).waitFor();
    await expect.poll(() => versions.getByRole('row').count()).toBe(4);
    // The restored version is the upload, from before the metadata edit.
    const head = await rawClient().send(new HeadObjectCommand({ Bucket: bucket, Key: 'file.txt' }));
    expect(head.Metadata?.['project']).toBeUndefined();
    // The table shows what is stored now, not the rows typed before the restore.
    await expect.poll(() => dialog.getByLabel('Name of entry 1').count()).toBe(0);
    const got = await rawClient().send(new GetObjectCommand({ Bucket: bucket, Key: 'file.txt' }));
    expect(await got.Body!.transformToString()).toBe(body);
    await screenshot(page, 'properties-versions');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('opens from a double-click on the file in the listing', async () => {
    const { page } = app;
    await page.getByRole('row', { name: /file\.txt/ }).dblclick();
    const dialog = page.getByRole('dialog', { name: 'Properties of file.txt' });
    await dialog.waitFor();
    await dialog.getByText(createHash('sha256').update(body).digest('hex')).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});
