/** First run: a connection saved with a wrong secret key is corrected in the same form, not added a second time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, startApp, type AppSession } from '../support/browser';
import { s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;

// s3rver accepts any secret; only a server that checks signatures can say the secret is wrong.
describe.runIf(s3Info().features.verifiesSignatures)('first run, wrong secret key', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    app = await startApp(browser, s3Info());
  });

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('keeps the form on the saved profile and the next save corrects it, ending connected with one profile of that name', async () => {
    const { page } = app;
    const s3 = s3Info();
    await page.getByRole('heading', { name: 'Welcome to S3 Drop' }).waitFor();
    await page.getByRole('button', { name: 'Add access keys' }).click();
    const form = page.getByRole('form', { name: 'Add access keys' });
    await form.getByLabel('S3-compatible service').check();
    await form.getByLabel('Name for this connection').fill('Ceph local');
    await form.getByLabel('Access key ID').fill(s3.accessKeyId);
    await form.getByLabel('Secret access key').fill('definitelyNotTheSecret/abcdefghijklmnop');
    await form.getByLabel('Server address').fill(s3.endpoint);
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await form.getByText('The secret key is wrong.', { exact: false }).waitFor({ timeout: 30_000 });
    await form.getByLabel('Secret access key').fill(s3.secretAccessKey);
    await form.getByRole('button', { name: 'Save and connect' }).click();
    const select = page.getByTestId('profile-select');
    // Before the fix the second save clashed on the name ("already exists") and never left the welcome screen.
    await select.waitFor({ timeout: 30_000 });
    await expect.poll(async () => select.locator('option:checked').textContent(), { timeout: 30_000 }).toBe('Ceph local');
    expect(await select.locator('option', { hasText: 'Ceph local' }).count()).toBe(1);
  });
});
