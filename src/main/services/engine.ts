/**
 * Builds the engine's services from their dependencies, without the contract's dispatcher (app-services.ts adds it
 * for the app and browser mode). The CLI calls services directly, so it builds only this: the dispatcher's handlers
 * and every command's schema are left out of a command's start. No state is held in module globals.
 */
import type { CoreDeps } from './context';
import { EventBus } from './events';
import { HistoryService } from './history/history-service';
import type { Logger } from './log/logger';
import { LandingService } from './landing/landing-service';
import type { Platform } from './platform';
import { ProfileService } from './profiles/profile-service';
import { BucketService } from './s3/bucket-service';
import { S3ClientFactory } from './s3/client-factory';
import { FileOpsService } from './s3/file-ops';
import { createDefaultSecretStore } from './secrets/keychain-store';
import type { SecretStore } from './secrets/secret-store';
import { SettingsService } from './settings/settings-service';
import { SyncService } from './sync/sync-service';
import { TransferService, type TransferServiceOptions } from './transfers/transfer-service';

/** What a composition root provides. */
export interface EngineOptions {
  platform: Platform;
  logger: Logger;
  env?: Record<string, string | undefined>;
  /** The secret store; defaults to the OS keychain with an in-memory fallback. */
  secrets?: SecretStore;
  /** Extra lines for "Copy diagnostics" (the host's versions). */
  diagnosticsExtra?: () => Record<string, string>;
  /** The event bus; a root that passes its own is subscribed before the engine starts, so it sees start-up notices. */
  events?: EventBus;
  /** How long transfers wait for an endpoint that does not answer (ms); default for as long as the app runs. */
  networkWaitMs?: number;
  /** When the transfer queue looks for stale multipart uploads (TransferServiceOptions); default at start. */
  staleUploads?: TransferServiceOptions['staleUploads'];
  /** Whether the journal's finished transfers are loaded into the list (TransferServiceOptions); default listed. */
  finishedTransfers?: TransferServiceOptions['finished'];
}

/** The built engine. */
export interface Engine {
  core: CoreDeps;
  events: EventBus;
  secrets: SecretStore;
  profiles: ProfileService;
  clients: S3ClientFactory;
  buckets: BucketService;
  /** The file manager's delete, undo/restore, move and new folder. */
  fileOps: FileOpsService;
  transfers: TransferService;
  sync: SyncService;
  landing: LandingService;
  /** What was uploaded, downloaded, deleted and synced. */
  history: HistoryService;
  /** The text of "Copy diagnostics": versions and settings, never a secret. */
  diagnostics(): string;
  /** Stops watchers and the queue; the journal keeps what is unfinished for the next start. */
  dispose(): Promise<void>;
}

/** Builds every service and starts the transfer queue and sync. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const { platform, logger } = options;
  const events = options.events ?? new EventBus();
  const settings = SettingsService.inDataDir(platform.dataDir);
  // Built first: every service records through core.history, and it must see the queue's first snapshots.
  const history = new HistoryService({ dataDir: platform.dataDir, events, logger });
  const core: CoreDeps = { platform, events, logger, settings, env: options.env ?? { ...process.env }, history };
  if (settings.loadProblem) logger.warn(settings.loadProblem.message);

  const secrets = options.secrets ?? createDefaultSecretStore(core);
  const profiles = new ProfileService(core, secrets);
  const clients = new S3ClientFactory(core, profiles);
  const buckets = new BucketService(core, clients);
  const fileOps = new FileOpsService(clients, {}, history);
  const transferOptions: TransferServiceOptions = {
    ...(options.networkWaitMs !== undefined ? { networkWaitMs: options.networkWaitMs } : {}),
    ...(options.staleUploads !== undefined ? { staleUploads: options.staleUploads } : {}),
    ...(options.finishedTransfers !== undefined ? { finished: options.finishedTransfers } : {}),
  };
  const transfers = new TransferService(core, clients, transferOptions);
  const sync = new SyncService(core, clients, transfers);
  const landing = new LandingService(core);

  const diagnostics = () =>
    JSON.stringify(
      { version: platform.version, platform: process.platform, arch: process.arch, node: process.versions.node, settings: settings.get(), ...options.diagnosticsExtra?.() },
      null,
      2,
    );

  await transfers.start();
  // What the journal still holds from before history existed (or from a run that could not record it).
  history.recordRestored(transfers.list().transfers);
  await sync.start();
  if (settings.loadProblem) {
    const problem = settings.loadProblem;
    // Deferred so that a UI subscribing right after start-up still sees it.
    setTimeout(() => events.emit('app:notice', { level: 'warning', error: problem.toData() }), 0);
  }

  return {
    core,
    events,
    secrets,
    profiles,
    clients,
    buckets,
    fileOps,
    transfers,
    sync,
    landing,
    history,
    diagnostics,
    async dispose() {
      await sync.dispose();
      await transfers.dispose();
      profiles.dispose();
      history.close();
    },
  };
}
