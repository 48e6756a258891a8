/**
 * An in-process cache that is exact against a write generation (see `Database.writeGeneration`):
 * the counter moves before and after every statement that may write, so
 * - a value is stored only if the counter did not move while it was read (a read that overlapped
 *   a write may have seen the old state, so it is used once and not kept), and
 * - every stored value is dropped as soon as the counter moves.
 * A hit therefore always equals what the database would answer now. Bounded: when full, it
 * starts over.
 */
export type GenerationCache<V> = {
  /** The cached value, or undefined (then read the database between `mark()` and `store()`). */
  get: (key: string) => V | undefined;
  /** The generation to hand to `store()`; take it before the read starts. */
  mark: () => number;
  /** Keeps `value` if no write started or finished since `mark()` returned `generation`. */
  store: (key: string, value: V, generation: number) => void;
};

/** Creates a {@link GenerationCache} over `generation`, holding at most `maxEntries` values. */
export function createGenerationCache<V>(generation: () => number, maxEntries = 10_000): GenerationCache<V> {
  const entries = new Map<string, V>();
  let entriesGeneration = generation();
  return {
    get: (key) => {
      const now = generation();
      if (now !== entriesGeneration) {
        entries.clear();
        entriesGeneration = now;
        return undefined;
      }
      return entries.get(key);
    },
    mark: generation,
    store: (key, value, readGeneration) => {
      const now = generation();
      if (now !== readGeneration) return;
      if (now !== entriesGeneration || entries.size >= maxEntries) {
        entries.clear();
        entriesGeneration = now;
      }
      entries.set(key, value);
    },
  };
}

/**
 * The per-request session check's cache where other processes share the database (PostgreSQL).
 * Every change a check depends on (revocation, deactivation, removal, role change) sends a NOTIFY
 * with the user id in its transaction (`storage/queries/sessions.ts`) and, with Redis, an
 * acknowledged invalidation before its request answers (`lib/invalidation-bus.ts`); both reach
 * `invalidate` in every process. So:
 * - in the changing process the user is never cached while the change may be uncommitted
 *   (`inFlight`) — its revocation applies to the very next request, like without a cache;
 * - in other processes entries go when the invalidation arrives: with Redis before the changing
 *   request answers, else milliseconds after the commit (NOTIFY);
 * - an entry serves at most `ttlMs` after its read STARTED (a lost notification, a stuck
 *   process: the changing request waits that long for a missing acknowledgement, so no entry
 *   read before its commit outlives it), and not at all while `connected()` says invalidations
 *   cannot reach this process;
 * - a read that overlapped an invalidation is used once and not kept.
 */
export type NotifiedCache<V> = {
  get: (key: string, userId: string) => V | undefined;
  /** Take before the read; hand to `store`. */
  mark: () => CacheMark;
  store: (key: string, userId: string, value: V, mark: CacheMark) => void;
  /** An invalidation for `userId` arrived. */
  invalidate: (userId: string) => void;
  /** Invalidations may have been lost (a listener reconnected): drop everything. */
  clear: () => void;
};

/** When a read started, and the invalidations seen by then. */
export type CacheMark = { epoch: number; at: number };

/** Creates a {@link NotifiedCache}; `inFlight(userId)`: a change of that user written here is unconfirmed. */
export function createNotifiedCache<V>(opts: {
  ttlMs: number;
  now: () => number;
  inFlight: (userId: string) => boolean;
  /** Whether invalidations reach this process now (default: always). */
  connected?: () => boolean;
  maxEntries?: number;
}): NotifiedCache<V> {
  const entries = new Map<string, { value: V; userId: string; at: number }>();
  let epoch = 0;
  const max = opts.maxEntries ?? 10_000;
  const connected = opts.connected ?? (() => true);
  return {
    get: (key, userId) => {
      const e = entries.get(key);
      if (!e) return undefined;
      if (opts.now() - e.at >= opts.ttlMs || opts.inFlight(userId) || !connected()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    mark: () => ({ epoch, at: opts.now() }),
    store: (key, userId, value, mark) => {
      if (mark.epoch !== epoch || opts.inFlight(userId) || !connected()) return;
      if (entries.size >= max) entries.clear();
      entries.set(key, { value, userId, at: mark.at });
    },
    invalidate: (userId) => {
      epoch++;
      for (const [key, e] of entries) if (e.userId === userId) entries.delete(key);
    },
    clear: () => {
      epoch++;
      entries.clear();
    },
  };
}
