/** The services every handler may use; built once by `createAppServices`. */
import type { EventBus } from './events';
import type { HistoryRecorder } from './history/history-service';
import type { Logger } from './log/logger';
import type { Platform } from './platform';
import type { SettingsService } from './settings/settings-service';

/** Shared dependencies, passed to each domain's factory. */
export interface CoreDeps {
  platform: Platform;
  events: EventBus;
  logger: Logger;
  settings: SettingsService;
  /** The environment to read AWS_* variables from (process.env in production, a copy in tests). */
  env: Record<string, string | undefined>;
  /** Where services record what they did to objects (deletes, restores, sync passes); absent in some tests. */
  history?: HistoryRecorder;
}
