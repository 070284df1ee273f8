/**
 * The engine's core dependencies over one fixed endpoint and key pair, for code that runs the real engine in a
 * process of its own (child processes in tests, benchmark drivers): no profiles, no keychain, silent logs.
 */
import { EventBus } from '../../src/main/services/events';
import { silentLogger } from '../../src/main/services/log/logger';
import { S3ClientFactory } from '../../src/main/services/s3/client-factory';
import { SettingsService } from '../../src/main/services/settings/settings-service';
import { awsProfile, type AwsProxyAccess } from './aws-proxy';

/** Where and as whom to connect. */
export interface StaticEndpoint {
  endpoint: string;
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, profiles are Amazon S3 ones reaching the AWS-behaviour proxy (`endpoint` is then unused). */
  aws?: AwsProxyAccess;
}

/** Builds the core deps (settings in `dataDir`) and a client factory whose every profile uses `s3`. */
export function staticEngineDeps(dataDir: string, s3: StaticEndpoint, settings: SettingsService = SettingsService.inDataDir(dataDir)) {
  const core = {
    platform: {
      dataDir,
      logsDir: dataDir,
      version: 'static',
      capabilities: { transport: 'browser' as const, nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    events: new EventBus(),
    logger: silentLogger,
    settings,
    env: {},
  };
  const clients = new S3ClientFactory(core, {
    resolve: async (id) =>
      s3.aws ? awsProfile(s3.aws, id, s3.region) : {
      summary: { id, name: id, kind: 'keys', source: 'app', hasSecret: true },
      region: s3.region ?? 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: async () => ({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }),
    },
  });
  return { core, clients };
}
