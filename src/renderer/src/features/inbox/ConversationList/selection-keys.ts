import type { KeyboardEvent } from 'react';

/** What the selection keys act on. */
export interface SelectionKeyTargets {
  /** The keyboard row. */
  selectedId: string | null;
  checked: ReadonlySet<string> | undefined;
  onCheck?(id: string, range: boolean): void;
  onCheckAll?(): void;
  onClearChecked?(): void;
}

/**
 * The list's bulk-selection keys: `x` toggles the keyboard row, Ctrl/Cmd-A checks the whole
 * filtered list (not the page's text), Escape clears the checks (before it closes anything).
 * Returns true when the key was one of them and handled (default prevented, so the app's
 * shortcuts leave it alone).
 */
export function handleSelectionKey(e: KeyboardEvent, t: SelectionKeyTargets): boolean {
  if (!t.onCheck) return false;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'a' && t.onCheckAll) {
    e.preventDefault();
    t.onCheckAll();
    return true;
  }
  if (mod || e.altKey) return false;
  if (e.key.toLowerCase() === 'x' && t.selectedId) {
    e.preventDefault();
    t.onCheck(t.selectedId, e.shiftKey);
    return true;
  }
  if (e.key === 'Escape' && t.checked && t.checked.size > 0 && t.onClearChecked) {
    e.preventDefault();
    t.onClearChecked();
    return true;
  }
  return false;
}
