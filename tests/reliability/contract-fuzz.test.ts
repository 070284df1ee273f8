/**
 * Contract fuzzing: random command names and payloads go through the real dispatcher over the real engine
 * (temp dataDir and HOME, in-memory secrets, no native host powers). Nothing may throw out of dispatch or
 * crash the process; every answer is `ok` or a catalogue error, never a raw exception.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNames, commands } from '../../src/shared/contract';
import { errorCatalogue, type AppErrorData } from '../../src/shared/errors';
import type { Result } from '../../src/shared/result';
import { createDispatcher } from '../../src/main/services/dispatch';
import { startTestApp, type TestApp } from './harness';
import { s3Info } from '../support/s3-test-client';

let t: TestApp;
let sandbox: string;
const crashes: unknown[] = [];
const onCrash = (e: unknown) => crashes.push(e);
/** Errors the engine reported as UNKNOWN: a raw exception escaped a handler. Collected, then asserted empty. */
const unknowns: { name: unknown; payload: unknown; details?: string }[] = [];

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  t = await startTestApp();
  sandbox = join(t.root, 'sandbox');
  mkdirSync(join(sandbox, 'dir'), { recursive: true });
  writeFileSync(join(sandbox, 'a.csv'), 'a,b\n1,2\n');
  writeFileSync(join(sandbox, 'empty.txt'), '');
});

afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await t?.close();
});

/** Checks one dispatch answer against the rules; returns nothing, throws on a violation. */
function checkAnswer(name: unknown, payload: unknown, res: Result<unknown>): void {
  expect(typeof res).toBe('object');
  expect(typeof res.ok).toBe('boolean');
  if (res.ok) return;
  const err = (res as { error: AppErrorData }).error;
  expect(Object.keys(errorCatalogue)).toContain(err.code);
  expect(typeof err.message).toBe('string');
  // A plain sentence, not a stack trace or a raw exception.
  expect(err.message).not.toMatch(/\n\s+at |TypeError|ReferenceError|Cannot read prop/);
  if (err.code === 'UNKNOWN') unknowns.push({ name, payload, details: err.details });
  if (typeof name !== 'string' || !(commandNames as string[]).includes(name)) expect(err.code).toBe('UNKNOWN_COMMAND');
}

/** Strings that tend to break things: traversal, control characters, huge, prototype keys, our own temp files. */
const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '../../etc/passwd',
      '..',
      '\u0000',
      'a\u0007b',
      '\r\n',
      '__proto__',
      'constructor',
      'toString',
      '%00',
      'x'.repeat(5000),
      '\ud800',
      'http://127.0.0.1:1/',
      'https://example.invalid/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'aws:default',
      'app:x',
      '{yyyy}/{name}',
      '{',
    ),
    fc.constantFrom('dir', 'a.csv', 'empty.txt', 'missing.bin').map((f) => join(sandbox, f)),
  );

/** Any JSON-ish value, biased toward nasty strings and edge numbers. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    nastyString(),
    fc.integer(),
    fc.constantFrom(0, -1, 1e308, Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53, 0.5),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(nastyString(), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** Objects shaped like a command's schema (its real keys, random values), so fuzzing gets past the first check. */
function shapedPayload(name: (typeof commandNames)[number]): fc.Arbitrary<unknown> {
  const schema = commands[name].input as z.ZodType & { shape?: Record<string, unknown> };
  const keys = Object.keys(schema.shape ?? {});
  if (keys.length === 0) return fc.oneof(fc.constant({}), fc.dictionary(nastyString(), value, { maxKeys: 2 }));
  const target = fc.record(
    {
      profileId: fc.oneof(nastyString(), fc.constant('app:none')),
      bucket: fc.oneof(nastyString(), fc.constantFrom('b', 'UPPER', 'a..b', '-x', 'ok-bucket')),
      prefix: nastyString(),
    },
    { requiredKeys: [] },
  );
  const special: Record<string, fc.Arbitrary<unknown>> = {
    target,
    // Only endpoints on this machine, so a fuzzed "test connection" never reaches the internet.
    endpoint: fc.constantFrom(s3Info().endpoint, 'http://127.0.0.1:1', 'ftp://x', ''),
    items: fc.array(fc.record({ path: nastyString(), relativeKey: nastyString() }, { requiredKeys: ['path'] }), { maxLength: 3 }),
    // Sync folders only inside the sandbox or nonexistent: a fuzzed pair must never scan the real disk.
    folder: fc.oneof(fc.constantFrom('dir', 'missing').map((f) => join(sandbox, f)), nastyString().filter((s) => !existsSync(s))),
    path: fc.oneof(fc.constantFrom('dir', 'a.csv', 'missing.bin').map((f) => join(sandbox, f)), nastyString().filter((s) => !existsSync(s))),
    url: fc.constantFrom('https://aws.amazon.com/s3/', 'https://evil.example/', 'http://github.com/', 'javascript:alert(1)', 'file:///etc/passwd'),
  };
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keys) record[k] = fc.oneof(special[k] ?? value, value);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record(record, { requiredKeys: [] }) },
    // Extra unknown keys (strict schemas must refuse them) and prototype tricks.
    { weight: 1, arbitrary: fc.record(record, { requiredKeys: [] }).map((o) => ({ ...o, extra: 1 })) },
    { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown) },
  );
}

describe('contract fuzzing', () => {
  it('random names and payloads: dispatch never throws and answers ok or a catalogue error', async () => {
    const name = fc.oneof(fc.constantFrom(...commandNames), fc.string({ maxLength: 30 }), value);
    await fc.assert(
      fc.asyncProperty(name, value, async (n0, p0) => {
        // Through JSON, as the WebSocket transport delivers them (IPC's structured clone is close enough).
        const wire = (v: unknown) => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v) ?? 'null') as unknown));
        const [n, p] = [wire(n0), wire(p0)];
        const res = await t.app.dispatch(n, p);
        checkAnswer(n, p, res);
      }),
      { numRuns: 1500 },
    );
    expect(crashes).toEqual([]);
  });

  it.each(commandNames.filter((n) => n !== 'app:pickFiles'))('%s: schema-shaped payloads are accepted or refused in plain words', async (cmd) => {
    // Also through a dispatcher built over the raw handler map, the way a second transport would.
    const raw = createDispatcher(t.app.handlers, t.logger);
    await fc.assert(
      fc.asyncProperty(shapedPayload(cmd), fc.boolean(), async (p, useRaw) => {
        const res = await (useRaw ? raw : t.app.dispatch)(cmd, p);
        checkAnswer(cmd, p, res);
      }),
      { numRuns: 60 },
    );
    expect(crashes).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a command name that is an object without a usable toString (valid JSON from the wire) is refused, not thrown', async () => {
    // {"toString":1} makes String(name) throw; the browser server calls dispatch with `void`, so a throw there
    // is an unhandled rejection, which ends a Node 24 process.
    const name: unknown = JSON.parse('{"toString":1}');
    const res = await t.app.dispatch(name, {}).catch((e: unknown) => ({ thrown: String((e as Error).message) }));
    expect(res).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
  });

  it('refuses host powers the host does not have', async () => {
    const pick = await t.app.dispatch('app:pickFiles', { folders: true });
    expect(pick.ok).toBe(false);
    const open = await t.app.dispatch('app:openExternal', { url: 'https://aws.amazon.com/' });
    expect(open).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    const evil = await t.app.dispatch('app:openExternal', { url: 'https://evil.example/' });
    expect(evil).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  });

  it('no handler leaked a raw exception (UNKNOWN) during fuzzing', () => {
    // Listed in full so the owner sees the command, payload and exception.
    expect(unknowns.slice(0, 5)).toEqual([]);
  });
});
