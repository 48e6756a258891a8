import axe from 'axe-core';
import { expect } from 'vitest';

/**
 * Runs axe-core over the rendered document (so portalled modals and menus count) and fails
 * with the list of violations. WCAG A/AA rules only: page-level best practices such as
 * "content must be in landmarks" don't apply to a component rendered alone.
 */
export async function expectNoAxeViolations(root: Element = document.body): Promise<void> {
  const results = await axe.run(root, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    rules: {
      // jsdom does not lay out or paint, so axe cannot compute contrast; the Playwright runs in
      // real Chromium are where colours are checked.
      'color-contrast': { enabled: false },
    },
  });
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, 'axe-core accessibility violations').toEqual([]);
}
