/**
 * The soak test's engine process: the real engine (createAppServices) in its own process, so the test can
 * SIGKILL it at any moment and start it again on the same data folder. It uploads one folder, keeps another in
 * sync, retries what fails (as a person pressing "Retry all" would), and prints one JSON status line per tick.
 * Usage: node engine-child.mjs <job.json>
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileSummary, SyncPairStatus, TransferList } from '../../src/shared/contract';
import { createAppServices } from '../../src/main/services/app-services';
import { createFileLogger } from '../../src/main/services/log/logger';
import { MemorySecretStore } from '../../src/main/services/secrets/secret-store';

/** What the parent writes to job.json. */
export interface SoakJob {
  root: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  uploadDir: string;
  syncDir: string;
}

/** One status line. */
export interface SoakStatus {
  type: 'status';
  queued: number;
  running: number;
  failed: number;
  done: number;
  sync: string;
  syncPending: number;
  retries: number;
  idle: boolean;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as SoakJob;
const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

async function main(): Promise<void> {
  const dataDir = join(job.root, 'data');
  const logsDir = join(job.root, 'logs');
  const logger = createFileLogger({ dir: logsDir, level: 'info' });
  const app = await createAppServices({
    platform: {
      dataDir,
      logsDir,
      version: '0.0.0-soak',
      capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    logger,
    env: { HOME: join(job.root, 'home'), PATH: process.env.PATH },
    secrets: new MemorySecretStore(),
  });
  const call = async <T>(name: string, payload: unknown): Promise<T> => {
    const res = await app.dispatch(name, payload);
    if (!res.ok) throw new Error(`${name}: ${res.error.code} ${res.error.message} ${res.error.details ?? ''}`);
    return res.value as T;
  };

  // The secret lives in memory only (no keychain in the child), so it is given again at every start.
  const profiles = await call<ProfileSummary[]>('profiles:list', {});
  const profileId = 'app:soak';
  if (profiles.some((p) => p.id === profileId)) await call('profiles:update', { id: profileId, secretAccessKey: job.secretAccessKey });
  else {
    await call('profiles:add', {
      name: 'soak',
      accessKeyId: job.accessKeyId,
      secretAccessKey: job.secretAccessKey,
      endpoint: job.endpoint,
      region: job.region,
      preset: 'custom',
      forcePathStyle: true,
    });
    await call('settings:update', { partSizeMiB: 8, multipartThresholdMiB: 16, concurrency: 8 });
  }

  const marker = join(job.root, 'enqueued');
  if (!existsSync(marker)) {
    const { ids } = await call<{ ids: string[] }>('transfers:enqueue', {
      items: [{ path: job.uploadDir, relativeKey: 'up' }],
      target: { profileId, bucket: job.bucket, prefix: '' },
    });
    writeFileSync(`${marker}.tmp`, String(ids.length));
    renameSync(`${marker}.tmp`, marker);
  }
  say({ type: 'enqueued' });

  let pairs = await call<SyncPairStatus[]>('sync:list', {});
  if (pairs.length === 0) {
    await call('sync:add', { folder: job.syncDir, target: { profileId, bucket: job.bucket, prefix: 'sync/' }, mode: 'upload-only', stableMs: 0 });
  }

  let retries = 0;
  let idleTicks = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const list = await call<TransferList>('transfers:list', {});
    pairs = await call<SyncPairStatus[]>('sync:list', {});
    const pair = pairs[0];
    const o = list.overall;
    const busy = o.queued + o.running > 0;
    if (!busy && o.failed > 0) {
      retries++;
      await call('transfers:retry', {});
    }
    const syncIdle = !!pair && pair.state === 'up-to-date' && pair.pending === 0;
    idleTicks = !busy && o.failed === 0 && syncIdle ? idleTicks + 1 : 0;
    if (pair && !busy && pair.state === 'error') {
      // A pass that failed (faults on its listing) is simply run again, as the watcher would later.
      await app.dispatch('sync:now', { id: pair.config.id });
    }
    const status: SoakStatus = {
      type: 'status',
      queued: o.queued,
      running: o.running,
      failed: o.failed,
      done: o.done,
      sync: pair?.state ?? 'none',
      syncPending: pair?.pending ?? -1,
      retries,
      idle: idleTicks >= 3,
    };
    say(status);
  }
}

main().catch((err: unknown) => {
  say({ type: 'fatal', message: String((err as Error)?.stack ?? err) });
  process.exit(1);
});
