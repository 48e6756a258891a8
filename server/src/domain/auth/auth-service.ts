import type {
  AuthResponse,
  ChangePasswordBody,
  LoginBody,
  SessionUser,
  SignupBody,
} from '#contract/api/auth';
import type { Clock } from '../../lib/clock';
import type { InvalidationBus } from '../../lib/invalidation-bus';
import type { AuditRecorder } from '../audit/audit-log';
import { fail, ok, type Result } from '#contract/result';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import {
  insertMembership,
  insertUser,
  membershipsOfUser,
  updateUser,
  userByEmail,
  userById,
} from '../../storage/queries/members';
import { insertOrganization } from '../../storage/queries/organizations';
import { refreshTokenByHash, revokeSession, revokeUserSessionsExcept } from '../../storage/queries/sessions';
import type { AccessTokens } from './access-tokens';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import { checkPasswordStrength } from './password-strength';
import type { Principal } from './principal';
import { sha256 } from './secrets';
import { createInvitationAcceptance } from './invitation-acceptance';
import { createSessionChecks, SESSION_CHECK_TTL_MS } from './session-checks';
import { createSessionIssuer } from './session-issuer';

export type { KeyCredential, Principal } from './principal';
export { SESSION_CHECK_TTL_MS } from './session-checks';
export { REFRESH_TOKEN_TTL_MS } from './session-issuer';

/** Dependencies of {@link createAuthService}. */
export type AuthServiceDeps = {
  db: Db;
  hasher: PasswordHasher;
  tokens: AccessTokens;
  throttle: LoginThrottle;
  clock: Clock;
  allowSignup: boolean;
  /** Records sign-ups (`organization.created`) and accepted invitations (`member.joined`). */
  audit: AuditRecorder;
  /**
   * PostgreSQL: how long a cached session check may serve when no notification dropped it
   * (default {@link SESSION_CHECK_TTL_MS}); 0 turns the cache off.
   */
  sessionCheckTtlMs?: number;
  /** With Redis: invalidations of cached session checks, acknowledged by every process. */
  sessionBus?: InvalidationBus | undefined;
};

/** Sign-up, sign-in, token refresh and revocation, own profile and password. */
export type AuthService = ReturnType<typeof createAuthService>;

export const rateLimited = (seconds: number) =>
  fail('rate_limited', `Too many attempts, try again in ${seconds} s`, { retryAfter: seconds });

/** Creates the auth service. */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, hasher, tokens, throttle, clock } = deps;
  const { issue, continueSession, markRotated } = createSessionIssuer({ db, tokens, clock });
  const sessionChecks = createSessionChecks(
    db,
    deps.sessionCheckTtlMs ?? SESSION_CHECK_TTL_MS,
    deps.sessionBus,
  );

  return {
    /** Creates an organization and its first admin, signed in. */
    signup: async (body: SignupBody, ip: string | undefined): Promise<Result<AuthResponse>> => {
      if (!deps.allowSignup) return fail('signup_disabled', 'Sign-up is disabled on this server');
      const strong = checkPasswordStrength(body.password, [body.email, body.name, body.organizationName]);
      if (!strong.ok) return strong;
      if (await userByEmail(db, body.email))
        return fail('email_taken', 'An account with this e-mail already exists; sign in instead');
      const passwordHash = await hasher.hash(body.password);
      const now = clock.now();
      let created: { userId: string; organizationId: string };
      try {
        created = await db.transaction(async (tx) => {
          const org = await insertOrganization(tx, body.organizationName, now);
          const user = await insertUser(tx, { email: body.email, name: body.name, passwordHash, now });
          await insertMembership(tx, org.id, user.id, 'admin', now);
          await deps.audit.record(
            tx,
            org.id,
            { kind: 'user', id: user.id, label: user.name, ip },
            {
              action: 'organization.created',
              target: { type: 'organization', id: org.id, label: org.name },
              summary: `Created the organization "${org.name}" and became its first admin`,
              details: { after: { name: org.name } },
            },
          );
          await recordChanges(tx, org.id, [{ entity: 'member', entityId: user.id }]);
          return { userId: user.id, organizationId: org.id };
        });
      } catch (e) {
        if (isUniqueViolation(e))
          return fail('email_taken', 'An account with this e-mail already exists; sign in instead');
        throw e;
      }
      return issue(created.userId, created.organizationId);
    },

    /** Verifies credentials (throttled per account and per IP) and opens a session. */
    login: async (body: LoginBody, ip: string): Promise<Result<AuthResponse>> => {
      const wait = await throttle.retryAfter(body.email, ip);
      if (wait > 0) return rateLimited(wait);
      const user = await userByEmail(db, body.email);
      const valid = await hasher.verify(user?.passwordHash ?? null, body.password);
      if (!user || !valid) {
        await throttle.recordFailure(body.email, ip);
        return fail('invalid_credentials', 'Wrong e-mail or password');
      }
      await throttle.recordSuccess(body.email, ip);
      const memberships = await membershipsOfUser(db, user.id);
      const active = memberships.filter((m) => m.deactivatedAt === null);
      const chosen = body.organizationId
        ? active.find((m) => m.organizationId === body.organizationId)
        : active[0];
      if (!chosen) {
        return fail(
          'forbidden',
          memberships.length > 0 && !body.organizationId
            ? 'Your account has been deactivated in every organization'
            : 'You are not an active member of that organization',
        );
      }
      return issue(user.id, chosen.organizationId);
    },

    /** Exchanges a refresh token for a new pair; a reused token revokes its whole family. */
    refresh: async (refreshToken: string): Promise<Result<AuthResponse>> => {
      const now = clock.now();
      const row = await refreshTokenByHash(db, sha256(refreshToken));
      if (!row) return fail('unauthorized', 'Unknown refresh token; sign in again');
      if (row.revokedAt) return fail('session_revoked', 'This session was signed out; sign in again');
      if (row.rotatedAt || !(await markRotated(row.organizationId, row.tokenId, now))) {
        // A rotated token came back: either it was stolen or a client replayed it. Either way the
        // family can no longer be trusted, so every token in it stops working.
        await revokeSession(db, row.organizationId, row.sessionId, 'reuse', now);
        return fail(
          'session_revoked',
          'This refresh token was already used; the session has been signed out',
        );
      }
      if (row.expiresAt <= now || row.sessionExpiresAt <= now) {
        return fail('token_expired', 'The session has expired; sign in again');
      }
      const outcome = await continueSession(
        row.userId,
        row.organizationId,
        row.sessionId,
        row.sessionExpiresAt,
      );
      if (!outcome.ok) await revokeSession(db, row.organizationId, row.sessionId, 'inactive', now);
      return outcome;
    },

    /** Revokes the session of a refresh token. Unknown tokens are accepted silently (idempotent). */
    logout: async (refreshToken: string): Promise<Result<null>> => {
      const row = await refreshTokenByHash(db, sha256(refreshToken));
      if (row) await revokeSession(db, row.organizationId, row.sessionId, 'logout', clock.now());
      return ok(null);
    },

    /** A sessions NOTIFY for `userId` arrived (every process): its cached checks go. */
    sessionsChanged: sessionChecks.sessionsChanged,

    /** The notification listener reconnected (notifications may have been lost). */
    sessionsUnknown: sessionChecks.sessionsUnknown,

    /** A request revoked these users and committed: resolves once every process dropped them. */
    revoked: sessionChecks.revoked,

    /**
     * Resolves a bearer access token to a principal. Besides the signature and expiry, it checks
     * the session and membership with one prepared, indexed lookup, so a revoked session, a
     * deactivated or removed membership, or a changed role applies to the very next request
     * (on PostgreSQL with Redis: in every process once the revoking request answered; without
     * Redis, in other processes within the short bound of the NOTIFY-dropped cache; see
     * `createSessionChecks`).
     */
    authenticate: async (accessToken: string): Promise<Result<Principal>> => {
      const verified = tokens.verify(accessToken);
      if (!verified.ok) {
        return verified.expired
          ? fail('token_expired', 'The access token has expired; refresh it')
          : fail('unauthorized', 'Invalid access token');
      }
      const { sub, org, sid } = verified.claims;
      const row = await sessionChecks.check(org, sid, sub);
      if (!row || row.revokedAt || row.expiresAt <= clock.now())
        return fail('session_revoked', 'This session was signed out; sign in again');
      if (row.deactivatedAt) return fail('session_revoked', 'Your membership has been deactivated');
      return ok({ userId: sub, organizationId: org, role: row.role, sessionId: sid });
    },

    /** The caller as a session user. */
    me: async (principal: Principal): Promise<Result<SessionUser>> => {
      const user = await userById(db, principal.userId);
      const membership = (await membershipsOfUser(db, principal.userId)).find(
        (m) => m.organizationId === principal.organizationId,
      );
      if (!user || !membership)
        return fail('session_revoked', 'This session is no longer valid; sign in again');
      return ok({
        id: user.id,
        email: user.email,
        name: user.name,
        role: membership.role,
        organizationId: principal.organizationId,
        organizationName: membership.organizationName,
      });
    },

    /** Renames the caller (the name is global to the user). */
    updateName: async (principal: Principal, name: string): Promise<Result<null>> => {
      await db.transaction(async (tx) => {
        await updateUser(tx, principal.userId, { name, now: clock.now() });
        // The member row is synced in every organization of the user (the name is global).
        for (const m of await membershipsOfUser(tx, principal.userId))
          await recordChanges(tx, m.organizationId, [{ entity: 'member', entityId: principal.userId }]);
      });
      return ok(null);
    },

    /** Changes the caller's password and revokes every other session, in every organization. */
    changePassword: async (
      principal: Principal,
      body: ChangePasswordBody,
      ip: string,
    ): Promise<Result<null>> => {
      const user = await userById(db, principal.userId);
      if (!user) return fail('session_revoked', 'This session is no longer valid; sign in again');
      const wait = await throttle.retryAfter(user.email, ip);
      if (wait > 0) return rateLimited(wait);
      if (!(await hasher.verify(user.passwordHash, body.currentPassword))) {
        await throttle.recordFailure(user.email, ip);
        return fail('invalid_credentials', 'The current password is wrong');
      }
      const strong = checkPasswordStrength(body.newPassword, [user.email, user.name], 'body.newPassword');
      if (!strong.ok) return strong;
      const passwordHash = await hasher.hash(body.newPassword);
      const now = clock.now();
      await db.transaction(async (tx) => {
        await updateUser(tx, user.id, { passwordHash, now });
        await revokeUserSessionsExcept(tx, user.id, principal.sessionId, 'password_changed', now);
      });
      return ok(null);
    },

    /** Redeems an invitation: creates the account (or checks the existing one's password) and signs in. */
    acceptInvitation: createInvitationAcceptance({ ...deps, issue }),
  };
}
