/** The typed API the UI uses, apart from its transports so the store (and its tests) need no DOM. */
import type { CommandInput, CommandName, CommandOutput, EventName, Events } from '../shared/contract';
import type { Result } from '../shared/result';
import type { Bridge } from '../shared/bridge';

/** The typed API the UI uses. */
export interface Api {
  invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<Result<CommandOutput<K>>>;
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
  bridge: Bridge<File>;
}
