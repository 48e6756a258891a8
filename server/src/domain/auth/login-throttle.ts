import { and, eq, lt, sql } from 'drizzle-orm';
import type { Clock } from '../../lib/clock';
import type { Db } from '../../storage/db';
import { loginAttempts } from '../../storage/schema/index';

/** Limits for {@link createLoginThrottle}. */
export type ThrottleLimits = {
  /** Failures per (account, IP) pair that cost nothing. */
  freeFailures: number;
  /** Wait after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
  /** A pair's count starts over this long after its last failure. */
  windowMs: number;
};

/** Default: 5 free failures, then 1 s, 2 s, 4 s, … up to 15 min; forgotten 15 min after the last failure. */
export const DEFAULT_THROTTLE: ThrottleLimits = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60 * 1000,
  windowMs: 15 * 60 * 1000,
};

/** Counts failed sign-ins per (account, IP) pair, shared by every process through the database. */
export type LoginThrottle = {
  /** Seconds this pair must wait before its next attempt is checked, else 0. */
  retryAfter: (account: string, ip: string) => Promise<number>;
  recordFailure: (account: string, ip: string) => Promise<void>;
  /** A successful sign-in clears the pair. */
  recordSuccess: (account: string, ip: string) => Promise<void>;
};

/**
 * OWASP's guidance (issue 9, finding 5): growing delays per (account, IP) pair instead of hard
 * lockouts. The old throttle locked an account after 5 failures from anywhere (anyone could lock
 * any known e-mail out for 15 minutes) and an IP after 20 (everyone behind one proxy), and kept
 * its counts in one process's memory (N processes gave N× the limit, a restart cleared them).
 * Now a guesser only slows their own pair, exponentially; the victim signing in from their own
 * address is unaffected. Counts live in PostgreSQL (`login_attempts`), so they hold across
 * processes and restarts; `request.ip` honours TRUST_PROXY. Distributed guessing from many
 * addresses is left to per-IP rate limits on the route and to password strength.
 */
export function createLoginThrottle(deps: {
  db: Db;
  clock: Clock;
  limits?: ThrottleLimits | undefined;
}): LoginThrottle {
  const { db, clock } = deps;
  const limits = deps.limits ?? DEFAULT_THROTTLE;
  const delayAfter = (failures: number) =>
    failures <= limits.freeFailures
      ? 0
      : Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** (failures - limits.freeFailures - 1));
  let writes = 0;
  return {
    retryAfter: async (account, ip) => {
      const now = clock.now();
      const [row] = await db
        .select({ blockedUntil: loginAttempts.blockedUntil })
        .from(loginAttempts)
        .where(and(eq(loginAttempts.account, account), eq(loginAttempts.ip, ip)));
      const until = row?.blockedUntil?.getTime() ?? 0;
      return until > now.getTime() ? Math.max(1, Math.ceil((until - now.getTime()) / 1000)) : 0;
    },
    recordFailure: async (account, ip) => {
      const now = clock.now();
      const stale = new Date(now.getTime() - limits.windowMs);
      // One atomic upsert: concurrent failures from several processes each count.
      const [row] = await db
        .insert(loginAttempts)
        .values({ account, ip, failures: 1, lastFailureAt: now })
        .onConflictDoUpdate({
          target: [loginAttempts.account, loginAttempts.ip],
          set: {
            failures: sql`case when ${loginAttempts.lastFailureAt} < ${stale} then 1 else ${loginAttempts.failures} + 1 end`,
            lastFailureAt: now,
          },
        })
        .returning({ failures: loginAttempts.failures });
      const delay = delayAfter(row?.failures ?? 1);
      if (delay > 0)
        await db
          .update(loginAttempts)
          .set({ blockedUntil: new Date(now.getTime() + delay) })
          .where(and(eq(loginAttempts.account, account), eq(loginAttempts.ip, ip)));
      // Bound the table under a spray of distinct pairs: drop expired rows now and then.
      if (++writes % 200 === 0)
        await db
          .delete(loginAttempts)
          .where(lt(loginAttempts.lastFailureAt, new Date(stale.getTime() - limits.maxDelayMs)));
    },
    recordSuccess: async (account, ip) => {
      await db.delete(loginAttempts).where(and(eq(loginAttempts.account, account), eq(loginAttempts.ip, ip)));
    },
  };
}
