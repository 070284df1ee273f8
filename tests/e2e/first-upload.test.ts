/** Issue 2: drop two files on the window in browser mode and find both objects, byte for byte, in the bucket. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dropFiles, fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-drop');
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

describe('first upload in browser mode', () => {
  it('drops two files through DataTransfer and both land byte for byte', async () => {
    const { page } = app;
    const a = randomBytes(64 * 1024);
    const b = Buffer.from('hello from S3 Drop\n'.repeat(100));
    await page.getByTestId('drop-zone').waitFor();
    await dropFiles(page, '[data-testid="drop-zone"]', [
      { name: 'alpha.bin', base64: a.toString('base64') },
      { name: 'notes.txt', base64: b.toString('base64'), type: 'text/plain' },
    ]);
    await page.locator('[data-testid="transfer-row"][data-state="done"]').nth(1).waitFor({ timeout: 30_000 });
    // Both rows finished and the listing shows the new objects.
    await page.getByRole('cell', { name: 'notes.txt' }).waitFor();
    await screenshot(page, 'issue2-first-upload');
    const client = rawClient();
    expect((await getObjectBytes(client, bucket, 'alpha.bin')).equals(a)).toBe(true);
    expect((await getObjectBytes(client, bucket, 'notes.txt')).equals(b)).toBe(true);
  });
});
