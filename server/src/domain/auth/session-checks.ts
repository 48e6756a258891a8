import type { InvalidationBus } from '../../lib/invalidation-bus';
import { writeGenerationOf, type Db } from '../../storage/db';
import {
  checkSession as readSessionCheck,
  createRevocationTracker,
  type SessionCheckRow,
} from '../../storage/queries/sessions';
import { createGenerationCache, createNotifiedCache } from './session-cache';

/**
 * The bound on a session check cached on PostgreSQL (see `createNotifiedCache`), and how long a
 * revoking request waits at most for every process to acknowledge (so no entry outlives it).
 */
export const SESSION_CHECK_TTL_MS = 1_000;

/**
 * The session + membership lookup behind every authenticated request, cached where that is safe.
 * On PGlite this process is the database's only client, and the lookup is cached against the
 * write generation, which every write moves synchronously (see `createGenerationCache`). On
 * PostgreSQL (issue 15) a cached check serves for at most `ttlMs` and is dropped by the sessions
 * NOTIFY and, with Redis, by the acknowledged invalidation `bus` (see `createNotifiedCache`);
 * `ttlMs` 0 turns that cache off.
 */
export function createSessionChecks(db: Db, ttlMs = SESSION_CHECK_TTL_MS, bus?: InvalidationBus) {
  const writeGeneration = writeGenerationOf(db);
  const sessionChecks = writeGeneration ? createGenerationCache<SessionCheckRow>(writeGeneration) : undefined;
  const revocationsInFlight = createRevocationTracker();
  const notified =
    writeGeneration || ttlMs <= 0
      ? undefined
      : createNotifiedCache<SessionCheckRow>({
          ttlMs,
          now: () => performance.now(),
          inFlight: (userId) => revocationsInFlight.has(userId),
          connected: bus ? bus.connected : undefined,
        });
  bus?.subscribe((userId) => (userId === null ? notified?.clear() : notified?.invalidate(userId)));

  return {
    /** The session + membership row of a token, from the cache when exact. */
    check: async (organizationId: string, sessionId: string, userId: string) => {
      // Ids are fixed-length UUIDs, so the joined key is unambiguous.
      const key = `${organizationId}/${sessionId}/${userId}`;
      const cached = sessionChecks?.get(key) ?? notified?.get(key, userId);
      if (cached) return cached;
      const generation = sessionChecks?.mark();
      const mark = notified?.mark();
      const row = await readSessionCheck(db, { organizationId, sessionId, userId });
      if (row && generation !== undefined) sessionChecks?.store(key, row, generation);
      if (row && mark !== undefined) notified?.store(key, userId, row, mark);
      return row;
    },

    /**
     * A sessions NOTIFY for `userId` arrived (every process): its cached checks go. With a bus
     * they also go by its acknowledged message, which the revoking request waits for; the NOTIFY
     * may come first, and the sync gateway re-checks the user's sockets on it, so it drops too.
     */
    sessionsChanged: (userId: string): void => {
      revocationsInFlight.confirm(userId);
      notified?.invalidate(userId);
    },

    /** The notification listener reconnected (notifications may have been lost). */
    sessionsUnknown: (): void => notified?.clear(),

    /**
     * After a request that revoked `userIds` committed: every process drops their checks before
     * this resolves (acknowledged over the bus, at most `ttlMs`; nothing to do without one).
     */
    revoked: async (userIds: Iterable<string>): Promise<void> => {
      if (!bus) return;
      await Promise.all([...userIds].map((u) => bus.publish(u)));
    },
  };
}
