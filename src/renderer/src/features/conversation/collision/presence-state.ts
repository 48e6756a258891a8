import type { PresenceChanged } from '#contract/ipc/contract';

/** What the app knows about one other member in the open conversation. */
export interface MemberPresence {
  viewing: boolean;
  /** When their last "typing" arrived (ms, this device's clock); null when they stopped. */
  typingAt: number | null;
  /** When they last typed, even if they stopped since (the collision rule reads this). */
  typedAt: number | null;
}

/** Other members' presence in one conversation, by user id. */
export type PresenceMap = ReadonlyMap<string, MemberPresence>;

/** A typing marker older than this is stale (their client refreshes it every 5 s while typing). */
export const TYPING_STALE_MS = 7_000;
/** Sending within this long after someone else typed asks first. */
export const RECENT_TYPING_MS = 10_000;

/**
 * Folds one `presence:changed` event into the map. Typing implies viewing (presence of a viewer
 * who opened the conversation before us arrives only with their next change); a member who left
 * and stopped typing drops out.
 */
export function applyPresence(map: PresenceMap, e: PresenceChanged, now: number): PresenceMap {
  const prev = map.get(e.userId) ?? { viewing: false, typingAt: null, typedAt: null };
  const next: MemberPresence = {
    viewing: e.viewing ?? (e.typing ? true : prev.viewing),
    typingAt: e.typing === undefined ? prev.typingAt : e.typing ? now : null,
    typedAt: e.typing ? now : prev.typedAt,
  };
  if (e.viewing === false) next.typingAt = null;
  const out = new Map(map);
  if (!next.viewing && next.typingAt === null) out.delete(e.userId);
  else out.set(e.userId, next);
  return out;
}

/** Who is typing now (a fresh marker), and who is viewing without typing. */
export function presenceNow(map: PresenceMap, now: number): { typing: string[]; viewing: string[] } {
  const typing: string[] = [];
  const viewing: string[] = [];
  for (const [id, p] of map) {
    if (p.typingAt !== null && now - p.typingAt < TYPING_STALE_MS) typing.push(id);
    else if (p.viewing) viewing.push(id);
  }
  return { typing, viewing };
}

/** What the collision rule reads. */
export interface CollisionInput {
  now: number;
  meId: string;
  /** The other members' presence (their `typingAt`). */
  presence: PresenceMap;
  /** The thread's messages. */
  messages: readonly { convSeq: number; direction: string; authorId?: string | null }[];
  /** The newest `convSeq` when this draft was started (null: no draft yet). */
  draftBaseConvSeq: number | null;
}

/** Why sending now might collide: whose reply and how; null when nothing does. */
export interface Collision {
  userId: string;
  reason: 'typing' | 'replied';
}

/**
 * The collision rule: another member typed here in the last {@link RECENT_TYPING_MS}, or a
 * reply by another member landed after this draft was started. Replies win (they are facts;
 * typing is a hint), the newest first.
 */
export function findCollision(i: CollisionInput): Collision | null {
  if (i.draftBaseConvSeq !== null) {
    // Newest first; pending messages (no `convSeq` yet) are this device's own.
    for (let k = i.messages.length - 1; k >= 0; k--) {
      const m = i.messages[k]!;
      if (m.convSeq > i.draftBaseConvSeq && m.direction === 'outbound' && m.authorId && m.authorId !== i.meId)
        return { userId: m.authorId, reason: 'replied' };
    }
  }
  let newest: { id: string; at: number } | null = null;
  for (const [id, p] of i.presence) {
    if (id === i.meId || p.typedAt === null || i.now - p.typedAt >= RECENT_TYPING_MS) continue;
    if (!newest || p.typedAt > newest.at) newest = { id, at: p.typedAt };
  }
  return newest ? { userId: newest.id, reason: 'typing' } : null;
}

/** The newest server `convSeq` of a thread (0 when empty). */
export function newestConvSeq(messages: readonly { convSeq: number }[]): number {
  let max = 0;
  for (const m of messages) if (m.convSeq > max) max = m.convSeq;
  return max;
}
