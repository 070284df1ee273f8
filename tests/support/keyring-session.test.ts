/**
 * A machine without gnome-keyring (a bare CI image) skips the keychain tests with one line saying how to run them,
 * and `npm run test:keychain` there stops with a plain sentence, not bash's "command not found".
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keychainSkipReason, keyringSessionPrograms } from './keyring-session';

const empty = mkdtempSync(join(tmpdir(), 's3drop-nopath-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe.runIf(process.platform === 'linux')('without gnome-keyring', () => {
  it('gives one line: what is missing and how to run the tests', () => {
    expect(keychainSkipReason(empty)).toBe(
      'Keychain tests skipped: dbus-run-session and gnome-keyring-daemon not installed. To run them: apt-get install gnome-keyring dbus-x11, then npm run test:keychain.',
    );
  });

  it('gives none when both programs are on PATH', () => {
    const dir = mkdtempSync(join(empty, 'bin-'));
    for (const name of keyringSessionPrograms) {
      writeFileSync(join(dir, name), '#!/bin/sh\n');
      chmodSync(join(dir, name), 0o755);
    }
    expect(keychainSkipReason(dir)).toBeUndefined();
  });

  it('keyring-session.sh says plainly what to install and exits 2', () => {
    const run = spawnSync('/bin/bash', [join(import.meta.dirname, 'keyring-session.sh'), 'true'], { env: { PATH: empty }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('dbus-run-session is not installed, so there is no keychain to test against: apt-get install gnome-keyring dbus-x11');
  });
});
