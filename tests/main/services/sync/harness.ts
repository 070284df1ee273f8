/**
 * Test harness for sync: real temp folders, the real S3 server behind the chaos proxy (fault rate 0 unless a
 * test asks, and its request log counts listings and uploads independently of the code under test), and the
 * transfer engine. Until the transfers work lands a real `enqueue`, an interim PutObject engine stands in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { TransferSnapshot } from '../../../../src/shared/contract';
import { toErrorData } from '../../../../src/shared/errors';
import type { CoreDeps } from '../../../../src/main/services/context';
import { EventBus } from '../../../../src/main/services/events';
import type { Logger } from '../../../../src/main/services/log/logger';
import type { ResolvedProfile } from '../../../../src/main/services/profiles/types';
import type { S3Clients, S3Context } from '../../../../src/main/services/s3/types';
import { SettingsService } from '../../../../src/main/services/settings/settings-service';
import { SyncService } from '../../../../src/main/services/sync/sync-service';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import type { TransferEngine, UploadRequest } from '../../../../src/main/services/transfers/types';
import { startChaosProxy, type ChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, rawClient } from '../../../support/s3-test-client';
import type { S3ServerInfo } from '../../../support/s3-server';

/** A logger that keeps lines in memory. */
export function memoryLogger(lines: string[] = []): Logger {
  const put = (level: string) => (m: string, ...d: unknown[]) => void lines.push(`${level} ${m} ${d.map(String).join(' ')}`);
  return { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

/** The app's client settings for a custom endpoint, pointed at `endpoint`. */
export function appClient(info: S3ServerInfo, endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
  });
}

/** S3Clients over one client (the profile layer is another teammate's; sync only needs the client). */
export function fixedClients(client: S3Client): S3Clients {
  return {
    async forProfile() {
      // transferClient/region: fields the transfers work adds to S3Context; harmless before it lands.
      return { client, transferClient: client, region: 'us-east-1', profile: { summary: { id: 'test', name: 'test' }, region: 'us-east-1', forcePathStyle: true } as unknown as ResolvedProfile, customEndpoint: true } as unknown as S3Context;
    },
    invalidate() {},
  };
}

/**
 * INTERIM stand-in for the transfer engine (PutObject of the whole file, with the SHA-256 in metadata) used
 * only while src/main/services/transfers/transfer-service.ts has no `enqueue`. The requests still cross the real
 * network to the real server.
 */
export class InterimEngine implements TransferEngine {
  private n = 0;
  private readonly done = new Map<string, Promise<TransferSnapshot>>();
  /** Every request seen, in order. */
  readonly requests: UploadRequest[] = [];
  constructor(private readonly client: S3Client) {}
  enqueue(requests: UploadRequest[]): string[] {
    return requests.map((r) => {
      const id = `t${++this.n}`;
      this.requests.push(r);
      const base = { id, name: r.key, bucket: r.bucket, key: r.key, profileId: r.profileId, bytesDone: 0, bytesTotal: 0, speed: 0, etaSeconds: null, priority: 0, createdAt: Date.now(), origin: r.origin };
      this.done.set(
        id,
        (async (): Promise<TransferSnapshot> => {
          try {
            const body = await readFile(r.localPath);
            await this.client.send(new PutObjectCommand({ Bucket: r.bucket, Key: r.key, Body: body, Metadata: r.sha256 ? { 's3drop-sha256': r.sha256 } : undefined }));
            return { ...base, state: 'done', bytesDone: body.length, bytesTotal: body.length };
          } catch (err) {
            return { ...base, state: 'failed', error: toErrorData(err) };
          }
        })(),
      );
      return id;
    });
  }
  waitFor(ids: string[]): Promise<TransferSnapshot[]> {
    return Promise.all(ids.map((id) => this.done.get(id)!));
  }
  get(): TransferSnapshot | undefined {
    return undefined;
  }
  list(): ReturnType<TransferEngine['list']> {
    throw new Error('not used by sync');
  }
  pause(): void {}
  resume(): void {}
  async cancel(): Promise<void> {}
  retry(): void {}
  clearFinished(): void {}
}

/** True once the real transfer engine implements the interface sync codes against. */
export function realEngineAvailable(): boolean {
  return typeof (TransferService.prototype as unknown as Partial<TransferEngine>).enqueue === 'function';
}

/** Everything a sync test needs. */
export interface Harness {
  dataDir: string;
  bucket: string;
  proxy: ChaosProxy;
  client: S3Client;
  core: CoreDeps;
  engine: TransferEngine & { start?(): Promise<void>; dispose?(): Promise<void> };
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

/** Builds a harness with a fresh bucket and data dir. */
export async function makeHarness(info: S3ServerInfo, dataDir = mkdtempSync(join(tmpdir(), 's3drop-sync-data-'))): Promise<Harness> {
  const proxy = await startChaosProxy({ upstream: info.endpoint, faultRate: 0 });
  const client = appClient(info, proxy.url);
  const raw = rawClient(info);
  const bucket = await freshBucket(raw, 'sync');
  const logs: string[] = [];
  const core: CoreDeps = {
    platform: { dataDir, logsDir: dataDir, version: 'test', capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false } },
    events: new EventBus(),
    logger: memoryLogger(logs),
    settings: SettingsService.inDataDir(dataDir),
    env: {},
  };
  const clients = fixedClients(client);
  const makeEngine = (): Harness['engine'] => (realEngineAvailable() ? (new TransferService(core, clients) as unknown as Harness['engine']) : new InterimEngine(client));
  let engine = makeEngine();
  await engine.start?.();
  const h: Harness = {
    dataDir,
    bucket,
    proxy,
    client,
    core,
    engine,
    logs,
    sync: new SyncService(core, clients, engine),
    async restart() {
      await h.sync.dispose();
      await engine.dispose?.();
      engine = makeEngine();
      await engine.start?.();
      h.engine = engine;
      h.sync = new SyncService(core, clients, engine);
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
      await engine.dispose?.();
      await proxy.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Polls until `fn` returns true (the watcher and the queue are asynchronous); no timing is asserted. */
export async function until(fn: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fresh temp folder. */
export function tempFolder(stem = 's3drop-sync-'): string {
  return mkdtempSync(join(tmpdir(), stem));
}
