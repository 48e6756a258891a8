import { describe, expect, it, vi } from 'vitest';
import type { ConversationsState } from '../../../api';
import { inboxIds, makeInboxConversations } from '../../../test-utils/inbox-fixtures';
import { withElementSize } from '../../../test-utils/layout';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import { initialInboxState } from '../inbox-state';
import { ListPane, type ListPaneProps } from './ListPane';

withElementSize();

const conversations = (over: Partial<ConversationsState> = {}): ConversationsState => ({
  items: makeInboxConversations(20),
  isLoading: false,
  isStale: false,
  error: null,
  hasMore: false,
  isLoadingMore: false,
  loadMore: vi.fn(),
  ...over,
});

function props(over: Partial<ListPaneProps> = {}): ListPaneProps {
  return {
    state: initialInboxState('mine'),
    viewLabel: 'Mine',
    conversations: conversations(),
    counts: undefined,
    memberNames: new Map(),
    meId: inboxIds.me,
    now: Date.now(),
    onTab: vi.fn(),
    onToggleUnread: vi.fn(),
    onToggleImportant: vi.fn(),
    onLabel: vi.fn(),
    onSearch: vi.fn(),
    onClearFilters: vi.fn(),
    onSelect: vi.fn(),
    onOpen: vi.fn(),
    ...over,
  };
}

describe('ListPane', () => {
  it('keeps rows still while the pointer is over the list; new activity waits behind a pill', async () => {
    const items = makeInboxConversations(5);
    const { rerender, user } = render(<ListPane {...props({ conversations: conversations({ items }) })} />);
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    const names = () => screen.getAllByRole('option').map((o) => o.id);
    const before = names();
    await user.hover(list);
    // The last row gets a message and moves to the top; a new conversation arrives.
    const [fresh] = makeInboxConversations(6).slice(5);
    const next = [{ ...fresh!, id: '0190ffff-0000-7000-8000-000000000001' }, items[4]!, ...items.slice(0, 4)];
    rerender(<ListPane {...props({ conversations: conversations({ items: next }) })} />);
    expect(names()).toEqual(before);
    const pill = screen.getByRole('button', { name: '2 new updates' });
    await user.click(pill);
    expect(names()).not.toEqual(before);
    expect(names()).toHaveLength(6);
    expect(screen.queryByRole('button', { name: /new update/ })).not.toBeInTheDocument();
  });

  it('applies held updates when the pointer leaves', async () => {
    const items = makeInboxConversations(3);
    const { rerender, user } = render(<ListPane {...props({ conversations: conversations({ items }) })} />);
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    await user.hover(list);
    rerender(
      <ListPane {...props({ conversations: conversations({ items: [items[2]!, items[0]!, items[1]!] }) })} />,
    );
    expect(screen.getByRole('button', { name: '1 new update' })).toBeInTheDocument();
    await user.unhover(list);
    await user.pointer({ target: document.body });
    expect(screen.queryByRole('button', { name: /new update/ })).not.toBeInTheDocument();
  });

  it('shows search, tabs, filters and the list, inside the tab panel, described by a summary', async () => {
    render(<ListPane {...props()} />);
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    expect(screen.getByRole('tabpanel', { name: 'Open' })).toContainElement(list);
    expect(list).toHaveAccessibleDescription('Mine · Open');
    // The labels seen in the list become filter chips.
    expect(screen.getByRole('checkbox', { name: 'vip' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'refund' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('says when a tab is empty, when filters match nothing (with Clear filters) and when a search finds nothing', async () => {
    const empty = conversations({ items: [] });
    const { rerender, user } = render(<ListPane {...props({ conversations: empty })} />);
    expect(screen.getByText('No open conversations in Mine')).toBeInTheDocument();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();

    const onClearFilters = vi.fn();
    rerender(
      <ListPane
        {...props({
          conversations: empty,
          state: { ...initialInboxState('mine'), unread: true },
          onClearFilters,
        })}
      />,
    );
    expect(screen.getByText('Nothing matches these filters')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onClearFilters).toHaveBeenCalled();
    await expectNoAxeViolations();

    rerender(
      <ListPane
        {...props({ conversations: empty, state: { ...initialInboxState('mine'), search: 'zebra' } })}
      />,
    );
    expect(screen.getByText('No open conversations match “zebra”')).toBeInTheDocument();
  });

  it('shows why the list could not be read', () => {
    render(
      <ListPane
        {...props({
          conversations: conversations({ items: [], error: { code: 'internal', message: 'Disk full.' } }),
        })}
      />,
    );
    expect(screen.getByText('Disk full.')).toBeInTheDocument();
  });
});
