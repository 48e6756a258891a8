import { and, eq, sql } from 'drizzle-orm';
import type { AutoAssignSettings } from '#contract/api/assignment';
import type { ChosenAvailability, Member } from '#contract/api/users';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import { recordChanges, rowsOf, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { memberRow } from '../../storage/queries/members';
import { autoAssignScopes, memberships, teams, whatsappAccounts } from '../../storage/schema/index';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Principal } from '../auth/auth-service';
import { notFound } from '../failure';
import { toMember } from '../members/member-service';
import { autoAssign, lockAutoAssign } from './auto-assign';

// Availability (what a member says, and whether a client of theirs is connected), capacity, and
// where auto-assignment is on. Every change that can let someone take a conversation drains the
// organization's queue in the same transaction (auto-assign.ts takes the advisory lock FIRST,
// before the membership row is written, which keeps one lock order for every auto-assigning
// transaction).

/** Dependencies of {@link createAvailabilityService}. */
export type AvailabilityDeps = {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  /** A member with no heartbeat for this long is offline (`OFFLINE_AFTER_SECONDS`). */
  offlineAfterMs: number;
};

/** Availability, capacity and auto-assignment settings. */
export type AvailabilityService = ReturnType<typeof createAvailabilityService>;

const memberChange = (userId: string): Change => ({ entity: 'member', entityId: userId });

/** Creates the service. */
export function createAvailabilityService(deps: AvailabilityDeps) {
  const { db, clock, audit } = deps;
  const whereMember = (organizationId: string, userId: string) =>
    and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId));

  /** Drains the queue (a member may take conversations now) and logs the member and decisions. */
  const drainAndRecord = async (tx: Tx, organizationId: string, userId: string, now: Date) => {
    const { changes } = await autoAssign(tx, audit, organizationId, now);
    await recordChanges(tx, organizationId, [memberChange(userId), ...changes]);
  };

  const readMember = async (organizationId: string, userId: string): Promise<Result<Member>> => {
    const row = await memberRow(db, organizationId, userId);
    return row ? ok(toMember(row)) : notFound('User');
  };

  /** Where auto-assignment is on (every member may read it; the workload view shows it). */
  const settings = async (organizationId: string, _actor: Principal): Promise<Result<AutoAssignSettings>> => {
    const rows = await db
      .select({ kind: autoAssignScopes.kind, targetId: autoAssignScopes.targetId })
      .from(autoAssignScopes)
      .where(eq(autoAssignScopes.organizationId, organizationId));
    const of = (k: string) =>
      rows
        .filter((r) => r.kind === k)
        .map((r) => r.targetId)
        .sort();
    return ok({ teamIds: of('team'), whatsappAccountIds: of('number') });
  };

  /** Members whose online flag flipped to `online`, per organization, logged (and drained). */
  const goOnline = async (organizationId: string, userId: string, now: Date): Promise<void> => {
    // The common case (already online) is one indexed UPDATE and no lock.
    const seen = await db
      .update(memberships)
      .set({ lastSeenAt: now })
      .where(and(whereMember(organizationId, userId), eq(memberships.online, true)))
      .returning({ id: memberships.userId });
    if (seen.length > 0) return;
    await db.transaction(async (tx) => {
      const { changes } = await autoAssignAfter(tx, organizationId, now, async () => {
        const flipped = await tx
          .update(memberships)
          .set({ online: true, lastSeenAt: now })
          .where(and(whereMember(organizationId, userId), eq(memberships.online, false)))
          .returning({ id: memberships.userId });
        return flipped.length > 0;
      });
      await recordChanges(
        tx,
        organizationId,
        changes.length > 0 ? [memberChange(userId), ...changes] : [memberChange(userId)],
      );
    });
  };

  /** Takes the auto-assignment lock, runs `write`; when it changed something, drains the queue. */
  const autoAssignAfter = async (
    tx: Tx,
    organizationId: string,
    now: Date,
    write: () => Promise<boolean>,
  ): Promise<{ changes: Change[] }> => {
    await lockAutoAssign(tx, organizationId);
    if (!(await write())) return { changes: [] };
    return autoAssign(tx, audit, organizationId, now);
  };

  return {
    /** The caller sets themselves Available or Away. */
    setAvailability: async (
      organizationId: string,
      actor: Principal,
      availability: ChosenAvailability,
    ): Promise<Result<Member>> => {
      if (actor.apiKey) return fail('forbidden', 'An API key has no availability; sign in as the member');
      const now = clock.now();
      await db.transaction(async (tx) => {
        // Back to Available drains the queue: the lock comes before the membership write.
        if (availability === 'available') await lockAutoAssign(tx, organizationId);
        await tx.update(memberships).set({ availability }).where(whereMember(organizationId, actor.userId));
        const { changes } =
          availability === 'available' ? await autoAssign(tx, audit, organizationId, now) : { changes: [] };
        await recordChanges(tx, organizationId, [memberChange(actor.userId), ...changes]);
      });
      return readMember(organizationId, actor.userId);
    },

    /** A manager or admin sets a member's capacity (null = unlimited). */
    setCapacity: async (
      organizationId: string,
      actor: Principal,
      userId: string,
      capacity: number | null,
      ip: string | undefined,
    ): Promise<Result<Member>> => {
      if (!atLeast(actor.role, 'manager'))
        return fail('forbidden', 'Only managers and admins can change a capacity');
      const now = clock.now();
      const outcome = await db.transaction(async (tx): Promise<Result<null>> => {
        const current = await memberRow(tx, organizationId, userId);
        if (!current) return notFound('User');
        if (current.capacity === capacity) return ok(null);
        await lockAutoAssign(tx, organizationId);
        await tx.update(memberships).set({ capacity }).where(whereMember(organizationId, userId));
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'member.capacity_changed',
          target: { type: 'member', id: userId, label: current.name },
          summary: `Set the capacity of "${current.name}" to ${capacity ?? 'unlimited'}`,
          details: { before: { capacity: current.capacity }, after: { capacity } },
        });
        await drainAndRecord(tx, organizationId, userId, now);
        return ok(null);
      });
      if (!outcome.ok) return outcome;
      return readMember(organizationId, userId);
    },

    settings,

    /** An admin turns auto-assignment on or off for a team or number (new arrivals from then on). */
    setAutoAssign: async (
      organizationId: string,
      actor: Principal,
      kind: 'team' | 'number',
      targetId: string,
      enabled: boolean,
      ip: string | undefined,
    ): Promise<Result<AutoAssignSettings>> => {
      if (!atLeast(actor.role, 'admin')) return fail('forbidden', 'Only admins can change auto-assignment');
      const table = kind === 'team' ? teams : whatsappAccounts;
      const [target] = await db
        .select({ name: table.name })
        .from(table)
        .where(and(eq(table.organizationId, organizationId), eq(table.id, targetId)));
      if (!target) return notFound(kind === 'team' ? 'Team' : 'WhatsApp number');
      await db.transaction(async (tx) => {
        const changed = enabled
          ? await tx
              .insert(autoAssignScopes)
              .values({ organizationId, kind, targetId, createdAt: clock.now() })
              .onConflictDoNothing()
              .returning({ id: autoAssignScopes.targetId })
          : await tx
              .delete(autoAssignScopes)
              .where(
                and(
                  eq(autoAssignScopes.organizationId, organizationId),
                  eq(autoAssignScopes.kind, kind),
                  eq(autoAssignScopes.targetId, targetId),
                ),
              )
              .returning({ id: autoAssignScopes.targetId });
        if (changed.length === 0) return;
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'assignment.settings_changed',
          target: { type: kind === 'team' ? 'team' : 'whatsapp_account', id: targetId, label: target.name },
          summary: `Turned auto-assignment ${enabled ? 'on' : 'off'} for ${kind === 'team' ? 'team' : 'number'} "${target.name}"`,
          details: { before: { enabled: !enabled }, after: { enabled } },
        });
      });
      return settings(organizationId, actor);
    },

    /** A client of the member connected (the sync gateway): online now, and the queue drains. */
    connected: (organizationId: string, userId: string): Promise<void> =>
      goOnline(organizationId, userId, clock.now()),

    /**
     * This process still has sockets of these members: their heartbeat moves on (one statement
     * for all of them). Members found offline meanwhile (a sweep ran during a long pause) come
     * back online through {@link connected}.
     */
    heartbeat: async (members: ReadonlyArray<{ organizationId: string; userId: string }>): Promise<void> => {
      if (members.length === 0) return;
      const now = clock.now();
      const stale = rowsOf<{ organization_id: string; user_id: string; online: boolean }>(
        await db.execute(sql`
          update memberships m set last_seen_at = ${now}
          from json_to_recordset(${JSON.stringify(members.map((x) => ({ o: x.organizationId, u: x.userId })))}::json)
            as v(o uuid, u uuid)
          where m.organization_id = v.o and m.user_id = v.u
          returning m.organization_id, m.user_id, m.online`),
      ).filter((r) => !r.online);
      for (const r of stale) await goOnline(r.organization_id, r.user_id, now);
    },

    /**
     * Members with no heartbeat for `offlineAfterMs` go offline, each organization's in one
     * transaction with its log entries. Any process may run it: the UPDATE's condition makes a
     * concurrent second sweep a no-op.
     */
    sweepOffline: async (): Promise<number> => {
      const now = clock.now();
      const cutoff = new Date(now.getTime() - deps.offlineAfterMs);
      const due = rowsOf<{ organization_id: string }>(
        await db.execute(sql`
          select distinct organization_id from memberships where online and last_seen_at < ${cutoff}`),
      );
      let n = 0;
      for (const { organization_id: org } of due)
        await db.transaction(async (tx) => {
          const gone = rowsOf<{ user_id: string }>(
            await tx.execute(sql`
              update memberships set online = false
              where organization_id = ${org} and online and last_seen_at < ${cutoff}
              returning user_id`),
          );
          n += gone.length;
          await recordChanges(
            tx,
            org,
            gone.map((g) => memberChange(g.user_id)),
          );
        });
      return n;
    },
  };
}
