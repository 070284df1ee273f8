/**
 * A real engine in its own process, for the kill -9 tests: it opens the journal in `dataDir`, enqueues the
 * upload (or, with `download`, the download of `key` to `file`) only when the journal is empty (a restart must resume from the journal, not re-add), waits for the
 * result and prints it as one JSON line. Bundled by the test with esbuild and run with Node 24.
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
  settings: Record<string, unknown>;
  download?: boolean;
  /** A download's older version (the journal keeps it; a restart does not pass it again). */
  versionId?: string;
  /** S3DROP_TEST_S3=aws-proxy: reach the server as Amazon S3 through this proxy. */
  aws?: AwsProxyAccess;
}

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const settings = SettingsService.inDataDir(args.dataDir);
settings.update(args.settings);
const { clients, core } = staticEngineDeps(args.dataDir, args, settings);
const engine = new TransferService(core, clients, { retry: { attempts: 4, baseMs: 50, maxMs: 500 } });
await engine.start();
const existing = engine.list().transfers;
const request = { localPath: args.file, profileId: 'child', bucket: args.bucket, key: args.key };
const ids = existing.length > 0 ? existing.map((t) => t.id) : args.download ? engine.enqueueDownloads([{ ...request, ...(args.versionId ? { versionId: args.versionId } : {}) }]) : engine.enqueue([request]);
process.stdout.write(JSON.stringify({ started: ids, resumed: existing.length > 0 }) + '\n');
const snaps = await engine.waitFor(ids);
await engine.dispose();
process.stdout.write(JSON.stringify({ result: snaps.map((s) => ({ state: s.state, error: s.error })) }) + '\n');
process.exit(0);
