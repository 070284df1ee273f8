/**
 * Browser mode says what is happening to its link with the engine (issue 15): a banner while `serve` is away, a
 * page that reconnects by itself after a restart (the token is kept in the data folder), and a plain message when
 * the token was replaced with `serve --new-token`.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId() } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

describe('the link between the page and serve', () => {
  it('shows "Lost contact" while serve is stopped, reconnects after a restart with the same token, and says so when the token was replaced', async () => {
    const { page } = app;
    const banner = page.getByTestId('connection-banner');
    await page.getByTestId('profile-select').waitFor();
    expect(await banner.count()).toBe(0);
    const firstToken = app.serve.token;
    // The token lives in the data folder, readable only by its owner.
    expect(readFileSync(join(app.dataDir, 'serve-token'), 'utf8').trim()).toBe(firstToken);
    expect(statSync(join(app.dataDir, 'serve-token')).mode & 0o777).toBe(0o600);

    await app.serve.stop();
    await banner.getByText('Lost contact with S3 Drop.').waitFor({ timeout: 15_000 });
    await screenshot(page, 'connection-lost');

    const again = await app.restartServe();
    expect(again.token).toBe(firstToken);
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    // The page works again: its settings snapshot reloaded through the new socket.
    await page.getByTestId('profile-select').waitFor();

    const rotated = await app.restartServe(['--new-token']);
    expect(rotated.token).not.toBe(firstToken);
    await banner.getByText('This page’s address is no longer valid.').waitFor({ timeout: 20_000 });
    await screenshot(page, 'connection-refused');

    // The new address works.
    await page.goto(rotated.url);
    await page.reload();
    await page.getByTestId('profile-select').waitFor();
    expect(await banner.count()).toBe(0);
  });
});
