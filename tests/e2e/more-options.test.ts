/**
 * "More options" under the drop target (issue 15): the defaults in words, metadata, tags and storage class on the
 * objects of a drop, files left out by a pattern, and a row S3 would refuse stopping the drop before anything is sent.
 */
import AxeBuilder from '@axe-core/playwright';
import { HeadObjectCommand, GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dropFolder, fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, rawClient, s3Info, objectExists } from '../support/s3-test-client';

let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-more');
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

const row = (key: string) => app.page.locator(`[data-testid="transfer-row"][data-key="${key}"]`);

const exists = (key: string) => objectExists(rawClient(), bucket, key);

describe('More options', () => {
  it('says the defaults in words, and a drop gets the metadata, tags and storage class chosen, leaving out what matches', async () => {
    const { page } = app;
    const section = page.getByTestId('more-options');
    await expect.poll(() => page.getByTestId('more-options-summary').textContent()).toBe("Standard (the bucket's default) · encryption: the bucket's default · no tags · every file goes");
    await section.locator('summary').click();
    await section.getByLabel('Storage class').selectOption('STANDARD');
    await section.getByRole('button', { name: 'Add metadata' }).click();
    await section.getByLabel('Name 1').first().fill('owner');
    await section.getByLabel('Value 1').first().fill('ana');
    await section.getByRole('button', { name: 'Add tag' }).click();
    const tagRow = section.getByTestId('tags-row');
    await tagRow.getByLabel('Name 1').fill('project');
    await tagRow.getByLabel('Value 1').fill('Trip to Lisbon');
    await section.getByLabel('Leave out files matching').fill('*.tmp\nraw/');
    expect(await page.getByTestId('more-options-summary').textContent()).toBe('Standard · encryption: the bucket\'s default · 1 tag · 1 metadata field · 2 patterns leave files out');

    const result = await new AxeBuilder({ page }).include('[data-testid="more-options"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await screenshot(page, 'more-options-open');

    await dropFolder(page, '[data-testid="drop-zone"]', { 'trip/a.jpg': 'A', 'trip/notes.tmp': 'T', 'trip/raw/b.jpg': 'B' });
    await row('trip/a.jpg').and(page.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    const head = await rawClient().send(new HeadObjectCommand({ Bucket: bucket, Key: 'trip/a.jpg' }));
    expect(head.Metadata).toMatchObject({ owner: 'ana' });
    // s3rver ignores a PUT's x-amz-tagging header; RGW and S3 keep it.
    if (s3Info().kind !== 's3rver') {
      const tags = await rawClient().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'trip/a.jpg' }));
      expect(tags.TagSet).toEqual([{ Key: 'project', Value: 'Trip to Lisbon' }]);
    }
    expect(await exists('trip/notes.tmp')).toBe(false);
    expect(await exists('trip/raw/b.jpg')).toBe(false);
  });

  it('a tag S3 would refuse is named beside its row, and a drop then sends nothing', async () => {
    const { page } = app;
    const tagRow = page.getByTestId('more-options').getByTestId('tags-row');
    await tagRow.getByLabel('Name 1').fill('aws:team');
    await tagRow.getByText('Tag names starting with aws: are reserved by AWS.').waitFor();
    await dropFolder(page, '[data-testid="drop-zone"]', { 'refused/c.jpg': 'C' });
    await page.getByText('Fix the highlighted rows in More options first.').waitFor();
    expect(await row('refused/c.jpg').count()).toBe(0);
    expect(await exists('refused/c.jpg')).toBe(false);
  });
});
