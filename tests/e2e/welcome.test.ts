/**
 * The welcome screen in browser mode: the add-keys form says where the secret key goes as the engine answers it (the
 * system keychain, or memory until S3 Drop closes when no keychain answers). Screenshots at 1280×800, light.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { keychainSkipReason, startKeyringSession } from '../support/keyring-session';
import { s3Info } from '../support/s3-test-client';

const info = s3Info();
let browser: Browser;
let app: AppSession;

beforeAll(async () => {
  browser = await launchChromium();
  // A session bus that is not there: no keychain can answer, whatever the shell running the tests has.
  app = await startApp(browser, info, { env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/s3drop-no-bus' } });
  await app.page.setViewportSize({ width: 1280, height: 800 });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

const card = (page: Page, name: string) => page.locator('.profile-cards > li').filter({ has: page.getByText(name, { exact: true }) });

describe('welcome screen', () => {
  it('with no keychain, the add-keys form says the secret is kept only until S3 Drop closes, before and after a save', async () => {
    const { page } = app;
    await page.getByRole('heading', { name: 'Welcome to S3 Drop' }).waitFor();
    await page.getByRole('button', { name: 'Add access keys' }).click();
    const form = page.getByRole('form', { name: 'Add access keys' });
    const hint = form.locator('#secret-hint');
    await hint.getByText('A new key is kept only until S3 Drop closes: no system keychain answered.').waitFor();
    expect(await hint.textContent()).not.toContain('keychain, never');
    await screenshot(page, 'welcome-add-keys-no-keychain');
    // A save whose connection check fails keeps the form on the saved profile: the hint says where that secret is.
    await form.getByLabel('S3-compatible service').check();
    await form.getByLabel('Name for this connection').fill('broken');
    await form.getByLabel('Access key ID').fill(info.accessKeyId);
    await form.getByLabel('Secret access key').fill(info.secretAccessKey);
    await form.getByLabel('Server address').fill('http://127.0.0.1:9');
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await hint.getByText('Kept only until S3 Drop closes: no system keychain answered.', { exact: false }).waitFor({ timeout: 60_000 });
    await form.getByRole('button', { name: 'Cancel' }).click();
    await card(page, 'broken').waitFor();
  }, 120_000);

  it.skipIf(keychainSkipReason() !== undefined)('with a keychain, the add-keys form says the secret is kept in it', async () => {
    const session = await startKeyringSession();
    expect(session, 'gnome-keyring is installed but its session did not start').toBeDefined();
    const withKeychain = await startApp(browser, info, { env: { DBUS_SESSION_BUS_ADDRESS: session!.address } });
    try {
      const { page } = withKeychain;
      await page.getByRole('button', { name: 'Add access keys' }).click();
      await page.getByRole('form', { name: 'Add access keys' }).locator('#secret-hint').getByText('Kept in your system keychain, never in a file.').waitFor();
    } finally {
      await withKeychain.close();
      session!.stop();
    }
  }, 60_000);
});
