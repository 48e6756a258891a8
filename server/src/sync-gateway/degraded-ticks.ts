import type { Tick } from '#contract/sync/protocol';

// Live fan-out without Redis. Every process hears every organization's change notifications
// from PostgreSQL, but only the organization's tailer reads the log and emits packets, and
// while Redis is down those reach the tailer's own sockets only. So while the adapter is lost,
// each process ticks its own sockets of a notified organization with the newest seq: a client
// whose cursor is behind a tick pulls (sync-protocol §2.6), so changes keep arriving within a
// pull's time instead of after the client's 25-second silence watchdog. Ticks are coalesced per
// organization (at most one per `coalesceMs`). A tick may name changes the user cannot see; its
// pull then returns nothing and moves the cursor on — the price of a degraded mode.

/** The part of the transport degraded ticks need. */
export type DegradedTickTransport = {
  sharedDown: () => boolean;
  socketsOfOrg: (org: string) => Iterable<{ emit: (event: 'sync:tick', tick: Tick) => unknown }>;
};

/** Default coalescing window. */
export const DEGRADED_TICK_MS = 100;

/** Creates the degraded-mode ticker; call `notified` for every change notification. */
export function createDegradedTicks(transport: DegradedTickTransport, opts: { coalesceMs?: number } = {}) {
  const coalesceMs = opts.coalesceMs ?? DEGRADED_TICK_MS;
  const pending = new Map<string, { seq: number; timer: NodeJS.Timeout }>();

  const flush = (org: string): void => {
    const p = pending.get(org);
    pending.delete(org);
    if (!p || !transport.sharedDown()) return;
    for (const socket of transport.socketsOfOrg(org)) socket.emit('sync:tick', { seq: p.seq });
  };

  return {
    /** An organization's log reached `seq` (a PostgreSQL notification). */
    notified(org: string, seq: number): void {
      if (!transport.sharedDown()) return;
      const p = pending.get(org);
      if (p) {
        p.seq = Math.max(p.seq, seq);
        return;
      }
      pending.set(org, { seq, timer: setTimeout(() => flush(org), coalesceMs) });
    },
    /** Drops pending ticks (shutdown). */
    stop(): void {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
    },
  };
}
