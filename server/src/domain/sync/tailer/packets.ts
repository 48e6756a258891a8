import type { ChangeEntry, ClientMutationResult, LivePacket, Tick } from '#contract/sync/protocol';

// The tailer's output side (sync-protocol §2.6): one packet per user per batch
// `{prev, seq, changes, tenantSeq, lmid?, mutationResults?}` into the user's room, through an
// emitter port the transport provides (the Socket.IO gateway). `prev` is the seq of the previous
// packet this tailer delivered to that user — null after a (re)start, which makes clients pull.
// Users whose packets are identical share one emit, so Socket.IO encodes it once for all their
// rooms: the router hands out one object per distinct change, so packets compare by identity.

/** How packets and ticks leave the process (the gateway: Socket.IO rooms through the adapter). */
export type TailerEmitter = {
  changes: (rooms: string[], packet: LivePacket) => void;
  tick: (rooms: string[], tick: Tick) => void;
};

/** The room of one user of one organization — the only room a sync socket joins. */
export const userRoom = (organizationId: string, userId: string): string => `u:${organizationId}:${userId}`;

/** What a pushing user learns with their packet: `lmid` per client and the applied results. */
export type UserResults = { lmid: Record<string, number>; results: ClientMutationResult[] };

/** The last packet delivered to each user of an organization (its seq, and when). */
export type Delivered = Map<string, { seq: number; at: number }>;

/** One batch's routed output. */
export type RoutedBatch = {
  /** Per user, the changes of the batch in stream order (compacted per row). */
  changes: Map<string, ChangeEntry[]>;
  /** Per user, mutation provenance; users here get a packet even without changes. */
  results: Map<string, UserResults>;
  /** The batch's last seq (every packet's `seq`). */
  end: number;
  tenantSeq: number;
};

/**
 * Emits one packet per user of a routed batch (users with identical packets share one emit)
 * and records it in `delivered`, whose previous entries are the packets' `prev`.
 */
export function emitPackets(
  emit: TailerEmitter,
  organizationId: string,
  delivered: Delivered,
  batch: RoutedBatch,
  now: number,
): void {
  const ids = new Map<ChangeEntry, number>();
  const idOf = (c: ChangeEntry) => {
    let n = ids.get(c);
    if (n === undefined) ids.set(c, (n = ids.size));
    return n;
  };
  const users = [...batch.changes.keys()];
  for (const userId of batch.results.keys()) if (!batch.changes.has(userId)) users.push(userId);
  const groups = new Map<string, { rooms: string[]; packet: LivePacket }>();
  for (const userId of users) {
    const prev = delivered.get(userId)?.seq ?? null;
    const mine = batch.results.get(userId);
    const changes = batch.changes.get(userId) ?? [];
    const signature = mine ? `u:${userId}` : `${prev}|${changes.map(idOf).join(',')}`;
    let group = groups.get(signature);
    if (!group) {
      const packet: LivePacket = { prev, seq: batch.end, changes, tenantSeq: batch.tenantSeq };
      if (mine) {
        packet.lmid = mine.lmid;
        if (mine.results.length > 0) packet.mutationResults = mine.results;
      }
      groups.set(signature, (group = { rooms: [], packet }));
    }
    group.rooms.push(userRoom(organizationId, userId));
    delivered.set(userId, { seq: batch.end, at: now });
  }
  for (const g of groups.values()) emit.changes(g.rooms, g.packet);
}

/** Sends the heartbeat to every user delivered to since `cutoff` (forgetting older ones). */
export function emitTicks(
  emit: TailerEmitter,
  organizationId: string,
  delivered: Delivered,
  cutoff: number,
): void {
  const bySeq = new Map<number, string[]>();
  for (const [userId, d] of delivered) {
    if (d.at < cutoff) {
      delivered.delete(userId);
      continue;
    }
    bySeq.set(d.seq, [...(bySeq.get(d.seq) ?? []), userRoom(organizationId, userId)]);
  }
  for (const [seq, rooms] of bySeq) emit.tick(rooms, { seq });
}
