/**
 * Small things a person notices (issue 15): the skip link says what it does and does not cover the title, a dialog
 * closed with Escape gives focus back to the button that opened it, the CSV card shows a disclosure marker, and the
 * page loads without a console error (frame-ancestors lives only in the header).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fixtureProfileId, launchChromium, startApp, type AppSession } from '../support/browser';
import { s3Info } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
const consoleProblems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId() } });
  app.page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(m.text());
  });
  await app.page.reload();
  await app.page.getByTestId('profile-select').waitFor();
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

/** The page's globals this file uses (it is compiled without the DOM library). */
type PageGlobals = { document: { activeElement: unknown }; getComputedStyle(el: unknown, pseudo: string): { content: string; transform: string } };
const focused = (el: unknown) => el === (globalThis as unknown as PageGlobals).document.activeElement;

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the shell', () => {
  it('loads without a console error or warning', () => {
    expect(consoleProblems).toEqual([]);
  });

  it('has a skip link that says where it goes and pushes the header down instead of covering the title', async () => {
    const { page } = app;
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to the content' });
    await expect.poll(() => skip.evaluate(focused)).toBe(true);
    const a = (await skip.boundingBox())!;
    const b = (await page.locator('.brand').boundingBox())!;
    expect(overlaps(a, b)).toBe(false);
  });

  it('gives focus back to the button that opened a dialog closed with Escape', async () => {
    const { page } = app;
    const opener = page.getByRole('button', { name: 'Add a connection…' });
    await opener.focus();
    await opener.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => opener.evaluate(focused)).toBe(true);
  });

  it('marks the CSV card as something that opens, and turns the marker when it is open', async () => {
    const { page } = app;
    const summary = page.getByTestId('landing-panel').locator('summary');
    const marker = () =>
      summary.evaluate((el) => {
        const style = (globalThis as unknown as PageGlobals).getComputedStyle(el, '::before');
        return { content: style.content, transform: style.transform };
      });
    const closed = await marker();
    expect(closed.content).not.toBe('none');
    await summary.click();
    await expect.poll(async () => (await marker()).transform).not.toBe(closed.transform);
  });
  it('welcomes a profile named "default" without a badge repeating its name, in the one word "connection"', async () => {
    const first = await startApp(browser, s3Info(), { profileName: 'default' });
    try {
      const card = first.page.locator('.profile-cards li').filter({ hasText: 'default' });
      await card.getByRole('button', { name: 'Use this connection: default' }).waitFor();
      expect(await card.locator('.badge').count()).toBe(0);
    } finally {
      await first.close();
    }
  });
});
