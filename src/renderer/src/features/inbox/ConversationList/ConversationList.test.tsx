import { describe, expect, it, vi } from 'vitest';
import { inboxIds, inboxMembers, makeInboxConversations } from '../../../test-utils/inbox-fixtures';
import { withElementSize } from '../../../test-utils/layout';
import { expectNoAxeViolations, render, screen, within } from '../../../test-utils/render';
import { ConversationList, type ConversationListProps } from './ConversationList';

withElementSize();

const memberNames = new Map(inboxMembers.map((m) => [m.id, m.name]));

function setup(overrides: Partial<ConversationListProps> = {}) {
  const props: ConversationListProps = {
    items: makeInboxConversations(30),
    hasMore: false,
    onLoadMore: vi.fn(),
    selectedId: null,
    openId: null,
    onSelect: vi.fn(),
    onOpen: vi.fn(),
    memberNames,
    meId: inboxIds.me,
    now: Date.now(),
    ...overrides,
  };
  const result = render(<ConversationList {...props} />);
  return { ...result, props };
}

describe('ConversationList', () => {
  it('is a listbox named Conversations whose options start with the contact name', async () => {
    setup();
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    const options = within(list).getAllByRole('option');
    expect(options[0]).toHaveAccessibleName(
      /^Maria Souza, 1 unread, important, Message number 0 about the order, 1 min, window open for 20 h, assigned to you, labels vip, customer waiting 1 minute$/,
    );
    expect(options[1]).toHaveAccessibleName(
      /^João Souza, You: Message number 1 about the order, .*window closes in 1 h, unassigned, labels refund, late$/,
    );
    expect(options[2]).toHaveAccessibleName(
      /^Aisha Souza, Photo, .*window closed, assigned to Alex Agent, customer waiting 3 minutes$/,
    );
    expect(options[0]).toHaveAttribute('aria-posinset', '1');
    expect(options[0]).toHaveAttribute('aria-setsize', '30');
    await expectNoAxeViolations();
  });

  it('keeps the DOM small: only the rows in view plus a few, whatever the count', () => {
    const { unmount } = setup({ items: makeInboxConversations(100) });
    const few = screen.getAllByRole('option').length;
    unmount();
    setup({ items: makeInboxConversations(20_000), hasMore: true });
    const many = screen.getAllByRole('option');
    expect(many.length).toBe(few);
    expect(many.length).toBeLessThan(20);
    expect(many[0]).toHaveAttribute('aria-setsize', '-1');
  });

  it('asks for the next page when the end of the loaded rows is near', () => {
    const onLoadMore = vi.fn();
    setup({ items: makeInboxConversations(12), hasMore: true, onLoadMore });
    expect(onLoadMore).toHaveBeenCalled();
    onLoadMore.mockClear();
    setup({ items: makeInboxConversations(200), hasMore: true, onLoadMore });
    expect(onLoadMore).not.toHaveBeenCalled();
  });

  it('moves the selection with the arrow keys, Home and End, and opens with Enter', async () => {
    const items = makeInboxConversations(30);
    const { user, props, rerender } = setup({ items });
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    list.focus();
    await user.keyboard('{ArrowDown}');
    expect(props.onSelect).toHaveBeenLastCalledWith(items[0]!.id);

    rerender(<ConversationList {...props} selectedId={items[0]!.id} />);
    expect(list).toHaveAttribute('aria-activedescendant', `conversation-row-${items[0]!.id}`);
    expect(screen.getAllByRole('option')[0]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{ArrowDown}');
    expect(props.onSelect).toHaveBeenLastCalledWith(items[1]!.id);
    await user.keyboard('{End}');
    expect(props.onSelect).toHaveBeenLastCalledWith(items[29]!.id);
    await user.keyboard('{Enter}');
    expect(props.onOpen).toHaveBeenCalledWith(items[0]!.id);
  });

  it('selects and opens a row on click', async () => {
    const items = makeInboxConversations(5);
    const { user, props } = setup({ items });
    await user.click(screen.getByRole('option', { name: /^Chen Souza/ }));
    expect(props.onSelect).toHaveBeenCalledWith(items[3]!.id);
    expect(props.onOpen).toHaveBeenCalledWith(items[3]!.id);
  });

  it('puts the assignee’s availability on their initials and in the row’s name', async () => {
    const items = makeInboxConversations(3);
    setup({ items, memberAvailability: new Map([[inboxIds.alex, 'away']]) });
    const row = screen.getByRole('option', { name: /^Aisha Souza/ });
    expect(row).toHaveAccessibleName(/assigned to Alex Agent, away, customer waiting/);
    expect(row.querySelector('.pc-assignee-dot')).toHaveAttribute('data-availability', 'away');
    // No availability known (or unassigned): no dot, and the sentence is unchanged.
    expect(screen.getByRole('option', { name: /^João Souza/ }).querySelector('.pc-assignee-dot')).toBeNull();
    await expectNoAxeViolations();
  });

  it('highlights the search words in names and previews', () => {
    setup({ items: makeInboxConversations(3), highlight: 'souza order' });
    const marks = document.querySelectorAll('mark');
    expect([...marks].map((m) => m.textContent)).toContain('Souza');
    expect([...marks].map((m) => m.textContent)).toContain('order');
  });
});
