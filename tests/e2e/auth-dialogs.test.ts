/**
 * Issue 6 MFA dialog: a role profile with mfa_serial makes the real engine ask for a code
 * ('profiles:mfaRequest'); the dialog answers it ('profiles:mfaAnswer'), and a cancel or a failed
 * sign-in ends in one plain sentence. STS points at a closed loopback port, so nothing leaves the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), {
    extraConfig: '\n[profile with-mfa]\nrole_arn = arn:aws:iam::123456789012:role/Uploader\nsource_profile = e2e\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\n',
    env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' },
  });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

describe('MFA dialog', () => {
  it('asks for the code, and cancelling it explains what is needed in a plain sentence', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Use this connection: with-mfa' }).click();
    const dialog = page.getByRole('dialog', { name: 'Authenticator code' });
    await dialog.getByText('Enter the 6-digit code from your authenticator app to use with-mfa.').waitFor({ timeout: 30_000 });
    await screenshot(page, 'mfa-dialog');
    // Cancel is the person choosing not to sign in: the engine stops at once (no second question, even though
    // this profile's name contains "mfa") and the page says what is needed.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.locator('p').first().textContent()).toBe('Enter the code from your authenticator app to use "with-mfa".');
    expect(await page.getByText('That code was not accepted. Wait for a new code and try again.').count()).toBe(0);
  });

  it('sends a typed code to the engine, which goes on to sign in (and reports the unreachable service plainly)', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Use this connection: with-mfa' }).click();
    const dialog = page.getByRole('dialog', { name: 'Authenticator code' });
    await dialog.waitFor({ timeout: 30_000 });
    // Letters are dropped as they are typed: only digits reach the engine.
    await dialog.getByLabel('6-digit code').pressSequentially('12a3456');
    expect(await dialog.getByLabel('6-digit code').inputValue()).toBe('123456');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.waitFor({ state: 'detached' });
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    const text = (await alert.locator('p').first().textContent()) ?? '';
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/ECONNREFUSED|Error:|at \w+ \(/);
    // Still on the welcome screen: a failed test never lands.
    await page.getByRole('heading', { name: 'Welcome to S3 Drop' }).waitFor();
  });
});
