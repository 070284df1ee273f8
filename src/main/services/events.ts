/** A typed in-process event bus: the engine emits contract events; transports subscribe. */
import type { EventName, Events } from '../../shared/contract';

/** A listener for every event, as transports use it. */
export type AnyListener = <K extends EventName>(name: K, payload: Events[K]) => void;

/** The engine's event bus. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly anyListeners = new Set<AnyListener>();

  /** Sends an event to every subscriber; a throwing listener cannot break the others. */
  emit<K extends EventName>(name: K, payload: Events[K]): void {
    for (const fn of this.listeners.get(name) ?? []) safeCall(() => (fn as (p: Events[K]) => void)(payload));
    for (const fn of this.anyListeners) safeCall(() => fn(name, payload));
  }

  /** Subscribes to one event; returns the unsubscribe function. */
  on<K extends EventName>(name: K, fn: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as (payload: never) => void);
    return () => set.delete(fn as (payload: never) => void);
  }

  /** Subscribes to every event (a transport forwarding them all); returns the unsubscribe function. */
  onAny(fn: AnyListener): () => void {
    this.anyListeners.add(fn);
    return () => this.anyListeners.delete(fn);
  }
}

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch {
    // A broken subscriber (a closed window, a dropped socket) must not stop delivery to the rest.
  }
}

/** How often progress and status go out at most: 200 ms, 5 a second (CONTRIBUTING: snapshots, never per chunk). */
export const SNAPSHOT_INTERVAL_MS = 200;

/**
 * Runs `fn` at most once per interval however often it is requested: a request while one waits is folded into it,
 * and a request after a quiet spell runs at the end of the interval since the last run. With `immediate`, a
 * request after a quiet spell runs at once instead (callers that are never mid-change when they ask); without it
 * `fn` always runs from a timer, so it never sees a caller's half-made change.
 */
export class Throttle {
  private timer?: NodeJS.Timeout;
  private last = 0;

  /** `intervalMs` is how long at least passes between two runs. */
  constructor(
    private readonly fn: () => void,
    private readonly intervalMs = SNAPSHOT_INTERVAL_MS,
    private readonly options: { immediate?: boolean } = {},
  ) {}

  /** Asks for a run. */
  request(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.intervalMs - (Date.now() - this.last));
    if (wait === 0 && this.options.immediate) this.run();
    else this.timer = setTimeout(() => this.run(), wait);
  }

  /** Drops a waiting run (shutdown). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    this.last = Date.now();
    this.fn();
  }
}
