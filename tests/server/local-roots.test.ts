/**
 * Browser mode's one rule for local paths, on a real `s3-drop serve` over its WebSocket: every command that names a
 * local path (upload items, download folder and the folders a key makes under it, sync pair folder, the landing
 * zone's CSV check and Athena definition) reaches only inside home and the spool, as the folder picker does, whatever
 * `..` or link the path holds. A refused command queues, writes and uploads nothing. The CLI, given the same home,
 * is not limited: its paths come from the person's own command line.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncPairStatus, TransferList } from '../../src/shared/contract';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli, startServe, type ServeProcess } from '../support/serve';
import { openPage, spoolFile, type ServePage } from '../support/serve-page';

// Real paths: the refusals below must come from the links made here, not from a tmpdir that is itself a link.
const root = realpathSync(mkdtempSync(join(tmpdir(), 's3drop-roots-')));
const home = join(root, 'home');
const outside = join(root, 'outside');
const dataDir = join(root, 'data');
const client = rawClient();
let bucket: string;
let serve: ServeProcess;
let page: ServePage;

function env(): Record<string, string | undefined> {
  return cliTestEnv(s3Info(), { home, dataDir });
}

/** The error code a command answers with; fails the test when the command succeeds. */
async function refusal(name: string, payload: unknown): Promise<string> {
  try {
    await page.call(name, payload);
  } catch (err) {
    const json = /failed: (\{.*\})$/s.exec((err as Error).message)?.[1];
    return (JSON.parse(json ?? '{}') as { code?: string }).code ?? (err as Error).message;
  }
  throw new Error(`${name} ${JSON.stringify(payload)} was expected to be refused`);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

const outsideFiles = () => readdirSync(outside, { recursive: true }).map(String).sort();

beforeAll(async () => {
  ensureBuiltCli();
  mkdirSync(join(home, 'dl'), { recursive: true });
  mkdirSync(join(home, 'syncme'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'outside home');
  writeFileSync(join(outside, 'table.csv'), 'a,b\n1,2\n');
  writeFileSync(join(home, 'inside.txt'), 'inside home');
  writeFileSync(join(home, 'table.csv'), 'a,b\n1,2\n');
  // Links a person might have made: a folder and a file inside home that lead out of it, and one under a download folder.
  symlinkSync(outside, join(home, 'escape'));
  symlinkSync(join(outside, 'secret.txt'), join(home, 'escape-file'));
  symlinkSync(outside, join(home, 'dl', 'data'));
  bucket = await freshBucket(client, 'roots');
  for (const key of ['rclone/small.txt', 'data/planted.txt']) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `object ${key}` }));
  serve = await startServe(env());
  page = await openPage(serve, { keepMessages: false });
});

afterAll(async () => {
  page?.ws.close();
  await serve?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('browser mode keeps local paths inside home and the spool', () => {
  it('refuses uploads of files outside home, by absolute path, `..`, or a link inside home; queues and uploads nothing', async () => {
    const target = { profileId: 'env', bucket, prefix: 'exfil' };
    const paths = [
      join(outside, 'secret.txt'),
      `${home}/../outside/secret.txt`,
      join(home, 'escape', 'secret.txt'),
      join(home, 'escape-file'),
      // `escape/..` is the link target's parent to the OS (root), never home, whatever the string looks like.
      `${home}/escape/../outside/secret.txt`,
      join(home, 'escape'),
      '/etc/hostname',
    ];
    for (const path of paths) expect(await refusal('transfers:enqueue', { items: [{ path }], target }), path).toBe('FOLDER_OUTSIDE_HOME');
    // One path out spoils the drop: the file inside home is not queued alone.
    expect(await refusal('transfers:enqueue', { items: [{ path: join(home, 'inside.txt') }, { path: join(outside, 'secret.txt') }], target })).toBe('FOLDER_OUTSIDE_HOME');
    expect(((await page.call('transfers:list', {})) as TransferList).transfers).toEqual([]);
    expect(await keysUnder('exfil/')).toEqual([]);
  });

  it('refuses downloads into folders outside home, and into a link under the chosen folder that leads out; writes nothing', async () => {
    const source = (keys: string[]) => ({ profileId: 'env', bucket, keys });
    for (const folder of [join(outside, 'dl'), `${home}/../outside/dl`, join(home, 'escape'), join(home, 'escape', 'new'), `${home}/nothing/../../outside/dl`, '/tmp']) {
      expect(await refusal('transfers:download', { source: source(['rclone/small.txt']), folder }), folder).toBe('FOLDER_OUTSIDE_HOME');
    }
    // The folder `data/` lands as ~/dl/data, which is a link to the outside folder.
    expect(await refusal('transfers:download', { source: source(['data/']), folder: join(home, 'dl') })).toBe('FOLDER_OUTSIDE_HOME');
    expect(((await page.call('transfers:list', {})) as TransferList).transfers).toEqual([]);
    expect(outsideFiles()).toEqual(['secret.txt', 'table.csv']);
  });

  it('refuses a sync pair, or a pair edit, whose folder is outside home (`~/` expanded first); the pair stays as it was', async () => {
    const target = { profileId: 'env', bucket, prefix: 'sync' };
    for (const folder of [outside, '~/escape', `${home}/../outside`]) {
      expect(await refusal('sync:add', { folder, target, startPaused: true }), folder).toBe('FOLDER_OUTSIDE_HOME');
    }
    expect(await page.call('sync:list', {})).toEqual([]);
    const pair = (await page.call('sync:add', { folder: '~/syncme', target, startPaused: true })) as SyncPairStatus;
    expect(await refusal('sync:update', { id: pair.config.id, patch: { folder: outside } })).toBe('FOLDER_OUTSIDE_HOME');
    const [kept] = (await page.call('sync:list', {})) as SyncPairStatus[];
    expect(kept?.config.folder).toBe(join(home, 'syncme'));
    await page.call('sync:remove', { id: pair.config.id });
  });

  it('refuses the CSV check and the Athena definition of a file outside home', async () => {
    for (const path of [join(outside, 'table.csv'), join(home, 'escape', 'table.csv')]) {
      expect(await refusal('landing:checkCsv', { path }), path).toBe('FOLDER_OUTSIDE_HOME');
      expect(await refusal('landing:athenaDdl', { path, bucket }), path).toBe('FOLDER_OUTSIDE_HOME');
    }
    expect(await page.call('landing:checkCsv', { path: join(home, 'table.csv') })).toMatchObject({ columns: 2 });
  });

  it('still uploads files in home and spooled drops (the data folder is outside home), and downloads into home', async () => {
    const target = { profileId: 'env', bucket, prefix: 'ok' };
    const spooled = await spoolFile(serve, 'dropped.txt', Buffer.from('dropped in the page'));
    const { ids } = (await page.call('transfers:enqueue', { items: [{ path: join(home, 'inside.txt') }, { path: spooled }], target })) as { ids: string[] };
    for (const id of ids) await page.waitForState(id, 'done');
    expect((await getObjectBytes(client, bucket, 'ok/inside.txt')).toString()).toBe('inside home');
    expect((await getObjectBytes(client, bucket, 'ok/dropped.txt')).toString()).toBe('dropped in the page');

    const down = (await page.call('transfers:download', { source: { profileId: 'env', bucket, keys: ['rclone/small.txt'] }, folder: `${home}/../home/dl-ok` })) as { ids: string[] };
    await page.waitForState(down.ids[0]!, 'done');
    expect(readFileSync(join(home, 'dl-ok', 'small.txt'), 'utf8')).toBe('object rclone/small.txt');
  });
});

describe('the CLI, with the same home', () => {
  it('uploads a file outside home and downloads into a folder outside home: the person named them', async () => {
    const up = await runCli(['upload', join(outside, 'secret.txt'), `s3://${bucket}/cli/`], env());
    expect(up.code, up.stderr).toBe(0);
    expect((await getObjectBytes(client, bucket, 'cli/secret.txt')).toString()).toBe('outside home');
    const down = await runCli(['download', `s3://${bucket}/rclone/small.txt`, join(outside, 'cli-dl')], env());
    expect(down.code, down.stderr).toBe(0);
    expect(existsSync(join(outside, 'cli-dl', 'small.txt'))).toBe(true);
  });
});
