import { describe, expect, it } from 'vitest';
import type { CannedResponse } from '#contract/api/canned-responses';
import { ok } from '#contract/result';
import { conversationFake, ids } from '../../../test-utils/conversation-fixtures';
import { expectNoAxeViolations, render, screen, waitFor } from '../../../test-utils/render';
import { MessageComposer } from '../MessageComposer/MessageComposer';
import { useMediaDraft } from '../MediaComposer/useMediaDraft';
import { slashQueryAt } from './slash-query';

const canned = (
  n: number,
  shortcut: string,
  title: string,
  body: string,
  scope: CannedResponse['scope'] = 'organization',
): CannedResponse => ({
  id: `0190a1b2-0000-7000-8000-00000000ca${String(n).padStart(2, '0')}`,
  scope,
  ownerId: null,
  shortcut,
  title,
  body,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const RESPONSES = [
  canned(1, 'greet', 'Greeting', 'Hello {{contact.name}}, {{agent.name}} from {{organization.name}} here.'),
  canned(2, 'thanks', 'Thank you', 'Thanks {{contact.name}}! We will call {{contact.phone}}.'),
  canned(3, 'hours', 'Opening hours', 'We open at 9.', 'personal'),
];

/** The reply window is open for the test's duration. */
const OPEN_UNTIL = new Date(Date.now() + 3_600_000).toISOString();

function Harness() {
  const media = useMediaDraft();
  return (
    <MessageComposer
      conversationId={ids.conversation}
      whatsappAccountId={ids.account}
      windowExpiresAt={OPEN_UNTIL}
      initialDraft={null}
      replyTo={null}
      onCancelReply={() => undefined}
      media={media}
      contact={{ name: 'Grace', phone: '+1 555 0100' }}
    />
  );
}

const setup = () => {
  const parley = conversationFake();
  parley['cannedResponses:list'].mockResolvedValue(ok(RESPONSES));
  return render(<Harness />, { parley });
};

describe('slashQueryAt', () => {
  it('finds a "/" word at the caret only at the start of a word', () => {
    expect(slashQueryAt('/gr', 3)).toEqual({ start: 0, query: 'gr' });
    expect(slashQueryAt('Hi /th', 6)).toEqual({ start: 3, query: 'th' });
    expect(slashQueryAt('see https://x', 13)).toBeNull();
    expect(slashQueryAt('and/or', 6)).toBeNull();
    expect(slashQueryAt('/greet now', 10)).toBeNull();
  });
});

describe('the "/" canned-response picker', () => {
  it('opens on "/", filters as you type, and Enter inserts with variables filled (no send)', async () => {
    const { user, parley } = setup();
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'Hi /');
    const list = await screen.findByRole('listbox', { name: 'Canned responses' });
    expect(list).toBeInTheDocument();
    expect(screen.getAllByRole('option')).toHaveLength(3);
    await user.type(box, 'th');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    expect(screen.getByRole('option', { name: /\/thanks/ })).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-activedescendant', screen.getByRole('option').id);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(box).toHaveValue('Hi Thanks Grace! We will call +1 555 0100.'));
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    // Enter was the picker's: nothing was sent.
    expect(parley['messages:send']).not.toHaveBeenCalled();
    await expectNoAxeViolations();
  });

  it('moves with the arrow keys (wrapping) and fills agent and organization names', async () => {
    const { user } = setup();
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, '/');
    await screen.findByRole('listbox', { name: 'Canned responses' });
    const selected = () =>
      screen.getAllByRole('option').findIndex((o) => o.getAttribute('aria-selected') === 'true');
    expect(selected()).toBe(0);
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(selected()).toBe(2);
    await user.keyboard('{ArrowDown}');
    expect(selected()).toBe(0);
    await user.keyboard('{ArrowUp}');
    expect(selected()).toBe(2);
    await user.keyboard('{ArrowUp}{ArrowUp}');
    // Sorted by shortcut: greet, hours, thanks.
    expect(screen.getAllByRole('option')[selected()]).toHaveAccessibleName(/\/greet/);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(box).toHaveValue('Hello Grace, Ada Lovelace from Acme Bakery here.'));
  });

  it('Escape closes it without touching the text, until the word changes', async () => {
    const { user } = setup();
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, '/gr');
    await screen.findByRole('listbox', { name: 'Canned responses' });
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(box).toHaveValue('/gr');
    await user.type(box, 'e');
    expect(await screen.findByRole('listbox', { name: 'Canned responses' })).toBeInTheDocument();
    // No match: no list.
    await user.type(box, 'zzz');
    await waitFor(() => expect(screen.queryByRole('listbox')).not.toBeInTheDocument());
  });
});
