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
    setSel((s) => prune(s, order));
  }, [order]);
  const [key, setKey] = useState(resetKey);
  if (key !== resetKey) {
    // Adjusting state while rendering (React's documented pattern): no frame shows the old checks.
    setKey(resetKey);
    setSel(EMPTY_SELECTION);
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
