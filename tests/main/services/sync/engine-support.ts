/**
 * Sync test parts that do not need vitest (the kill test's child process bundles them): a memory logger,
 * the app's client settings, a one-client S3Clients, core dependencies and the real transfer engine.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../../../../src/main/services/log/logger';
import type { ResolvedProfile } from '../../../../src/main/services/profiles/types';
import { clientConfig } from '../../../../src/main/services/s3/client-factory';
import type { S3Clients, S3Context } from '../../../../src/main/services/s3/types';
import type { CoreDeps } from '../../../../src/main/services/context';
import { EventBus } from '../../../../src/main/services/events';
import { SettingsService } from '../../../../src/main/services/settings/settings-service';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { awsProfile, type AwsProxyAccess } from '../../../support/aws-proxy';

/** Where the test server is, as the child process receives it. */
export interface EndpointInfo {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** S3DROP_TEST_S3=aws-proxy: the app's client is an Amazon S3 one reaching the server through this proxy. */
  aws?: AwsProxyAccess;
}

/** A logger that keeps lines in memory. */
export function memoryLogger(lines: string[] = []): Logger {
  const put = (level: string) => (m: string, ...d: unknown[]) => void lines.push(`${level} ${m} ${d.map(String).join(' ')}`);
  return { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

/** The app's client settings for a custom endpoint, pointed at `endpoint` (or the engine's own AWS settings, with `info.aws`). */
export function appClient(info: EndpointInfo, endpoint: string): S3Client {
  if (info.aws) return new S3Client(clientConfig(awsProfile(info.aws), 'us-east-1', 2));
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

/**
 * S3Clients over one client (the profile layer is another teammate's; sync only needs the client); `endpoint` is what
 * the profile names; `aws` makes it an Amazon S3 profile (no endpoint, `customEndpoint` false).
 */
export function fixedClients(client: S3Client, endpoint?: string, aws = false): S3Clients {
  return {
    async forProfile() {
      const profile = { summary: { id: 'test', name: 'test' }, region: 'us-east-1', forcePathStyle: !aws, ...(endpoint && !aws ? { endpoint } : {}) } as unknown as ResolvedProfile;
      // transferClient/region: fields the transfers work adds to S3Context; harmless before it lands.
      return { client, transferClient: client, region: 'us-east-1', profile, customEndpoint: !aws } as unknown as S3Context;
    },
    invalidate() {},
  };
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

/** The real transfer engine over the test clients; the caller starts and disposes it. */
export function makeEngine(core: CoreDeps, clients: S3Clients): TransferService {
  return new TransferService(core, clients);
}
