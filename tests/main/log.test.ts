/**
 * The app logger over the real electron-log (its Node flavour, the same transports as in the app):
 * the engine's line format, redaction of every line, and rotation into five files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import electronLog from 'electron-log/node';
import { createElectronLogger, LOG_MAX_BYTES, LOG_MAX_FILES, tailLines, type ElectronLogLike } from '../../src/main/log';
import { registerSecret } from '../../src/main/services/log/redact';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let n = 0;
function make(maxBytes?: number) {
  const dir = mkdtempSync(join(tmpdir(), 's3drop-log-'));
  dirs.push(dir);
  const instance = electronLog.create({ logId: `test-${process.pid}-${n++}` }) as unknown as ElectronLogLike;
  return { dir, logger: createElectronLogger(instance, { logsDir: dir, maxBytes }), instance };
}

describe('createElectronLogger', () => {
  it('writes the engine line format to <logsDir>/s3-drop.log', () => {
    const { logger } = make();
    logger.info('started', { profile: 'work' });
    logger.warn('slow');
    const lines = readFileSync(logger.file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] \[info\] started \{"profile":"work"\}$/);
    expect(lines[1]).toMatch(/\[warn\] slow$/);
  });

  it('redacts known secrets and secret-shaped text, also when logged straight through electron-log', () => {
    const canary = 'CANARYsecretKEY/abc+1234567890zz';
    registerSecret(canary);
    const { logger, instance } = make();
    logger.error('upload failed', new Error(`signature with ${canary}`));
    logger.info(`aws_secret_access_key=${'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'}`);
    instance.warn(`third-party text ${canary}`);
    const text = readFileSync(logger.file, 'utf8');
    expect(text).not.toContain(canary);
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('rotates into at most five files, by default of 5 MiB each', () => {
    expect([LOG_MAX_BYTES, LOG_MAX_FILES]).toEqual([5 * 1024 * 1024, 5]);
    const { dir, logger } = make(2048);
    const filler = 'x'.repeat(200);
    for (let i = 0; i < 200; i++) logger.info(`line ${i} ${filler}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['s3-drop.log', 's3-drop.log.1', 's3-drop.log.2', 's3-drop.log.3', 's3-drop.log.4']);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2048 + 400);
    // The newest line is in the live file; the oldest lines were dropped.
    expect(readFileSync(logger.file, 'utf8')).toContain('line 199 ');
    expect(files.map((f) => readFileSync(join(dir, f), 'utf8')).join('')).not.toContain('line 0 ');
  });

  it('tail reads the last lines across the live and the previous file', () => {
    const { logger } = make(1024);
    for (let i = 0; i < 30; i++) logger.info(`entry ${i} ${'y'.repeat(100)}`);
    const tail = tailLines(logger.file, 12);
    expect(tail).toHaveLength(12);
    expect(tail.at(-1)).toContain('entry 29 ');
    expect(tail[0]).toContain('entry 18 ');
    expect(logger.tail(200).length).toBeLessThanOrEqual(200);
  });
});
