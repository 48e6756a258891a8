import { fireEvent } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Member } from '#contract/api/users';
import { ok } from '#contract/result';
import {
  conversationFake,
  ids,
  makeConversation,
  makeMessage,
  makeNote,
  threadPage,
} from '../../../test-utils/conversation-fixtures';
import { expectNoAxeViolations, render, screen, waitFor, within } from '../../../test-utils/render';
import { ConversationView } from './ConversationView';

const members: Member[] = [
  {
    id: ids.agent,
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'admin',
    deactivatedAt: null,
    joinedAt: '2026-01-01T00:00:00Z',
    availability: 'available',
    capacity: null,
  },
  {
    id: ids.otherAgent,
    email: 'linus@example.com',
    name: 'Linus Pauling',
    role: 'agent',
    deactivatedAt: null,
    joinedAt: '2026-01-01T00:00:00Z',
    availability: 'available',
    capacity: null,
  },
];

const renderView = (parley = conversationFake()) =>
  render(<ConversationView conversationId={ids.conversation} onClose={() => undefined} />, { parley });

describe('ConversationView', () => {
  it('shows the contact, the live window and the thread with a note, accessibly', async () => {
    const parley = conversationFake({
      messages: [
        makeMessage({ text: 'Is my cake ready?', convSeq: 1 }),
        makeMessage({
          direction: 'outbound',
          authorId: ids.agent,
          status: 'read',
          text: 'Yes, *today*',
          convSeq: 2,
        }),
      ],
      notes: [makeNote({ body: 'VIP customer', createdAt: '2026-03-02T10:10:00.000Z' })],
    });
    renderView(parley);
    expect(await screen.findByRole('heading', { name: 'Grace Hopper' })).toBeInTheDocument();
    expect(screen.getByText('+14155550123')).toBeInTheDocument();
    expect(screen.getByRole('timer')).toHaveTextContent('Replies allowed for 3 h 12 min');
    expect(await screen.findByText('Is my cake ready?')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Read' })).toBeInTheDocument();
    const note = screen.getByRole('article', { name: 'Internal note by You' });
    expect(within(note).getByText('Internal note')).toBeInTheDocument();
    expect(within(note).getByText('VIP customer')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeEnabled();
    await expectNoAxeViolations();
  });

  it('gives the number and status line its whole text as a tooltip (it is shortened when tight)', async () => {
    const { user } = renderView();
    await user.hover(await screen.findByText('+14155550123'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(/^\+14155550123 · \S/);
  });

  it('says "Window closed" when more than 24 hours passed', async () => {
    renderView(
      conversationFake({ conversation: { windowExpiresAt: new Date(Date.now() - 1000).toISOString() } }),
    );
    expect(await screen.findByRole('timer')).toHaveTextContent('Window closed');
  });

  it('loads older history by conv_seq', async () => {
    const parley = conversationFake();
    parley['messages:list'].mockImplementation(async (input) =>
      ok(
        input.beforeConvSeq === 51
          ? threadPage([makeMessage({ convSeq: 50, text: 'older one' })], {
              nextBeforeConvSeq: 50,
              hasOlder: true,
            })
          : threadPage([makeMessage({ convSeq: 51, text: 'newest' })], {
              hasOlder: true,
              nextBeforeConvSeq: 51,
            }),
      ),
    );
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Load older messages' }));
    expect(await screen.findByText('older one')).toBeInTheDocument();
    expect(parley['messages:list']).toHaveBeenCalledWith(expect.objectContaining({ beforeConvSeq: 51 }));
    expect(screen.getByText('newest')).toBeInTheDocument();
  });

  it('re-reads the thread when the replica changes', async () => {
    const parley = conversationFake({ messages: [makeMessage({ convSeq: 1, text: 'first' })] });
    renderView(parley);
    await screen.findByText('first');
    parley['messages:list'].mockResolvedValue(
      ok(
        threadPage([makeMessage({ convSeq: 1, text: 'first' }), makeMessage({ convSeq: 2, text: 'second' })]),
      ),
    );
    parley.emit('replica:changed', { tables: ['messages'], conversationIds: [ids.conversation] });
    expect(await screen.findByText('second')).toBeInTheDocument();
  });

  it('marks read up to the newest message when the agent sees it', async () => {
    const parley = conversationFake({
      conversation: { readUpToConvSeq: 1, lastConvSeq: 2, unreadCount: 1 },
      messages: [makeMessage({ convSeq: 1, text: 'a' }), makeMessage({ convSeq: 2, text: 'b' })],
    });
    renderView(parley);
    await waitFor(() =>
      expect(parley['conversation:markRead']).toHaveBeenCalledWith({
        conversationId: ids.conversation,
        readUpToConvSeq: 2,
      }),
    );
    expect(screen.getByRole('separator', { name: '1 unread message' })).toBeInTheDocument();
  });

  it('replies to a message with a quote; Escape cancels the quote', async () => {
    const original = makeMessage({ convSeq: 1, text: 'Can I pick it up at 5?' });
    const parley = conversationFake({ messages: [original] });
    const { user } = renderView(parley);
    await screen.findByText('Can I pick it up at 5?');
    await user.click(screen.getByRole('button', { name: 'Reply' }));
    expect(screen.getByRole('group', { name: 'Replying to Grace Hopper' })).toBeInTheDocument();
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, '{Escape}');
    expect(screen.queryByRole('group', { name: 'Replying to Grace Hopper' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reply' }));
    await user.type(box, 'Yes, see you then{Enter}');
    expect(parley['messages:send']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      message: { type: 'text', text: 'Yes, see you then', replyToMessageId: original.id },
    });
    await waitFor(() =>
      expect(screen.queryByRole('group', { name: 'Replying to Grace Hopper' })).not.toBeInTheDocument(),
    );
  });

  it('retries a refused message through the outbox and resends one Meta failed', async () => {
    const refused = makeMessage({
      direction: 'outbound',
      convSeq: 0,
      status: 'queued',
      text: 'refused one',
      pending: {
        state: 'failed',
        mutationId: 9,
        error: { code: 'internal', message: 'The server could not store this message.' },
      },
    });
    const metaFailed = makeMessage({
      direction: 'outbound',
      convSeq: 3,
      status: 'failed',
      text: 'meta failed',
      error: { code: '131000', message: 'Something went wrong at WhatsApp.' },
    });
    const parley = conversationFake({ messages: [metaFailed, refused] });
    const { user } = renderView(parley);
    await screen.findByText('refused one');
    const [first, second] = screen.getAllByRole('button', { name: 'Retry' });
    await user.click(second!);
    expect(parley['outbox:retry']).toHaveBeenCalledWith({ mutationId: 9 });
    await user.click(first!);
    expect(parley['messages:send']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      message: { type: 'text', text: 'meta failed' },
    });
  });

  it('jumps to a quoted message that is not loaded yet by loading older history', async () => {
    const parley = conversationFake();
    const old = makeMessage({ convSeq: 10, text: 'the original' });
    const reply = makeMessage({ convSeq: 60, text: 'a reply', replyToMessageId: old.id });
    parley['messages:list'].mockImplementation(async (input) =>
      ok(
        input.beforeConvSeq
          ? threadPage([old], { hasOlder: false })
          : threadPage([reply], { hasOlder: true, nextBeforeConvSeq: 60 }),
      ),
    );
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: /Replying to an earlier message/ }));
    // The message itself, and the quote now that it can say what it quotes.
    await waitFor(() => expect(screen.getAllByText('the original')).toHaveLength(2));
    expect(parley['messages:list']).toHaveBeenCalledWith(expect.objectContaining({ beforeConvSeq: 60 }));
  });
});

describe('ConversationView header', () => {
  it('managers and admins assign to a member or a team', async () => {
    const parley = conversationFake();
    parley['members:list'].mockResolvedValue(
      ok(members.map((m) => (m.id === ids.otherAgent ? { ...m, availability: 'away' as const } : m))),
    );
    parley['teams:list'].mockResolvedValue(
      ok([{ id: ids.team, name: 'Cakes', memberIds: [], createdAt: '2026-01-01T00:00:00Z' }]),
    );
    const { user } = renderView(parley);
    await screen.findByRole('heading', { name: 'Grace Hopper' });
    expect(screen.getByText('Unassigned')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Assign' }));
    // Each person's availability: a dot, and its word at the end of the option's name.

    const linus = await screen.findByRole('option', { name: /^Linus Pauling · agent, Away$/ });
    expect(linus.querySelector('[data-availability="away"]')).not.toBeNull();
    await user.click(linus);
    expect(parley['conversation:assign']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      assigneeId: ids.otherAgent,
    });
    await user.click(screen.getByRole('button', { name: 'Assign' }));
    await user.type(screen.getByRole('textbox', { name: 'Search people and teams' }), 'cak');
    await user.click(await screen.findByRole('option', { name: 'Cakes' }));
    expect(parley['conversation:assign']).toHaveBeenLastCalledWith({
      conversationId: ids.conversation,
      assigneeId: null,
      teamId: ids.team,
    });
    await expectNoAxeViolations();
  });

  it('agents claim unassigned conversations and cannot assign', async () => {
    const parley = conversationFake({ role: 'agent' });
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Claim' }));
    expect(parley['conversation:claim']).toHaveBeenCalledWith({ conversationId: ids.conversation });
    expect(screen.queryByRole('button', { name: 'Assign' })).not.toBeInTheDocument();
  });

  it('shows a refused write clearly, with Retry and Dismiss', async () => {
    const parley = conversationFake({ role: 'agent' });
    parley['outbox:list'].mockResolvedValue(
      ok([
        {
          mutationId: 5,
          name: 'conversation.claim',
          state: 'failed',
          conversationId: ids.conversation,
          summary: 'Claim',
          text: null,
          error: { code: 'already_claimed', message: 'Linus claimed it first.' },
          createdAt: '2026-03-02T10:00:00Z',
          canRetry: true,
          canDiscard: true,
        },
      ]),
    );
    const { user } = renderView(parley);
    const alert = await screen.findByText(/was refused/);
    expect(alert).toHaveTextContent('Claim was refused: Linus claimed it first.');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(parley['outbox:discard']).toHaveBeenCalledWith({ mutationId: 5 });
  });

  it('shows a refusal the app gives at once', async () => {
    const parley = conversationFake();
    parley['conversation:setStatus'].mockResolvedValue({
      ok: false,
      error: { code: 'offline', message: 'Sign in first.' },
    });
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Resolve' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign in first.');
  });

  it('resolves, reopens, snoozes and stars', async () => {
    const parley = conversationFake();
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Resolve' }));
    expect(parley['conversation:setStatus']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      status: 'resolved',
      snoozedUntil: null,
    });
    await user.click(screen.getByRole('button', { name: 'Snooze' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Until the customer replies' }));
    expect(parley['conversation:setStatus']).toHaveBeenLastCalledWith({
      conversationId: ids.conversation,
      status: 'snoozed',
      snoozedUntil: null,
    });
    await user.click(screen.getByRole('button', { name: 'Snooze' }));
    await user.click(await screen.findByRole('menuitem', { name: 'For 1 hour' }));
    const until = parley['conversation:setStatus'].mock.lastCall![0].snoozedUntil!;
    expect(Math.abs(Date.parse(until) - Date.now() - 3_600_000)).toBeLessThan(60_000);
    const star = screen.getByRole('button', { name: 'Important' });
    expect(star).toHaveAttribute('aria-pressed', 'false');
    await user.click(star);
    expect(parley['conversation:setImportant']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      important: true,
    });
  });

  it('snoozes until a custom time', async () => {
    const parley = conversationFake();
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Snooze' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Pick a date and time…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Snooze until' });
    const input = within(dialog).getByLabelText('Date and time');
    fireEvent.change(input, { target: { value: '2020-01-01T09:00' } });
    await user.click(within(dialog).getByRole('button', { name: 'Snooze' }));
    expect(within(dialog).getByText('Pick a time in the future')).toBeInTheDocument();
    fireEvent.change(input, { target: { value: '2099-01-01T09:00' } });
    await user.click(within(dialog).getByRole('button', { name: 'Snooze' }));
    expect(parley['conversation:setStatus']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      status: 'snoozed',
      snoozedUntil: new Date('2099-01-01T09:00').toISOString(),
    });
  });

  it('a resolved conversation offers Reopen', async () => {
    const parley = conversationFake({ conversation: { status: 'resolved' } });
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Reopen' }));
    expect(parley['conversation:setStatus']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      status: 'open',
      snoozedUntil: null,
    });
  });

  it('edits labels', async () => {
    const parley = conversationFake({ conversation: { labels: ['cakes'] } });
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Edit labels' }));
    await user.type(screen.getByRole('combobox', { name: 'Labels' }), 'urgent{Enter}');
    await user.click(screen.getByRole('button', { name: 'Save labels' }));
    expect(parley['conversation:setLabels']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      labels: ['cakes', 'urgent'],
    });
  });
});

describe('ContactPanel', () => {
  it('shows the contact, edits the name, flags opt-out and lists other conversations', async () => {
    const parley = conversationFake();
    const other = makeConversation({ id: '0190a1b2-0000-7000-8000-0000000000aa', status: 'resolved' });
    parley['conversations:list'].mockImplementation(async (input) =>
      ok({ items: input.tab === 'resolved' ? [other] : [makeConversation()], nextCursor: null }),
    );
    const { user } = renderView(parley);
    await user.click(await screen.findByRole('button', { name: 'Contact details' }));
    const panel = screen.getByRole('complementary', { name: 'Contact details' });
    expect(within(panel).getByText('+14155550123')).toBeInTheDocument();
    expect(within(panel).getByText('14155550123')).toBeInTheDocument();
    expect(within(panel).getByText('US.13491208655302741918')).toBeInTheDocument();
    expect(within(panel).getByText('vip')).toBeInTheDocument();
    expect(await within(panel).findByRole('button', { name: /Resolved conversation/ })).toBeInTheDocument();
    expect(parley['conversations:list']).toHaveBeenCalledWith(
      expect.objectContaining({ view: 'all', q: '14155550123' }),
    );

    await user.click(within(panel).getByRole('button', { name: 'Edit name' }));
    const name = within(panel).getByRole('textbox', { name: /Name/ });
    await user.clear(name);
    await user.type(name, 'Grace B. Hopper{Enter}');
    expect(parley['contact:update']).toHaveBeenCalledWith({
      contactId: ids.contact,
      patch: { name: 'Grace B. Hopper' },
    });

    await user.click(within(panel).getByRole('switch', { name: /Opted out of messages/ }));
    expect(parley['contact:update']).toHaveBeenLastCalledWith({
      contactId: ids.contact,
      patch: { optedOut: true },
    });
    await expectNoAxeViolations();
  });
});

describe('drag and drop', () => {
  it('files dropped on the conversation open the media composer', async () => {
    const parley = conversationFake();
    renderView(parley);
    const view = await screen.findByRole('region', { name: 'Conversation with Grace Hopper' });
    const file = new File(['x'.repeat(100)], 'photo.png', { type: 'image/png' });
    fireEvent.dragEnter(view, { dataTransfer: { types: ['Files'], files: [file] } });
    expect(screen.getByText('Drop files to send them to Grace Hopper')).toBeInTheDocument();
    fireEvent.drop(view, { dataTransfer: { types: ['Files'], files: [file] } });
    const dialog = await screen.findByRole('dialog', { name: 'Send files' });
    expect(within(dialog).getByText('photo.png')).toBeInTheDocument();
  });
});
