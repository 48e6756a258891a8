import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import { QuickFilters } from './QuickFilters';

describe('QuickFilters', () => {
  it('offers Unread, Important and the labels as named toggles', async () => {
    const props = { onToggleUnread: vi.fn(), onToggleImportant: vi.fn(), onLabel: vi.fn() };
    const { user } = render(
      <QuickFilters unread important={false} label="vip" labels={['vip', 'refund']} {...props} />,
    );
    expect(screen.getByRole('group', { name: 'Filters' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Unread' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Important' })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'vip' })).toBeChecked();
    await expectNoAxeViolations();
    await user.click(screen.getByRole('checkbox', { name: 'Important' }));
    expect(props.onToggleImportant).toHaveBeenCalled();
    await user.click(screen.getByRole('checkbox', { name: 'refund' }));
    expect(props.onLabel).toHaveBeenCalledWith('refund');
    await user.click(screen.getByRole('checkbox', { name: 'vip' }));
    expect(props.onLabel).toHaveBeenCalledWith(null);
  });
});
