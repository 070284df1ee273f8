/**
 * A download in the Transfers list reads as one: the CLI's downloads on the same data folder (and the desktop app's)
 * are rows of the same queue, and they used to say "to bucket/key" with an "Upload progress of" bar, as an upload.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, runCli } from '../support/serve';

const info = s3Info();
let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  const client = rawClient(info);
  bucket = await freshBucket(client, 'e2e-dlrows');
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'reports/fetched.txt', Body: 'fetched\n' }));
  browser = await launchChromium();
  app = await startApp(browser, info, { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

it('a download the CLI ran on the same data folder says where it came from, and its bar is a download’s', async () => {
  const into = join(app.home, 'downloads');
  mkdirSync(into);
  const cli = await runCli(['download', `s3://${bucket}/reports/fetched.txt`, into], cliTestEnv(info, { home: app.home, dataDir: app.dataDir }));
  expect(cli.code, cli.stderr).toBe(0);
  // The queue is read from the data folder when serve starts.
  const again = await app.restartServe();
  const { page } = app;
  await page.goto(again.url);
  await page.getByRole('button', { name: /^Transfers/ }).first().click();
  const row = page.locator('[data-testid="transfer-row"]').filter({ hasText: 'fetched.txt' });
  await row.getByText(`from ${bucket}/reports/fetched.txt`).waitFor({ timeout: 30_000 });
  expect(await row.textContent()).not.toContain(`to ${bucket}/`);
  await row.getByRole('progressbar', { name: 'Download progress of fetched.txt' }).waitFor();
  // The list's own words cover both directions: a list of downloads is no "upload progress".
  await page.getByRole('progressbar', { name: 'Overall progress of the transfers' }).waitFor();
  expect(await page.getByText(/Overall upload progress|uploading/i).count()).toBe(0);
  await screenshot(page, 'transfers-download-row');
}, 90_000);
