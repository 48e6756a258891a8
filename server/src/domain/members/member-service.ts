import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type {
  CreateUserBody,
  CreateUserResponse,
  Member,
  MemberPage,
  UpdateUserBody,
} from '#contract/api/users';
import { atLeast } from '#contract/domain/roles';
import type { Principal } from '../auth/auth-service';
import { actorOf, type Actor, type AuditRecorder } from '../audit/audit-log';
import type { PasswordHasher } from '../auth/password-hasher';
import { newToken, sha256, temporaryPassword } from '../auth/secrets';
import type { Clock } from '../../lib/clock';
import { cursorEpochTime, encodeCursor, parseCursor } from '../cursor';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { recordChanges } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { invitations, memberships, teamMembers } from '../../storage/schema/index';
import { scopeChangesForRoleChange } from '../visibility/scope-changes';
import { isUniqueViolation } from '../../storage/errors';
import {
  insertMembership,
  insertUser,
  memberPage,
  memberRow,
  userByEmail,
  type MemberRow,
} from '../../storage/queries/members';
import { notifyMemberChanged, revokeMemberSessions } from '../../storage/queries/sessions';
import { createPasswordReset } from './password-reset';
import { releaseNumbersOf } from '../whatsapp/number-owner';

/** Invitations can be accepted for 7 days. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** Dependencies of {@link createMemberService}. */
export type MemberServiceDeps = {
  db: Db;
  hasher: PasswordHasher;
  clock: Clock;
  publicUrl: string;
  audit: AuditRecorder;
};

/** Members of an organization: list, invite, change role, deactivate, remove. */
export type MemberService = ReturnType<typeof createMemberService>;

/** A member row as the contract's Member (REST, and the sync projection and bootstrap). */
export const toMember = (row: MemberRow): Member => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
  joinedAt: row.joinedAt.toISOString(),
  // Away wins over offline: it is what the member said, and it stays true when they reconnect.
  availability: row.availability === 'away' ? 'away' : row.online ? 'available' : 'offline',
  capacity: row.capacity,
});

/**
 * A member as the REST list and detail answer it: with `lastActiveAt`, which the sync rows leave
 * out (the heartbeat moves it without a change). A connected member was last active now.
 */
const withLastActive = (row: MemberRow, now: Date): Member => ({
  ...toMember(row),
  lastActiveAt: (row.online ? now : row.lastSeenAt)?.toISOString() ?? null,
});

const adminOnly = () => fail('forbidden', 'Only admins can manage members');
const lastAdmin = () =>
  fail('conflict', 'This is the last active admin of the organization; make someone else admin first');

/** [joinedAt epoch ms, user id]. */
const MemberCursor = z.tuple([cursorEpochTime, z.uuid()]);

/** The audit target of a member, labelled with their name at the time. */
const memberTarget = (m: { id: string; name: string }) => ({ type: 'member', id: m.id, label: m.name });

/** Creates the member service. Every method takes the organization and the acting principal. */
export function createMemberService(deps: MemberServiceDeps) {
  const { db, clock, audit } = deps;

  /**
   * Locks the organization's active admin memberships (FOR UPDATE) and returns their user ids,
   * so two concurrent demotions cannot both see "another admin remains".
   */
  const lockActiveAdmins = async (tx: Tx, organizationId: string): Promise<string[]> => {
    const rows = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.organizationId, organizationId),
          eq(memberships.role, 'admin'),
          isNull(memberships.deactivatedAt),
        ),
      )
      .for('update');
    return rows.map((r) => r.userId);
  };

  /** The events of one PATCH: a role change and/or a change of activation, each only if real. */
  const recordMemberUpdate = async (
    tx: Db,
    organizationId: string,
    by: Actor,
    current: MemberRow,
    body: UpdateUserBody,
  ) => {
    const target = memberTarget(current);
    if (body.role !== undefined && body.role !== current.role)
      await audit.record(tx, organizationId, by, {
        action: 'member.role_changed',
        target,
        summary: `Changed the role of "${current.name}" from ${current.role} to ${body.role}`,
        details: { before: { role: current.role }, after: { role: body.role } },
      });
    if (body.deactivated !== undefined && body.deactivated !== (current.deactivatedAt !== null))
      await audit.record(tx, organizationId, by, {
        action: body.deactivated ? 'member.deactivated' : 'member.reactivated',
        target,
        summary: body.deactivated
          ? `Deactivated "${current.name}" and ended their sessions`
          : `Reactivated "${current.name}"`,
        details: { before: { deactivated: !body.deactivated }, after: { deactivated: body.deactivated } },
      });
  };

  return {
    /** A page of members; every role may list. */
    list: async (
      organizationId: string,
      _actor: Principal,
      q: { cursor?: string; limit: number },
    ): Promise<Result<MemberPage>> => {
      const cursor = parseCursor(q.cursor, MemberCursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value && { joinedAt: cursor.value[0], id: cursor.value[1] };
      const rows = await memberPage(db, organizationId, after, q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map((r) => withLastActive(r, clock.now())),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.joinedAt.getTime(), last.id]) : null,
      });
    },

    /** One member; 404 for ids outside the organization. */
    get: async (organizationId: string, _actor: Principal, userId: string): Promise<Result<Member>> => {
      const row = await memberRow(db, organizationId, userId);
      return row ? ok(withLastActive(row, clock.now())) : notFound('User');
    },

    /** A new temporary password for a member (admin); all their sessions end. */
    resetPassword: createPasswordReset(deps),

    /** Invites by link, or creates the account with a temporary password (admin). */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateUserBody,
      ip: string | undefined,
    ): Promise<Result<CreateUserResponse>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const now = clock.now();
      const existing = await userByEmail(db, body.email);
      if (existing && (await memberRow(db, organizationId, existing.id)))
        return fail('conflict', 'This person is already a member of the organization');
      if (body.mode === 'link') {
        const token = newToken('inv');
        const invitation = await db.transaction(async (tx) => {
          // Only the token's hash is stored.
          const [inv] = await tx
            .insert(invitations)
            .values({
              organizationId,
              email: body.email,
              name: body.name,
              role: body.role,
              tokenHash: sha256(token),
              invitedBy: actor.userId,
              createdAt: now,
              expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
            })
            .returning();
          if (!inv) throw new Error('insert returned no row');
          await audit.record(tx, organizationId, actorOf(actor, ip), {
            action: 'member.invited',
            target: { type: 'invitation', id: inv.id, label: inv.name },
            summary: `Invited "${inv.name}" <${inv.email}> as ${inv.role}`,
            details: { email: inv.email, role: inv.role, expiresAt: inv.expiresAt },
          });
          return inv;
        });
        return ok({
          mode: 'link',
          invitation: {
            id: invitation.id,
            email: invitation.email,
            name: invitation.name,
            role: invitation.role,
            expiresAt: invitation.expiresAt.toISOString(),
          },
          // The token rides in the fragment, which browsers never send to a server or proxy log.
          inviteUrl: `${deps.publicUrl}/invite#${token}`,
        });
      }
      // Setting a password on someone else's existing account would be an account takeover.
      if (existing)
        return fail('email_taken', 'This e-mail already has a Parley account; invite it by link instead');
      const password = temporaryPassword();
      const passwordHash = await deps.hasher.hash(password);
      try {
        const userId = await db.transaction(async (tx) => {
          const user = await insertUser(tx, { email: body.email, name: body.name, passwordHash, now });
          await insertMembership(tx, organizationId, user.id, body.role, now);
          await audit.record(tx, organizationId, actorOf(actor, ip), {
            action: 'member.added',
            target: memberTarget(user),
            summary: `Added "${user.name}" <${user.email}> as ${body.role} with a temporary password`,
            details: { email: user.email, role: body.role },
          });
          await recordChanges(tx, organizationId, [{ entity: 'member', entityId: user.id }]);
          return user.id;
        });
        const row = await memberRow(db, organizationId, userId);
        if (!row) throw new Error('member vanished after insert');
        return ok({ mode: 'password', user: toMember(row), temporaryPassword: password });
      } catch (e) {
        if (isUniqueViolation(e)) return fail('email_taken', 'This e-mail already has a Parley account');
        throw e;
      }
    },

    /** Changes role and/or deactivation (admin); keeps at least one active admin. */
    update: async (
      organizationId: string,
      actor: Principal,
      userId: string,
      body: UpdateUserBody,
      ip: string | undefined,
    ): Promise<Result<Member>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const now = clock.now();
      const outcome = await db.transaction(async (tx): Promise<Result<null>> => {
        const current = await memberRow(tx, organizationId, userId);
        if (!current) return notFound('User');
        const admins = await lockActiveAdmins(tx, organizationId);
        const losesAdmin =
          current.role === 'admin' &&
          current.deactivatedAt === null &&
          ((body.role !== undefined && body.role !== 'admin') || body.deactivated === true);
        if (losesAdmin && admins.filter((id) => id !== userId).length === 0) return lastAdmin();
        await tx
          .update(memberships)
          .set({
            ...(body.role !== undefined && { role: body.role }),
            ...(body.deactivated !== undefined && {
              deactivatedAt: body.deactivated ? (current.deactivatedAt ?? now) : null,
            }),
          })
          .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
        if (body.deactivated === true)
          await revokeMemberSessions(tx, organizationId, userId, 'deactivated', now);
        // A new role or a reactivation: every process drops its cached session check of the user.
        else if (body.role !== undefined || body.deactivated === false) await notifyMemberChanged(tx, userId);
        await recordMemberUpdate(tx, organizationId, actorOf(actor, ip), current, body);
        // Their numbers go back to the organization (a reactivation does not give them back).
        const released =
          body.deactivated === true
            ? await releaseNumbersOf(tx, organizationId, userId, `"${current.name}" was deactivated`, now)
            : { changes: [], events: [] };
        for (const event of released.events)
          await audit.record(tx, organizationId, actorOf(actor, ip), event);
        await recordChanges(tx, organizationId, released.changes);
        // Synced: the member's row, and the role group when the role crosses the manager line.
        await recordChanges(
          tx,
          organizationId,
          await scopeChangesForRoleChange(
            tx,
            organizationId,
            userId,
            current.role,
            body.role ?? current.role,
          ),
        );
        return ok(null);
      });
      if (!outcome.ok) return outcome;
      const row = await memberRow(db, organizationId, userId);
      return row ? ok(toMember(row)) : notFound('User');
    },

    /** Removes the membership (admin); the user's sessions in this organization end at once. */
    remove: async (
      organizationId: string,
      actor: Principal,
      userId: string,
      ip: string | undefined,
    ): Promise<Result<null>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const now = clock.now();
      return db.transaction(async (tx): Promise<Result<null>> => {
        const current = await memberRow(tx, organizationId, userId);
        if (!current) return notFound('User');
        const admins = await lockActiveAdmins(tx, organizationId);
        if (admins.includes(userId) && admins.length === 1) return lastAdmin();
        await revokeMemberSessions(tx, organizationId, userId, 'removed', now);
        const released = await releaseNumbersOf(
          tx,
          organizationId,
          userId,
          `"${current.name}" was removed`,
          now,
        );
        // Their team memberships go with the membership: those teams' rows change too.
        const teams = await tx
          .select({ teamId: teamMembers.teamId })
          .from(teamMembers)
          .where(and(eq(teamMembers.organizationId, organizationId), eq(teamMembers.userId, userId)));
        // Team memberships go with it through the composite foreign key.
        await tx
          .delete(memberships)
          .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'member.removed',
          target: memberTarget(current),
          summary: `Removed "${current.name}" <${current.email}> from the organization`,
          details: { email: current.email, role: current.role, teamIds: teams.map((t) => t.teamId) },
        });
        for (const event of released.events)
          await audit.record(tx, organizationId, actorOf(actor, ip), event);
        await recordChanges(tx, organizationId, [
          ...released.changes,
          ...teams.map((t) => ({ entity: 'team', entityId: t.teamId })),
          { entity: 'member', entityId: userId, op: 'del' as const },
        ]);
        return ok(null);
      });
    },
  };
}
