/** `npm run lint:electron`: electronegativity over src/ passes with the reviewed allowlist, and fails on a real misconfiguration. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const node = join(root, 'node_modules/.bin/node');
const script = join(root, 'scripts/electronegativity.mjs');
const bad = mkdtempSync(join(tmpdir(), 's3drop-eneg-'));
afterAll(() => rmSync(bad, { recursive: true, force: true }));

describe('lint:electron', () => {
  it('passes on src/: every finding is explained in .electronegativity-allowlist.json', () => {
    const r = spawnSync(node, [script], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/, 0 not/);
  });

  it('fails on a window without isolation, sandbox or web security, and without navigation or permission limits', () => {
    writeFileSync(
      join(bad, 'main.js'),
      `const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\n`,
    );
    const r = spawnSync(node, [script, bad], { cwd: '/', encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    for (const check of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
      expect(r.stderr).toContain(check);
    }
  });
});
