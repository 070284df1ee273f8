/**
 * `s3-drop athena-ddl` with bad input: a missing file, a folder, a binary file, an empty CSV or a bad template
 * each print one plain line and exit 2 (issue 2: bad input exits 2), never a stack and never partial SQL.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAthenaDdlCommand } from '../../../src/cli/commands/athena-ddl';

const fx = (name: string) => join(import.meta.dirname, '../../fixtures/csv', name);
const tmp = mkdtempSync(join(tmpdir(), 's3drop-athena-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runAthenaDdlCommand(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('s3-drop athena-ddl with bad input', () => {
  it('a missing file exits 2 with one line naming the file', async () => {
    const missing = join(tmp, 'nao-existe.csv');
    const out = await run([missing, 's3://lake/raw']);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(missing)]);
    expect(out.stderr).toBe(`s3-drop: There is no file or folder at ${missing}. Check the path.\n`);
  });

  it('a folder, a binary file, an empty file and a bad template each exit 2 with one line', async () => {
    const folder = join(tmp, 'pasta.csv');
    mkdirSync(folder);
    const binary = join(tmp, 'image.csv');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    const empty = join(tmp, 'empty.csv');
    writeFileSync(empty, '');
    const good = join(tmp, 'good.csv');
    writeFileSync(good, 'a,b\n1,2\n');
    const cases = [
      [folder, 's3://lake/raw'],
      [binary, 's3://lake/raw'],
      [empty, 's3://lake/raw'],
      [good, 's3://lake/raw', '--template', '{nope}/{name}'],
    ];
    for (const args of cases) {
      const out = await run(args);
      expect({ args, code: out.code, stdout: out.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(out.stderr.trimEnd().split('\n'), out.stderr).toHaveLength(1);
      expect(out.stderr).toMatch(/^s3-drop: /);
      expect(out.stderr).not.toContain('    at ');
    }
  });
});

// The SQL for good input (byte for byte the golden file), and usage errors.
describe('s3-drop athena-ddl', () => {
  it('prints the DDL for a file and a destination', async () => {
    const out = await run([fx('brazil-latin1.csv'), 's3://lake/raw', '--table', 'vendas', '--template={table}/dt={yyyy}-{mm}-{dd}/{name}']);
    expect(out).toEqual({ code: 0, stdout: readFileSync(fx('brazil-latin1.sql'), 'utf8'), stderr: '' });
  });

  it('explains wrong usage and bad input in one plain line', async () => {
    expect((await run([fx('tabs.tsv')])).code).toBe(2);
    expect((await run([fx('tabs.tsv'), 's3://lake', '--colour'])).code).toBe(2);
    const badUrl = await run([fx('tabs.tsv'), 'lake/raw']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toBe('s3-drop: "lake/raw" is not a bucket address. Write it as s3://bucket or s3://bucket/folder.\n');
    const empty = await run([fx('empty.csv'), 's3://lake/raw']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('could not be read as a table: the file is empty');
    expect(empty.stdout).toBe('');
  });
});
