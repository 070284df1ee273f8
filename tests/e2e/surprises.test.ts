/**
 * Issue 15, "No silent surprises", in browser mode: a same-name drop asks (Replace / Skip if identical / Keep both,
 * with "Do the same for the rest of this drop"), and the data options leave a photo alone while the drop zone says
 * where data files go.
 */
import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dropFiles, fixtureProfileId, launchChromium, openDataOptions, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-ask');
  browser = await launchChromium();
  // No existingAction: the app's default, 'ask', is what a new person gets.
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

async function listKeys(prefix = ''): Promise<string[]> {
  const out = await rawClient().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

const file = (name: string, bytes: Buffer) => ({ name, base64: bytes.toString('base64') });

describe('no silent surprises', () => {
  it('a same-name drop asks; "Replace" for one, then "Keep both" with "Do the same" for a drop of three', async () => {
    const { page } = app;
    const zone = '[data-testid="drop-zone"]';
    await page.getByTestId('drop-zone').waitFor();
    const first = ['a.bin', 'b.bin', 'c.bin'].map((n) => file(n, randomBytes(2048)));
    await dropFiles(page, zone, first);
    await expect.poll(() => page.locator('[data-testid="transfer-row"][data-state="done"]').count(), { timeout: 30_000 }).toBe(3);

    // One file again: the question, and nothing replaced while it is open.
    const again = randomBytes(2048);
    await dropFiles(page, zone, [file('a.bin', again)]);
    const dialog = page.getByRole('dialog', { name: 'This name is already taken' });
    await dialog.waitFor();
    await dialog.getByText(`“a.bin” is already in ${bucket}/.`).waitFor();
    // A single file: no "Do the same" offer. Nothing runs or waits its turn, so there is nothing to pause.
    expect(await dialog.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Pause all' }).isDisabled()).toBe(true);
    await page.locator('[data-testid="transfer-row"][data-state="waiting-answer"]').getByText('Waiting for your answer').waitFor();
    await screenshot(page, 'issue15-ask-one');
    expect((await getObjectBytes(rawClient(), bucket, 'a.bin')).equals(Buffer.from(first[0]!.base64, 'base64'))).toBe(true);
    await dialog.getByRole('button', { name: /^Replace/ }).click();
    await expect.poll(async () => (await getObjectBytes(rawClient(), bucket, 'a.bin')).equals(again), { timeout: 30_000 }).toBe(true);
    await dialog.waitFor({ state: 'detached' });

    // The three again: one question, "Do the same for the 2 other files", Keep both, and every original stays.
    await dropFiles(page, zone, ['a.bin', 'b.bin', 'c.bin'].map((n) => file(n, randomBytes(1024))));
    await dialog.waitFor();
    const all = dialog.getByRole('checkbox', { name: 'Do the same for the 2 other files from this drop' });
    await all.check();
    await screenshot(page, 'issue15-ask-apply-to-all');
    await dialog.getByRole('button', { name: /^Keep both/ }).click();
    await expect.poll(() => listKeys(), { timeout: 30_000 }).toEqual(['a (1).bin', 'a.bin', 'b (1).bin', 'b.bin', 'c (1).bin', 'c.bin']);
    // Answered for all: no second question came.
    await dialog.waitFor({ state: 'detached' });
    expect((await getObjectBytes(rawClient(), bucket, 'b.bin')).equals(Buffer.from(first[1]!.base64, 'base64'))).toBe(true);
  });

  it('with a name pattern on, a photo lands at the plain folder and a CSV under the pattern, as the drop zone says', async () => {
    const { page } = app;
    await openDataOptions(page);
    await page.getByLabel('Name pattern').fill('sales/dt={yyyy}-{mm}-{dd}/{name}');
    const today = new Date().toISOString().slice(0, 10);
    await page.getByTestId('drop-destination').getByText(`Other files go to ${bucket}/; data files (CSV, TSV, TXT tables) go to ${bucket}/sales/dt=${today}/`).waitFor();
    await screenshot(page, 'issue15-data-destination');

    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(512)]);
    await dropFiles(page, '[data-testid="drop-zone"]', [
      { name: 'holiday photo.png', base64: png.toString('base64'), type: 'image/png' },
      { name: 'prices.csv', base64: Buffer.from('sku,price\n1,2\n').toString('base64'), type: 'text/csv' },
    ]);
    await expect.poll(() => listKeys(), { timeout: 30_000 }).toContain(`sales/dt=${today}/prices.csv`);
    await expect.poll(() => listKeys(), { timeout: 30_000 }).toContain('holiday photo.png');
    expect((await getObjectBytes(rawClient(), bucket, 'holiday photo.png')).equals(png)).toBe(true);
    expect((await listKeys()).filter((k) => k.includes('holiday'))).toEqual(['holiday photo.png']);

    // Data mode: the sentence says every file follows the pattern.
    await page.getByTestId('data-mode').check();
    await page.getByTestId('drop-destination').getByText(`Data mode: every file goes to ${bucket}/sales/dt=${today}/, with the data options`).waitFor();
    await page.getByTestId('data-mode').uncheck();
    await page.getByLabel('Name pattern').fill('');
    await page.getByTestId('drop-destination').getByText(`They will go to ${bucket}/`).waitFor();
  });

  it('a Windows-1252 CSV asks before it goes: nothing is queued until "Upload as is", "Convert and upload" or Cancel', async () => {
    const { page } = app;
    const zone = '[data-testid="drop-zone"]';
    if (!(await page.getByLabel('Name pattern').isVisible())) await openDataOptions(page);
    const latin1 = Buffer.from('nome;preço\nJoão;1,50\nAçaí;10,00\n', 'latin1');
    const dialog = page.getByRole('dialog', { name: 'Check vendas.csv before it goes' });

    await dropFiles(page, zone, [{ name: 'vendas.csv', base64: latin1.toString('base64'), type: 'text/csv' }]);
    await dialog.waitFor();
    await dialog.getByText('This file is not in UTF-8').waitFor();
    await screenshot(page, 'issue15-csv-question');
    // The question is open: the file is neither in the list nor in the bucket.
    expect(await page.locator('[data-testid="transfer-row"][data-key="vendas.csv"]').count()).toBe(0);
    expect(await listKeys('vendas')).toEqual([]);
    await dialog.getByRole('button', { name: 'Upload as is' }).click();
    await expect.poll(() => listKeys('vendas'), { timeout: 30_000 }).toEqual(['vendas.csv']);
    expect((await getObjectBytes(rawClient(), bucket, 'vendas.csv')).equals(latin1)).toBe(true);

    await dropFiles(page, zone, [{ name: 'vendas.csv', base64: latin1.toString('base64'), type: 'text/csv' }]);
    await dialog.getByRole('button', { name: 'Convert and upload' }).click();
    // The name is taken now: the same-name question follows, and Replace puts the converted file in its place.
    await page.getByRole('dialog', { name: 'This name is already taken' }).getByRole('button', { name: /^Replace/ }).click();
    await expect.poll(async () => (await getObjectBytes(rawClient(), bucket, 'vendas.csv')).toString('utf8'), { timeout: 30_000 }).toBe(latin1.toString('latin1'));

    // Cancel sends nothing: a later drop finishes, and the cancelled file never appears.
    const cancelled = page.getByRole('dialog', { name: 'Check cancelado.csv before it goes' });
    await dropFiles(page, zone, [{ name: 'cancelado.csv', base64: latin1.toString('base64'), type: 'text/csv' }]);
    await cancelled.getByRole('button', { name: 'Cancel' }).click();
    await dropFiles(page, zone, [{ name: 'after.bin', base64: randomBytes(100).toString('base64') }]);
    await page.locator('[data-testid="transfer-row"][data-key="after.bin"][data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await listKeys('cancelado')).toEqual([]);
    expect(await page.locator('[data-testid="transfer-row"][data-key="cancelado.csv"]').count()).toBe(0);
  });
});
