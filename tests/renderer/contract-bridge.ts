/** A renderer API over a bridge that checks payloads against the contract, as the engine's dispatcher does. */
import { commands, type CommandName } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type { Api } from '../../src/renderer/api-types';
import type { Bridge } from '../../src/shared/bridge';

/** A bridge that parses every payload with the contract's own schema, as the engine's dispatcher does, and keeps what it got. */
export function contractBridge() {
  const seen: { name: string; payload: unknown }[] = [];
  const bridge: Bridge<File> = {
    capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    invoke: async (name, payload): Promise<Result<unknown>> => {
      const parsed = commands[name as CommandName].input.safeParse(payload);
      if (!parsed.success) return { ok: false, error: { code: 'INVALID_INPUT', message: parsed.error.message } };
      seen.push({ name, payload: parsed.data });
      return { ok: true, value: [] };
    },
    on: () => () => undefined,
  };
  // The same shape createApi builds (api.ts itself needs the DOM library, which tests compile without).
  const api: Api = { bridge, invoke: (name, input) => bridge.invoke(name, input) as never, on: (name, listener) => bridge.on(name, listener as (p: unknown) => void) };
  return { api, seen };
}
