/**
 * How a component sends contract commands: one hook instead of invoke / `if (!res.ok)` / error state written out by
 * hand in every screen. A refusal goes where the component shows errors: its own ErrorMessage, or a toast.
 */
import { useCallback, useRef, useState } from 'react';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/contract';
import type { AppErrorData } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { useStoreApi } from './store';

/** Where refusals go, and when an error on screen is cleared. */
export interface CommandOptions {
  /** Refusals become error toasts (rows and buttons with no room for a message); `error` then stays null. */
  toast?: boolean;
  /** Keep the error on screen until the next answer replaces it (a listing that reloads), instead of clearing it when a command starts. */
  keepError?: boolean;
}

/** What useCommand() gives a component. */
export interface Commands {
  /** Sends a command and reports a refusal; the Result comes back for what the component does with a success. */
  run<K extends CommandName>(name: K, input: CommandInput<K>): Promise<Result<CommandOutput<K>>>;
  /** Reports a Result that did not come from `run` (the store's saveSettings) the same way. */
  settle<T>(pending: Promise<Result<T>>): Promise<Result<T>>;
  /** Reports an error no command returned (a file that could not be spooled) the same way. */
  report(error: AppErrorData): void;
  /** The newest command's refusal, for the component's ErrorMessage; always null with `toast`. */
  error: AppErrorData | null;
  /** Sets or clears the error by hand. */
  setError(error: AppErrorData | null): void;
}

/** The component's command runner; `run`, `settle` and `report` keep their identity across renders (safe in effect deps). */
export function useCommand({ toast = false, keepError = false }: CommandOptions = {}): Commands {
  const store = useStoreApi();
  const [error, setError] = useState<AppErrorData | null>(null);
  // Only the newest command's answer sets `error`: a late answer to an older one must not replace the newest's outcome.
  const newest = useRef(0);

  const report = useCallback((e: AppErrorData) => (toast ? store.toast({ level: 'error', error: e }) : setError(e)), [store, toast]);

  const settle = useCallback(
    async <T>(pending: Promise<Result<T>>): Promise<Result<T>> => {
      const mine = ++newest.current;
      // Cleared as the command starts, so a repeated refusal is announced again (ErrorMessage is an alert).
      if (!toast && !keepError) setError(null);
      const res = await pending;
      if (toast || mine === newest.current) {
        if (!res.ok) report(res.error);
        else if (keepError) setError(null);
      }
      return res;
    },
    [toast, keepError, report],
  );

  const run = useCallback<Commands['run']>((name, input) => settle(store.api.invoke(name, input)), [store, settle]);

  return { run, settle, report, error, setError };
}
