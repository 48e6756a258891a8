import { join } from 'node:path';
import type { Rectangle } from 'electron';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../../core/fs-util';

/** What is remembered about the main window between runs. */
export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  isMaximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

/** Size of a first start. */
export const defaultWindowSize = { width: 1200, height: 800 } as const;

/** How much of the window must be on a display for the saved position to be used. */
const MIN_VISIBLE = { width: 120, height: 80 };

/** True when at least a grabbable part of `bounds` lies inside one display's work area. */
export function isVisibleOnSomeDisplay(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  return workAreas.some((a) => {
    const w = Math.min(bounds.x + bounds.width, a.x + a.width) - Math.max(bounds.x, a.x);
    const h = Math.min(bounds.y + bounds.height, a.y + a.height) - Math.max(bounds.y, a.y);
    return w >= MIN_VISIBLE.width && h >= MIN_VISIBLE.height;
  });
}

/**
 * Reads the saved state (`window-state.json` in userData). The position is dropped when no
 * current display shows the window (a monitor was unplugged), keeping only the size.
 */
export function loadWindowState(
  dir: string,
  workAreas: readonly Rectangle[],
): { bounds: Partial<Rectangle> & { width: number; height: number }; isMaximized: boolean } {
  const parsed = WindowState.safeParse(readJsonFile(join(dir, 'window-state.json')));
  if (!parsed.success) return { bounds: { ...defaultWindowSize }, isMaximized: false };
  const s = parsed.data;
  const bounds = { x: s.x, y: s.y, width: s.width, height: s.height };
  return isVisibleOnSomeDisplay(bounds, workAreas)
    ? { bounds, isMaximized: s.isMaximized }
    : { bounds: { width: s.width, height: s.height }, isMaximized: s.isMaximized };
}

/** Saves the state. */
export function saveWindowState(dir: string, state: WindowState): void {
  writeJsonFile(join(dir, 'window-state.json'), state);
}
