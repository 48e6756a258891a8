import { eq } from 'drizzle-orm';
import type { PasswordResetResponse } from '#contract/api/users';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import type { Db } from '../../storage/db';
import { memberRow, updateUser } from '../../storage/queries/members';
import { revokeUserSessionsExcept } from '../../storage/queries/sessions';
import { memberships } from '../../storage/schema/index';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Principal } from '../auth/auth-service';
import type { PasswordHasher } from '../auth/password-hasher';
import { temporaryPassword } from '../auth/secrets';
import { notFound } from '../failure';

/** Dependencies of {@link createPasswordReset}. */
export type PasswordResetDeps = { db: Db; hasher: PasswordHasher; clock: Clock; audit: AuditRecorder };

/**
 * An admin's "Reset password": the member gets a new temporary password (shown once, like the
 * invite's) and every session of theirs ends at once, so whoever holds the old password or a
 * stolen session is out. Users are global, so an account that also belongs to another
 * organization is refused: one organization's admin must not take over a login another
 * organization relies on (that person changes their password themselves in Profile).
 */
export function createPasswordReset(deps: PasswordResetDeps) {
  const { db, clock, audit } = deps;
  return async (
    organizationId: string,
    actor: Principal,
    userId: string,
    ip: string | undefined,
  ): Promise<Result<PasswordResetResponse>> => {
    if (!atLeast(actor.role, 'admin')) return fail('forbidden', 'Only admins can manage members');
    const target = await memberRow(db, organizationId, userId);
    if (!target) return notFound('User');
    if (userId === actor.userId)
      return fail('conflict', 'Change your own password in Settings › Profile instead');
    const orgs = await db
      .select({ organizationId: memberships.organizationId })
      .from(memberships)
      .where(eq(memberships.userId, userId));
    if (orgs.some((o) => o.organizationId !== organizationId))
      return fail(
        'conflict',
        `${target.name}’s account also belongs to another organization; they can change their password in Settings › Profile`,
      );
    const password = temporaryPassword();
    const passwordHash = await deps.hasher.hash(password);
    const now = clock.now();
    await db.transaction(async (tx) => {
      await updateUser(tx, userId, { passwordHash, now });
      // Every device: the member signs in again with the temporary password.
      await revokeUserSessionsExcept(tx, userId, undefined, 'password_reset', now);
      await audit.record(tx, organizationId, actorOf(actor, ip), {
        action: 'member.password_reset',
        target: { type: 'member', id: target.id, label: target.name },
        summary: `Reset the password of "${target.name}" and ended their sessions`,
        details: { email: target.email },
      });
    });
    return ok({ temporaryPassword: password });
  };
}
