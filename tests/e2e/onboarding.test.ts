/** Issue 6: the first run with a fixture AWS_CONFIG_FILE, adding an S3-compatible profile, and creating a bucket. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dropFiles, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-first');
  browser = await launchChromium();
  // No settings file: a truly fresh start.
  app = await startApp(browser, s3Info());
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

describe('first run', () => {
  it('lists the ~/.aws profile, tests it, lands on the main screen, and uploads within 3 clicks plus the drop', async () => {
    const { page } = app;
    await page.getByRole('heading', { name: 'Welcome to S3 Drop' }).waitFor();
    await page.getByText('e2e', { exact: true }).waitFor();
    await screenshot(page, 'first-run-welcome');
    let clicks = 0;
    await page.getByRole('button', { name: 'Use this connection: e2e' }).click();
    clicks++;
    await page.getByRole('button', { name: 'Upload', exact: true }).waitFor();
    await page.getByRole('button', { name: bucket }).click();
    clicks++;
    await page.getByText(`They will go to ${bucket}/`).waitFor();
    const bytes = Buffer.from('first upload\n');
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'first.txt', base64: bytes.toString('base64') }]);
    await page.locator('[data-testid="transfer-row"][data-state="done"]').first().waitFor({ timeout: 30_000 });
    expect(clicks).toBeLessThanOrEqual(3);
    expect((await getObjectBytes(rawClient(), bucket, 'first.txt')).equals(bytes)).toBe(true);
    const settings = JSON.parse(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(settings).toMatchObject({ onboarded: true, lastProfileId: 'aws:e2e', lastBucket: bucket });
  });

  it('adds an S3-compatible profile (MinIO preset) that connects and becomes the current one', async () => {
    const { page } = app;
    const s3 = s3Info();
    await page.getByRole('button', { name: 'Add a connection…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add access keys' });
    await dialog.getByLabel('S3-compatible service').check();
    await dialog.getByLabel('Provider').selectOption('minio');
    await dialog.getByLabel('Name for this connection').fill('local-minio');
    await dialog.getByLabel('Access key ID').fill(s3.accessKeyId);
    await dialog.getByLabel('Secret access key').fill(s3.secretAccessKey);
    await dialog.getByLabel('Server address').fill(s3.endpoint);
    await dialog.getByLabel(/^Region/).fill(s3.region);
    await screenshot(page, 'add-profile-dialog');
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const select = page.getByTestId('profile-select');
    await expect.poll(async () => select.locator('option:checked').textContent()).toBe('local-minio');
    // The new profile lists the same server's buckets.
    await page.getByRole('button', { name: bucket }).waitFor();
    // The secret never reaches the settings file.
    expect(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')).not.toContain(s3.secretAccessKey);
  });

  it('names every rule a bad bucket name breaks as it is typed, and offers the corrected name with one click', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Create bucket…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a bucket' });
    const input = dialog.getByLabel('Bucket name');
    await input.fill('My Bucket!');
    const problems = dialog.getByTestId('bucket-name-problems');
    await problems.waitFor();
    expect(await problems.locator('li').allTextContents()).toEqual([
      'it may use only lowercase letters',
      'it may not contain spaces',
      'it may not contain "!" (only lowercase letters, digits, dots and hyphens)',
      'it must start and end with a letter or a digit',
    ]);
    expect(await dialog.getByRole('button', { name: 'Create bucket' }).isDisabled()).toBe(true);
    await screenshot(page, 'create-bucket-error');
    await dialog.getByRole('button', { name: 'Use “my-bucket”' }).click();
    expect(await input.inputValue()).toBe('my-bucket');
    await problems.waitFor({ state: 'detached' });
    expect(await dialog.getByRole('button', { name: 'Create bucket' }).isDisabled()).toBe(false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('creates a bucket with the safe defaults explained, and it exists on the server', async () => {
    const { page } = app;
    const name = `e2e-made-${Date.now().toString(36)}`;
    await page.getByRole('button', { name: 'Create bucket…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a bucket' });
    await dialog.getByText('Safe defaults:', { exact: false }).waitFor();
    await dialog.getByLabel('Bucket name').fill(name);
    await dialog.getByLabel('Region').selectOption('us-east-1');
    await screenshot(page, 'create-bucket-dialog');
    await dialog.getByRole('button', { name: 'Create bucket' }).click();
    // The outcome shows once, in the dialog: one line per safe default, kept or not and why (no stack of toasts).
    const checklist = dialog.getByTestId('bucket-defaults');
    await checklist.waitFor({ timeout: 30_000 });
    const lines = await checklist.locator('li').allTextContents();
    expect(lines).toHaveLength(3);
    // "Ready" only because the app's test write went through.
    expect(await dialog.getByRole('status').textContent()).toBe(`The bucket “${name}” is ready.`);
    // The state in words for a screen reader, then the default, and why when it was not applied.
    expect(lines.every((l) => /^(Applied: \S.*|Not applied: \S.* — \S.*)$/.test(l))).toBe(true);
    // The app's icon set shows the state to the eye; the icon itself is silent.
    expect(await checklist.locator('li > svg.lucide[aria-hidden="true"]').count()).toBe(3);
    expect(await page.locator('.toast').filter({ hasText: 'safe default' }).count()).toBe(0);
    await screenshot(page, 'create-bucket-outcome');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('button', { name, pressed: true }).waitFor();
    await rawClient().send(new HeadBucketCommand({ Bucket: name }));
    // The picker's search narrows the list to matching names.
    await page.getByLabel('Search buckets').fill('e2e-made-');
    const names = await page.locator('.bucket-list button').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith('e2e-made-'))).toBe(true);
    expect(names).toContain(name);
  });
});
