import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '#contract/ipc/contract';
import { useParleyClient } from './ParleyProvider';

/**
 * Subscribes to an app event for the component's lifetime. The latest `handler` is called,
 * so callers need not memoize it, and the subscription is made once per client.
 */
export function useParleyEvent<E extends EventName>(
  event: E,
  handler: (payload: EventPayload<E>) => void,
): void {
  const client = useParleyClient();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => client.subscribe(event, (payload) => latest.current(payload)), [client, event]);
}

/** Whether a `replica:changed` event touches any of `tables`. */
export function touchesTables(change: EventPayload<'replica:changed'>, tables: readonly string[]): boolean {
  return change.tables.some((t) => tables.includes(t));
}
