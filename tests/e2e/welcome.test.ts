/**
 * The welcome screen in browser mode: the add-keys form says where the secret key goes as the engine answers it (the
 * system keychain, or memory until S3 Drop closes when no keychain answers); a connection the app keeps can be edited
 * and removed (with its confirmation) from the keyboard, as on Connections; then, on the main screen, three drops in a
 * row show one toast that adds them up, and an empty CSV asks before it goes. Screenshots at 1280×800, light.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dropFiles, launchChromium, openDataOptions, screenshot, startApp, type AppSession } from '../support/browser';
import { keychainSkipReason, startKeyringSession } from '../support/keyring-session';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { seriousViolations } from '../support/axe';

const info = s3Info();
let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(info), 'e2e-welcome');
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
    // A name of spaces alone is refused in plain words before anything is saved.
    await form.getByLabel('Name for this connection').fill('   ');
    await form.getByLabel('Access key ID').fill(info.accessKeyId);
    await form.getByLabel('Secret access key').fill(info.secretAccessKey);
    await form.getByLabel('Server address').fill('http://127.0.0.1:9');
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await form.getByRole('alert').getByText('Type a name.').waitFor();
    expect(await form.textContent()).not.toContain('does not understand');
    await form.getByLabel('Name for this connection').fill('broken');
    await form.getByLabel('Access key ID').fill(info.accessKeyId);
    await form.getByLabel('Secret access key').fill(info.secretAccessKey);
    await form.getByLabel('Server address').fill('http://127.0.0.1:9');
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await hint.getByText('Kept only until S3 Drop closes: no system keychain answered.', { exact: false }).waitFor({ timeout: 60_000 });
    await form.getByRole('button', { name: 'Cancel' }).click();
    await card(page, 'broken').waitFor();
  }, 120_000);

  it('edits and removes a connection the app keeps, from the keyboard, asking before it removes', async () => {
    const { page } = app;
    // A connection from ~/.aws is changed there: no Edit or Remove for it.
    expect(await card(page, 'e2e').getByRole('button', { name: /^(Edit|Rename|Remove)/ }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'welcome-edit-remove');

    // A name of spaces alone is refused in plain words (it used to reach the engine and come back as a request it does not understand).
    await page.getByRole('button', { name: 'Rename: broken' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename broken' });
    await rename.getByLabel('New name').fill('   ');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await rename.getByRole('alert').getByText('Type a name.').waitFor();
    expect(await rename.textContent()).not.toContain('does not understand');
    await rename.getByRole('button', { name: 'Cancel' }).click();
    await rename.waitFor({ state: 'detached' });
    await card(page, 'broken').waitFor();

    // Tab from "Use this connection" reaches Edit; Enter opens the Connections screen's Edit dialog.
    await page.getByRole('button', { name: 'Use this connection: broken' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('aria-label')).toBe('Edit: broken');
    await page.keyboard.press('Enter');
    const edit = page.getByRole('dialog', { name: 'Edit broken' });
    await edit.getByText('A new key is kept only until S3 Drop closes', { exact: false }).waitFor();
    await edit.getByLabel('Server address').fill(info.endpoint);
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await card(page, 'broken').getByText(info.endpoint, { exact: false }).waitFor();

    // Remove asks first; Cancel keeps it, "Remove connection" removes it.
    await page.getByRole('button', { name: 'Remove: broken' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove broken?' });
    await remove.getByText('S3 Drop forgets this connection and its secret key.', { exact: false }).waitFor();
    await screenshot(page, 'welcome-remove-confirm');
    await remove.getByRole('button', { name: 'Cancel' }).click();
    await remove.waitFor({ state: 'detached' });
    await card(page, 'broken').waitFor();
    await page.getByRole('button', { name: 'Remove: broken' }).click();
    await remove.getByRole('button', { name: 'Remove connection' }).click();
    await remove.waitFor({ state: 'detached' });
    await card(page, 'broken').waitFor({ state: 'detached' });
    await card(page, 'e2e').waitFor();
  }, 60_000);

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

describe('main screen after the welcome', () => {
  it('three drops in a row show one toast that adds them up, and an empty CSV asks before it goes', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Use this connection: e2e' }).click();
    await page.getByRole('button', { name: bucket }).click();
    await page.getByText(`They will go to ${bucket}/`).waitFor();
    for (const name of ['one.txt', 'two.txt', 'three.txt']) {
      await dropFiles(page, '[data-testid="drop-zone"]', [{ name, base64: Buffer.from(`${name}\n`).toString('base64') }]);
      await page.locator('[data-testid="transfer-row"]').filter({ hasText: name }).first().waitFor();
    }
    const queued = page.locator('.toast').filter({ hasText: 'Added to the upload list' });
    await queued.getByText('Added to the upload list: 3').waitFor();
    expect(await queued.count()).toBe(1);
    await screenshot(page, 'main-toast-coalesced');

    await openDataOptions(page);
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'empty.csv', base64: '', type: 'text/csv' }]);
    const question = page.getByRole('dialog', { name: 'Check empty.csv before it goes' });
    await question.getByText('This file is empty: it has no rows.').waitFor();
    await screenshot(page, 'main-csv-question-empty');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="transfer-row"]').filter({ hasText: 'empty.csv' }).count()).toBe(0);
  }, 60_000);
});
