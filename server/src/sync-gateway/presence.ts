import { sql } from 'drizzle-orm';
import type { PresenceTyping, PresenceViewing } from '#contract/sync/protocol';
import { rowsOf } from '../storage/change-log';
import type { Db } from '../storage/db';
import { userRoom } from '../domain/sync/tailer';

// Ephemeral presence (sync-protocol §2.4): who has a conversation open and who is typing in it.
// Never logged, never stored: relayed at once to the rooms of the members who may see the
// conversation now (the same scope rule as everything else), never to the sender's own user,
// and only when the sender may see it. Evaluated with one query per event; clients send them on
// change only (typing at most every 3 s).

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
  const rows = rowsOf<{ user_id: string }>(
    await db.execute(sql`
      with c as (
        select assignee_id, team_id from conversations where organization_id = ${organizationId} and id = ${conversationId}
      ), policy as (
        select coalesce((select agents_see_all_team_conversations from organization_settings
          where organization_id = ${organizationId}), false) as see_all
      )
      select m.user_id from memberships m, c, policy
      where m.organization_id = ${organizationId} and m.deactivated_at is null and (
        m.role in ('manager', 'admin') or m.user_id = c.assignee_id or (
          c.team_id is not null and (c.assignee_id is null or policy.see_all) and exists (
            select 1 from team_members t where t.organization_id = ${organizationId}
              and t.team_id = c.team_id and t.user_id = m.user_id)))`),
  );
  const users = rows.map((r) => r.user_id);
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
