import { and, eq, isNull } from 'drizzle-orm';
import type { AuthResponse } from '#contract/api/auth';
import { fail, ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import type { Db } from '../../storage/db';
import { membershipsOfUser, userById } from '../../storage/queries/members';
import { refreshTokens, sessions } from '../../storage/schema/index';
import type { AccessTokens } from './access-tokens';
import { newToken, sha256 } from './secrets';

/** A refresh token is good for 30 days; a session (family) for 90 days at most. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const SESSION_TTL_MS = 90 * 24 * 3600 * 1000;

/** Opens sessions and hands out token pairs: the write side of sign-in and refresh. */
export function createSessionIssuer(deps: { db: Db; tokens: AccessTokens; clock: Clock }) {
  const { db, tokens, clock } = deps;

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
    continueSession,

    /** Opens a session in `organizationId` and returns tokens plus the session user. */
    issue: async (userId: string, organizationId: string): Promise<Result<AuthResponse>> => {
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
      const [session] = await db
        .insert(sessions)
        .values({ organizationId, userId, createdAt: now, expiresAt })
        .returning({ id: sessions.id });
      if (!session) throw new Error('insert returned no row');
      return continueSession(userId, organizationId, session.id, expiresAt);
    },

    /**
     * Marks a refresh token rotated unless it already was; false when someone else rotated it first
     * (a concurrent reuse), which the caller treats as reuse.
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
  };
}
