import { useCallback, useState } from 'react';

/** Bounds of a resizable column. */
export interface WidthBounds {
  initial: number;
  min: number;
  max: number;
}

const clamp = (n: number, b: WidthBounds) => Math.min(b.max, Math.max(b.min, Math.round(n)));

/**
 * A column width the person sets by dragging, remembered on this device (localStorage, key
 * `parley.width.<name>`), always within its bounds (a stored value from a wider window is
 * clamped, never trusted).
 */
export function useStoredWidth(name: string, bounds: WidthBounds): [number, (next: number) => void] {
  const key = `parley.width.${name}`;
  const [width, setWidthState] = useState(() => {
    const stored = Number(window.localStorage.getItem(key));
    return Number.isFinite(stored) && stored > 0 ? clamp(stored, bounds) : bounds.initial;
  });
  const setWidth = useCallback(
    (next: number) => {
      const value = clamp(next, bounds);
      setWidthState(value);
      try {
        window.localStorage.setItem(key, String(value));
      } catch {
        // Storage full or refused: the width still applies for this session.
      }
    },
    [key, bounds],
  );
  return [width, setWidth];
}

/** Whether a flag is on, remembered on this device (`parley.flag.<name>`). */
export function useStoredFlag(name: string, initial: () => boolean): [boolean, (next: boolean) => void] {
  const key = `parley.flag.${name}`;
  const [value, setValueState] = useState(() => {
    const stored = window.localStorage.getItem(key);
    return stored === null ? initial() : stored === '1';
  });
  const setValue = useCallback(
    (next: boolean) => {
      setValueState(next);
      try {
        window.localStorage.setItem(key, next ? '1' : '0');
      } catch {
        // As above: the choice holds for this session.
      }
    },
    [key],
  );
  return [value, setValue];
}
