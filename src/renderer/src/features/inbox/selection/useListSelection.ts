import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { InboxConversation } from '#contract/ipc/contract';
import {
  EMPTY_SELECTION,
  orderedIds,
  prune,
  selectAll,
  selectRange,
  toggle,
  type Selection,
} from './selection';

/** What {@link useListSelection} returns. */
export interface ListSelection {
  /** Checked ids (stable between changes). */
  ids: ReadonlySet<string>;
  /** The checked rows, in list order. */
  checked: InboxConversation[];
  /** A cell click or `x` (`range`: Shift held). */
  onCheck(id: string, range: boolean): void;
  /** Ctrl/Cmd-A: the whole filtered list (again: none). */
  onCheckAll(): void;
  clear(): void;
}

/**
 * The list's bulk selection over the rows on screen. A new query (`resetKey`: view, tab,
 * filters, search) starts empty; rows that leave the list (resolved by a teammate, reassigned
 * away) drop out of it, so an action never reaches a conversation the person cannot see.
 */
export function useListSelection(items: readonly InboxConversation[], resetKey: string): ListSelection {
  const [sel, setSel] = useState<Selection>(EMPTY_SELECTION);
  const order = useMemo(() => items.map((c) => c.id), [items]);
  const orderRef = useRef(order);
  useEffect(() => {
    orderRef.current = order;
  }, [order]);
  // Adjusting state while rendering (React's documented pattern), so no frame shows a check on a
  // row that left the list, or the last query's checks on a new one.
  const [seen, setSeen] = useState({ order, resetKey });
  if (seen.order !== order || seen.resetKey !== resetKey) {
    setSeen({ order, resetKey });
    setSel(seen.resetKey !== resetKey ? EMPTY_SELECTION : prune(sel, order));
  }
  const onCheck = useCallback(
    (id: string, range: boolean) =>
      setSel((s) => (range ? selectRange(s, orderRef.current, id) : toggle(s, id))),
    [],
  );
  const onCheckAll = useCallback(() => setSel((s) => selectAll(s, orderRef.current)), []);
  const clear = useCallback(() => setSel(EMPTY_SELECTION), []);
  const checked = useMemo(() => {
    const byId = new Map(items.map((c) => [c.id, c]));
    return orderedIds(sel, order).map((id) => byId.get(id)!);
  }, [sel, order, items]);
  return { ids: sel.ids, checked, onCheck, onCheckAll, clear };
}
