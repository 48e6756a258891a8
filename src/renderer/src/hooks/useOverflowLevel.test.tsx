import { render } from '@testing-library/react';
import { useRef } from 'react';
import { describe, expect, it } from 'vitest';
import { useOverflowLevel } from './useOverflowLevel';

/** A row whose content is `500 - 100 × level` px wide in a 250 px box (jsdom lays nothing out). */
function Row({ contentKey, boxWidth = 250 }: { contentKey: string; boxWidth?: number }) {
  const row = useRef<HTMLDivElement>(null);
  const name = useRef<HTMLDivElement>(null);
  const level = useOverflowLevel({ row, flexible: name, minWidth: 0 }, 5, contentKey);
  return (
    <div
      ref={(el) => {
        row.current = el;
        if (!el) return;
        Object.defineProperty(el, 'clientWidth', { configurable: true, get: () => boxWidth });
        Object.defineProperty(el, 'scrollWidth', {
          configurable: true,
          get: () => Math.max(boxWidth, 500 - 100 * Number(el.dataset.level)),
        });
      }}
      data-level={level}
    >
      <div ref={name} />
      level {level}
    </div>
  );
}

describe('useOverflowLevel', () => {
  it('steps up until the content fits, before paint, and no further', () => {
    const { container } = render(<Row contentKey="a" />);
    // 500 → 400 → 300 → 200: three steps make it fit in 250 px.
    expect(container.textContent).toBe('level 3');
  });

  it('stays at 0 where nothing is laid out', () => {
    const { container } = render(<Row contentKey="a" boxWidth={0} />);
    expect(container.textContent).toBe('level 0');
  });

  it('measures again from 0 when the content changes', () => {
    const { container, rerender } = render(<Row contentKey="a" boxWidth={250} />);
    expect(container.textContent).toBe('level 3');
    rerender(<Row contentKey="b" boxWidth={450} />);
    expect(container.textContent).toBe('level 1');
  });
});
