import { waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { OutboxItem } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import type { ConversationsState } from '../../../api';
import {
  inboxIds,
  inboxMembers,
  inboxTeams,
  makeInboxConversations,
} from '../../../test-utils/inbox-fixtures';
import { withElementSize } from '../../../test-utils/layout';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
} from '../../../test-utils/render';
import { contactLabel } from '../conversation-format';
import { initialInboxState } from '../inbox-state';
import { ListPane, type ListPaneProps } from './ListPane';

withElementSize();

const items = makeInboxConversations(6);
const names = items.map((c) => contactLabel(c));

function props(): ListPaneProps {
  const conversations: ConversationsState = {
    items,
    isLoading: false,
    isStale: false,
    error: null,
    hasMore: false,
    isLoadingMore: false,
    loadMore: vi.fn(),
  };
  return {
    state: initialInboxState('all'),
    viewLabel: 'All',
    conversations,
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
  };
}

function setup() {
  const parley = createFakeParley({ session: signedInSession });
  parley['members:list'].mockResolvedValue(ok(inboxMembers));
  parley['teams:list'].mockResolvedValue(ok(inboxTeams));
  let outbox: OutboxItem[] = [];
  let mid = 0;
  parley['conversation:assign'].mockImplementation(async () => {
    mid += 1;
    outbox = [...outbox, { ...outboxItem(mid), state: 'queued' }];
    return ok({ mutationId: mid });
  });
  parley['outbox:list'].mockImplementation(async () => ok(outbox));
  const r = render(<ListPane {...props()} />, { parley });
  return { ...r, setOutbox: (o: OutboxItem[]) => (outbox = o) };
}

const outboxItem = (mutationId: number, error?: string): OutboxItem => ({
  mutationId,
  name: 'conversation.assign',
  state: error ? 'failed' : 'sending',
  conversationId: null,
  summary: 'Assign',
  text: null,
  error: error ? { code: 'forbidden', message: error } : null,
  createdAt: new Date().toISOString(),
  canRetry: false,
  canDiscard: true,
});

const box = (i: number) => screen.getByRole('checkbox', { name: `Select conversation with ${names[i]}` });

describe('ListPane bulk actions', () => {
  it('checks rows with the cell and Shift-click, keeps the row names, and clears with Escape', async () => {
    const { user } = setup();
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    await user.click(box(1));
    await user.keyboard('{Shift>}');
    await user.click(box(3));
    await user.keyboard('{/Shift}');
    expect([0, 1, 2, 3, 4].map((i) => box(i).getAttribute('aria-checked'))).toEqual([
      'false',
      'true',
      'true',
      'true',
      'false',
    ]);
    // The row's name is still its sentence first (then the cell's name).
    expect(screen.getAllByRole('option')[1]).toHaveAccessibleName(new RegExp(`^${names[1]}, `));
    const bar = screen.getByRole('region', { name: 'Bulk actions' });
    expect(within(bar).getByText('3 selected')).toBeInTheDocument();
    await expectNoAxeViolations();
    list.focus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Bulk actions' })).not.toBeInTheDocument();
    expect(box(1)).toHaveAttribute('aria-checked', 'false');
  });

  it('Ctrl-A checks the whole list and x toggles the keyboard row', async () => {
    const { user, rerender, parley } = setup();
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    list.focus();
    await user.keyboard('{Control>}a{/Control}');
    expect(
      within(screen.getByRole('region', { name: 'Bulk actions' })).getByText('6 selected'),
    ).toBeInTheDocument();
    await user.keyboard('{Control>}a{/Control}');
    expect(screen.queryByRole('region', { name: 'Bulk actions' })).not.toBeInTheDocument();
    rerender(<ListPane {...props()} state={{ ...initialInboxState('all'), selectedId: items[2]!.id }} />);
    list.focus();
    await user.keyboard('x');
    expect(box(2)).toHaveAttribute('aria-checked', 'true');
    await user.keyboard('x');
    expect(box(2)).toHaveAttribute('aria-checked', 'false');
    expect(parley['conversation:assign']).not.toHaveBeenCalled();
  });

  it('assigns every checked conversation with one write each, then reports progress and refusals', async () => {
    const { user, parley, setOutbox } = setup();
    await user.click(box(0));
    await user.click(box(1));
    await user.click(box(2));
    await user.click(screen.getByRole('button', { name: 'Assign' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Sam Agent' }));
    await waitFor(() => expect(parley['conversation:assign']).toHaveBeenCalledTimes(3));
    expect(parley['conversation:assign'].mock.calls.map(([i]) => i)).toEqual(
      [0, 1, 2].map((i) => ({ conversationId: items[i]!.id, assigneeId: inboxIds.sam })),
    );
    // The selection is cleared; one notice follows the run.
    expect(screen.queryByRole('region', { name: 'Bulk actions' })).not.toBeInTheDocument();
    const notice = await screen.findByRole('status', { name: 'Bulk action progress' });
    await waitFor(() => expect(notice).toHaveTextContent('Updating 3 conversations… 0 done'));
    expect(notice).toHaveTextContent('Assign to Sam Agent');

    // The server confirms #1 and refuses #3.
    setOutbox([outboxItem(2), outboxItem(3, 'This conversation moved to a team you do not manage.')]);
    parley.emit('replica:changed', { tables: ['outbox'] });
    await waitFor(() => expect(notice).toHaveTextContent('Updating 3 conversations… 1 done, 1 refused'));
    setOutbox([outboxItem(3, 'This conversation moved to a team you do not manage.')]);
    parley.emit('sync:status', { state: 'online' } as never);
    await waitFor(() => expect(notice).toHaveTextContent('Updated 2 of 3 conversations; 1 refused'));
    const failures = within(notice).getByRole('list', { name: 'Not updated' });
    expect(
      within(failures)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([`${names[2]} — This conversation moved to a team you do not manage.`]);
    await expectNoAxeViolations();
    await user.click(screen.getByRole('button', { name: 'Dismiss bulk action notice' }));
    expect(screen.queryByRole('status', { name: 'Bulk action progress' })).not.toBeInTheDocument();
  });
});
