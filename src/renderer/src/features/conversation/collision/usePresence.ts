import { useEffect, useState } from 'react';
import { useParleyClient } from '../../../api';
import { applyPresence, presenceNow, type PresenceMap } from './presence-state';

/** What {@link usePresence} returns. */
export interface ConversationPresence {
  /** Everyone else's presence here (for the collision rule). */
  map: PresenceMap;
  /** Who is typing now and who is only viewing (user ids). */
  typing: string[];
  viewing: string[];
}

const EMPTY: PresenceMap = new Map();

/**
 * Other members viewing or typing in `conversationId`, from `presence:changed` (ephemeral: the
 * server relays it to those who may see the conversation, never stores it). Re-renders once a
 * second while someone types, so a marker nobody refreshed fades out.
 */
export function usePresence(conversationId: string): ConversationPresence {
  const client = useParleyClient();
  const [state, setState] = useState<{ id: string; map: PresenceMap }>({ id: conversationId, map: EMPTY });
  const [now, setNow] = useState(() => Date.now());
  const map = state.id === conversationId ? state.map : EMPTY;

  useEffect(
    () =>
      client.subscribe('presence:changed', (e) => {
        if (e.conversationId !== conversationId) return;
        const at = Date.now();
        setNow(at);
        setState((s) => ({
          id: conversationId,
          map: applyPresence(s.id === conversationId ? s.map : EMPTY, e, at),
        }));
      }),
    [client, conversationId],
  );

  const { typing, viewing } = presenceNow(map, now);
  const anyTyping = typing.length > 0;
  useEffect(() => {
    if (!anyTyping) return undefined;
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, [anyTyping]);
  return { map, typing, viewing };
}
