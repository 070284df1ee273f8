/**
 * Test harness for sync: real temp folders, the real S3 server behind the chaos proxy (fault rate 0 unless a
 * test asks, and its request log counts listings and uploads independently of the code under test), and the
 * real transfer engine. With S3DROP_TEST_S3=aws-proxy the app's client is an Amazon S3 one, through an AWS-behaviour
 * proxy in front of the chaos proxy (which still counts what reaches the server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { AppServices } from '../../../../src/main/services/app-services';
import type { CoreDeps } from '../../../../src/main/services/context';
import type { SyncPairInput } from '../../../../src/main/services/sync/pair-store';
import { SyncService, type SyncServiceOptions } from '../../../../src/main/services/sync/sync-service';
import type { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { appClient, fixedClients, makeCore, makeEngine, memoryLogger } from './engine-support';
import { accessOf, startAwsProxy } from '../../../support/aws-proxy';
import { startChaosProxy, type ChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, rawClient } from '../../../support/s3-test-client';
import type { S3ServerInfo } from '../../../support/s3-server';

export { appClient, fixedClients, makeCore, makeEngine, memoryLogger };

/** Everything a sync test needs. */
export interface Harness {
  dataDir: string;
  bucket: string;
  proxy: ChaosProxy;
  /** The server as a child process must reach it (through this harness's proxies). */
  childInfo: S3ServerInfo;
  client: S3Client;
  core: CoreDeps;
  engine: TransferService;
  sync: SyncService;
  logs: string[];
  /** A new SyncService over the same data dir (a restart). */
  restart(): Promise<SyncService>;
  /** Keys under a prefix, via a client that bypasses the proxy. */
  keys(prefix?: string): Promise<string[]>;
  /** Successful PutObject/CreateMultipartUpload requests the proxy saw for a key (relative keys are matched by suffix). */
  puts(keySuffix?: string): number;
  listings(): number;
  close(): Promise<void>;
}

/** Builds a harness with a fresh bucket and data dir; `options` tune its SyncService. */
export async function makeHarness(info: S3ServerInfo, dataDir = mkdtempSync(join(tmpdir(), 's3drop-sync-data-')), options: SyncServiceOptions = {}): Promise<Harness> {
  const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
  const awsFront = info.aws ? await startAwsProxy({ ...info, endpoint: proxy.url }) : undefined;
  const childInfo = { ...info, ...(awsFront ? { aws: accessOf(awsFront) } : {}) };
  const client = appClient(childInfo, proxy.url);
  const raw = rawClient(info);
  const bucket = await freshBucket(raw, 'sync');
  const logs: string[] = [];
  const core = makeCore(dataDir, logs);
  // The profile names the proxy as its endpoint, as a custom-endpoint profile does (error texts name it).
  const clients = fixedClients(client, proxy.url, Boolean(awsFront));
  const newEngine = () => makeEngine(core, clients);
  let engine = newEngine();
  await engine.start();
  const h: Harness = {
    dataDir,
    bucket,
    proxy,
    childInfo,
    client,
    core,
    engine,
    logs,
    sync: new SyncService(core, clients, engine, options),
    async restart() {
      await h.sync.dispose();
      await engine.dispose();
      engine = newEngine();
      await engine.start();
      h.engine = engine;
      h.sync = new SyncService(core, clients, engine, options);
      return h.sync;
    },
    async keys(prefix = '') {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) out.push(o.Key!);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    puts(keySuffix) {
      // Successful ones only: an SDK retry after a dropped connection is not a second upload of the file.
      return proxy.events().filter((e) => (e.kind === 'PutObject' || e.kind === 'CreateMultipartUpload') && e.status === 200 && e.bucket === bucket && (keySuffix === undefined || decodeURIComponent(e.key ?? '').endsWith(keySuffix))).length;
    },
    listings() {
      return proxy.events().filter((e) => e.kind === 'ListObjects' && e.bucket === bucket).length;
    },
    async close() {
      await h.sync.dispose();
      await engine.dispose();
      await awsFront?.stop();
      await proxy.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Polls until `fn` returns true (the watcher and the queue are asynchronous); no timing is asserted. */
export async function until(fn: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (err) {
      // A read that races the upload it watches (s3rver aborts a GET of an object being replaced) is "not yet".
      lastError = err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fresh temp folder. */
export function tempFolder(stem = 's3drop-sync-'): string {
  return mkdtempSync(join(tmpdir(), stem));
}

/** A pair's input with the contract's defaults, into `prefix` of the test bucket. */
export function pairInput(folder: string, bucket: string, prefix: string, extra: Partial<SyncPairInput> = {}): SyncPairInput {
  return { folder, target: { profileId: 'test', bucket, prefix }, mode: 'upload-only', ignore: [], brakeShare: 0.2, brakeCount: 1000, trashDays: 30, stableMs: 2000, ...extra };
}

/** Streams for a CLI command, and what was written to them. */
export function captureStreams(): { out: PassThrough; err: PassThrough; text: () => { stdout: string; stderr: string } } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  return { out, err, text: () => ({ stdout, stderr }) };
}

/** The parts of AppServices the sync command uses, over the harness's real SyncService. */
export function cliServices(hh: Harness): AppServices {
  return { sync: hh.sync, core: hh.core, profiles: { list: async () => [{ id: 'test', name: 'test', source: 'app', isDefault: true }] } } as unknown as AppServices;
}
