/**
 * Issue 15 "No dead ends": the Connections screen (edit, rename, remove with its synced folders, "Use this by
 * default") and "Sign in again" from a transfer waiting for an SSO sign-in, against the loopback OIDC/SSO server,
 * in the real engine (`s3-drop serve`) and Chromium; axe on the screen and its dialogs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileSummary, Settings, SyncPairStatus } from '../../src/shared/contract';
import { corpSsoConfig, startSsoServer, type SsoServer } from '../main/services/profiles/sso-server';
import { launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { openPage, spoolFile, type ServePage } from '../support/serve-page';
import { seriousViolations } from '../support/axe';

const info = s3Info();
const raw = rawClient(info);
let browser: Browser;
let app: AppSession;
let sso: SsoServer;
let ws: ServePage;
let bucket: string;
let folder: string;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'conn');
  sso = await startSsoServer({ accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, sessionToken: 'e2e-sso-session-token' });
  browser = await launchChromium();
  app = await startApp(browser, info, {
    settings: { onboarded: true, lastProfileId: 'aws:e2e', lastBucket: bucket },
    extraConfig: ['', ...corpSsoConfig([`region = ${info.region}`, `endpoint_url = ${info.endpoint}`])].join('\n'),
    env: { AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint, AWS_ENDPOINT_URL_SSO: sso.endpoint },
  });
  ws = await openPage(app.serve, { keepMessages: false });
  // Inside the app's home: browser mode only works with folders there.
  folder = mkdtempSync(join(app.home, 'pair-'));
});

afterAll(async () => {
  ws?.ws.close();
  await app?.close();
  await browser?.close();
  await sso?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});


const card = (page: Page, name: string) => page.locator('[data-testid="connection-card"]').filter({ has: page.getByRole('heading', { name, exact: true }) });

describe('Connections screen', () => {
  it('edits, renames, makes default and removes a connection, saying what happens to its synced folder', async () => {
    const { page } = app;
    // A connection added in the app, and a synced folder that uses it (set up through the engine's own API).
    await ws.call('profiles:add', { name: 'work', accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, endpoint: info.endpoint, region: info.region, preset: 'custom' });
    await ws.call('sync:add', { folder, target: { profileId: 'app:work', bucket, prefix: 'pair' } });

    await page.getByRole('navigation').getByRole('button', { name: 'Connections' }).click();
    await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
    await card(page, 'work').waitFor();
    // A connection from ~/.aws says plainly why it cannot be changed here, and offers no Edit.
    const e2e = card(page, 'e2e');
    await e2e.getByText('This connection is set in your AWS settings file').waitFor();
    expect(await e2e.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
    await expect.poll(() => card(page, 'corp').getByText('AWS SSO').count()).toBe(1);
    expect(await seriousViolations(page, 'main')).toEqual([]);
    await screenshot(page, 'connections-screen');

    // Edit: a new region; the secret field is empty and an empty secret keeps the stored one (Test still connects).
    await page.getByRole('button', { name: 'Edit: work' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit work' });
    expect(await edit.getByLabel('Secret access key').inputValue()).toBe('');
    await edit.getByText('Leave empty to keep the current key.').waitFor();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await edit.getByLabel('Region').fill('eu-central-1');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await card(page, 'work').getByText('eu-central-1').waitFor();
    await page.getByRole('button', { name: 'Test: work' }).click();
    await card(page, 'work').getByRole('status').getByText(/^Connected\. Buckets found: \d+\.$/).waitFor({ timeout: 30_000 });

    // Rename: the synced folder follows the new name.
    await page.getByRole('button', { name: 'Rename: work' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename work' });
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await rename.getByLabel('New name').fill('work-2');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await rename.waitFor({ state: 'detached' });
    await card(page, 'work-2').waitFor();
    const pairs = (await ws.call('sync:list', {})) as SyncPairStatus[];
    expect(pairs.map((p) => p.config.target.profileId)).toEqual(['app:work-2']);

    // Use this by default: the badge moves to it, and the CLI's choice is saved.
    await page.getByRole('button', { name: 'Use this by default: work-2' }).click();
    await card(page, 'work-2').getByText('Default', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Use this by default: work-2' }).count()).toBe(0);
    expect(((await ws.call('settings:get', {})) as Settings).defaultProfileId).toBe('app:work-2');
    const listed = (await ws.call('profiles:list', {})) as ProfileSummary[];
    expect(listed.filter((p) => p.isDefault).map((p) => p.id)).toEqual(['app:work-2']);

    // Remove: the confirmation names the synced folder and says it will be paused; afterwards it is.
    await page.getByRole('button', { name: 'Remove: work-2' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove work-2?' });
    await remove.getByTestId('remove-pairs').getByText(folder).waitFor();
    await remove.getByText('They stop syncing: they are paused').waitFor();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await screenshot(page, 'connections-remove');
    await remove.getByRole('button', { name: 'Remove connection' }).click();
    await remove.waitFor({ state: 'detached' });
    await card(page, 'work-2').waitFor({ state: 'detached' });
    const after = (await ws.call('sync:list', {})) as SyncPairStatus[];
    expect(after.map((p) => p.state)).toEqual(['paused']);
    expect(((await ws.call('settings:get', {})) as Settings).defaultProfileId).toBeUndefined();
  }, 180_000);
});

describe('Sign in again', () => {
  it('a transfer waiting for an expired SSO sign-in shows the banner and a row action that signs in and sends it on', async () => {
    const { page } = app;
    await page.getByRole('navigation').getByRole('button', { name: 'Upload' }).click();
    const bytes = Buffer.from('signed in again\n'.repeat(100));
    const path = await spoolFile(app.serve, 'after-sign-in.txt', bytes);
    const { ids } = (await ws.call('transfers:enqueue', { items: [{ path }], target: { profileId: 'aws:corp', bucket, prefix: 'sso' } })) as { ids: string[] };
    // Through the engine first: a failure says why, where a row that never shows would only time out.
    await ws.waitForState(ids[0]!, 'waiting-auth');
    const row = page.locator('[data-testid="transfer-row"][data-key="sso/after-sign-in.txt"]');
    await row.and(page.locator('[data-state="waiting-auth"]')).waitFor({ timeout: 60_000 });
    const banner = page.getByTestId('sign-in-banner');
    await banner.getByText('Your sign-in to corp has expired.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-again-banner');

    await row.getByRole('button', { name: 'Sign in again: after-sign-in.txt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Signing in with AWS SSO' });
    await dialog.getByText('WXYZ-1234').waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    // The person approves on the sign-in page the link opens (browser mode shows a link, never opens one itself).
    const href = await dialog.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href');
    expect(href).toContain('/verify?user_code=WXYZ-1234');
    await fetch(href!);

    // The sign-in lands in ~/.aws/sso/cache and the engine sends the waiting transfer on: no Resume needed.
    await row.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    await dialog.waitFor({ state: 'detached' });
    await banner.waitFor({ state: 'detached' });
    expect((await getObjectBytes(raw, bucket, 'sso/after-sign-in.txt')).equals(bytes)).toBe(true);
    expect(sso.calls).toContain('/token urn:ietf:params:oauth:grant-type:device_code');
  }, 180_000);
});

describe('Connections in Portuguese, dark, at 900×640', () => {
  it('has no serious axe violation on the screen or the remove dialog, and speaks of "conexão"', async () => {
    const { page } = app;
    await ws.call('profiles:add', { name: 'casa', accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, endpoint: info.endpoint, preset: 'custom' });
    const settings = (await ws.call('settings:get', {})) as Settings;
    await ws.call('settings:update', { ...settings, language: 'pt-BR', theme: 'dark' });
    await page.setViewportSize({ width: 900, height: 640 });
    try {
      await page.getByRole('navigation').getByRole('button', { name: 'Conexões' }).click();
      await page.getByRole('heading', { name: 'Conexões', level: 1 }).waitFor();
      await card(page, 'casa').waitFor();
      await card(page, 'e2e').getByText('Esta conexão está no seu arquivo de configurações da AWS').waitFor();
      expect(await seriousViolations(page, 'main')).toEqual([]);
      await screenshot(page, 'connections-screen-pt-BR-dark-900');
      await page.getByRole('button', { name: 'Remover: casa' }).click();
      const remove = page.getByRole('dialog', { name: 'Remover casa?' });
      await remove.getByText('Nenhuma pasta sincronizada usa esta conexão.').waitFor();
      expect(await seriousViolations(page, 'dialog')).toEqual([]);
      await remove.getByRole('button', { name: 'Cancelar' }).click();
      await remove.waitFor({ state: 'detached' });
      // Escape or Cancel gives the focus back to the button that opened the dialog.
      expect(await page.locator(':focus').getAttribute('aria-label')).toBe('Remover: casa');
    } finally {
      await page.setViewportSize({ width: 1200, height: 820 });
      const now = (await ws.call('settings:get', {})) as Settings;
      await ws.call('settings:update', { ...now, language: 'en', theme: 'light' });
    }
  }, 120_000);
});
