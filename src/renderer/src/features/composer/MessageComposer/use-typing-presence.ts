import { useRef } from 'react';
import { useParleyClient } from '../../../api';

/** Typing presence is refreshed at most this often. */
const TYPING_REFRESH_MS = 5_000;
/** Typing stops being announced after this pause. */
const TYPING_IDLE_MS = 4_000;

/**
 * Returns what to call on each keystroke of a reply: teammates see "… is typing" (refreshed at
 * most every 5 s, not once per key) until 4 s without a key. Notes announce nothing: nobody else
 * is writing to the customer.
 */
export function useTypingPresence(conversationId: string, isNote: boolean): () => void {
  const client = useParleyClient();
  const typing = useRef<{ lastSent: number; idle: number | null }>({ lastSent: 0, idle: null });
  return () => {
    if (isNote) return;
    const now = Date.now();
    if (now - typing.current.lastSent > TYPING_REFRESH_MS) {
      typing.current.lastSent = now;
      void client.call('presence:set', { conversationId, typing: true });
    }
    if (typing.current.idle !== null) window.clearTimeout(typing.current.idle);
    typing.current.idle = window.setTimeout(() => {
      typing.current.lastSent = 0;
      void client.call('presence:set', { conversationId, typing: false });
    }, TYPING_IDLE_MS);
  };
}
