import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { noteRevokedUser } from '../../lib/revoked-users';
import type { Db, Tx } from '../db';
import { memberships, refreshTokens, sessions } from '../schema/index';

// Sessions (refresh-token families): the per-request check, prepared for its hot path; the
// refresh token found by its hash (global: the token is all the caller has); and every
// revocation, each sending the NOTIFY that makes every process drop the user's sockets — kept
// here so no revoking statement can forget it. See the query rule in server/README.md.

/** Any statement runner: the database or a transaction. */
type Exec = Db | Tx;

/**
 * PostgreSQL notification channel of revoked sessions (payload: the user id), sent in the
 * revoking transaction so every server process learns it at commit: the sync gateway re-checks
 * that user's open sockets and disconnects those whose session no longer holds.
 */
export const SESSION_REVOKED_CHANNEL = 'parley_sessions';

/**
 * Revocations written here whose NOTIFY has not come back yet (user id → when): until it does,
 * the transaction may not have committed, so the per-request check of that user is not cached
 * (`domain/auth/session-cache.ts`). Forgotten after {@link UNCONFIRMED_MS} (a rollback sends no
 * NOTIFY; it only delays caching for that user). One tracker per app: each app's own listener
 * confirms its own, so two apps in one process (tests) behave as two processes would.
 */
const trackers = new Set<Map<string, number>>();
const UNCONFIRMED_MS = 5_000;

/** A tracker of revocations in flight for one app (its auth service; one per process in production). */
export function createRevocationTracker() {
  const unconfirmed = new Map<string, number>();
  trackers.add(unconfirmed);
  return {
    /** Whether a revocation of `userId` written here may not have committed yet. */
    has: (userId: string, now = Date.now()): boolean => {
      const at = unconfirmed.get(userId);
      if (at === undefined) return false;
      if (now - at < UNCONFIRMED_MS) return true;
      unconfirmed.delete(userId);
      return false;
    },
    /** The NOTIFY of `userId` arrived at this app: what it announced has committed. */
    confirm: (userId: string): void => {
      unconfirmed.delete(userId);
    },
  };
}

const notifyRevoked = (exec: Exec, userId: string) => {
  const now = Date.now();
  for (const unconfirmed of trackers) unconfirmed.set(userId, now);
  // With Redis, the request also waits for every process to drop the user (plugins/auth.ts).
  noteRevokedUser(userId);
  return exec.execute(sql`select pg_notify(${SESSION_REVOKED_CHANNEL}, ${userId})`);
};

/**
 * Announces a change of a member's role or state (not a revocation): processes drop their cached
 * session check of that user and re-check their sockets. Call it in the changing transaction.
 */
export const notifyMemberChanged = (exec: Exec, userId: string) => notifyRevoked(exec, userId);

const prepareSessionCheck = (db: Db) =>
  db
    .select({
      role: memberships.role,
      deactivatedAt: memberships.deactivatedAt,
      revokedAt: sessions.revokedAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(
      memberships,
      and(eq(memberships.organizationId, sessions.organizationId), eq(memberships.userId, sessions.userId)),
    )
    .where(
      and(
        eq(sessions.organizationId, sql.placeholder('organizationId')),
        eq(sessions.id, sql.placeholder('sessionId')),
        eq(sessions.userId, sql.placeholder('userId')),
      ),
    )
    .limit(1)
    .prepare('parley_session_check');

/** The per-request check of one database, prepared once. */
const sessionChecks = new WeakMap<Db, ReturnType<typeof prepareSessionCheck>>();

/** A row of the session check: the member's current role and state, the session's. */
export type SessionCheckRow = Awaited<ReturnType<ReturnType<typeof prepareSessionCheck>['execute']>>[number];

/**
 * The per-request check: is the session live and the membership active, and what is the
 * member's current role. One primary-key-sized index probe per table, prepared once per database.
 */
export async function checkSession(
  db: Db,
  key: { organizationId: string; sessionId: string; userId: string },
): Promise<SessionCheckRow | undefined> {
  let prepared = sessionChecks.get(db);
  if (!prepared) sessionChecks.set(db, (prepared = prepareSessionCheck(db)));
  const [row] = await prepared.execute(key);
  return row;
}

/** The refresh token with this hash and its session, for refresh/logout (global lookup by secret). */
export async function refreshTokenByHash(exec: Exec, tokenHash: string) {
  const [row] = await exec
    .select({
      tokenId: refreshTokens.id,
      organizationId: refreshTokens.organizationId,
      sessionId: refreshTokens.sessionId,
      expiresAt: refreshTokens.expiresAt,
      rotatedAt: refreshTokens.rotatedAt,
      userId: sessions.userId,
      sessionExpiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash));
  return row;
}

/** Revokes one session. */
export async function revokeSession(
  exec: Exec,
  organizationId: string,
  sessionId: string,
  reason: string,
  now: Date,
): Promise<void> {
  const revoked = await exec
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(
        eq(sessions.organizationId, organizationId),
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
      ),
    )
    .returning({ userId: sessions.userId });
  for (const r of revoked) await notifyRevoked(exec, r.userId);
}

/** Revokes every live session of a user in one organization (deactivation, removal). */
export async function revokeMemberSessions(
  exec: Exec,
  organizationId: string,
  userId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await exec
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(
        eq(sessions.organizationId, organizationId),
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
      ),
    );
  await notifyRevoked(exec, userId);
}

/** Revokes every live session of a user in every organization except `keep` (password change). */
export async function revokeUserSessionsExcept(
  exec: Exec,
  userId: string,
  keep: string | undefined,
  reason: string,
  now: Date,
): Promise<void> {
  await exec
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep ? ne(sessions.id, keep) : undefined),
    );
  await notifyRevoked(exec, userId);
}
