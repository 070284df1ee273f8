/**
 * Runs the real engine once in its own process (so a test can start it as another user, e.g. for EACCES while the
 * suite runs as root): adds a profile, enqueues the given items, waits for them, and prints one JSON line with the
 * refusal or the final snapshots. Usage: node engine-once.mjs '<job json>'
 */
import { join } from 'node:path';
import type { TransferList } from '../../src/shared/contract';
import { createAppServices } from '../../src/main/services/app-services';
import { silentLogger } from '../../src/main/services/log/logger';
import { MemorySecretStore } from '../../src/main/services/secrets/secret-store';

/** What the parent passes. */
export interface EngineOnceJob {
  root: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  items: { path: string; relativeKey?: string }[];
}

const job = JSON.parse(process.argv[2]!) as EngineOnceJob;

async function main(): Promise<void> {
  const app = await createAppServices({
    platform: {
      dataDir: join(job.root, 'data'),
      logsDir: join(job.root, 'logs'),
      version: '0.0.0-test',
      capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    logger: silentLogger,
    env: { HOME: join(job.root, 'home') },
    secrets: new MemorySecretStore(),
  });
  const added = await app.dispatch('profiles:add', {
    name: 'once',
    accessKeyId: job.accessKeyId,
    secretAccessKey: job.secretAccessKey,
    endpoint: job.endpoint,
    region: job.region,
    preset: 'custom',
    forcePathStyle: true,
  });
  if (!added.ok) throw new Error(added.error.message);
  const res = await app.dispatch('transfers:enqueue', { items: job.items, target: { profileId: 'app:once', bucket: job.bucket } });
  if (!res.ok) {
    process.stdout.write(JSON.stringify({ stage: 'enqueue', error: res.error }) + '\n');
  } else {
    const ids = (res.value as { ids: string[] }).ids;
    for (;;) {
      const list = (await app.dispatch('transfers:list', {})) as { ok: true; value: TransferList };
      const mine = list.value.transfers.filter((t) => ids.includes(t.id));
      if (mine.length === ids.length && mine.every((t) => ['done', 'failed', 'cancelled', 'skipped'].includes(t.state))) {
        process.stdout.write(JSON.stringify({ stage: 'transfer', snapshots: mine }) + '\n');
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await app.dispose();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stdout.write(JSON.stringify({ stage: 'crash', message: String(err) }) + '\n');
  process.exit(1);
});
