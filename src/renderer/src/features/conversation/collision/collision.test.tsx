import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Member } from '#contract/api/users';
import { ok } from '#contract/result';
import { conversationFake, ids, makeMessage, threadPage } from '../../../test-utils/conversation-fixtures';
import { expectNoAxeViolations, render, screen, waitFor, within } from '../../../test-utils/render';
import { ConversationView } from '../ConversationView/ConversationView';

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
    email: 'ben@example.com',
    name: 'Ben Okafor',
    role: 'agent',
    deactivatedAt: null,
    joinedAt: '2026-01-01T00:00:00Z',
    availability: 'available',
    capacity: null,
  },
];

function setup() {
  const parley = conversationFake({ messages: [makeMessage({ text: 'Is my cake ready?', convSeq: 1 })] });
  parley['members:list'].mockResolvedValue(ok(members));
  const r = render(<ConversationView conversationId={ids.conversation} onClose={() => undefined} />, {
    parley,
  });
  const presence = (p: { viewing?: boolean; typing?: boolean }) =>
    act(() =>
      parley.emit('presence:changed', { conversationId: ids.conversation, userId: ids.otherAgent, ...p }),
    );
  return { ...r, parley, presence };
}

describe('collision warnings', () => {
  it('shows who else is viewing and typing in the header', async () => {
    const { presence } = setup();
    await screen.findByText('Is my cake ready?');
    presence({ viewing: true });
    expect(await screen.findByText('Ben Okafor is viewing')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Also here: Ben Okafor' })).toBeInTheDocument();
    presence({ typing: true });
    expect(screen.getByText('Ben Okafor is typing…')).toBeInTheDocument();
    expect(screen.queryByText('Ben Okafor is viewing')).not.toBeInTheDocument();
    presence({ typing: false });
    expect(await screen.findByText('Ben Okafor is viewing')).toBeInTheDocument();
    await expectNoAxeViolations();
    presence({ viewing: false });
    await waitFor(() => expect(screen.queryByText(/Ben Okafor is/)).not.toBeInTheDocument());
  });

  it('asks once before sending while someone else just typed: Review keeps the draft, Send sends', async () => {
    const { user, parley, presence } = setup();
    await screen.findByText('Is my cake ready?');
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'On its way');
    presence({ typing: true });
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Ben Okafor is also replying — send anyway?' });
    expect(dialog).toHaveTextContent('Ben Okafor was typing in this conversation a moment ago.');
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(parley['messages:send']).not.toHaveBeenCalled();
    expect(box).toHaveValue('On its way');
    // Asked once per draft: the next Send goes.
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(parley['messages:send']).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('asks when another member replied after the draft began, and Send sends', async () => {
    const { user, parley } = setup();
    await screen.findByText('Is my cake ready?');
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'It is ready');
    // Ben's reply lands (the thread re-reads on replica:changed).
    parley['messages:list'].mockResolvedValue(
      ok(
        threadPage([
          makeMessage({ text: 'Is my cake ready?', convSeq: 1 }),
          makeMessage({
            text: 'Yes! Ready at 5.',
            convSeq: 2,
            direction: 'outbound',
            authorId: ids.otherAgent,
          }),
        ]),
      ),
    );
    act(() => parley.emit('replica:changed', { tables: ['messages'], conversationIds: [ids.conversation] }));
    await screen.findByText('Yes! Ready at 5.');
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Ben Okafor is also replying — send anyway?' });
    expect(dialog).toHaveTextContent(
      'Ben Okafor sent a reply in this conversation after you started writing.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(parley['messages:send']).toHaveBeenCalledWith({
        conversationId: ids.conversation,
        message: { type: 'text', text: 'It is ready' },
      }),
    );
  });

  it('does not ask when no one else is around', async () => {
    const { user, parley } = setup();
    await screen.findByText('Is my cake ready?');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Hello{Enter}');
    await waitFor(() => expect(parley['messages:send']).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
