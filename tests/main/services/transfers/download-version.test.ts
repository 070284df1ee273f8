/**
 * Downloads of an older version through the queue (`transfers:download` with `versionId`): the contract's refusal
 * of several keys or a folder, and on a versioned RGW bucket the older version's bytes, both as one small GET and in
 * ranges, under the object's own name. The kill -9 resume of a pinned version is in resume.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createTransferHandlers } from '../../../../src/main/services/handlers/transfers';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore } from './harness';

const MiB = 1024 * 1024;
const info = s3Info();
const raw = rawClient(info);
const work = mkdtempSync(join(tmpdir(), 's3drop-down-ver-'));
let bucket: string;
let core: ReturnType<typeof testCore>;
let engine: TransferService;
let dispatch: ReturnType<typeof createDispatcher>;

/** Writes a body; returns the version id the store gave it. */
async function put(b: string, key: string, body: Buffer): Promise<string | undefined> {
  return (await raw.send(new PutObjectCommand({ Bucket: b, Key: key, Body: body }))).VersionId;
}

/** `transfers:download` through the real dispatcher; the transfers' final states, or the refusal's code. */
async function download(source: { bucket: string; keys: string[]; versionId?: string }, folder: string): Promise<{ states?: string[]; code?: string }> {
  const res = await dispatch('transfers:download', { source: { profileId: 'test', ...source }, folder });
  if (!res.ok) return { code: res.error.code };
  const { ids } = res.value as { ids: string[] };
  return { states: (await engine.waitFor(ids)).map((s) => s.state) };
}

beforeAll(async () => {
  bucket = await freshBucket(raw, 'downver');
  // Ranges of 5 MiB above 6 MiB, so a 13 MiB version downloads in three ranged GETs.
  core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 6, partConcurrency: 2 });
  engine = new TransferService(core, testClients(core, info), { retry: { attempts: 2, baseMs: 10, maxMs: 50 }, fileRestarts: 1 });
  await engine.start();
  dispatch = createDispatcher(createTransferHandlers(core, engine) as unknown as Handlers);
});

afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('a version id is for one file only', () => {
  it('is refused with several keys or a folder, before anything is queued', async () => {
    await put(bucket, 'ref/a.txt', Buffer.from('a'));
    await put(bucket, 'ref/b.txt', Buffer.from('b'));
    const before = engine.list().transfers.length;
    const folder = join(work, 'refused');
    expect(await download({ bucket, keys: ['ref/a.txt', 'ref/b.txt'], versionId: 'v1' }, folder)).toEqual({ code: 'VERSION_NEEDS_ONE_FILE' });
    expect(await download({ bucket, keys: ['ref/'], versionId: 'v1' }, folder)).toEqual({ code: 'VERSION_NEEDS_ONE_FILE' });
    // A folder named without its '/' is found to be one.
    expect(await download({ bucket, keys: ['ref'], versionId: 'v1' }, folder)).toEqual({ code: 'VERSION_NEEDS_ONE_FILE' });
    expect(engine.list().transfers.length).toBe(before);
  });
});

describe.skipIf(!info.features.versioning)('an older version of a file (RGW)', () => {
  let vb: string;
  beforeAll(async () => {
    vb = await freshBucket(raw, 'downver-on');
    await raw.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
  });

  it.each([
    ['one small GET', 1000],
    ['ranged GETs', 13 * MiB],
  ])('downloads v1 byte for byte after v2 was written, under the object’s own name (%s)', async (_how, size) => {
    const key = `docs/report-${size}.bin`;
    const v1 = randomBytes(size);
    const v2 = randomBytes(size + 7);
    const v1Id = await put(vb, key, v1);
    await put(vb, key, v2);
    expect(v1Id).toBeTruthy();
    const folder = join(work, `v-${size}`);
    expect(await download({ bucket: vb, keys: [key], versionId: v1Id! }, folder)).toEqual({ states: ['done'] });
    expect(readFileSync(join(folder, `report-${size}.bin`)).equals(v1)).toBe(true);
    // Without the id the same path brings the current version.
    expect(await download({ bucket: vb, keys: [key] }, join(folder, 'current'))).toEqual({ states: ['done'] });
    expect(readFileSync(join(folder, 'current', `report-${size}.bin`)).equals(v2)).toBe(true);
  });

  it('an older version asked for while the current one still downloads to the same name goes beside it, as its own transfer', async () => {
    const key = 'docs/both.bin';
    const v1 = randomBytes(12 * MiB);
    const v1Id = await put(vb, key, v1);
    const v2 = randomBytes(12 * MiB + 3);
    await put(vb, key, v2);
    const folder = join(work, 'both');
    core.settings.update({ bandwidthLimitKiBps: 4 * 1024 });
    try {
      const current = await dispatch('transfers:download', { source: { profileId: 'test', bucket: vb, keys: [key] }, folder });
      const older = await dispatch('transfers:download', { source: { profileId: 'test', bucket: vb, keys: [key], versionId: v1Id! }, folder });
      const ids = [current, older].map((r) => (r.ok ? (r.value as { ids: string[] }).ids[0] : undefined));
      expect(ids[0]).toBeDefined();
      expect(ids[1]).toBeDefined();
      expect(ids[1]).not.toBe(ids[0]);
      core.settings.update({ bandwidthLimitKiBps: 0 });
      expect((await engine.waitFor(ids as string[])).map((s) => s.state)).toEqual(['done', 'done']);
      expect(readFileSync(join(folder, 'both.bin')).equals(v2)).toBe(true);
      expect(readFileSync(join(folder, 'both (1).bin')).equals(v1)).toBe(true);
    } finally {
      core.settings.update({ bandwidthLimitKiBps: 0 });
    }
  });

  it('a version id the key does not have is refused as that version not found, not the file', async () => {
    await put(vb, 'docs/x.txt', Buffer.from('x'));
    const res = await download({ bucket: vb, keys: ['docs/x.txt'], versionId: 'no-such-version-0000' }, join(work, 'none'));
    expect(res.code, JSON.stringify(res)).toBe('VERSION_ID_NOT_FOUND');
  });
});
