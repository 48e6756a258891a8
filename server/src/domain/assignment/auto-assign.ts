import { sql } from 'drizzle-orm';
import { rowsOf, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { systemActor, type AuditRecorder } from '../audit/audit-log';
import { scopeChangesForConversation } from '../visibility/scope-changes';
import { chooseAssignees, decisionSummary, type Candidate, type Decision } from './choose';

// Auto-assignment in the caller's transaction (the one that made a conversation wait, or made a
// member able to take one). Race-free across server processes: every decision of an
// organization runs under one transaction-scoped advisory lock, so two processes never count
// the same member's load at once (no capacity is exceeded), and the conversation update is a
// compare-and-set on "still unassigned and waiting" under its row lock (never assigned twice).
//
// Lock order: the advisory lock is taken before any membership row is written here, and waiting
// conversations are locked with SKIP LOCKED (a conversation another transaction holds is that
// transaction's to assign: ingest assigns the conversations it locked itself), so a drain never
// waits on a row lock while holding the advisory lock that an ingest may be waiting for.

/** What a call decided: the sync changes to log and the decisions (for logs and tests). */
export type AutoAssignOutcome = { changes: Change[]; decisions: Decision[] };

type WaitingRow = {
  id: string;
  team_id: string | null;
  assignee_id: string | null;
  /** The number's owner: a member-owned number's conversations are its owner's, never dealt out. */
  owner_id: string | null;
  status: string;
  enabled: boolean;
};

/** A list of uuids as one JSON parameter (the engines agree on JSON; array parameters differ). */
const uuids = (ids: readonly string[]) =>
  sql`(select value::uuid from json_array_elements_text(${JSON.stringify(ids)}::json))`;

/** The key of an organization's auto-assignment advisory lock (64-bit, namespaced). */
const lockKey = (organizationId: string) =>
  sql`hashtextextended(${'parley:auto-assign:' + organizationId}, 0)`;

/**
 * Takes the organization's auto-assignment lock until the transaction ends. Callers that write a
 * membership row and then drain take it BEFORE that write (one lock order everywhere); taking it
 * again in {@link autoAssign} is free.
 */
export async function lockAutoAssign(tx: Tx | Db, organizationId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(organizationId)})`);
}

/**
 * Assigns waiting conversations of one organization: `only` = these conversations (already
 * locked by the caller, e.g. ingest), else the whole queue (a member became available or got
 * room, or a team or number switched auto-assignment on). Conversations whose scope no longer
 * has auto-assignment, that someone assigned, or that are no longer open leave the queue.
 */
export async function autoAssign(
  tx: Tx | Db,
  audit: AuditRecorder,
  organizationId: string,
  now: Date,
  only?: readonly string[],
): Promise<AutoAssignOutcome> {
  if (only && only.length === 0) return { changes: [], decisions: [] };
  await lockAutoAssign(tx, organizationId);
  const waiting = rowsOf<WaitingRow>(
    await tx.execute(sql`
      select c.id, c.team_id, c.assignee_id, c.owner_id, c.status,
        exists (select 1 from auto_assign_scopes s
          where s.organization_id = c.organization_id
            and ((s.kind = 'team' and s.target_id = c.team_id)
              or (s.kind = 'number' and s.target_id = c.whatsapp_account_id))) as enabled
      from conversations c
      where c.organization_id = ${organizationId} and c.auto_assign_pending
        ${only ? sql`and c.id in ${uuids([...only])}` : sql``}
      order by c.waiting_since nulls last, c.id
      for update of c skip locked`),
  );
  const stale = waiting.filter(
    (w) => !w.enabled || w.assignee_id !== null || w.owner_id !== null || w.status !== 'open',
  );
  if (stale.length > 0)
    await tx.execute(sql`
      update conversations set auto_assign_pending = false
      where organization_id = ${organizationId} and id in ${uuids(stale.map((w) => w.id))}`);
  const queue = waiting.filter((w) => !stale.includes(w));
  if (queue.length === 0) return { changes: [], decisions: [] };

  const candidates = rowsOf<{
    user_id: string;
    name: string;
    capacity: number | null;
    last_assigned_at: Date | string | null;
    open: number | string;
  }>(
    await tx.execute(sql`
      select m.user_id, u.name, m.capacity, m.last_assigned_at,
        (select count(*) from conversations c
          where c.organization_id = m.organization_id and c.assignee_id = m.user_id and c.status = 'open') as open
      from memberships m join users u on u.id = m.user_id
      where m.organization_id = ${organizationId} and m.deactivated_at is null
        and m.availability = 'available' and m.online`),
  ).map((r): Candidate => ({
    userId: r.user_id,
    name: r.name,
    capacity: r.capacity,
    open: Number(r.open),
    lastAssignedAt: r.last_assigned_at === null ? null : new Date(r.last_assigned_at).getTime(),
  }));
  const teamIds = [...new Set(queue.map((w) => w.team_id).filter((t): t is string => t !== null))];
  const teamMembers = new Map<string, Set<string>>();
  if (teamIds.length > 0)
    for (const r of rowsOf<{ team_id: string; user_id: string }>(
      await tx.execute(sql`
        select team_id, user_id from team_members
        where organization_id = ${organizationId} and team_id in ${uuids(teamIds)}`),
    )) {
      const set = teamMembers.get(r.team_id) ?? new Set<string>();
      set.add(r.user_id);
      teamMembers.set(r.team_id, set);
    }

  const decisions = chooseAssignees(
    queue.map((w) => ({ conversationId: w.id, teamId: w.team_id })),
    candidates,
    teamMembers,
    now.getTime(),
  );
  const changes: Change[] = [];
  const made: Decision[] = [];
  for (const d of decisions) {
    const teamId = queue.find((w) => w.id === d.conversationId)!.team_id;
    // Compare-and-set: still unassigned and waiting (the row is locked, this is belt and braces).
    const updated = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update conversations set assignee_id = ${d.userId}, auto_assign_pending = false, updated_at = ${now}
        where organization_id = ${organizationId} and id = ${d.conversationId}
          and assignee_id is null and auto_assign_pending
        returning id`),
    );
    if (updated.length === 0) continue;
    made.push(d);
    changes.push(
      { entity: 'conversation', entityId: d.conversationId, conversationId: d.conversationId },
      ...(await scopeChangesForConversation(
        tx,
        organizationId,
        d.conversationId,
        { assigneeId: null, teamId, ownerId: null },
        { assigneeId: d.userId, teamId, ownerId: null },
      )),
    );
    await audit.record(tx, organizationId, systemActor('Auto-assignment'), {
      action: 'conversation.auto_assigned',
      target: { type: 'conversation', id: d.conversationId, label: d.conversationId },
      summary: decisionSummary(d),
      details: { assigneeId: d.userId, open: d.open, capacity: d.capacity, rule: 'fewest_open' },
    });
  }
  if (made.length > 0)
    await tx.execute(sql`
      update memberships set last_assigned_at = ${now}
      where organization_id = ${organizationId}
        and user_id in ${uuids([...new Set(made.map((d) => d.userId))])}`);
  return { changes, decisions: made };
}
