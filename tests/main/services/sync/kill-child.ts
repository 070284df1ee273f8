/** Child process for the kill test: one sync pass over a folder, to be SIGKILLed part-way. */
import type { SyncPairInput } from '../../../../src/main/services/sync/pair-store';
import { SyncService } from '../../../../src/main/services/sync/sync-service';
import { appClient, fixedClients, makeCore, makeEngine, type EndpointInfo } from './engine-support';

const cfg = JSON.parse(process.env.S3DROP_KILL_CHILD ?? '{}') as { info: EndpointInfo; endpoint: string; dataDir: string; pair: SyncPairInput };
const client = appClient(cfg.info, cfg.endpoint);
const core = makeCore(cfg.dataDir);
const clients = fixedClients(client, cfg.endpoint, Boolean(cfg.info.aws));
const engine = makeEngine(core, clients);
await engine.start();
const sync = new SyncService(core, clients, engine);
process.stdout.write('started\n');
const summary = await sync.syncOnce(cfg.pair);
process.stdout.write(`done ${summary.uploaded}\n`);
await engine.dispose();
