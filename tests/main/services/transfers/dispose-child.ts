/**
 * A real engine in its own process for the shutdown test: it starts a multipart upload through a slow link,
 * disposes the engine while parts are in flight, then lets the process end by itself (no process.exit), so an
 * unhandled error from an aborted part stream would show as exit code 1 and text on stderr.
 */
import { SettingsService } from '../../../../src/main/services/settings/settings-service';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import type { AwsProxyAccess } from '../../../support/aws-proxy';
import { staticEngineDeps } from '../../../support/static-engine';

interface ChildArgs {
  dataDir: string;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  file: string;
  bucket: string;
  key: string;
  /** S3DROP_TEST_S3=aws-proxy: reach the server as Amazon S3 through this proxy. */
  aws?: AwsProxyAccess;
}

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const settings = SettingsService.inDataDir(args.dataDir);
settings.update({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 3, bandwidthLimitKiBps: Number(process.env.BW ?? 4096) });
const { clients, core } = staticEngineDeps(args.dataDir, args, settings);
const engine = new TransferService(core, clients);
await engine.start();
const [id] = engine.enqueue([{ localPath: args.file, profileId: 'child', bucket: args.bucket, key: args.key }]);
// Parts in flight: the first one has finished and the next ones are streaming.
// EARLY=1 disposes while the first parts are still streaming (no part finished yet).
const ready = () => (process.env.EARLY === '1' ? (engine.get(id!)?.bytesDone ?? 0) > 0 : (engine.get(id!)?.partsDone ?? 0) >= 1);
while (!ready()) await new Promise((r) => setTimeout(r, 2));
if (process.env.BW !== '0') await new Promise((r) => setTimeout(r, 200));
await engine.dispose();

process.stdout.write(JSON.stringify({ disposed: true }) + '\n');
