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
