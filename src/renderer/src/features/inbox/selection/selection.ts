/**
 * Multi-select in the conversation list, as pure functions over an immutable value, so the
 * rules (toggle, Shift range from the anchor, select the filtered list, drop what left the list)
 * are tested without React. The keyboard row (`selectedId` in the inbox state) is a different
 * thing: it is where the arrow keys are; this is the set a bulk action applies to.
 */
export interface Selection {
  /** Checked conversation ids, in the order they were checked. */
  readonly ids: ReadonlySet<string>;
  /** The row a Shift-click measures its range from: the last row toggled on its own. */
  readonly anchor: string | null;
}

/** Nothing checked. */
export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

/** Checks or unchecks one row; it becomes the anchor of the next Shift-click. */
export function toggle(sel: Selection, id: string): Selection {
  const ids = new Set(sel.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/**
 * Shift-click: the rows from the anchor to `id` (inclusive, in list order) take the state the
 * anchor has (checked, usually; unchecking a range works the same way), as in file managers.
 * Without an anchor in the list it is a plain toggle. The anchor stays, so a second Shift-click
 * re-measures from the same row.
 */
export function selectRange(sel: Selection, order: readonly string[], id: string): Selection {
  const from = sel.anchor === null ? -1 : order.indexOf(sel.anchor);
  const to = order.indexOf(id);
  if (from < 0 || to < 0) return toggle(sel, id);
  const check = sel.ids.has(sel.anchor!);
  const ids = new Set(sel.ids);
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  for (let i = lo; i <= hi; i++) {
    if (check) ids.add(order[i]!);
    else ids.delete(order[i]!);
  }
  return { ids, anchor: sel.anchor };
}

/** Ctrl/Cmd-A: every row of the (filtered) list; again when all are checked: none. */
export function selectAll(sel: Selection, order: readonly string[]): Selection {
  if (order.length > 0 && order.length === sel.ids.size && order.every((id) => sel.ids.has(id)))
    return EMPTY_SELECTION;
  return { ids: new Set(order), anchor: sel.anchor };
}

/**
 * Keeps only rows still in the list (a live update moved one to another tab; it was reassigned
 * away). Returns the same value when nothing left, so React skips the re-render.
 */
export function prune(sel: Selection, order: readonly string[]): Selection {
  if (sel.ids.size === 0) return sel;
  const present = new Set(order);
  let gone = false;
  for (const id of sel.ids) if (!present.has(id)) gone = true;
  if (!gone) return sel;
  const ids = new Set([...sel.ids].filter((id) => present.has(id)));
  return { ids, anchor: sel.anchor !== null && present.has(sel.anchor) ? sel.anchor : null };
}

/** The checked ids in list order (the order a bulk action runs in). */
export function orderedIds(sel: Selection, order: readonly string[]): string[] {
  return order.filter((id) => sel.ids.has(id));
}
