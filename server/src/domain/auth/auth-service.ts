import type {
  AuthResponse,
  ChangePasswordBody,
  LoginBody,
  SessionUser,
  SignupBody,
} from '#contract/api/auth';
import type { AcceptInvitationBody } from '#contract/api/invitations';
import type { Role } from '#contract/domain/roles';
import type { Clock } from '../../lib/clock';
import type { AuditRecorder } from '../audit/audit-log';
import { fail, ok, type Result } from '#contract/result';
import { recordChanges } from '../../storage/change-log';
import { writeGenerationOf, type Db } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { createInvitationRepo } from '../../storage/invitation-repo';
import { createOrganizationRepo } from '../../storage/organization-repo';
import { createSessionRepo } from '../../storage/session-repo';
import { createUserRepo } from '../../storage/user-repo';
import type { AccessTokens } from './access-tokens';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import { newToken, sha256 } from './secrets';
import { createGenerationCache } from './session-cache';

/** The authenticated caller of a request: who, in which organization, with which live role. */
export type Principal = { userId: string; organizationId: string; role: Role; sessionId: string };

/** A refresh token is good for 30 days; a session (family) for 90 days at most. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const SESSION_TTL_MS = 90 * 24 * 3600 * 1000;

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
};

/** Sign-up, sign-in, token refresh and revocation, own profile and password. */
export type AuthService = ReturnType<typeof createAuthService>;

const rateLimited = (seconds: number) =>
  fail('rate_limited', `Too many attempts, try again in ${seconds} s`, { retryAfter: seconds });

/** Creates the auth service. */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, hasher, tokens, throttle, clock } = deps;
  const usersRepo = createUserRepo(db);
  // Long-lived so its prepared per-request statement is built once.
  const sessionsRepo = createSessionRepo(db);
  type SessionCheckRow = Awaited<ReturnType<typeof sessionsRepo.sessionCheck.execute>>[number];
  // Only where this process is the database's sole client (PGlite); see `authenticate`.
  const writeGeneration = writeGenerationOf(db);
  const sessionChecks = writeGeneration ? createGenerationCache<SessionCheckRow>(writeGeneration) : undefined;

  /** The session + membership row of a token (see `authenticate`), from the cache when exact. */
  const checkSession = async (organizationId: string, sessionId: string, userId: string) => {
    // Ids are fixed-length UUIDs, so the joined key is unambiguous.
    const key = `${organizationId}/${sessionId}/${userId}`;
    const cached = sessionChecks?.get(key);
    if (cached) return cached;
    const generation = sessionChecks?.mark();
    const [row] = await sessionsRepo.sessionCheck.execute({ organizationId, sessionId, userId });
    if (row && generation !== undefined) sessionChecks?.store(key, row, generation);
    return row;
  };

  /** Opens a session in `organizationId` and returns tokens plus the session user. */
  const issue = async (userId: string, organizationId: string): Promise<Result<AuthResponse>> => {
    const now = clock.now();
    const sessionId = await sessionsRepo.insertSession(
      organizationId,
      userId,
      now,
      new Date(now.getTime() + SESSION_TTL_MS),
    );
    return continueSession(userId, organizationId, sessionId, new Date(now.getTime() + SESSION_TTL_MS));
  };

  /** Adds a refresh token to a session and signs an access token for it. */
  const continueSession = async (
    userId: string,
    organizationId: string,
    sessionId: string,
    sessionExpiresAt: Date,
  ): Promise<Result<AuthResponse>> => {
    const now = clock.now();
    const user = await usersRepo.userById(userId);
    const memberships = (await usersRepo.membershipsOfUser(userId)).filter((m) => m.deactivatedAt === null);
    const current = memberships.find((m) => m.organizationId === organizationId);
    if (!user || !current) return fail('session_revoked', 'This session is no longer valid; sign in again');
    const refreshToken = newToken('rt');
    const refreshExpiresAt = new Date(
      Math.min(now.getTime() + REFRESH_TOKEN_TTL_MS, sessionExpiresAt.getTime()),
    );
    await sessionsRepo.insertRefreshToken(
      organizationId,
      sessionId,
      sha256(refreshToken),
      now,
      refreshExpiresAt,
    );
    const access = tokens.sign({ sub: userId, org: organizationId, role: current.role, sid: sessionId });
    return ok({
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: current.role,
        organizationId,
        organizationName: current.organizationName,
      },
      organizations: memberships.map((m) => ({
        id: m.organizationId,
        name: m.organizationName,
        role: m.role,
      })),
    });
  };

  return {
    /** Creates an organization and its first admin, signed in. */
    signup: async (body: SignupBody, ip: string | undefined): Promise<Result<AuthResponse>> => {
      if (!deps.allowSignup) return fail('signup_disabled', 'Sign-up is disabled on this server');
      if (await usersRepo.userByEmail(body.email))
        return fail('email_taken', 'An account with this e-mail already exists; sign in instead');
      const passwordHash = await hasher.hash(body.password);
      const now = clock.now();
      let created: { userId: string; organizationId: string };
      try {
        created = await db.transaction(async (tx) => {
          const org = await createOrganizationRepo(tx).insert(body.organizationName, now);
          const txUsers = createUserRepo(tx);
          const user = await txUsers.insertUser({ email: body.email, name: body.name, passwordHash, now });
          await txUsers.insertMembership(org.id, user.id, 'admin', now);
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
      const wait = throttle.retryAfter(body.email, ip);
      if (wait > 0) return rateLimited(wait);
      const user = await usersRepo.userByEmail(body.email);
      const valid = await hasher.verify(user?.passwordHash ?? null, body.password);
      if (!user || !valid) {
        throttle.recordFailure(body.email, ip);
        return fail('invalid_credentials', 'Wrong e-mail or password');
      }
      throttle.recordSuccess(body.email);
      const memberships = await usersRepo.membershipsOfUser(user.id);
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
      const row = await sessionsRepo.tokenByHash(sha256(refreshToken));
      if (!row) return fail('unauthorized', 'Unknown refresh token; sign in again');
      if (row.revokedAt) return fail('session_revoked', 'This session was signed out; sign in again');
      if (row.rotatedAt || !(await sessionsRepo.markRotated(row.organizationId, row.tokenId, now))) {
        // A rotated token came back: either it was stolen or a client replayed it. Either way the
        // family can no longer be trusted, so every token in it stops working.
        await sessionsRepo.revokeSession(row.organizationId, row.sessionId, 'reuse', now);
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
      if (!outcome.ok) await sessionsRepo.revokeSession(row.organizationId, row.sessionId, 'inactive', now);
      return outcome;
    },

    /** Revokes the session of a refresh token. Unknown tokens are accepted silently (idempotent). */
    logout: async (refreshToken: string): Promise<Result<null>> => {
      const row = await sessionsRepo.tokenByHash(sha256(refreshToken));
      if (row) await sessionsRepo.revokeSession(row.organizationId, row.sessionId, 'logout', clock.now());
      return ok(null);
    },

    /**
     * Resolves a bearer access token to a principal. Besides the signature and expiry, it checks
     * the session and membership with one prepared, indexed lookup, so a revoked session, a
     * deactivated or removed membership, or a changed role applies to the very next request.
     * On PostgreSQL that lookup is never cached: several server processes may share the
     * database, and a cache invalidated by LISTEN/NOTIFY would still accept a revoked session
     * between another process's commit and the notification's arrival (or for as long as a
     * dropped listener connection goes unnoticed). On PGlite this process is the only client, and
     * the lookup is cached against the database's write generation, which every write moves
     * synchronously — exact, not eventually consistent (see `createGenerationCache`).
     */
    authenticate: async (accessToken: string): Promise<Result<Principal>> => {
      const verified = tokens.verify(accessToken);
      if (!verified.ok) {
        return verified.expired
          ? fail('token_expired', 'The access token has expired; refresh it')
          : fail('unauthorized', 'Invalid access token');
      }
      const { sub, org, sid } = verified.claims;
      const row = await checkSession(org, sid, sub);
      if (!row || row.revokedAt || row.expiresAt <= clock.now())
        return fail('session_revoked', 'This session was signed out; sign in again');
      if (row.deactivatedAt) return fail('session_revoked', 'Your membership has been deactivated');
      return ok({ userId: sub, organizationId: org, role: row.role, sessionId: sid });
    },

    /** The caller as a session user. */
    me: async (principal: Principal): Promise<Result<SessionUser>> => {
      const user = await usersRepo.userById(principal.userId);
      const membership = (await usersRepo.membershipsOfUser(principal.userId)).find(
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
        const txUsers = createUserRepo(tx);
        await txUsers.updateUser(principal.userId, { name, now: clock.now() });
        // The member row is synced in every organization of the user (the name is global).
        for (const m of await txUsers.membershipsOfUser(principal.userId))
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
      const user = await usersRepo.userById(principal.userId);
      if (!user) return fail('session_revoked', 'This session is no longer valid; sign in again');
      const wait = throttle.retryAfter(user.email, ip);
      if (wait > 0) return rateLimited(wait);
      if (!(await hasher.verify(user.passwordHash, body.currentPassword))) {
        throttle.recordFailure(user.email, ip);
        return fail('invalid_credentials', 'The current password is wrong');
      }
      const passwordHash = await hasher.hash(body.newPassword);
      const now = clock.now();
      await db.transaction(async (tx) => {
        await createUserRepo(tx).updateUser(user.id, { passwordHash, now });
        await createSessionRepo(tx).revokeUserSessionsExcept(
          user.id,
          principal.sessionId,
          'password_changed',
          now,
        );
      });
      return ok(null);
    },

    /** Redeems an invitation: creates the account (or checks the existing one's password) and signs in. */
    acceptInvitation: async (body: AcceptInvitationBody, ip: string): Promise<Result<AuthResponse>> => {
      const now = clock.now();
      const invitation = await createInvitationRepo(db).byTokenHash(sha256(body.token));
      if (!invitation || invitation.acceptedAt || invitation.expiresAt <= now)
        return fail('not_found', 'This invitation is invalid, already used or expired');
      const existing = await usersRepo.userByEmail(invitation.email);
      let passwordHash: string | undefined;
      if (existing) {
        const wait = throttle.retryAfter(existing.email, ip);
        if (wait > 0) return rateLimited(wait);
        if (!(await hasher.verify(existing.passwordHash, body.password))) {
          throttle.recordFailure(existing.email, ip);
          return fail(
            'invalid_credentials',
            'This e-mail already has an account: enter its current password',
          );
        }
      } else {
        passwordHash = await hasher.hash(body.password);
      }
      let userId: string;
      try {
        const result = await db.transaction(async (tx) => {
          const txUsers = createUserRepo(tx);
          if (existing && (await txUsers.member(invitation.organizationId, existing.id)))
            return 'member' as const;
          if (!(await createInvitationRepo(tx).markAccepted(invitation.organizationId, invitation.id, now)))
            return undefined;
          const user =
            existing ??
            (await txUsers.insertUser({
              email: invitation.email,
              name: body.name,
              passwordHash: passwordHash!,
              now,
            }));
          await txUsers.insertMembership(invitation.organizationId, user.id, invitation.role, now);
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
        if (isUniqueViolation(e))
          return fail('conflict', 'This invitation was accepted concurrently; sign in');
        throw e;
      }
      return issue(userId, invitation.organizationId);
    },
  };
}
