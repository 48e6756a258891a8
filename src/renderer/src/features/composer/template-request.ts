import { useEffect, useSyncExternalStore } from 'react';

/**
 * "Send a template" from anywhere (a failed bubble, the outbox tray): the conversation's
 * composer opens its template picker when it shows that conversation. A tiny store rather than
 * props through the app frame, the layout and the pane: the request may be made before the
 * conversation is open, and is consumed by whichever composer shows it.
 */
let pending: string | null = null;
const listeners = new Set<() => void>();

/** Asks the composer of `conversationId` to open the template picker. */
export function requestTemplate(conversationId: string): void {
  pending = conversationId;
  for (const l of listeners) l();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Calls `open` (once per request) when a template is requested for this conversation. */
export function useTemplateRequest(conversationId: string, open: () => void): void {
  const requested = useSyncExternalStore(subscribe, () => pending);
  useEffect(() => {
    if (requested !== conversationId) return;
    pending = null;
    open();
    for (const l of listeners) l();
  }, [requested, conversationId, open]);
}
