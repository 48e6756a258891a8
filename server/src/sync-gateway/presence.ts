import type { PresenceTyping, PresenceViewing } from '#contract/sync/protocol';
import type { Db } from '../storage/db';
import { userRoom } from '../domain/sync/tailer/packets';
import { membersWhoSee } from '../domain/visibility/queries';

// Ephemeral presence (sync-protocol §2.4): who has a conversation open and who is typing in it.
// Never logged, never stored: relayed at once to the rooms of the members who may see the
// conversation now (the same scope rule as everything else), never to the sender's own user,
// and only when the sender may see it. Evaluated with one query per event (`membersWhoSee`, the
// visibility rule in SQL); clients send them on change only (typing at most every 3 s).

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
  db: Db,
  organizationId: string,
  userId: string,
  conversationId: string,
  senderMustSee: boolean,
): Promise<string[] | null> {
  const users = await membersWhoSee(db, organizationId, conversationId);
  if (senderMustSee && !users.includes(userId)) return null;
  return users.filter((u) => u !== userId);
}

/** Creates the presence relay. */
export function createPresence(deps: { db: Db; emit: PresenceEmitter }) {
  const relay = async (
    organizationId: string,
    userId: string,
    conversationId: string,
    active: boolean,
    send: (rooms: string[]) => void,
  ): Promise<void> => {
    const to = await audience(deps.db, organizationId, userId, conversationId, active);
    if (to && to.length > 0) send(to.map((u) => userRoom(organizationId, u)));
  };

  return {
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
