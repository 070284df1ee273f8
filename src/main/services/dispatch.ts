/**
 * The transport-independent command dispatcher: name check, schema parse of an `unknown` payload,
 * handler call, and conversion of every outcome to a `Result`. Both Electron IPC and the WebSocket
 * server call this, so the rules are enforced once.
 */
import { commands, isCommandName, type CommandArgs, type CommandName, type CommandOutput } from '../../shared/contract';
import { AppError, toErrorData } from '../../shared/errors';
import { fail, ok, type Result } from '../../shared/result';
import type { Logger } from './log/logger';

/** One handler per command, receiving the parsed input. */
export type Handlers = {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandOutput<K>> | CommandOutput<K>;
};

/** Calls a command by name with an untrusted payload; never throws. */
export type Dispatch = (name: unknown, payload: unknown) => Promise<Result<unknown>>;

/** Builds the dispatcher over a full set of handlers. */
export function createDispatcher(handlers: Handlers, logger?: Logger): Dispatch {
  return async (name, payload) => {
    if (!isCommandName(name)) {
      // Never String() an untrusted value: an object with a hostile toString could throw here.
      const shown = typeof name === 'string' ? name.slice(0, 64) : `(${typeof name})`;
      return fail(new AppError('UNKNOWN_COMMAND', { command: shown }).toData());
    }
    const parsed = commands[name].input.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'payload';
      return fail(new AppError('INVALID_INPUT', { field }).toData());
    }
    try {
      const handler = handlers[name] as (args: unknown) => unknown;
      const value = await handler(parsed.data);
      return ok(value);
    } catch (err) {
      const data = toErrorData(err);
      if (data.code === 'UNKNOWN') logger?.error(`command ${name} failed`, err);
      else logger?.debug(`command ${name}: ${data.code}`, data.details ?? '');
      return fail(data);
    }
  };
}
