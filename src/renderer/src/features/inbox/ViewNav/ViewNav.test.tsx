import { describe, expect, it, vi } from 'vitest';
import type { InboxCounts } from '#contract/ipc/contract';
import { inboxIds, inboxTeams } from '../../../test-utils/inbox-fixtures';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import { inboxViews } from '../inbox-views';
import { ViewNav } from './ViewNav';

const zero = { total: 0, unread: 0, important: 0 };
const counts = (open: { total: number; unread: number }): InboxCounts => ({
  view: 'mine',
  teamId: null,
  tabs: { open: { ...open, important: 0 }, pending: zero, snoozed: zero, resolved: zero },
});

describe('ViewNav', () => {
  it('lists the views with "N unread, M open" as descriptions, and marks the current one', async () => {
    const onChange = vi.fn();
    const views = inboxViews({ id: inboxIds.me, role: 'manager' }, inboxTeams);
    const { user } = render(
      <ViewNav
        views={views}
        currentKey="mine"
        counts={{ mine: counts({ total: 12, unread: 3 }), unassigned: counts({ total: 4, unread: 0 }) }}
        onChange={onChange}
      />,
    );
    const mine = screen.getByRole('button', { name: 'Mine' });
    expect(mine).toHaveAttribute('aria-current', 'page');
    expect(mine).toHaveAccessibleDescription('3 unread, 12 open');
    // One number on screen (unread), not "3 12".
    expect(mine).toHaveTextContent(/^Mine3$/);
    expect(screen.getByRole('button', { name: 'All' })).toHaveAccessibleDescription('Counting…');
    expect(screen.getByText('Teams')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Support' }));
    expect(onChange).toHaveBeenCalledWith(
      expect.objectContaining({ view: 'team', teamId: inboxIds.support }),
    );
    await expectNoAxeViolations();
  });

  it('shows agents only their own teams and no All', () => {
    const views = inboxViews({ id: inboxIds.me, role: 'agent' }, inboxTeams);
    expect(views.map((v) => v.label)).toEqual(['Mine', 'Unassigned', 'Support']);
  });
});
