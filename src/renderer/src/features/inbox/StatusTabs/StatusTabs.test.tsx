import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import { StatusTabs } from './StatusTabs';

describe('StatusTabs', () => {
  it('names the tabs Open, Pending, Snoozed and Resolved, with counts as descriptions; arrows switch', async () => {
    const onChange = vi.fn();
    const c = (total: number, unread: number) => ({ total, unread, important: 0 });
    const { user } = render(
      <>
        <StatusTabs
          value="open"
          onChange={onChange}
          panelId="panel"
          counts={{
            view: 'all',
            teamId: null,
            tabs: { open: c(12, 3), pending: c(2, 0), snoozed: c(0, 0), resolved: c(340, 1) },
          }}
        />
        <div id="panel" role="tabpanel" aria-labelledby="inbox-status-tab-open" />
      </>,
    );
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.textContent?.replace(/\d+/g, ''))).toEqual([
      'Open',
      'Pending',
      'Snoozed',
      'Resolved',
    ]);
    expect(screen.getByRole('tab', { name: 'Open' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'Resolved' })).toHaveAccessibleDescription(
      '1 unread, 340 conversations',
    );
    await expectNoAxeViolations();
    screen.getByRole('tab', { name: 'Open' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(onChange).toHaveBeenCalledWith('pending');
  });
});
