// Issue 9, finding 6: 20,000 `presence:typing` events from one agent delayed that socket's pushes
// by 31 s and another organization's list p99 from 27 ms to 1 s — each event was handled in turn
// with one query. Three defences, per connection, all O(1) per event:
// 1. a token bucket over every incoming event (what exceeds it is dropped; an event waiting for
//    an ack is answered `rate_limited`, retryable);
// 2. typing coalesced: the same state for the same conversation within TYPING_RENEW_MS is not
//    relayed again (clients renew every 3 s; receivers expire a marker after 6 s);
// 3. presence audiences cached briefly (presence.ts), so presence costs no query per event.

/** Incoming events per second a connection may sustain, and the burst above it. */
export type EventLimits = { perSecond: number; burst: number };

/** Default: 20 events/s, bursts of 60 — far above what the client sends (pushes batch 100 mutations). */
export const DEFAULT_EVENT_LIMITS: EventLimits = { perSecond: 20, burst: 60 };

/** A relayed typing state counts as fresh this long: repeats inside it are not relayed. */
export const TYPING_RENEW_MS = 2_500;

/** A token bucket: `take()` is true while the connection is within its limits. */
export function createTokenBucket(limits: EventLimits, now: () => number = Date.now) {
  let tokens = limits.burst;
  let at = now();
  return {
    take: (): boolean => {
      const t = now();
      tokens = Math.min(limits.burst, tokens + ((t - at) / 1000) * limits.perSecond);
      at = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/**
 * Per-connection typing coalescing: `shouldRelay` is false for a repeat of the last relayed state
 * of a conversation within {@link TYPING_RENEW_MS}. Bounded: one entry per conversation typed in,
 * at most 50 (the oldest forgotten).
 */
export function createTypingCoalescer(now: () => number = Date.now) {
  const last = new Map<string, { typing: boolean; at: number }>();
  return {
    shouldRelay: (conversationId: string, typing: boolean): boolean => {
      const t = now();
      const prev = last.get(conversationId);
      if (prev && prev.typing === typing && t - prev.at < TYPING_RENEW_MS) return false;
      last.delete(conversationId);
      last.set(conversationId, { typing, at: t });
      if (last.size > 50) last.delete(last.keys().next().value!);
      return true;
    },
  };
}
