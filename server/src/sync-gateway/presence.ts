import type { PresenceTyping, PresenceViewing } from '#contract/sync/protocol';
import type { Db } from '../storage/db';
import { userRoom } from '../domain/sync/tailer/packets';
import { membersWhoSee } from '../domain/visibility/queries';

// Ephemeral presence (sync-protocol §2.4): who has a conversation open and who is typing in it.
// Never logged, never stored: relayed at once to the rooms of the members who may see the
// conversation now (the same scope rule as everything else), never to the sender's own user,
// and only when the sender may see it. The audience is the visibility rule in SQL
// (`membersWhoSee`), cached per conversation for AUDIENCE_TTL_MS so a flood costs no query per
// event (issue 9, finding 6): a reassignment reaches presence within that time (presence is a
// hint that expires by itself; messages and changes never go through this cache).

/** How long a conversation's presence audience is reused. */
export const AUDIENCE_TTL_MS = 2_000;

/** Where presence goes: the user rooms of the gateway. */
export type PresenceEmitter = {
  viewing: (rooms: string[], p: PresenceViewing) => void;
  typing: (rooms: string[], p: PresenceTyping) => void;
};

/**
 * The members (other than `userId`) who see `conversationId`; null when `senderMustSee` and
 * `userId` does not see it. (Leaving or stopping is relayed even after the sender lost the
 * conversation, so nobody keeps a stale "viewing" or "typing" marker.)
 */
async function audience(
  members: (organizationId: string, conversationId: string) => Promise<string[]>,
  organizationId: string,
  userId: string,
  conversationId: string,
  senderMustSee: boolean,
): Promise<string[] | null> {
  const users = await members(organizationId, conversationId);
  if (senderMustSee && !users.includes(userId)) return null;
  return users.filter((u) => u !== userId);
}

/** Creates the presence relay. */
export function createPresence(deps: { db: Db; emit: PresenceEmitter; now?: () => number }) {
  const now = deps.now ?? Date.now;
  /** (organization, conversation) → its audience, with when it was read; concurrent reads share one query. */
  const cache = new Map<string, { at: number; users: Promise<string[]> }>();
  let queries = 0;
  const members = (organizationId: string, conversationId: string): Promise<string[]> => {
    const key = `${organizationId}/${conversationId}`;
    const hit = cache.get(key);
    if (hit && now() - hit.at < AUDIENCE_TTL_MS) return hit.users;
    queries++;
    const users = membersWhoSee(deps.db, organizationId, conversationId);
    users.catch(() => cache.delete(key));
    cache.set(key, { at: now(), users });
    // Bounded: expired entries are dropped once the map grows.
    if (cache.size > 10_000) for (const [k, v] of cache) if (now() - v.at >= AUDIENCE_TTL_MS) cache.delete(k);
    return users;
  };
  const relay = async (
    organizationId: string,
    userId: string,
    conversationId: string,
    active: boolean,
    send: (rooms: string[]) => void,
  ): Promise<void> => {
    const to = await audience(members, organizationId, userId, conversationId, active);
    if (to && to.length > 0) send(to.map((u) => userRoom(organizationId, u)));
  };

  return {
    /** Audience queries made so far (tests prove a flood costs a bounded number). */
    queries: () => queries,
    /** `userId` opened `conversationId` (or closed it). */
    viewing: (organizationId: string, userId: string, conversationId: string, viewing: boolean) =>
      relay(organizationId, userId, conversationId, viewing, (rooms) =>
        deps.emit.viewing(rooms, { conversationId, userId, viewing }),
      ),
    /** `userId` is (no longer) typing in `conversationId`. */
    typing: (organizationId: string, userId: string, conversationId: string, typing: boolean) =>
      relay(organizationId, userId, conversationId, typing, (rooms) =>
        deps.emit.typing(rooms, { conversationId, userId, typing }),
      ),
  };
}

/** The presence relay. */
export type Presence = ReturnType<typeof createPresence>;
