import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import './ResizeHandle.css';

/** Props of {@link ResizeHandle}. */
export interface ResizeHandleProps {
  /** "Resize the conversation list". */
  label: string;
  width: number;
  min: number;
  max: number;
  onChange(width: number): void;
  /** The column is to the handle's right (dragging left widens it). */
  invert?: boolean;
}

/** Arrow keys move the edge by this much (px); Shift by four times as much. */
const STEP = 16;

/**
 * A column edge to drag (or focus and move with the arrow keys; Home/End for the bounds): a
 * vertical `separator` with its value, as WAI-ARIA's window splitter pattern describes.
 */
export function ResizeHandle({ label, width, min, max, onChange, invert = false }: ResizeHandleProps) {
  const drag = useRef<{ x: number; width: number } | null>(null);
  const sign = invert ? -1 : 1;
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, width };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) onChange(drag.current.width + sign * (e.clientX - drag.current.x));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? STEP * 4 : STEP;
    const next =
      e.key === 'ArrowLeft'
        ? width - sign * step
        : e.key === 'ArrowRight'
          ? width + sign * step
          : e.key === 'Home'
            ? min
            : e.key === 'End'
              ? max
              : null;
    if (next === null) return;
    e.preventDefault();
    onChange(next);
  };
  return (
    <div
      className="pc-resize-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
