import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from './db';
import { memberships, refreshTokens, sessions } from './schema/index';

/**
 * PostgreSQL notification channel of revoked sessions (payload: the user id), sent in the
 * revoking transaction so every server process learns it at commit: the sync gateway re-checks
 * that user's open sockets and disconnects those whose session no longer holds.
 */
export const SESSION_REVOKED_CHANNEL = 'parley_sessions';

const notifyRevoked = (db: Db, userId: string) =>
  db.execute(sql`select pg_notify(${SESSION_REVOKED_CHANNEL}, ${userId})`);

/** Sessions (refresh-token families) and their tokens. */
export type SessionRepo = ReturnType<typeof createSessionRepo>;

/** Data access for sessions and refresh tokens. */
export function createSessionRepo(db: Db) {
  return {
    /** Starts a session. */
    insertSession: async (organizationId: string, userId: string, now: Date, expiresAt: Date) => {
      const [row] = await db
        .insert(sessions)
        .values({ organizationId, userId, createdAt: now, expiresAt })
        .returning({ id: sessions.id });
      if (!row) throw new Error('insert returned no row');
      return row.id;
    },
    /** Stores a refresh token's hash. */
    insertRefreshToken: async (
      organizationId: string,
      sessionId: string,
      tokenHash: string,
      now: Date,
      expiresAt: Date,
    ) => {
      await db
        .insert(refreshTokens)
        .values({ organizationId, sessionId, tokenHash, createdAt: now, expiresAt });
    },
    /** The token with this hash and its session, for refresh/logout (global lookup by secret). */
    tokenByHash: async (tokenHash: string) => {
      const [row] = await db
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
    },
    /**
     * Marks a token rotated if it was not already; returns false when someone else rotated it
     * first (a concurrent reuse), which the caller treats as reuse.
     */
    markRotated: async (organizationId: string, tokenId: string, now: Date): Promise<boolean> => {
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
    },
    /** Revokes one session. */
    revokeSession: async (organizationId: string, sessionId: string, reason: string, now: Date) => {
      const revoked = await db
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
      for (const r of revoked) await notifyRevoked(db, r.userId);
    },
    /** Revokes every live session of a user in one organization (deactivation, removal). */
    revokeMemberSessions: async (organizationId: string, userId: string, reason: string, now: Date) => {
      await db
        .update(sessions)
        .set({ revokedAt: now, revokedReason: reason })
        .where(
          and(
            eq(sessions.organizationId, organizationId),
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
          ),
        );
      await notifyRevoked(db, userId);
    },
    /** Revokes every live session of a user in every organization except `keep` (password change). */
    revokeUserSessionsExcept: async (userId: string, keep: string | undefined, reason: string, now: Date) => {
      await db
        .update(sessions)
        .set({ revokedAt: now, revokedReason: reason })
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
            keep ? ne(sessions.id, keep) : undefined,
          ),
        );
      await notifyRevoked(db, userId);
    },
    /**
     * The per-request check, prepared once: is the session live and the membership active, and
     * what is the member's current role. One primary-key-sized index probe per table.
     */
    sessionCheck: db
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
      .prepare('parley_session_check'),
  };
}
