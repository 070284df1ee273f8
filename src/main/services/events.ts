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
