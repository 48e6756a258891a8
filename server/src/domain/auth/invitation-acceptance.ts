import { and, eq, isNull } from 'drizzle-orm';
import type { AuthResponse } from '#contract/api/auth';
import type { AcceptInvitationBody } from '#contract/api/invitations';
import { fail, type Result } from '#contract/result';
import { recordChanges } from '../../storage/change-log';
import { isUniqueViolation } from '../../storage/errors';
import { invitationByTokenHash } from '../../storage/queries/invitations';
import { insertMembership, insertUser, memberRow, userByEmail } from '../../storage/queries/members';
import { invitations } from '../../storage/schema/index';
import { rateLimited, type AuthServiceDeps } from './auth-service';
import { checkPasswordStrength } from './password-strength';
import { sha256 } from './secrets';

/**
 * Accepting an invitation (split from auth-service.ts): creates the account, or checks the
 * existing account's password (throttled like sign-in), joins the organization and signs in.
 */
export function createInvitationAcceptance(
  deps: AuthServiceDeps & {
    issue: (userId: string, organizationId: string) => Promise<Result<AuthResponse>>;
  },
) {
  const { db, clock, hasher, throttle, issue } = deps;
  return async (body: AcceptInvitationBody, ip: string): Promise<Result<AuthResponse>> => {
    const now = clock.now();
    const invitation = await invitationByTokenHash(db, sha256(body.token));
    if (!invitation || invitation.acceptedAt || invitation.expiresAt <= now)
      return fail('not_found', 'This invitation is invalid, already used or expired');
    const existing = await userByEmail(db, invitation.email);
    let passwordHash: string | undefined;
    if (existing) {
      const wait = await throttle.retryAfter(existing.email, ip);
      if (wait > 0) return rateLimited(wait);
      if (!(await hasher.verify(existing.passwordHash, body.password))) {
        await throttle.recordFailure(existing.email, ip);
        return fail('invalid_credentials', 'This e-mail already has an account: enter its current password');
      }
    } else {
      const strong = checkPasswordStrength(body.password, [invitation.email, body.name]);
      if (!strong.ok) return strong;
      passwordHash = await hasher.hash(body.password);
    }
    let userId: string;
    try {
      const result = await db.transaction(async (tx) => {
        if (existing && (await memberRow(tx, invitation.organizationId, existing.id)))
          return 'member' as const;
        // Accepted once: a concurrent double-accept finds it accepted and gets nothing.
        const accepted = await tx
          .update(invitations)
          .set({ acceptedAt: now })
          .where(
            and(
              eq(invitations.organizationId, invitation.organizationId),
              eq(invitations.id, invitation.id),
              isNull(invitations.acceptedAt),
            ),
          )
          .returning({ id: invitations.id });
        if (accepted.length === 0) return undefined;
        const user =
          existing ??
          (await insertUser(tx, {
            email: invitation.email,
            name: body.name,
            passwordHash: passwordHash!,
            now,
          }));
        await insertMembership(tx, invitation.organizationId, user.id, invitation.role, now);
        await deps.audit.record(
          tx,
          invitation.organizationId,
          { kind: 'user', id: user.id, label: user.name, ip },
          {
            action: 'member.joined',
            target: { type: 'member', id: user.id, label: user.name },
            summary: `Accepted the invitation and joined as ${invitation.role}`,
            details: { email: user.email, role: invitation.role, invitationId: invitation.id },
          },
        );
        await recordChanges(tx, invitation.organizationId, [{ entity: 'member', entityId: user.id }]);
        return user.id;
      });
      if (result === undefined)
        return fail('not_found', 'This invitation is invalid, already used or expired');
      if (result === 'member') return fail('conflict', 'You are already a member of this organization');
      userId = result;
    } catch (e) {
      if (isUniqueViolation(e)) return fail('conflict', 'This invitation was accepted concurrently; sign in');
      throw e;
    }
    return issue(userId, invitation.organizationId);
  };
}
