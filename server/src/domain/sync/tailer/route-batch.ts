import type { ChangeEntry, ScopeReason } from '#contract/sync/protocol';
import type { Db } from '../../../storage/db';
import { readSeeAll } from '../../visibility/queries';
import { canSeeCannedResponse, type ConversationFacts } from '../../visibility/rule';
import { groupOfEntry, SETTINGS_ENTITY } from '../../visibility/scope-changes';
import { buildGrants, isRowOp, type LogEntry } from '../log';
import type { Loaded } from '../projection';
import { isWireEntity, putOf, scopeOf } from '../wire';
import type { AclCache } from './acl-cache';

// The tailer's router (sync-protocol §2.6): walks a batch of log entries in seq order and
// decides, entry by entry, which users receive what, with the ACL cache moved forward by the
// stream itself (member, team and group entries change it as they pass), so each entry goes to
// the users who may see it at that point of the stream — intersected with the current row, so
// nobody gets a row they no longer see. Per user, changes are compacted per row (the newest
// wins); identical changes are one object shared by every user who gets them.

/** A change for one user; a grant's entry is filled in once all grants of the batch are built. */
type Slot = { change: ChangeEntry | null; grant?: string; dead?: boolean };

/** Hands out one object per distinct change, so identical packets compare by identity. */
type Intern = (key: string, make: () => ChangeEntry | null) => ChangeEntry | null;

/** Routes a batch whose rows are `loaded`; returns each user's changes in stream order. */
export async function routeBatch(
  db: Db,
  organizationId: string,
  acl: AclCache,
  entries: readonly LogEntry[],
  loaded: Loaded,
): Promise<Map<string, ChangeEntry[]>> {
  const perUser = new Map<string, Slot[]>();
  /** Per user, the live slot of each row key (compaction without rescanning the list). */
  const latest = new Map<string, Map<string, Slot>>();
  const add = (userId: string, key: string | null, change: ChangeEntry | null, grant?: string) => {
    let list = perUser.get(userId);
    if (!list) perUser.set(userId, (list = []));
    const slot: Slot = grant === undefined ? { change } : { change, grant };
    if (key !== null) {
      let keys = latest.get(userId);
      if (!keys) latest.set(userId, (keys = new Map()));
      const old = keys.get(key);
      if (old) old.dead = true;
      keys.set(key, slot);
    }
    list.push(slot);
  };
  const interned = new Map<string, ChangeEntry>();
  const intern: Intern = (k, make) => {
    const hit = interned.get(k);
    if (hit) return hit;
    const c = make();
    if (c) interned.set(k, c);
    return c;
  };
  const grants: { conversationId: string; seq: number; userId: string; scope: ScopeReason[] }[] = [];

  for (const e of entries) {
    if (isRowOp(e.op)) {
      if (e.entity === SETTINGS_ENTITY) acl.seeAll = await readSeeAll(db, organizationId);
      if (!isWireEntity(e.entity)) continue;
      const entity = e.entity;
      const key = `${entity}\0${e.entityId}`;
      for (const u of recipientsOf(acl, loaded, e)) {
        const change =
          entity === 'conversation'
            ? conversationChange(loaded, acl, e, u, intern)
            : (intern(`${key}\0${e.seq}`, () => putOf(loaded, entity, e.entityId, u, [], e.seq)) ??
              (e.op === 'del' || entity === 'reaction'
                ? intern(`del\0${key}`, () => ({ e: entity, id: e.entityId, v: e.seq, op: 'del' }))
                : null));
        if (change) add(u, key, change);
      }
      continue;
    }
    const subject = e.subjectUser;
    if (!subject) continue;
    if (e.op === 'group_join' || e.op === 'group_leave') {
      const group = groupOfEntry(e.entity, e.entityId);
      if (!group) continue;
      if (group !== 'role') acl.joinTeam(subject, e.entityId, e.op === 'group_join');
      if (acl.isActive(subject))
        add(subject, null, { e: 'group', id: e.entityId, v: e.seq, op: e.op, group });
    } else if (e.op === 'revoke') {
      if (!acl.isActive(subject)) continue;
      const assignee =
        loaded.conversation.get(e.entityId)?.facts.assigneeId ?? acl.facts(e.entityId)?.assigneeId;
      add(subject, `conversation\0${e.entityId}`, {
        e: 'conversation',
        id: e.entityId,
        v: e.seq,
        op: 'revoke',
        reassignedTo: assignee && assignee !== subject ? assignee : null,
      });
    } else if (e.op === 'grant') {
      const c = loaded.conversation.get(e.entityId);
      const scope = c ? acl.reasons(c.facts, subject) : [];
      if (scope.length === 0) continue; // lost again since: its revoke follows
      grants.push({ conversationId: e.entityId, seq: e.seq, userId: subject, scope });
      add(subject, `conversation\0${e.entityId}`, null, `${subject}:${e.entityId}:${e.seq}`);
    }
  }
  // Grants carry the conversation's newest rows: built once per batch for all of them.
  const built = await buildGrants(db, organizationId, loaded, grants);
  const out = new Map<string, ChangeEntry[]>();
  for (const [userId, slots] of perUser) {
    const changes: ChangeEntry[] = [];
    for (const slot of slots) {
      if (slot.dead) continue;
      const change = slot.grant !== undefined ? (built.get(slot.grant) ?? null) : slot.change;
      if (change) changes.push(change);
    }
    out.set(userId, changes);
  }
  return out;
}

/**
 * Who receives a row entry, moving the ACL cache forward on member, team and conversation
 * entries: tenant-public rows go to every active member, a contact to who sees one of its
 * conversations, a conversation to who sees it now, and a conversation's messages, notes and
 * reactions to who saw the conversation at this point of the stream AND sees it now.
 */
function recipientsOf(acl: AclCache, loaded: Loaded, e: LogEntry): Iterable<string> {
  switch (e.entity) {
    case 'member': {
      const m = loaded.member.get(e.entityId);
      acl.setMember(e.entityId, m && { role: m.role, active: m.deactivatedAt === null });
      return acl.activeMembers();
    }
    case 'team':
      acl.setTeam(e.entityId, loaded.team.get(e.entityId)?.memberIds);
      return acl.activeMembers();
    case 'template':
    case 'whatsapp_account':
    case 'label':
    case 'business_hours':
      return acl.activeMembers();
    case 'canned_response': {
      // The organization's to everyone, a personal one to its owner only (the entry names them).
      const ownerId = loaded.canned_response.get(e.entityId)?.row.ownerId ?? e.subjectUser;
      return [...acl.activeMembers()].filter((u) =>
        canSeeCannedResponse({ ownerId }, { userId: u, active: true }),
      );
    }
    case 'contact':
      return acl.whoSeesContact(loaded.contactConversations.get(e.entityId) ?? []);
    case 'conversation': {
      const c = loaded.conversation.get(e.entityId);
      if (c) acl.setFacts(e.entityId, c.facts);
      const facts = c?.facts ?? acl.facts(e.entityId);
      const recipients = facts ? acl.whoSees(facts) : acl.activeMembers();
      if (!c) acl.forget(e.entityId);
      return recipients;
    }
    default: {
      if (!isWireEntity(e.entity)) return [];
      const current = scopeOf(loaded, e.entity, e.entityId);
      const convId = e.conversationId ?? current?.conversationId ?? null;
      const point: ConversationFacts | undefined = (convId && acl.facts(convId)) || current?.facts;
      if (!point) return [];
      const nowSet = acl.whoSees(current?.facts ?? point);
      return [...acl.whoSees(point)].filter((u) => nowSet.has(u));
    }
  }
}

/** A conversation put for one user: their read marker and scope reasons. */
function conversationChange(
  loaded: Loaded,
  acl: AclCache,
  e: LogEntry,
  userId: string,
  intern: Intern,
): ChangeEntry | null {
  const c = loaded.conversation.get(e.entityId);
  if (!c)
    return intern(`del\0conversation\0${e.entityId}`, () => ({
      e: 'conversation',
      id: e.entityId,
      v: e.seq,
      op: 'del',
    }));
  const reasons = acl.reasons(c.facts, userId);
  if (reasons.length === 0) return null;
  const mark = loaded.reads.get(e.entityId)?.get(userId) ?? 0;
  const unread = loaded.markedUnread.get(e.entityId)?.has(userId) ? 'u' : '';
  return intern(`conversation\0${e.entityId}\0${reasons.join(',')}\0${mark}${unread}`, () =>
    putOf(loaded, 'conversation', e.entityId, userId, reasons, e.seq),
  );
}
