/** Crash handling: an uncaught error is logged, a plain dialog offers "Copy diagnostics", and only one shows at a time. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installCrashHandler, type CrashDeps } from '../../src/main/crash';
import type { Logger } from '../../src/main/services/log/logger';

function setup(response: number, lang: 'en' | 'pt-BR' = 'en') {
  const proc = new EventEmitter();
  const logged: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (m, ...d) => logged.push([m, ...d.map(String)].join(' ')) };
  const dialogs: Parameters<CrashDeps['showDialog']>[0][] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let copies = 0;
  const h = installCrashHandler({
    process: proc as unknown as CrashDeps['process'],
    logger,
    language: () => lang,
    showDialog: async (o) => {
      dialogs.push(o);
      await gate;
      return { response };
    },
    copyDiagnostics: () => copies++,
  });
  return { proc, logged, dialogs, release, copies: () => copies, h };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('installCrashHandler', () => {
  it('logs the error and offers Copy diagnostics in plain words', async () => {
    const t = setup(0);
    t.proc.emit('uncaughtException', new Error('boom at line 3'));
    await flush();
    expect(t.logged[0]).toContain('boom at line 3');
    expect(t.dialogs).toHaveLength(1);
    expect(t.dialogs[0]!.buttons[0]).toBe('Copy diagnostics');
    expect(t.dialogs[0]!.detail).toContain('continue the next time');
    // The raw error stays in the log, not in the dialog.
    expect(JSON.stringify(t.dialogs[0])).not.toContain('boom');
    t.release();
    await flush();
    expect(t.copies()).toBe(1);
  });

  it('handles unhandled rejections and shows one dialog at a time', async () => {
    const t = setup(1, 'pt-BR');
    t.proc.emit('unhandledRejection', 'first');
    t.proc.emit('uncaughtException', new Error('second'));
    await flush();
    expect(t.logged).toHaveLength(2);
    expect(t.dialogs).toHaveLength(1);
    expect(t.dialogs[0]!.buttons[0]).toBe('Copiar diagnóstico');
    t.release();
    await flush();
    expect(t.copies()).toBe(0);
  });
});
