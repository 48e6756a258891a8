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
 * with the user id in its transaction (`storage/queries/sessions.ts`), which `invalidate` receives
 * in every process. So:
 * - in the changing process the user is never cached while the change may be uncommitted
 *   (`inFlight`) — its revocation applies to the very next request, like without a cache;
 * - in other processes entries go when the NOTIFY arrives (milliseconds after the commit), and at
 *   most `ttlMs` after they were read in any case (a lost notification, a listener reconnecting);
 * - a read that overlapped an invalidation is used once and not kept.
 */
export type NotifiedCache<V> = {
  get: (key: string, userId: string) => V | undefined;
  /** Take before the read; hand to `store`. */
  mark: () => number;
  store: (key: string, userId: string, value: V, mark: number) => void;
  /** A NOTIFY for `userId` arrived. */
  invalidate: (userId: string) => void;
  /** Notifications may have been lost (the listener reconnected): drop everything. */
  clear: () => void;
};

/** Creates a {@link NotifiedCache}; `inFlight(userId)`: a change of that user written here is unconfirmed. */
export function createNotifiedCache<V>(opts: {
  ttlMs: number;
  now: () => number;
  inFlight: (userId: string) => boolean;
  maxEntries?: number;
}): NotifiedCache<V> {
  const entries = new Map<string, { value: V; userId: string; at: number }>();
  let epoch = 0;
  const max = opts.maxEntries ?? 10_000;
  return {
    get: (key, userId) => {
      const e = entries.get(key);
      if (!e) return undefined;
      if (opts.now() - e.at >= opts.ttlMs || opts.inFlight(userId)) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    mark: () => epoch,
    store: (key, userId, value, mark) => {
      if (mark !== epoch || opts.inFlight(userId)) return;
      if (entries.size >= max) entries.clear();
      entries.set(key, { value, userId, at: opts.now() });
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
