/** The engine's core dependencies for a benchmark process: a temp-free data dir, silent logs, static keys. */
import { EventBus } from '../src/main/services/events';
import { silentLogger } from '../src/main/services/log/logger';
import { S3ClientFactory } from '../src/main/services/s3/client-factory';
import { SettingsService } from '../src/main/services/settings/settings-service';

/** Builds the core deps and an S3 client factory over fixed keys for a custom endpoint. */
export function benchCore(dataDir: string, endpoint: string, accessKeyId: string, secretAccessKey: string) {
  const core = {
    platform: {
      dataDir,
      logsDir: dataDir,
      version: 'bench',
      capabilities: { transport: 'browser' as const, nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    events: new EventBus(),
    logger: silentLogger,
    settings: SettingsService.inDataDir(dataDir),
    env: {},
  };
  const clients = new S3ClientFactory(core, {
    resolve: async (id) => ({
      summary: { id, name: id, kind: 'keys', source: 'app', hasSecret: true },
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: async () => ({ accessKeyId, secretAccessKey }),
    }),
  });
  return { core, clients };
}
