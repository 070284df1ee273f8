/**
 * Issue 13 in the real UI (browser mode): with the storage service away, dropped files show "Waiting for
 * connection" with a hint, Pause, Cancel and "Try now" instead of failing; a paused one stays paused; when the
 * service is back the other finishes by itself, and the paused one after Resume.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dropFiles, fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let proxy: ChaosProxy;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-outage');
  proxy = await startChaosProxy({ upstream: s3Info().endpoint });
  browser = await launchChromium();
  // The app's profile reaches the server through the proxy, which the test can take away.
  app = await startApp(browser, { ...s3Info(), endpoint: proxy.url }, { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await proxy?.restore();
  await proxy?.stop();
});

describe('an outage in browser mode', () => {
  it('rows wait for the connection, can be paused, and finish when the service is back', async () => {
    const { page } = app;
    const a = randomBytes(200 * 1024);
    const b = randomBytes(150 * 1024);
    await page.getByTestId('drop-zone').waitFor();
    await proxy.outage('refuse');
    await dropFiles(page, '[data-testid="drop-zone"]', [
      { name: 'away-a.bin', base64: a.toString('base64') },
      { name: 'away-b.bin', base64: b.toString('base64') },
    ]);
    const rowA = page.locator('[data-testid="transfer-row"][data-key="away-a.bin"]');
    const rowB = page.locator('[data-testid="transfer-row"][data-key="away-b.bin"]');
    await page.locator('[data-testid="transfer-row"][data-key="away-a.bin"][data-state="waiting-network"]').waitFor({ timeout: 45_000 });
    await page.locator('[data-testid="transfer-row"][data-key="away-b.bin"][data-state="waiting-network"]').waitFor({ timeout: 45_000 });
    await expect.poll(() => rowA.locator('.transfer-state').textContent()).toBe('Waiting for connection');
    expect(await rowA.textContent()).toContain('The storage service does not answer. The app keeps trying by itself.');
    for (const name of ['Try now', 'Pause', 'Cancel']) expect(await rowA.getByRole('button', { name: `${name}: away-a.bin` }).isVisible()).toBe(true);
    await screenshot(page, 'issue13-waiting-for-connection');

    await rowB.getByRole('button', { name: 'Pause: away-b.bin' }).click();
    await page.locator('[data-testid="transfer-row"][data-key="away-b.bin"][data-state="paused"]').waitFor();

    await proxy.restore();
    // Nobody presses anything: the waiting row goes on by itself.
    await page.locator('[data-testid="transfer-row"][data-key="away-a.bin"][data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await rowB.getAttribute('data-state')).toBe('paused');
    await rowB.getByRole('button', { name: 'Resume: away-b.bin' }).click();
    await page.locator('[data-testid="transfer-row"][data-key="away-b.bin"][data-state="done"]').waitFor({ timeout: 30_000 });
    const client = rawClient();
    expect((await getObjectBytes(client, bucket, 'away-a.bin')).equals(a)).toBe(true);
    expect((await getObjectBytes(client, bucket, 'away-b.bin')).equals(b)).toBe(true);
  });
});
