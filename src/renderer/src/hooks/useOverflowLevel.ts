import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** What {@link useOverflowLevel} measures. */
export interface OverflowTargets {
  /** The one-line row whose content must fit its width. */
  row: RefObject<HTMLElement | null>;
  /** The element that gives way first (a name that truncates); it must keep `minWidth`. */
  flexible: RefObject<HTMLElement | null>;
  /** The narrowest the flexible element may become before the next level applies (px). */
  minWidth: number;
}

/**
 * How many steps of "make room" a one-line row needs (0 = everything inline, up to `maxLevel`):
 * after each render the row is measured, and while its content is wider than it (or the
 * flexible part is squeezed under `minWidth`) the level goes up by one, before the browser
 * paints. A change of the row's width or of `contentKey` (what the row shows) starts again
 * from 0, so the row grows back when there is room.
 *
 * Measured rather than fixed breakpoints because the content varies: a long assignee's name,
 * four labels, a translated button. Where nothing is laid out (jsdom: widths are 0) it stays 0.
 */
export function useOverflowLevel(
  { row, flexible, minWidth }: OverflowTargets,
  maxLevel: number,
  contentKey: string,
): number {
  const [level, setLevel] = useState(0);
  // The row's width as last observed: a change starts the measuring again, even at level 0.
  const [rowWidth, setRowWidth] = useState(0);
  const measuredKey = useRef(contentKey);

  // Measure, then render again before the browser paints: React's documented pattern for
  // layout that depends on measured size (the same as positioning a tooltip), so the
  // synchronous setState here is the point, not a cascade (at most maxLevel + 1 renders).
  useLayoutEffect(() => {
    if (measuredKey.current !== contentKey) {
      measuredKey.current = contentKey;
      if (level !== 0) {
        // eslint-disable-next-line react-hooks/set-state-in-effect -- measuring layout, see above
        setLevel(0);
        return;
      }
    }
    const el = row.current;
    if (!el || el.clientWidth === 0 || level >= maxLevel) return;
    const squeezed = (flexible.current?.clientWidth ?? minWidth) < minWidth;
    if (el.scrollWidth > el.clientWidth + 1 || squeezed) setLevel(level + 1);
  }, [contentKey, level, maxLevel, row, flexible, minWidth, rowWidth]);

  useEffect(() => {
    const el = row.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let width = el.clientWidth;
    const observer = new ResizeObserver(() => {
      // Only the width matters: a level change can change the row's height, and reacting to
      // that would start the measuring again for nothing.
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      setRowWidth(width);
      setLevel(0);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [row]);

  return level;
}
