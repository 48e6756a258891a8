import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useRenderedWidth } from './useRenderedWidth';

/** A box `width` px wide as far as getBoundingClientRect says (jsdom lays nothing out). */
function Column({ width }: { width: () => number }) {
  const [ref, rendered] = useRenderedWidth<HTMLDivElement>();
  return (
    <div
      ref={(el) => {
        if (el) el.getBoundingClientRect = () => ({ width: width() }) as DOMRect;
        ref(el);
      }}
    >
      {rendered === null ? 'unmeasured' : `${rendered} px`}
    </div>
  );
}

describe('useRenderedWidth', () => {
  const observers: Array<() => void> = [];
  afterEach(() => {
    observers.length = 0;
    vi.unstubAllGlobals();
  });

  it('measures at once and again on each resize, rounded', () => {
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(cb: () => void) {
          observers.push(cb);
        }
        observe() {}
        disconnect() {}
      },
    );
    let width = 340.4;
    const { container } = render(<Column width={() => width} />);
    expect(container.textContent).toBe('340 px');
    width = 301.6;
    act(() => observers.forEach((cb) => cb()));
    expect(container.textContent).toBe('302 px');
  });

  it('gives no width where nothing is laid out', () => {
    const { container } = render(<Column width={() => 0} />);
    expect(container.textContent).toBe('unmeasured');
  });
});
