import { act } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '#contract/api/messages';
import { err, ok } from '#contract/result';
import { conversationFake, ids, makeMessage } from '../../../test-utils/conversation-fixtures';
import { expectNoAxeViolations, render, screen, waitFor } from '../../../test-utils/render';
import { useMediaDraft } from '../MediaComposer/useMediaDraft';
import { requestTemplate } from '../template-request';
import { DRAFT_DEBOUNCE_MS } from '../useDraft';
import { MessageComposer, WINDOW_CLOSED_SENTENCE } from './MessageComposer';

const open = () => new Date(Date.now() + 3_600_000).toISOString();
const closed = () => new Date(Date.now() - 60_000).toISOString();

function Harness(props: {
  windowExpiresAt?: string | null;
  initialDraft?: string | null;
  replyTo?: Message | null;
  onCancelReply?: () => void;
  isOptedOut?: boolean;
}) {
  const media = useMediaDraft();
  return (
    <MessageComposer
      conversationId={ids.conversation}
      whatsappAccountId={ids.account}
      windowExpiresAt={props.windowExpiresAt === undefined ? open() : props.windowExpiresAt}
      initialDraft={props.initialDraft}
      replyTo={props.replyTo ? { message: props.replyTo, author: 'Grace Hopper' } : null}
      onCancelReply={props.onCancelReply ?? (() => undefined)}
      isOptedOut={props.isOptedOut}
      media={media}
    />
  );
}

afterEach(() => {
  window.localStorage.clear();
  vi.useRealTimers();
});

describe('MessageComposer', () => {
  it('Enter sends, Shift+Enter adds a line, and the box empties', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness initialDraft={null} />, { parley });
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'Hello{Shift>}{Enter}{/Shift}there{Enter}');
    expect(parley['messages:send']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      message: { type: 'text', text: 'Hello\nthere' },
    });
    await waitFor(() => expect(box).toHaveValue(''));
    expect(parley['drafts:set']).toHaveBeenLastCalledWith({ conversationId: ids.conversation, text: '' });
    await expectNoAxeViolations();
  });

  it('the Send button sends; an empty box cannot', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness initialDraft={null} />, { parley });
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), '   ');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(parley['messages:send']).toHaveBeenCalledTimes(1);
  });

  it('can swap to Ctrl+Enter sends (Enter adds a line), remembered', async () => {
    const parley = conversationFake();
    const { user, unmount } = render(<Harness initialDraft={null} />, { parley });
    await user.click(screen.getByRole('button', { name: 'Composer settings' }));
    await user.click(await screen.findByRole('menuitem', { name: /^Ctrl\+Enter sends/ }));
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'one{Enter}two');
    expect(parley['messages:send']).not.toHaveBeenCalled();
    expect(box).toHaveValue('one\ntwo');
    await user.type(box, '{Control>}{Enter}{/Control}');
    expect(parley['messages:send']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      message: { type: 'text', text: 'one\ntwo' },
    });
    unmount();
    const again = render(<Harness initialDraft={null} />, { parley });
    // The hint is Send's tooltip (as text beside it, it squeezed the button in a narrow pane).
    await again.user.type(screen.getByRole('textbox', { name: 'Message' }), 'x');
    await again.user.hover(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Ctrl+Enter sends · Enter adds a line')).toBeInTheDocument();
  });

  it('keeps the text and says why when the app refuses the send', async () => {
    const parley = conversationFake();
    parley['messages:send'].mockResolvedValue(
      err({ code: 'opted_out', message: 'This contact opted out of messages.' }),
    );
    const { user } = render(<Harness initialDraft={null} />, { parley });
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'Hello{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('This contact opted out of messages.');
    expect(box).toHaveValue('Hello');
  });

  it('refuses text over 4096 characters before queueing', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness initialDraft={'x'.repeat(4097)} />, { parley });
    expect(screen.getByText('Messages are limited to 4,096 characters (4,097 now)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), '{Enter}');
    expect(parley['messages:send']).not.toHaveBeenCalled();
  });

  it('with the window closed: free text is disabled, the rule explained, Templates offered', async () => {
    const parley = conversationFake();
    render(<Harness windowExpiresAt={closed()} initialDraft="draft kept" />, { parley });
    expect(screen.getByText(WINDOW_CLOSED_SENTENCE)).toBeInTheDocument();
    expect(WINDOW_CLOSED_SENTENCE).toBe(
      'The 24-hour reply window has closed. WhatsApp only allows approved templates until the customer writes again.',
    );
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeDisabled();
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('draft kept');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Templates' })).toBeEnabled();
    // Every free-form path is off, each described by the reason.
    for (const name of ['Attach files', 'Emoji', 'Send']) {
      expect(screen.getByRole('button', { name })).toBeDisabled();
      expect(screen.getByRole('button', { name })).toHaveAccessibleDescription(WINDOW_CLOSED_SENTENCE);
    }
    await expectNoAxeViolations();
  });

  it('with the window closed: pasted files are refused with the reason; the template picker is one click away', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness windowExpiresAt={closed()} initialDraft={null} />, { parley });
    const box = screen.getByRole('textbox', { name: 'Message' });
    const file = new File(['x'], 'photo.png', { type: 'image/png' });
    const event = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'clipboardData', { value: { files: [file], getData: () => '' } });
    act(() => {
      box.dispatchEvent(event);
    });
    expect(await screen.findByText(`Pasted files can't be sent. ${WINDOW_CLOSED_SENTENCE}`)).toHaveAttribute(
      'role',
      'alert',
    );
    expect(screen.queryByRole('dialog', { name: 'Send files' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Choose a template' }));
    expect(await screen.findByRole('dialog', { name: 'Templates' })).toBeInTheDocument();
  });

  it('opens the template picker when another part of the app asks (Send a template)', async () => {
    const parley = conversationFake();
    render(<Harness windowExpiresAt={closed()} initialDraft={null} />, { parley });
    act(() => requestTemplate(ids.conversation));
    expect(await screen.findByRole('dialog', { name: 'Templates' })).toBeInTheDocument();
  });

  it('before the customer ever wrote, the window is closed too', () => {
    render(<Harness windowExpiresAt={null} initialDraft={null} />, { parley: conversationFake() });
    expect(screen.getByText(WINDOW_CLOSED_SENTENCE)).toBeInTheDocument();
  });

  it('the Templates button is there with the window open', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness initialDraft={null} />, { parley });
    await user.click(screen.getByRole('button', { name: 'Templates' }));
    expect(await screen.findByRole('dialog', { name: 'Templates' })).toBeInTheDocument();
  });

  it('closes the window live when the countdown runs out', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const expires = new Date(Date.now() + 90_000).toISOString();
    render(<Harness windowExpiresAt={expires} initialDraft={null} />, { parley: conversationFake() });
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeEnabled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(91_000);
    });
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  });

  it('Note mode writes internal notes, even with the window closed', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness windowExpiresAt={closed()} initialDraft={null} />, { parley });
    const toggle = screen.getByRole('button', { name: 'Note' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByText('Internal note')).toBeInTheDocument();
    const box = screen.getByRole('textbox', { name: 'Message' });
    expect(box).toBeEnabled();
    await user.type(box, 'Called her, will come at 5{Enter}');
    expect(parley['note:add']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      body: 'Called her, will come at 5',
    });
    expect(parley['messages:send']).not.toHaveBeenCalled();
    await expectNoAxeViolations();
  });

  it('shows the quoted message; Escape and × cancel it', async () => {
    const onCancelReply = vi.fn();
    const { user } = render(
      <Harness
        initialDraft={null}
        replyTo={makeMessage({ text: 'Is it *ready*?' })}
        onCancelReply={onCancelReply}
      />,
      { parley: conversationFake() },
    );
    const quote = screen.getByRole('group', { name: 'Replying to Grace Hopper' });
    expect(quote).toHaveTextContent('Is it ready?');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), '{Escape}');
    expect(onCancelReply).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Cancel reply' }));
    expect(onCancelReply).toHaveBeenCalledTimes(2);
  });

  it('an opted-out contact cannot be written to', () => {
    render(<Harness initialDraft={null} isOptedOut />, { parley: conversationFake() });
    expect(
      screen.getByText("This contact opted out of messages; Parley won't send to them."),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  });

  it('inserts an emoji from the picker at the cursor', async () => {
    const { user } = render(<Harness initialDraft="Thanks " />, { parley: conversationFake() });
    await user.click(screen.getByRole('button', { name: 'Emoji' }));
    const search = await screen.findByRole('combobox', { name: 'Search emoji' });
    await user.type(search, 'folded{Enter}');
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('Thanks 🙏'));
  });

  it('announces typing to teammates', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness initialDraft={null} />, { parley });
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'H');
    expect(parley['presence:set']).toHaveBeenCalledWith({ conversationId: ids.conversation, typing: true });
  });
});

describe('drafts', () => {
  it('reads the saved draft when none was given', async () => {
    const parley = conversationFake();
    parley['drafts:get'].mockResolvedValue(ok({ text: 'half-written reply' }));
    render(<Harness />, { parley });
    expect(await screen.findByDisplayValue('half-written reply')).toBeInTheDocument();
    expect(parley['drafts:get']).toHaveBeenCalledWith({ conversationId: ids.conversation });
  });

  it('saves after a pause in typing, once, and at once on unmount', async () => {
    const parley = conversationFake();
    const { user, unmount } = render(<Harness initialDraft={null} />, { parley });
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'abc');
    expect(parley['drafts:set']).not.toHaveBeenCalled();
    await waitFor(() =>
      expect(parley['drafts:set']).toHaveBeenCalledWith({ conversationId: ids.conversation, text: 'abc' }),
    );
    expect(parley['drafts:set']).toHaveBeenCalledTimes(1);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'd');
    unmount();
    expect(parley['drafts:set']).toHaveBeenLastCalledWith({ conversationId: ids.conversation, text: 'abcd' });
    expect(DRAFT_DEBOUNCE_MS).toBeLessThan(1000);
  });
});
