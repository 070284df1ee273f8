/**
 * One prefix rule for every way a file reaches the bucket (s3/validate.ts normalisePrefix): leading slashes are
 * dropped, so a sync pair into `/x` and a drop into `/x` both land in the folder `x/` (a pair used to write keys
 * starting with '/'), through the real transfer engine, SyncService and S3 server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandItems } from '../../../../src/main/services/handlers/transfers';
import { landingKey } from '../../../../src/main/services/landing/key-template';
import { planLanding } from '../../../../src/main/services/landing/land-file';
import { s3Info } from '../../../support/s3-test-client';
import { makeHarness, pairInput } from '../sync/harness';

const work = mkdtempSync(join(tmpdir(), 's3drop-prefix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a prefix with a leading slash', () => {
  it.each([
    ['/x', 'x/a.csv'],
    ['//x/', 'x/a.csv'],
    ['x', 'x/a.csv'],
    ['', 'a.csv'],
  ])('%j names the same key for every landing path', async (prefix, key) => {
    const time = new Date('2026-03-05T12:00:00Z');
    expect(landingKey('a.csv', { prefix, time })).toBe(key);
    writeFileSync(join(work, 'a.csv'), 'id\n1\n');
    const plan = await planLanding(join(work, 'a.csv'), { relativePath: 'a.csv', prefix, time, tmpDir: work }, {});
    expect(plan.key).toBe(key);
    const {
      requests: [request],
    } = await expandItems([{ path: join(work, 'a.csv') }], { profileId: 'test', bucket: 'b', prefix });
    expect(request!.key).toBe(key);
  });

  it('a pair into /x and an upload into /x land at the same key: the pass finds the uploaded file already there', async () => {
    const h = await makeHarness(s3Info());
    try {
      const folder = mkdtempSync(join(work, 'pair-'));
      writeFileSync(join(folder, 'same.txt'), 'the same bytes');
      const {
        requests: [request],
      } = await expandItems([{ path: join(folder, 'same.txt') }], { profileId: 'test', bucket: h.bucket, prefix: '/x' });
      const [uploaded] = await h.engine.waitFor(h.engine.enqueue([request!]));
      expect(uploaded!.state).toBe('done');

      const pass = await h.sync.syncOnce(pairInput(folder, h.bucket, '/x'));
      expect(pass).toMatchObject({ uploaded: 0, skipped: 1, failed: 0 });
      expect(await h.keys()).toEqual(['x/same.txt']);
    } finally {
      await h.close();
    }
  });
});
