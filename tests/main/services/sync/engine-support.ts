/**
 * Sync test parts that do not need vitest (the kill test's child process bundles them): a memory logger,
 * the app's client settings, a one-client S3Clients, and the interim engine used until transfers lands.
 */
import { readFile } from 'node:fs/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { TransferSnapshot } from '../../../../src/shared/contract';
import { toErrorData } from '../../../../src/shared/errors';
import type { Logger } from '../../../../src/main/services/log/logger';
import type { ResolvedProfile } from '../../../../src/main/services/profiles/types';
import type { S3Clients, S3Context } from '../../../../src/main/services/s3/types';
import type { TransferEngine, UploadRequest } from '../../../../src/main/services/transfers/types';
import type { CoreDeps } from '../../../../src/main/services/context';
import { EventBus } from '../../../../src/main/services/events';
import { SettingsService } from '../../../../src/main/services/settings/settings-service';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';

/** Where the test server is, as the child process receives it. */
export interface EndpointInfo {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A logger that keeps lines in memory. */
export function memoryLogger(lines: string[] = []): Logger {
  const put = (level: string) => (m: string, ...d: unknown[]) => void lines.push(`${level} ${m} ${d.map(String).join(' ')}`);
  return { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

/** The app's client settings for a custom endpoint, pointed at `endpoint`. */
export function appClient(info: EndpointInfo, endpoint: string): S3Client {
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


/** Core dependencies over a data dir, as a headless host would build them. */
export function makeCore(dataDir: string, logs: string[] = []): CoreDeps {
  return {
    platform: { dataDir, logsDir: dataDir, version: 'test', capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false } },
    events: new EventBus(),
    logger: memoryLogger(logs),
    settings: SettingsService.inDataDir(dataDir),
    env: {},
  };
}

/** The engine a test process uses: the real one once it has `enqueue`, else the interim stand-in. */
export function makeEngine(core: CoreDeps, clients: S3Clients, client: S3Client): TransferEngine & { start?(): Promise<void>; dispose?(): Promise<void> } {
  const real = typeof (TransferService.prototype as unknown as Partial<TransferEngine>).enqueue === 'function';
  return real ? (new TransferService(core, clients) as unknown as TransferEngine & { start(): Promise<void>; dispose(): Promise<void> }) : new InterimEngine(client);
}
