import { and, eq, isNull } from 'drizzle-orm';
import type {
  AuthResponse,
  ChangePasswordBody,
  LoginBody,
  SessionUser,
  SignupBody,
} from '#contract/api/auth';
import type { ApiScope } from '#contract/api/api-keys';
import type { Role } from '#contract/domain/roles';
import type { Clock } from '../../lib/clock';
import type { AuditRecorder } from '../audit/audit-log';
import { fail, ok, type Result } from '#contract/result';
import { recordChanges } from '../../storage/change-log';
import { writeGenerationOf, type Db } from '../../storage/db';
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
import {
  checkSession as readSessionCheck,
  refreshTokenByHash,
  revokeSession,
  revokeUserSessionsExcept,
  createRevocationTracker,
  type SessionCheckRow,
} from '../../storage/queries/sessions';
import { refreshTokens, sessions } from '../../storage/schema/index';
import type { AccessTokens } from './access-tokens';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import { checkPasswordStrength } from './password-strength';
import { newToken, sha256 } from './secrets';
import { createInvitationAcceptance } from './invitation-acceptance';
import { createGenerationCache, createNotifiedCache } from './session-cache';

/** The authenticated caller of a request: who, in which organization, with which live role. */
export type Principal = {
  userId: string;
  organizationId: string;
  role: Role;
  sessionId: string;
  /**
   * Set when an API key (or a client-credentials token issued for it) authenticated the request:
   * then `userId` is the key's id and `role` the key role of the visibility module (an
   * organization-wide actor), and the key's scopes limit what it may call.
   */
  apiKey?: KeyCredential;
  /**
   * Set when a lead intake's signed request acts (no user, no key): `userId` is then the intake's
   * id, which the send path must not record as a message's author.
   */
  intakeId?: string;
};

/** The API key behind a key-authenticated principal. */
export type KeyCredential = {
  id: string;
  name: string;
  /** What this request may do: the key's scopes, narrowed by a token's. */
  scopes: readonly ApiScope[];
  /** Per-key override of the configured requests per minute. */
  rateLimitPerMinute: number | null;
};

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
  /**
   * PostgreSQL: how long a cached session check may serve when no notification dropped it
   * (default {@link SESSION_CHECK_TTL_MS}); 0 turns the cache off.
   */
  sessionCheckTtlMs?: number;
};

/** The bound on a session check cached on PostgreSQL (see `createNotifiedCache`). */
export const SESSION_CHECK_TTL_MS = 1_000;

/** Sign-up, sign-in, token refresh and revocation, own profile and password. */
export type AuthService = ReturnType<typeof createAuthService>;

export const rateLimited = (seconds: number) =>
  fail('rate_limited', `Too many attempts, try again in ${seconds} s`, { retryAfter: seconds });

/** Creates the auth service. */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, hasher, tokens, throttle, clock } = deps;
  // Only where this process is the database's sole client (PGlite); see `authenticate`.
  const writeGeneration = writeGenerationOf(db);
  const sessionChecks = writeGeneration ? createGenerationCache<SessionCheckRow>(writeGeneration) : undefined;
  // PostgreSQL (issue 15): one round trip less per request, dropped by the sessions NOTIFY.
  const ttl = deps.sessionCheckTtlMs ?? SESSION_CHECK_TTL_MS;
  const revocationsInFlight = createRevocationTracker();
  const notified =
    writeGeneration || ttl <= 0
      ? undefined
      : createNotifiedCache<SessionCheckRow>({
          ttlMs: ttl,
          now: () => performance.now(),
          inFlight: (userId) => revocationsInFlight.has(userId),
        });

  /** The session + membership row of a token (see `authenticate`), from the cache when exact. */
  const checkSession = async (organizationId: string, sessionId: string, userId: string) => {
    // Ids are fixed-length UUIDs, so the joined key is unambiguous.
    const key = `${organizationId}/${sessionId}/${userId}`;
    const cached = sessionChecks?.get(key) ?? notified?.get(key, userId);
    if (cached) return cached;
    const generation = sessionChecks?.mark();
    const epoch = notified?.mark();
    const row = await readSessionCheck(db, { organizationId, sessionId, userId });
    if (row && generation !== undefined) sessionChecks?.store(key, row, generation);
    if (row && epoch !== undefined) notified?.store(key, userId, row, epoch);
    return row;
  };

  /**
   * Marks a refresh token rotated unless it already was; false when someone else rotated it first
   * (a concurrent reuse), which the caller treats as reuse.
   */
  const markRotated = async (organizationId: string, tokenId: string, now: Date): Promise<boolean> => {
    const rows = await db
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(
        and(
          eq(refreshTokens.organizationId, organizationId),
          eq(refreshTokens.id, tokenId),
          isNull(refreshTokens.rotatedAt),
        ),
      )
      .returning({ id: refreshTokens.id });
    return rows.length > 0;
  };

  /** Opens a session in `organizationId` and returns tokens plus the session user. */
  const issue = async (userId: string, organizationId: string): Promise<Result<AuthResponse>> => {
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    const [session] = await db
      .insert(sessions)
      .values({ organizationId, userId, createdAt: now, expiresAt })
      .returning({ id: sessions.id });
    if (!session) throw new Error('insert returned no row');
    return continueSession(userId, organizationId, session.id, expiresAt);
  };

  /** Adds a refresh token to a session and signs an access token for it. */
  const continueSession = async (
    userId: string,
    organizationId: string,
    sessionId: string,
    sessionExpiresAt: Date,
  ): Promise<Result<AuthResponse>> => {
    const now = clock.now();
    const user = await userById(db, userId);
    const memberships = (await membershipsOfUser(db, userId)).filter((m) => m.deactivatedAt === null);
    const current = memberships.find((m) => m.organizationId === organizationId);
    if (!user || !current) return fail('session_revoked', 'This session is no longer valid; sign in again');
    const refreshToken = newToken('rt');
    const refreshExpiresAt = new Date(
      Math.min(now.getTime() + REFRESH_TOKEN_TTL_MS, sessionExpiresAt.getTime()),
    );
    // Only the token's hash is stored.
    await db.insert(refreshTokens).values({
      organizationId,
      sessionId,
      tokenHash: sha256(refreshToken),
      createdAt: now,
      expiresAt: refreshExpiresAt,
    });
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
    /** A sessions NOTIFY for `userId` arrived (every process): its cached checks go. */
    sessionsChanged: (userId: string): void => {
      revocationsInFlight.confirm(userId);
      notified?.invalidate(userId);
    },

    /** The notification listener reconnected (notifications may have been lost). */
    sessionsUnknown: (): void => notified?.clear(),

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
