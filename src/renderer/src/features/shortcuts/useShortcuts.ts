import { useEffect, useRef } from 'react';
import { isMacPlatform, isTypingTarget, matchShortcut, SHORTCUTS, type ShortcutId } from './keyboard-map';

/** Actions bound to shortcuts; a shortcut without an action does nothing (and is not swallowed). */
export type ShortcutHandlers = Partial<Record<ShortcutId, () => void>>;

/** Marks the element whose focus counts as "in the list" for arrow keys and Enter. */
export const LIST_ZONE_ATTRIBUTE = 'data-shortcut-list-zone';

const byId = new Map(SHORTCUTS.map((s) => [s.id, s]));

/**
 * Binds the keyboard map to `handlers` on the window. Single-key shortcuts never fire while
 * typing in a field or inside a dialog or popover (the palette's Mod+K is the exception, so
 * it also closes itself); arrow keys and Enter only when focus is in the list zone or on
 * nothing, because elsewhere they belong to whatever has focus. Events a component already
 * handled (`defaultPrevented`) are left alone.
 */
export function useShortcuts(handlers: ShortcutHandlers, enabled = true): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    if (!enabled) return;
    const isMac = isMacPlatform();
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const id = matchShortcut(e, isMac);
      if (!id) return;
      const def = byId.get(id)!;
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (!def.whileTyping) {
        if (isTypingTarget(target)) return;
        if (target?.closest('[role="dialog"], [role="menu"], [role="alertdialog"]')) return;
      }
      const isArrowOrEnter = e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Enter';
      if (isArrowOrEnter || def.listOnly) {
        const inZone = !target || target === document.body || !!target.closest(`[${LIST_ZONE_ATTRIBUTE}]`);
        if (!inZone) return;
        // Enter on a button or link activates it, not the selected row.
        if (e.key === 'Enter' && target && target.closest('button, a, [role="button"], [role="tab"], input'))
          return;
      }
      const handler = latest.current[id];
      if (!handler) return;
      e.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
