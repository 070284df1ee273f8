/** "Copy diagnostics" over the real engine: versions, OS, settings, the log tail, and no secrets; a refused clipboard is no crash. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import electronLog from 'electron-log/node';
import { copyDiagnostics, diagnosticsExtra } from '../../src/main/diagnostics';
import { createElectronLogger, type ElectronLogLike } from '../../src/main/log';
import { createElectronPlatform } from '../../src/main/platform/electron-platform';
import { createAppServices } from '../../src/main/services/app-services';
import { registerSecret } from '../../src/main/services/log/redact';
import { fakeClipboard } from './fake-electron';

const root = mkdtempSync(join(tmpdir(), 's3drop-diag-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('diagnostics', () => {
  it('holds versions, OS, settings and the last 200 log lines, with secrets redacted', async () => {
    const canary = 'DIAGcanary/SECRET+key0123456789';
    registerSecret(canary);
    const logsDir = join(root, 'logs');
    const logger = createElectronLogger(electronLog.create({ logId: 'diag' }) as unknown as ElectronLogLike, { logsDir });
    for (let i = 0; i < 250; i++) logger.info(`line ${i}`);
    logger.warn(`oops ${canary}`);
    const platform = createElectronPlatform({
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      shell: { openExternal: async () => undefined, openPath: async () => '' },
      dataDir: join(root, 'data'),
      logsDir,
      version: '9.8.7',
    });
    const services = await createAppServices({ platform, logger, env: {}, diagnosticsExtra: diagnosticsExtra({ electron: '45.0.0', chrome: '140', os: 'Linux 6.1' }, logger.tail) });
    try {
      const clipboard = fakeClipboard();
      expect(await copyDiagnostics({ dispatch: services.dispatch, clipboard, logger })).toBe(true);
      const text = clipboard.text!;
      expect(text).toContain('S3 Drop diagnostics');
      expect(text).toContain('"version": "9.8.7"');
      expect(text).toContain('"electron": "45.0.0"');
      expect(text).toContain('"os": "Linux 6.1"');
      expect(text).toContain('"closeToTray"');
      const logPart = text.split('Last 200 log lines:\n')[1]!.trim().split('\n');
      expect(logPart).toHaveLength(200);
      expect(logPart.at(-1)).toContain('oops [redacted]');
      expect(text).not.toContain(canary);

      // clipboard.writeText is a Promise since Electron 44: a refusal is logged, not an unhandled rejection
      // (which the crash handler would show as "S3 Drop ran into a problem").
      const unhandled: unknown[] = [];
      const onUnhandled = (err: unknown) => unhandled.push(err);
      process.on('unhandledRejection', onUnhandled);
      try {
        expect(await copyDiagnostics({ dispatch: services.dispatch, clipboard: fakeClipboard({ refuse: true }), logger })).toBe(false);
        await new Promise((r) => setImmediate(r));
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      expect(unhandled).toEqual([]);
      expect(logger.tail(1)[0]).toMatch(/\[warn\] could not copy the diagnostics to the clipboard .*the clipboard is not available/);
    } finally {
      await services.dispose();
    }
  });
});
