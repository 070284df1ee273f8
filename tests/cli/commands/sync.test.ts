import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSyncCommand } from '../../../src/cli/commands/sync';
import { getObjectBytes, rawClient, s3Info } from '../../support/s3-test-client';
import { captureStreams, cliServices, makeHarness, tempFolder, until, type Harness } from '../../main/services/sync/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('s3-drop sync', () => {
  it('--once --json uploads the folder, and a second run over the unchanged folder uploads nothing', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'sub', 'b.txt'), 'bb');
    writeFileSync(join(dir, 'x.tmp'), 'ignored');
    const run = async (...extra: string[]) => {
      const c = captureStreams();
      const code = await runSyncCommand([dir, `s3://${h!.bucket}/docs`, '--profile', 'test', ...extra], { services: cliServices(h!), stdout: c.out, stderr: c.err, json: false });
      return { code, ...c.text() };
    };
    const dry = await run('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('2 files will be uploaded (3 bytes), 0 deleted');
    expect(await h.keys()).toEqual([]);

    const first = await run('--once', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.trim())).toMatchObject({ uploaded: 2, skipped: 0, failed: 0, deleted: 0, bytes: 3 });
    expect(Object.keys(JSON.parse(first.stdout.trim())).sort()).toEqual(['bytes', 'deleted', 'failed', 'problems', 'seconds', 'skipped', 'uploaded']);
    expect(await h.keys()).toEqual(['docs/a.txt', 'docs/sub/b.txt']);
    const puts = h.puts();
    const second = await run('--once', '--json');
    expect(JSON.parse(second.stdout.trim())).toMatchObject({ uploaded: 0, skipped: 2, failed: 0 });
    expect(h.puts()).toBe(puts);

    // Changes made between runs are found from the folder snapshot; the bucket is listed every run all the same.
    const lists = h.listings();
    writeFileSync(join(dir, 'a.txt'), 'a, changed between runs');
    writeFileSync(join(dir, 'sub', 'new.txt'), 'new');
    const third = await run('--once', '--json');
    expect(JSON.parse(third.stdout.trim())).toMatchObject({ uploaded: 2, failed: 0 });
    expect((await getObjectBytes(rawClient(), h.bucket, 'docs/a.txt')).toString()).toBe('a, changed between runs');
    expect(await h.keys()).toEqual(['docs/a.txt', 'docs/sub/b.txt', 'docs/sub/new.txt']);
    expect(h.listings()).toBeGreaterThan(lists);
  });

  it('the summary line says how many files were left out for a problem, as upload’s does, and a second run names them again', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'a');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const c = captureStreams();
    const code = await runSyncCommand([dir, `s3://${h.bucket}/left`, '--profile', 'test', '--once'], { services: cliServices(h), stdout: c.out, stderr: c.err, json: false });
    const { stderr } = c.text();
    expect(code).toBe(1);
    expect(stderr).toContain('skipped: dangling: broken link');
    // It used to read "Uploaded 1, skipped 0, failed 0, deleted 0 (…)." right under the "skipped:" line.
    expect(stderr).toMatch(/Uploaded 1, skipped 0, failed 0, deleted 0 \(1 bytes in [0-9.]+s\); left out 1 file with a problem \(listed above\)\.\n/);

    // Run again with nothing changed: the link is still left out, so it is named again and the run is not "in sync"
    // (the second run used to take the folder from the index, which holds no row for it: exit 0, "problems": 0).
    const again = captureStreams();
    const code2 = await runSyncCommand([dir, `s3://${h.bucket}/left`, '--profile', 'test', '--once', '--json'], { services: cliServices(h), stdout: again.out, stderr: again.err, json: true });
    expect(again.text().stderr).toContain('skipped: dangling: broken link');
    expect(JSON.parse(again.text().stdout.trim())).toMatchObject({ uploaded: 0, skipped: 1, problems: 1 });
    expect(code2).toBe(1);
  });

  it('--template, --table and --gzip file each file under its mtime\'s day, a second run sends nothing, and a bad template is refused', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.csv'), 'id\n1\n');
    utimesSync(join(dir, 'a.csv'), new Date('2026-03-05T12:00:00Z'), new Date('2026-03-05T12:00:00Z'));
    const run = async (...extra: string[]) => {
      const c = captureStreams();
      const code = await runSyncCommand([dir, `s3://${h!.bucket}/lake`, '--profile', 'test', '--once', '--json', ...extra], { services: cliServices(h!), stdout: c.out, stderr: c.err, json: false });
      return { code, summary: JSON.parse(c.text().stdout.trim() || '{}') as Record<string, number> };
    };
    const flags = ['--template', '{table}/dt={yyyy}-{mm}-{dd}/{name}', '--table', 'vendas', '--gzip'];
    expect(await run(...flags)).toMatchObject({ code: 0, summary: { uploaded: 1, failed: 0 } });
    expect(await h.keys()).toEqual(['lake/vendas/dt=2026-03-05/a.csv.gz']);
    expect(await run(...flags)).toMatchObject({ code: 0, summary: { uploaded: 0, failed: 0 } });
    await expect(run('--template', '{day}/{name}')).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
  });

  it('without --once keeps watching until stopped, and reports a usage error for a missing destination', async () => {
    h = await makeHarness(s3Info());
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'a');
    const stop = new AbortController();
    const c = captureStreams();
    const done = runSyncCommand([dir, `s3://${h.bucket}`, '--stable-ms', '200', '--json'], { services: cliServices(h), stdout: c.out, stderr: c.err, json: true, signal: stop.signal });
    await until(async () => (await h!.keys()).includes('a.txt'), 'first pass');
    // Ctrl-C while the watched change's upload is on the wire: the totals still count it, once it has landed.
    h.proxy.configure({ latencyMs: 800 });
    writeFileSync(join(dir, 'later.txt'), 'later');
    await until(() => h!.proxy.events().some((e) => e.kind === 'PutObject' && e.key === 'later.txt'), 'the watched change sent');
    stop.abort();
    expect(await done).toBe(0);
    expect(JSON.parse(c.text().stdout.trim())).toMatchObject({ uploaded: 2, failed: 0 });
    expect(await h.keys()).toContain('later.txt');
    h.proxy.configure({ latencyMs: 0 });
    await expect(runSyncCommand([dir], { services: cliServices(h), stdout: c.out, stderr: c.err, json: false })).rejects.toMatchObject({ code: 'CLI_USAGE' });
  });
});
