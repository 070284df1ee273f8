/**
 * The e2e suite's Chromium finder: CHROMIUM_PATH wins, a system Chromium comes next, and with neither (a bare
 * machine) the Chromium inside the @sparticuz/chromium devDependency is used, and really launches.
 */
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumArgs, findChromium } from './browser';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and says plainly when it names nothing runnable', async () => {
    await expect(findChromium({ CHROMIUM_PATH: process.execPath }, [])).resolves.toEqual({ path: process.execPath, source: 'CHROMIUM_PATH' });
    await expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).rejects.toThrow('CHROMIUM_PATH is /nonexistent/chromium, which is not a program');
  });

  it('takes a system Chromium before the packaged one', async () => {
    await expect(findChromium({}, ['/nonexistent/chromium', process.execPath])).resolves.toEqual({ path: process.execPath, source: 'system' });
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'with no system Chromium, launches the one inside @sparticuz/chromium',
    { timeout: 180_000 },
    async () => {
      const found = await findChromium({}, []);
      expect(found.source).toBe('@sparticuz/chromium');
      const browser = await chromium.launch({ executablePath: found.path, args: chromiumArgs, headless: true });
      try {
        const page = await browser.newPage();
        await page.setContent('<p id="p">packaged</p>');
        expect(await page.textContent('#p')).toBe('packaged');
      } finally {
        await browser.close();
      }
    },
  );
});
