import { useCallback, useMemo, useState } from 'react';

/** What {@link useCalmList} returns. */
export interface CalmList<T> {
  /** The rows to draw. */
  shown: readonly T[];
  /** New or moved rows held back while the list is held ("3 new updates"). */
  pending: number;
  /** The pointer entered the list, or focus went into it: rows stop moving. */
  hold(): void;
  /** The pointer left and focus is elsewhere: the held updates apply. */
  release(): void;
  /** Applies the held updates now (the pill's click); the list stays held. */
  apply(): void;
}

/**
 * A list that does not move under the pointer (as Front and Superhuman do): while held, rows
 * keep their order and new rows wait; each shown row still gets its latest data, and rows that
 * left the list (the person's own Resolve, say) go at once. The number of held-back new or moved
 * rows is `pending`. `viewKey` names the query (view, tab, filters, search): a new query is
 * never held back, since the person asked for it.
 */
export function useCalmList<T extends { id: string }>(items: readonly T[], viewKey: string): CalmList<T> {
  const [frozen, setFrozen] = useState<{ key: string; ids: readonly string[] } | null>(null);

  const hold = useCallback(
    () => setFrozen((f) => f ?? { key: viewKey, ids: items.map((i) => i.id) }),
    [items, viewKey],
  );
  const release = useCallback(() => setFrozen(null), []);
  const apply = useCallback(
    () => setFrozen((f) => (f ? { key: viewKey, ids: items.map((i) => i.id) } : f)),
    [items, viewKey],
  );

  // A new query while held: hold its rows from now on (state adjusted while rendering, React's
  // pattern for deriving from a changed prop, so no frame shows the old rows).
  if (frozen && frozen.key !== viewKey) setFrozen({ key: viewKey, ids: items.map((i) => i.id) });

  return useMemo(() => {
    if (!frozen || frozen.key !== viewKey) return { shown: items, pending: 0, hold, release, apply };
    const byId = new Map(items.map((i) => [i.id, i]));
    const shown = frozen.ids.flatMap((id) => byId.get(id) ?? []);
    const kept = new Set(frozen.ids);
    const added = items.filter((i) => !kept.has(i.id)).length;
    // Moved: the fewest rows that must move to turn the shown order into the latest one (rows
    // outside the longest run already in order).
    const at = new Map(shown.map((r, i) => [r.id, i]));
    const order = items.flatMap((i) => at.get(i.id) ?? []);
    const moved = order.length - longestIncreasing(order);
    return { shown, pending: added + moved, hold, release, apply };
  }, [frozen, items, viewKey, hold, release, apply]);
}

/** Length of the longest strictly increasing subsequence (patience sorting, O(n log n)). */
function longestIncreasing(xs: readonly number[]): number {
  const tails: number[] = [];
  for (const x of xs) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
  }
  return tails.length;
}
