import { useCallback, useEffect, useState } from 'react';

/**
 * The width an element is laid out at (px, rounded), followed with a ResizeObserver: null
 * until measured (and where ResizeObserver is missing). For a column that gives way when the
 * window is narrow, so its resize handle states and drags from the width on screen, not the
 * remembered one.
 */
export function useRenderedWidth<T extends HTMLElement>(): [(el: T | null) => void, number | null] {
  const [el, setEl] = useState<T | null>(null);
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const measure = () => {
      const w = Math.round(el.getBoundingClientRect().width);
      // jsdom (and a detached element) lays nothing out: no measurement rather than 0.
      setWidth(w > 0 ? w : null);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  const ref = useCallback((node: T | null) => setEl(node), []);
  return [ref, width];
}
