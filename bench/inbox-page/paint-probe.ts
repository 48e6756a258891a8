// Timing helpers shared by both bench pages, so the app and the minimal list are measured the
// same way. "Painted" = the first animation frame in which `check()` holds, then a message
// task, which Chromium runs after that frame's paint.

/** Resolves with performance.now() after the frame in which `check()` first holds is painted. */
export function whenPainted(check: () => boolean, timeoutMs = 10_000): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const frame = () => {
      if (check()) {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(performance.now());
        ch.port2.postMessage(null);
        return;
      }
      if (performance.now() - start > timeoutMs) {
        reject(new Error('timed out waiting for the list to paint'));
        return;
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

/** What a scripted scroll saw. */
export interface ScrollResult {
  frames: number;
  /** Frame intervals over 20 ms. */
  dropped: number;
  droppedPct: number;
  p95IntervalMs: number;
  maxIntervalMs: number;
  /** How far the list got (px). */
  distancePx: number;
}

/**
 * Scrolls `el` for `durationMs` in a scripted pattern (speed swinging between 10 and 150 px per
 * frame, reversing at either end) and records every frame interval.
 */
export function scriptedScroll(el: HTMLElement, durationMs: number): Promise<ScrollResult> {
  return new Promise((resolve) => {
    const intervals: number[] = [];
    let last = 0;
    let start = 0;
    let dir = 1;
    let distance = 0;
    const frame = (t: number) => {
      if (!start) start = t;
      if (last) intervals.push(t - last);
      last = t;
      const phase = (t - start) / 1000;
      const speed = 80 + 70 * Math.sin(phase * 2.1);
      const before = el.scrollTop;
      el.scrollTop = before + dir * speed;
      if (el.scrollTop === before) dir = -dir;
      distance += Math.abs(el.scrollTop - before);
      if (t - start < durationMs) {
        requestAnimationFrame(frame);
        return;
      }
      const sorted = [...intervals].sort((a, b) => a - b);
      const dropped = intervals.filter((d) => d > 20).length;
      resolve({
        frames: intervals.length,
        dropped,
        droppedPct: (100 * dropped) / Math.max(1, intervals.length),
        p95IntervalMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        maxIntervalMs: sorted[sorted.length - 1] ?? 0,
        distancePx: distance,
      });
    };
    requestAnimationFrame(frame);
  });
}

/** DOM elements under `root` (the list's constant-size claim). */
export function countNodes(root: Element | null): number {
  return root ? root.querySelectorAll('*').length + 1 : 0;
}
