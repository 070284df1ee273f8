/**
 * Landing options end to end against the test server: the key comes from the template (time from settings),
 * gzip and UTF-8 conversion send a temporary copy that is removed afterwards, and the Content-Type is the one
 * the landing step chose. The user's file is never touched.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadOptions } from '../../../../src/shared/contract';
import { expandItems } from '../../../../src/main/services/handlers/transfers';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { testClients, testCore } from './harness';

const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-landing-'));
const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5 });
const engine = new TransferService(core, testClients(core, info));
let bucket: string;
// "café;preço\n" in Windows-1252 (é = 0xE9, ç = 0xE7): what Excel on a Brazilian PC saves.
const cp1252 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x3b, 0x70, 0x72, 0x65, 0xe7, 0x6f, 0x0a]);
const mtime = new Date('2024-03-05T10:20:00Z');

beforeAll(async () => {
  bucket = await freshBucket(raw, 'landing');
  await engine.start();
});
afterAll(async () => {
  await engine.dispose();
  core.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function csv(name: string, body: Buffer): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, body);
  utimesSync(p, mtime, mtime);
  return p;
}

async function upload(path: string, options: UploadOptions, templateTime: 'upload' | 'mtime' = 'mtime', prefix = 'lake/') {
  const { requests } = await expandItems([{ path }], { profileId: 'test', bucket, prefix }, options, 0, 'drop', templateTime);
  const [snap] = await engine.waitFor(engine.enqueue(requests));
  const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: snap!.key }));
  return { snap: snap!, head, body: await getObjectBytes(raw, bucket, snap!.key) };
}

describe('landing options', () => {
  it('template + gzip + UTF-8: key from the template and the file time, application/gzip, body round-trips', async () => {
    const p = csv('gz/vendas.csv', cp1252);
    const { snap, head, body } = await upload(p, { template: 'sales/{yyyy}/{mm}/{dd}/{hh}/{name}', gzip: true, convertToUtf8: true });
    expect(snap.state).toBe('done');
    expect(snap.key).toBe('lake/sales/2024/03/05/10/vendas.csv.gz');
    expect(head.ContentType).toBe('application/gzip');
    expect(head.ContentEncoding).toBeUndefined();
    expect(gunzipSync(body).toString('utf8')).toBe('café;preço\n');
    expect(readFileSync(p).equals(cp1252)).toBe(true);
    // The temporary copy is gone.
    expect(readdirSync(join(core.platform.dataDir, 'tmp'))).toEqual([]);
  });

  it('UTF-8 only: same key, text/csv with the charset the bytes now have', async () => {
    const p = csv('utf/precos.csv', cp1252);
    const { snap, head, body } = await upload(p, { convertToUtf8: true });
    expect(snap.key).toBe('lake/precos.csv');
    expect(head.ContentType).toBe('text/csv; charset=utf-8');
    expect(body.toString('utf8')).toBe('café;preço\n');
  });

  it('gzip of a multipart-sized file: every part from the temporary copy, the object gunzips to the original', async () => {
    // Incompressible enough (varied lines) that the gzip copy stays over the 5 MiB multipart threshold.
    const lines: string[] = [];
    for (let i = 0, n = 0; n < 14 * 1024 * 1024; i++) {
      const line = `${i};${(i * 2654435761) % 4294967296};${Math.sin(i).toString(36)}\n`;
      lines.push(line);
      n += line.length;
    }
    const original = Buffer.from(lines.join(''));
    const p = csv('big/log.csv', original);
    const { snap, body } = await upload(p, { gzip: true });
    expect(snap.state).toBe('done');
    expect(snap.key).toBe('lake/log.csv.gz');
    expect(snap.partsTotal).toBeGreaterThanOrEqual(2);
    expect(gunzipSync(body).equals(original)).toBe(true);
  });

  it('templateTime "upload" uses the time of the upload, not the file’s', async () => {
    const p = csv('now/a.csv', Buffer.from('a;b\n'));
    const before = new Date();
    const { snap } = await upload(p, { template: '{yyyy}/{name}' }, 'upload', '');
    const years = new Set([before.getUTCFullYear(), new Date().getUTCFullYear()].map(String));
    expect(years.has(snap.key.split('/')[0]!)).toBe(true);
    expect(snap.key.endsWith('/a.csv')).toBe(true);
    expect(snap.key.startsWith('2024/')).toBe(false);
  });

  it('a bad template is refused before anything is queued', async () => {
    const p = csv('bad/x.csv', Buffer.from('x\n'));
    await expect(expandItems([{ path: p }], { profileId: 'test', bucket, prefix: '' }, { template: '{nope}/{name}' })).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
  });

  it('the options are for data files: a photo and a plain note keep their names and bytes; data mode applies them to every file', async () => {
    const photo = csv('mixed/holiday photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    const note = csv('mixed/readme.txt', Buffer.from('Notes about the week\n'));
    const table = csv('mixed/prices.txt', Buffer.from('sku|price\n1|2\n'));
    const options: UploadOptions = { template: 'sales/dt={yyyy}-{mm}-{dd}/{name}', gzip: true, convertToUtf8: true };
    const { requests } = await expandItems([{ path: join(dir, 'mixed') }], { profileId: 'test', bucket, prefix: 'family/' }, options, 0, 'drop', 'mtime');
    const byName = new Map(requests.map((r) => [r.localPath.split(/[\\/]/).pop(), r]));
    expect(byName.get('holiday photo.png')?.key).toBe('family/mixed/holiday photo.png');
    expect(byName.get('holiday photo.png')?.options).toBeUndefined();
    expect(byName.get('readme.txt')?.key).toBe('family/mixed/readme.txt');
    expect(byName.get('prices.txt')?.key).toBe('family/sales/dt=2024-03-05/prices.txt.gz');

    const sent = await upload(photo, options, 'mtime', 'family/');
    expect(sent.snap.key).toBe('family/holiday photo.png');
    expect(sent.body.equals(readFileSync(photo))).toBe(true);
    expect(sent.head.ContentType).toBe('image/png');
    expect((await upload(note, options, 'mtime', 'family/')).snap.key).toBe('family/readme.txt');
    expect((await upload(table, options, 'mtime', 'family/')).snap.key).toBe('family/sales/dt=2024-03-05/prices.txt.gz');

    // Data mode: the person asked for the options on every file, and the photo follows the pattern too.
    const moded = await upload(photo, { ...options, gzip: false, convertToUtf8: false, dataMode: true }, 'mtime', 'family/');
    expect(moded.snap.key).toBe('family/sales/dt=2024-03-05/holiday photo.png');
  });
});
