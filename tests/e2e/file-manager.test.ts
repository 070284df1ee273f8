/**
 * Issue 14's file manager in Chromium (browser mode): select three files by click, shift-click and ctrl-click and
 * download them as one ZIP the server streams, one file as itself and a folder as a ZIP (the browser's own downloads),
 * and a file that fails its check ends as a failed download; delete with the confirmation (typing the count); Undo on a
 * versioned bucket (RGW only); rename inline with a name clash; new folder; a drop onto a folder row; properties on a double click; the
 * keyboard alone for select, rename and delete; and axe on every new dialog and the context menu.
 */
import { readFileSync } from 'node:fs';
import { DeleteObjectCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dropFiles, fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { readZip } from '../support/zip-reader';
import { seriousViolations } from '../support/axe';

const info = s3Info();
let browser: Browser;
let app: AppSession;
let bucket: string;

const bodies: Record<string, Buffer> = {
  'a.txt': Buffer.from('alpha\n'),
  'b.txt': Buffer.from('bravo bravo\n'),
  'c.bin': Buffer.from([0, 1, 2, 3, 250, 251, 252]),
  'd.txt': Buffer.from('delta\n'.repeat(50)),
  'e.txt': Buffer.from('echo\n'),
  'old/x.txt': Buffer.from('x\n'),
  'old/deep/y.txt': Buffer.from('yy\n'),
};

async function put(b: string, key: string, body: Buffer | string): Promise<void> {
  await rawClient().send(new PutObjectCommand({ Bucket: b, Key: key, Body: body }));
}

async function exists(b: string, key: string): Promise<boolean> {
  try {
    await rawClient().send(new HeadObjectCommand({ Bucket: b, Key: key }));
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-fm');
  for (const [key, body] of Object.entries(bodies)) await put(bucket, key, body);
  browser = await launchChromium();
  app = await startApp(browser, info, { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});


const row = (key: string) => app.page.locator(`tr.listing-row[data-key="${key}"]`);
const toolbar = () => app.page.getByRole('toolbar', { name: 'Actions for the selection' });
const selectedKeys = () => app.page.locator('tr.listing-row[aria-selected="true"]').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { key: string } }).dataset.key));
const activeKey = () =>
  app.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { dataset?: { key?: string } } | null } }).document.activeElement?.dataset?.key ?? null);

/** Runs `click`, expects exactly one browser download named `name`, and reads it as a ZIP. */
async function downloadZip(click: () => Promise<void>, name: string): Promise<Map<string, Buffer>> {
  const [download] = await Promise.all([app.page.waitForEvent('download'), click()]);
  expect(download.suggestedFilename()).toBe(name);
  expect(await download.failure()).toBeNull();
  return readZip(readFileSync(await download.path()));
}

async function reload(): Promise<void> {
  await app.page.getByRole('button', { name: 'Refresh', exact: true }).click();
}

describe('file manager listing', () => {
  it('selects three files with click, shift-click and ctrl-click and downloads them as one ZIP the server streams', async () => {
    const { page } = app;
    await row('d.txt').waitFor({ timeout: 30_000 });
    // Folders first: old/ is above the files, and the files are in name order.
    expect(await page.locator('tr.listing-row').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { key: string } }).dataset.key))).toEqual([
      'old/',
      'a.txt',
      'b.txt',
      'c.bin',
      'd.txt',
      'e.txt',
    ]);
    await row('a.txt').click();
    await row('c.bin').click({ modifiers: ['Shift'] });
    expect(await selectedKeys()).toEqual(['a.txt', 'b.txt', 'c.bin']);
    await row('b.txt').click({ modifiers: ['Control'] });
    await row('d.txt').click({ modifiers: ['Control'] });
    expect(await selectedKeys()).toEqual(['a.txt', 'c.bin', 'd.txt']);
    await page.getByText('3 selected').waitFor();

    // One click, one browser download: a ZIP named after the bucket (the files sit at its top).
    const entries = await downloadZip(() => toolbar().getByRole('button', { name: 'Download' }).click(), `${bucket}.zip`);
    expect([...entries.keys()].sort()).toEqual(['a.txt', 'c.bin', 'd.txt']);
    for (const [name, bytes] of entries) expect(bytes.equals(bodies[name]!), name).toBe(true);
  }, 180_000);

  it('downloads one file as itself, and a folder as one ZIP that keeps its structure under the folder’s name', async () => {
    const { page } = app;
    await row('e.txt').click();
    const [one] = await Promise.all([page.waitForEvent('download'), toolbar().getByRole('button', { name: 'Download' }).click()]);
    expect(one.suggestedFilename()).toBe('e.txt');
    expect(await one.failure()).toBeNull();
    expect(readFileSync(await one.path()).equals(bodies['e.txt']!)).toBe(true);

    await row('old/').click();
    const entries = await downloadZip(() => toolbar().getByRole('button', { name: 'Download' }).click(), 'old.zip');
    expect([...entries.keys()].sort()).toEqual(['old/deep/y.txt', 'old/x.txt']);
    for (const [name, bytes] of entries) expect(bytes.equals(bodies[name]!), name).toBe(true);
  }, 180_000);

  it('a file whose bytes do not match its stored SHA-256 ends as a failed download in the browser, never a complete one', async () => {
    const { page } = app;
    await rawClient().send(new PutObjectCommand({ Bucket: bucket, Key: 'bad.bin', Body: Buffer.alloc(100_000, 7), Metadata: { 's3drop-sha256': '0'.repeat(64) } }));
    try {
      await reload();
      await row('bad.bin').click();
      const [download] = await Promise.all([page.waitForEvent('download'), toolbar().getByRole('button', { name: 'Download' }).click()]);
      expect(await download.failure()).not.toBeNull();
    } finally {
      await rawClient().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'bad.bin' }));
      await reload();
      await row('bad.bin').waitFor({ state: 'detached' });
    }
  }, 180_000);

  it('sorts by a column header (aria-sort) and filters by name', async () => {
    const { page } = app;
    const size = page.getByRole('columnheader', { name: 'Size' });
    await size.getByRole('button').click();
    expect(await size.getAttribute('aria-sort')).toBe('ascending');
    await size.getByRole('button').click();
    expect(await size.getAttribute('aria-sort')).toBe('descending');
    expect(await page.locator('tr.listing-row').first().getAttribute('data-key')).toBe('old/');
    expect(await page.locator('tr.listing-row').nth(1).getAttribute('data-key')).toBe('d.txt');
    await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
    await page.getByLabel('Filter by name').fill('.TXT');
    await row('c.bin').waitFor({ state: 'detached' });
    expect(await page.locator('tr.listing-row').count()).toBe(4);
    await page.getByLabel('Filter by name').fill('');
    await row('c.bin').waitFor();
    // The listing, its toolbar and a selection, in both themes.
    await row('a.txt').click();
    for (const scheme of ['light', 'dark'] as const) {
      // Reduced motion, as the screens test: the themes' colours are then drawn at once, not mid-transition.
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      expect(await seriousViolations(page, '#main')).toEqual([]);
      await screenshot(page, `issue14-listing-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  }, 120_000);

  it('shows a file’s properties on a double click', async () => {
    const { page } = app;
    await row('b.txt').dblclick();
    const dialog = page.getByRole('dialog', { name: 'Properties of b.txt' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('creates a new folder that then shows in the listing, the dialog axe clean', async () => {
    const { page } = app;
    await toolbar().getByRole('button', { name: 'New folder…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.waitFor();
    await dialog.getByLabel('Folder name').fill('a/b');
    await dialog.getByText('A name cannot contain “/”.').waitFor();
    expect(await dialog.getByRole('button', { name: 'Create folder' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await dialog.getByLabel('Folder name').fill('Empty folder');
    await dialog.getByRole('button', { name: 'Create folder' }).click();
    await row('Empty folder/').waitFor();
    expect(await exists(bucket, 'Empty folder/')).toBe(true);
    expect(await selectedKeys()).toEqual(['Empty folder/']);
  });

  it('uploads files dropped onto a folder row into that folder', async () => {
    const { page } = app;
    await dropFiles(page, 'tr.listing-row[data-key="Empty folder/"]', [{ name: 'dropped.txt', base64: Buffer.from('into the folder\n').toString('base64') }]);
    await page.locator('[data-testid="transfer-row"][data-key="Empty folder/dropped.txt"][data-state="done"]').waitFor({ timeout: 30_000 });
    expect((await getObjectBytes(rawClient(), bucket, 'Empty folder/dropped.txt')).toString()).toBe('into the folder\n');
    // The drop went to the row only: nothing landed in the folder on screen.
    expect(await exists(bucket, 'dropped.txt')).toBe(false);
  });

  it('renames inline, and asks before replacing a name that is taken', async () => {
    const { page } = app;
    await row('e.txt').click();
    await page.keyboard.press('F2');
    const box = page.getByLabel('New name for e.txt');
    await box.fill('echo.txt');
    await box.press('Enter');
    await row('echo.txt').waitFor();
    expect(await exists(bucket, 'echo.txt')).toBe(true);
    expect(await exists(bucket, 'e.txt')).toBe(false);
    expect((await getObjectBytes(rawClient(), bucket, 'echo.txt')).equals(bodies['e.txt']!)).toBe(true);

    // Escape keeps the old name.
    await row('echo.txt').click();
    await toolbar().getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name for echo.txt').fill('never.txt');
    await page.getByLabel('New name for echo.txt').press('Escape');
    await page.getByLabel('New name for echo.txt').waitFor({ state: 'detached' });
    expect(await exists(bucket, 'never.txt')).toBe(false);

    // A taken name asks first; Cancel leaves both, Replace moves.
    await put(bucket, 'taken.txt', 'old contents\n');
    await reload();
    await row('taken.txt').waitFor();
    await row('echo.txt').click();
    await page.keyboard.press('F2');
    await page.getByLabel('New name for echo.txt').fill('taken.txt');
    await page.getByLabel('New name for echo.txt').press('Enter');
    const clash = page.getByRole('dialog', { name: 'Replace the existing object?' });
    await clash.waitFor();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await clash.getByRole('button', { name: 'Replace' }).click();
    await row('echo.txt').waitFor({ state: 'detached' });
    expect((await getObjectBytes(rawClient(), bucket, 'taken.txt')).equals(bodies['e.txt']!)).toBe(true);

    // Each rename is in History as one, with the name it had before.
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const renamed = page.locator('[data-testid="history-row"][data-kind="move"][data-key="echo.txt"]');
    await renamed.waitFor({ timeout: 30_000 });
    await renamed.getByText('Moved or renamed').waitFor();
    expect(await renamed.getByTestId('history-from').textContent()).toBe(`before: ${bucket}/e.txt`);
    expect(await page.locator('[data-testid="history-row"][data-kind="move"][data-key="taken.txt"]').getByTestId('history-from').textContent()).toBe(`before: ${bucket}/echo.txt`);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await row('taken.txt').waitFor();
  });

  it('deletes a folder and a file after the confirmation names the count and size and the count is typed', async () => {
    const { page } = app;
    await row('old/').locator('td').nth(1).click();
    await row('taken.txt').click({ modifiers: ['Control'] });
    await toolbar().getByRole('button', { name: 'Delete…' }).click();
    // old/ holds two objects: three in all, 5 + 3 + 3 bytes.
    const dialog = page.getByRole('dialog', { name: /^Delete 3 objects \(/ });
    await dialog.waitFor();
    await dialog.getByText('the delete is permanent').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/type the number of objects/).fill('2');
    expect(await confirm.isDisabled()).toBe(true);
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await screenshot(page, 'issue14-delete-confirmation');
    await dialog.getByLabel(/type the number of objects/).fill('3');
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    await row('old/').waitFor({ state: 'detached' });
    for (const key of ['old/x.txt', 'old/deep/y.txt', 'taken.txt']) expect(await exists(bucket, key)).toBe(false);
    expect(await exists(bucket, 'a.txt')).toBe(true);
  });

  it('opens the context menu by right click and by Shift+F10, both axe clean, and Move to… moves', async () => {
    const { page } = app;
    await row('d.txt').click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Actions for d.txt' });
    await menu.waitFor();
    expect(await menu.getByRole('menuitem', { name: 'Properties' }).getAttribute('aria-disabled')).toBe('false');
    expect(await seriousViolations(page, '[data-testid="listing-menu"]')).toEqual([]);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    await row('d.txt').focus();
    await page.keyboard.press('Shift+F10');
    await menu.waitFor();
    // Arrows walk the items; Enter picks one.
    await page.keyboard.press('End');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    const move = page.getByRole('dialog', { name: 'Move 1 item' });
    await move.waitFor();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await move.getByLabel('Folder in that bucket').fill('archive/2026');
    await move.getByRole('button', { name: 'Move' }).click();
    await row('d.txt').waitFor({ state: 'detached' });
    expect((await getObjectBytes(rawClient(), bucket, 'archive/2026/d.txt')).equals(bodies['d.txt']!)).toBe(true);
  });

  it('copies a link from the link dialog (axe clean)', async () => {
    const { page } = app;
    await row('a.txt').click();
    await toolbar().getByRole('button', { name: 'Copy link…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link to a.txt' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    const link = await dialog.getByTestId('link-output').inputValue();
    expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(bodies['a.txt']!)).toBe(true);
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('selects, renames and deletes with the keyboard alone', async () => {
    const { page } = app;
    await put(bucket, 'k1.txt', 'one\n');
    await put(bucket, 'k2.txt', 'two\n');
    await reload();
    await row('k2.txt').waitFor();
    // Tab into the listing from the filter box, as a keyboard user would.
    await page.getByLabel('Filter by name').focus();
    for (let i = 0; i < 10 && !(await activeKey()); i++) await page.keyboard.press('Tab');
    expect(await activeKey()).not.toBeNull();
    await page.keyboard.press('End');
    expect(await selectedKeys()).toEqual(['k2.txt']);
    await page.keyboard.press('Shift+ArrowUp');
    expect(await selectedKeys()).toEqual(['k1.txt', 'k2.txt']);
    await page.keyboard.press('Escape');
    expect(await selectedKeys()).toEqual([]);
    await page.keyboard.press('Control+a');
    expect((await selectedKeys()).length).toBe(await page.locator('tr.listing-row').count());
    // Back to one row, then F2, a new name and Enter.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    expect(await selectedKeys()).toEqual(['k1.txt']);
    await page.keyboard.press('F2');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('keyed.txt');
    await page.keyboard.press('Enter');
    await row('keyed.txt').waitFor();
    expect(await exists(bucket, 'keyed.txt')).toBe(true);
    // Delete a single object: no count to type; the confirm button has the focus.
    await page.keyboard.press('Delete');
    const dialog = page.getByRole('dialog', { name: /^Delete 1 object \(/ });
    await dialog.getByText('the delete is permanent').waitFor();
    await page.keyboard.press('Enter');
    await row('keyed.txt').waitFor({ state: 'detached' });
    expect(await exists(bucket, 'keyed.txt')).toBe(false);
    expect(await exists(bucket, 'k2.txt')).toBe(true);
  });

  it('deletes on a versioned bucket and Undo brings the objects back (RGW)', async (ctx) => {
    if (!info.features.versioning) ctx.skip(`${info.kind} has no versioning: run with S3DROP_TEST_S3=rgw`);
    const { page } = app;
    const versioned = await freshBucket(rawClient(), 'e2e-fm-ver');
    await rawClient().send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
    await put(versioned, 'keep/one.txt', 'one\n');
    await put(versioned, 'two.txt', 'two\n');
    // Made behind the app's back: the bucket list is read again, as a person would by reloading the page.
    await page.reload();
    await page.getByLabel('Search buckets').fill(versioned);
    await page.getByRole('button', { name: versioned, exact: true }).click();
    await row('two.txt').waitFor({ timeout: 30_000 });
    await row('keep/').locator('td').nth(1).click();
    await row('two.txt').click({ modifiers: ['Control'] });
    await page.keyboard.press('Delete');
    const dialog = page.getByRole('dialog', { name: /^Delete 2 objects/ });
    await dialog.getByText('you can undo the delete').waitFor();
    // Recoverable: no count to type.
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await row('two.txt').waitFor({ state: 'detached' });
    expect(await exists(versioned, 'two.txt')).toBe(false);
    await page.getByRole('button', { name: 'Undo' }).click();
    await row('two.txt').waitFor();
    expect(await exists(versioned, 'two.txt')).toBe(true);
    expect(await exists(versioned, 'keep/one.txt')).toBe(true);
    // Recently deleted lists what a delete hid, and restores it.
    await row('two.txt').click();
    await page.keyboard.press('Delete');
    await page.getByRole('dialog', { name: /^Delete 1 object/ }).getByRole('button', { name: 'Delete', exact: true }).click();
    await row('two.txt').waitFor({ state: 'detached' });
    await toolbar().getByRole('button', { name: 'Recently deleted' }).click();
    await page.getByRole('button', { name: 'Restore two.txt' }).click();
    await row('two.txt').waitFor();
    expect(await exists(versioned, 'two.txt')).toBe(true);
  });
});
