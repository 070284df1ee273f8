/**
 * Issue 9 (UI): the "Options for data files (CSV)" section. A name pattern with a live preview, a refused
 * pattern that blocks uploads, the CSV check of a Latin-1 `;` export with its non-UTF-8 warning, Convert + gzip
 * landing under the templated key, and the Athena SQL with "Copy SQL"; in both languages, checked by axe.
 */
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dropFiles, fixtureProfileId, launchChromium, screenshot, startApp, type AppSession } from '../support/browser';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { seriousViolations as axeViolations } from '../support/axe';

let browser: Browser;
let app: AppSession;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(), 'e2e-landing');
  browser = await launchChromium();
  app = await startApp(browser, s3Info(), { settings: { onboarded: true, lastProfileId: fixtureProfileId(), lastBucket: bucket, lastPrefix: 'in/' } });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

/** Serious and critical axe violations inside [data-testid="landing-panel"]. */
const seriousViolations = (page: Page) => axeViolations(page, '[data-testid="landing-panel"]');

/** The main screen scrolls inside its pane: a tall window shows the whole section in one picture. */
async function tallScreenshot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1200, height: 2300 });
  await screenshot(page, name);
  if (size) await page.setViewportSize(size);
}

async function listKeys(): Promise<string[]> {
  const out = await rawClient().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

// A Brazilian export: Windows-1252 (Latin-1), `;` separated, decimal commas, dd/mm/yyyy dates, accents in the header.
const csvText = 'nome;preço;data\nJoão;1,50;25/11/2026\nConceição;2,75;01/12/2026\nAçaí;10,00;02/12/2026\n';
const latin1 = Buffer.from(csvText, 'latin1');
const template = '{table}/dt={yyyy}-{mm}-{dd}/{name}';
const today = new Date().toISOString().slice(0, 10);

describe('landing zone UI in browser mode', () => {
  it('previews the key, refuses a bad pattern, checks a Latin-1 CSV, lands it converted and gzipped, and shows the Athena SQL', async () => {
    const { page } = app;
    await page.getByTestId('drop-zone').waitFor();
    const panel = page.getByTestId('landing-panel');
    // Collapsed at first: an ordinary user sees only its title.
    await expect(page.getByLabel('Name pattern').isVisible()).resolves.toBe(false);
    await panel.locator('summary').click();
    const pattern = page.getByLabel('Name pattern');
    const preview = page.getByTestId('landing-preview');
    await preview.getByText('No pattern: files keep their own names.').waitFor();

    // A refused pattern: the plain reason, and a drop is not uploaded.
    await pattern.fill('{nope}/{name}');
    await page.getByText('The name pattern cannot be used').first().waitFor();
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'blocked.csv', base64: Buffer.from('a,b\n1,2\n').toString('base64') }]);
    await page.locator('.toast-error').getByText('The name pattern cannot be used').waitFor();
    await page.locator('.toast-error').getByRole('button', { name: 'Dismiss' }).click();

    // The live preview follows the typing, with the folder shown in the breadcrumb in front.
    await pattern.fill(template);
    await preview.getByText(`report.csv will be saved as: in/report/dt=${today}/report.csv`).waitFor();
    expect(await panel.getByText('The name pattern cannot be used').count()).toBe(0);

    // Drop the Latin-1 export: the report and the non-UTF-8 warning; the key preview now uses the dropped file.
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'vendas.csv', base64: latin1.toString('base64'), type: 'text/csv' }]);
    // The check comes first (issue 15): the file is not UTF-8, so nothing is queued until the person chooses.
    const question = page.getByRole('dialog', { name: 'Check vendas.csv before it goes' });
    await question.waitFor();
    expect(await page.locator('[data-testid="transfer-row"]').count()).toBe(0);
    await question.getByRole('button', { name: 'Upload as is' }).click();
    const report = page.getByTestId('csv-report');
    await report.waitFor();
    const facts = await report.innerText();
    expect(facts).toContain('Windows-1252 / Latin-1');
    expect(facts).toContain('Semicolon ( ; )');
    expect(facts).toMatch(/First row has column names\s+Yes/);
    expect(facts).toMatch(/Columns\s+3/);
    expect(facts).toMatch(/Rows\s+3/);
    await panel.getByRole('columnheader', { name: 'preço' }).waitFor();
    await panel.getByRole('cell', { name: 'Conceição' }).waitFor();
    await page.getByTestId('csv-warnings').getByText('This file is not in UTF-8').waitFor();
    await preview.getByText(`vendas.csv will be saved as: in/vendas/dt=${today}/vendas.csv`).waitFor();
    // Uploaded as dropped ("Upload as is"): the original bytes under the templated key.
    const plainKey = `in/vendas/dt=${today}/vendas.csv`;
    await page.locator('[data-testid="transfer-row"][data-state="done"]').first().waitFor({ timeout: 30_000 });
    expect((await getObjectBytes(rawClient(), bucket, plainKey)).equals(latin1)).toBe(true);

    // One click converts from now on (so the encoding no longer asks); tick gzip too, and drop again.
    await page.getByTestId('csv-warnings').getByRole('button', { name: 'Convert to UTF-8 on upload' }).click();
    await expect(page.getByLabel('Convert to UTF-8 on upload').isChecked()).resolves.toBe(true);
    await page.getByLabel('Compress (gzip)').check();
    await preview.getByText(`vendas.csv will be saved as: in/vendas/dt=${today}/vendas.csv.gz`).waitFor();
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'vendas.csv', base64: latin1.toString('base64'), type: 'text/csv' }]);
    await page.locator('[data-testid="transfer-row"][data-state="done"]').nth(1).waitFor({ timeout: 30_000 });
    const gzKey = `${plainKey}.gz`;
    const gz = await getObjectBytes(rawClient(), bucket, gzKey);
    expect(gunzipSync(gz).toString('utf8')).toBe(csvText);
    // Athena reads .gz itself; a Content-Encoding would make other clients unzip it on download.
    expect((await rawClient().send(new HeadObjectCommand({ Bucket: bucket, Key: gzKey }))).ContentEncoding).toBeUndefined();
    // The refused drop never reached the bucket.
    expect(await listKeys()).toEqual([plainKey, gzKey]);

    // The Athena SQL for this target, and Copy SQL puts exactly that on the clipboard.
    await page.getByLabel('Table name').fill('vendas_br');
    await page.getByRole('button', { name: 'Show SQL' }).click();
    const sqlBox = page.getByTestId('landing-sql');
    await sqlBox.waitFor();
    const sql = await sqlBox.inputValue();
    expect(sql).toContain('CREATE EXTERNAL TABLE');
    // The table is named as asked, but its files are where the uploads put them (the pattern's {table} is the file's name).
    expect(sql).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS `vendas_br`');
    expect(sql).toContain(`LOCATION 's3://${bucket}/in/vendas/'`);
    expect(sql).toMatch(/PARTITIONED BY \(\s*`?dt`? string/);
    expect(await sqlBox.getAttribute('readonly')).not.toBeNull();
    await page.getByRole('button', { name: 'Copy SQL' }).click();
    await page.getByText('The SQL was copied.').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(sql);

    await screenshot(page, 'landing-en-light');
    await tallScreenshot(page, 'landing-panel-en-light');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('reads in Portuguese (dark theme) with the same report, and stays accessible', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('pt-BR');
    await page.getByTestId('theme-select').selectOption('dark');
    await page.getByTestId('nav-main').click();
    // The section kept its choices and the last file while on another screen.
    const panel = page.getByTestId('landing-panel');
    await panel.locator('summary').getByText('Opções para arquivos de dados (CSV)').waitFor();
    await expect(page.getByLabel('Padrão de nome').inputValue()).resolves.toBe(template);
    await page.getByTestId('csv-report').getByText('Ponto e vírgula ( ; )').waitFor();
    await page.getByTestId('csv-warnings').getByText('Este arquivo não está em UTF-8').waitFor();
    await page.getByText('Ele será convertido para UTF-8 no envio.').waitFor();
    // A refused pattern reads wholly in Portuguese, reason included; fixing it brings the preview back.
    await page.getByLabel('Padrão de nome').fill('{nope}/{name}');
    await panel.getByText('O padrão de nome não pode ser usado: {nope} não é uma das partes listadas acima.').waitFor();
    await page.getByLabel('Padrão de nome').fill(template);
    await page.getByTestId('landing-preview').getByText(`vendas.csv será salvo como: in/vendas/dt=${today}/vendas.csv.gz`).waitFor();
    await page.getByRole('button', { name: 'Mostrar SQL' }).click();
    await page.getByTestId('landing-sql').waitFor();
    await screenshot(page, 'landing-pt-BR-dark');
    await tallScreenshot(page, 'landing-panel-pt-BR-dark');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('works from the keyboard: the section opens and closes with Enter, and Space ticks a box', async () => {
    const { page } = app;
    const panel = page.getByTestId('landing-panel');
    const summary = panel.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect(panel.getAttribute('open')).resolves.toBeNull();
    await page.keyboard.press('Enter');
    await expect(panel.getAttribute('open')).resolves.not.toBeNull();
    const gzip = page.getByLabel('Compactar (gzip)');
    await expect(gzip.isChecked()).resolves.toBe(true);
    await gzip.focus();
    await page.keyboard.press('Space');
    await expect(gzip.isChecked()).resolves.toBe(false);
    await page.getByTestId('landing-preview').getByText(`vendas.csv será salvo como: in/vendas/dt=${today}/vendas.csv`, { exact: true }).waitFor();
  });

  it('checks a 10 MB one-line file without freezing, says when a file is empty, and shows "only warnings" only with warnings', async () => {
    const { page } = app;
    const report = page.getByTestId('csv-report');
    const neverBlocks = page.getByTestId('landing-panel').getByText('São só avisos');
    // A clean file: no warnings, so no line about them.
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'limpo.csv', base64: Buffer.from('a,b\n1,2\n').toString('base64'), type: 'text/csv' }]);
    await page.getByText('Verificação do arquivo: limpo.csv').waitFor();
    await report.getByText(/Colunas\s*2/).waitFor();
    expect(await neverBlocks.count()).toBe(0);
    // 'a,' five million times on one line: the page used to render a 524,289-cell preview row and hang.
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'linha.csv', base64: Buffer.from('a,'.repeat(5 * 1024 * 1024)).toString('base64'), type: 'text/csv' }]);
    await page.getByTestId('csv-warnings').getByText('A primeira linha tem mais de 64 KB').waitFor({ timeout: 60_000 });
    await neverBlocks.waitFor();
    // That is not a table with column names: the drop asks before it goes, and nothing is queued meanwhile.
    const longLine = page.getByRole('dialog', { name: 'Confira linha.csv antes do envio' });
    await longLine.getByText('A primeira linha tem mais de 64 KB').waitFor();
    expect(await page.locator('[data-testid="transfer-row"]').filter({ hasText: 'linha.csv' }).count()).toBe(0);
    await longLine.getByRole('button', { name: 'Enviar como está' }).click();
    await page.locator('[data-testid="transfer-row"]').filter({ hasText: 'linha.csv' }).first().waitFor();
    // An empty file says so, on the card and in the question; Cancel sends nothing.
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'vazio.csv', base64: '', type: 'text/csv' }]);
    await page.getByTestId('csv-warnings').getByText('Este arquivo está vazio').waitFor();
    const empty = page.getByRole('dialog', { name: 'Confira vazio.csv antes do envio' });
    await empty.getByText('Este arquivo está vazio').waitFor();
    await empty.getByRole('button', { name: 'Cancelar' }).click();
    await empty.waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="transfer-row"]').filter({ hasText: 'vazio.csv' }).count()).toBe(0);
  });
});
