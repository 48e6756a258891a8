import type { EventName, EventPayload } from '#contract/ipc/contract';

/** A typed event hub for the contract's events. */
export interface CoreEvents {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
}

/** Creates the hub. A throwing listener is logged by the caller's `onError`, never rethrown. */
export function createCoreEvents(onError: (e: unknown) => void): CoreEvents {
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  return {
    emit(event, payload) {
      for (const cb of listeners.get(event) ?? []) {
        try {
          (cb as (p: typeof payload) => void)(payload);
        } catch (e) {
          onError(e);
        }
      }
    },
    on(event, cb) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(cb as (p: never) => void);
      return () => void set.delete(cb as (p: never) => void);
    },
  };
}
