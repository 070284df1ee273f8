// Render benchmark (issue 6): 10,000 queued transfers in the real TransfersPanel and store, updated by
// progress snapshots (5/s, as the engine throttles them) for 10 s while the list scrolls, in Debian's
// Chromium. Reports frame-time percentiles; target p95 < 32 ms.
//
// The page (bench/render/bench.html) is built here with Vite into a temp folder, so the shipped UI never
// contains it, and served from a tiny loopback HTTP server.
// Run directly (`node_modules/.bin/node bench/render.bench.mjs [--rows 10000] [--seconds 10]`) or through bench/run.mjs.
import react from '@vitejs/plugin-react';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const root = join(import.meta.dirname, '..');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

function arg(argv, name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

/** Builds the page, runs it in Chromium, prints and saves the results. */
export default async function main(argv = process.argv.slice(2)) {
  const rows = arg(argv, 'rows', 10_000);
  const seconds = arg(argv, 'seconds', 10);
  const out = mkdtempSync(join(tmpdir(), 's3drop-render-bench-'));
  let server;
  let browser;
  try {
    await build({
      configFile: false,
      root: join(root, 'bench/render'),
      base: './',
      logLevel: 'warn',
      plugins: [react()],
      build: { outDir: out, emptyOutDir: true, target: 'chrome130', rollupOptions: { input: join(root, 'bench/render/bench.html') } },
    });
    server = createServer((req, res) => {
      const path = normalize(join(out, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
      if (!path.startsWith(out) || !existsSync(path)) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      createReadStream(path).pipe(res);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/bench.html?rows=${rows}&seconds=${seconds}`);
    await page.waitForFunction(() => globalThis.__benchResult !== undefined, null, { timeout: (seconds + 60) * 1000 });
    const measured = await page.evaluate(() => globalThis.__benchResult);
    const mountedRows = await page.locator('[data-testid="transfer-row"]').count();
    const result = {
      name: 'render',
      date: new Date().toISOString(),
      rows: measured.rows,
      seconds: measured.seconds,
      snapshots: measured.snapshots,
      frames: measured.frames,
      frameMs: { p50: round(measured.p50), p95: round(measured.p95), p99: round(measured.p99), max: round(measured.max) },
      mountedRows,
      target: { p95Ms: 32 },
      pass: measured.p95 < 32,
    };
    console.log(
      `render: ${result.rows} transfers, ${result.snapshots} snapshots in ${result.seconds} s, ${result.frames} frames; ` +
        `frame time p50 ${result.frameMs.p50} ms, p95 ${result.frameMs.p95} ms (target < 32), p99 ${result.frameMs.p99} ms, max ${result.frameMs.max} ms; ` +
        `${mountedRows} rows in the DOM`,
    );
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/render.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    await browser?.close();
    server?.close();
    rmSync(out, { recursive: true, force: true });
  }
}

function round(n) {
  return Math.round(n * 10) / 10;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
