import { afterEach, beforeEach, vi } from 'vitest';

/**
 * jsdom does no layout, so every element measures 0×0 and a virtualized list renders no rows.
 * Call this at the top of a test file to give elements a size (the list's viewport) for each
 * test; the spies are restored after each test.
 */
export function withElementSize(width = 380, height = 720): void {
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(height);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(width);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
}
