import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen, within } from '../../../test-utils/render';
import { SHORTCUTS } from '../keyboard-map';
import { ShortcutsDialog } from './ShortcutsDialog';

describe('ShortcutsDialog', () => {
  it('lists every shortcut of the keyboard map', async () => {
    const onClose = vi.fn();
    const { user } = render(<ShortcutsDialog opened onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const s of SHORTCUTS) expect(within(dialog).getAllByText(s.description).length).toBeGreaterThan(0);
    expect(within(dialog).getAllByText('Ctrl').length).toBeGreaterThan(0);
    await expectNoAxeViolations();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });
});
