// Cache invalidations between server processes: what the caches (API keys, session checks) need
// of the bus; the Redis implementation is `modules/invalidation/redis-hub.ts`.

/** Where invalidations of one kind of cached value travel between processes. */
export type InvalidationBus = {
  /** Drops `id` in every process; resolves when all acknowledged (or after the ack timeout). */
  publish: (id: string) => Promise<void>;
  /** `id` null = drop everything (the connection was lost: invalidations may have been missed). */
  subscribe: (listener: (id: string | null) => void) => void;
  /** Whether invalidations reach this process now; while false, cached values must not serve. */
  connected: () => boolean;
};
