import { describe, expect, it, vi } from 'vitest';
import type { ThreadMessage } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import { ids, makeMessage, makeTemplate } from '../../../test-utils/conversation-fixtures';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  within,
} from '../../../test-utils/render';
import { UNSUPPORTED_SENTENCE } from '../bubbles/UnsupportedContent';
import { inThread, makeThreadContext } from '../../../test-utils/thread-context';
import { MessageBubble } from './MessageBubble';

const media = (over: Partial<NonNullable<ThreadMessage['media']>> = {}) => ({
  id: ids.media,
  mimeType: 'image/jpeg',
  fileName: 'cake.jpg',
  size: 84_000,
  state: 'ready' as const,
  ...over,
});

function renderBubble(message: ThreadMessage, context = makeThreadContext([message])) {
  const parley = createFakeParley({ session: signedInSession });
  const result = render(
    inThread(<MessageBubble message={message} reactions={message.reactions ?? []} />, context),
    {
      parley,
    },
  );
  return { ...result, context };
}

describe('MessageBubble', () => {
  it('renders WhatsApp formatting as elements and links safely', async () => {
    renderBubble(makeMessage({ text: '*Bold* _it_ ~old~ `code` see https://acme.example/a_b' }));
    expect(screen.getByText('Bold').tagName).toBe('STRONG');
    expect(screen.getByText('it').tagName).toBe('EM');
    expect(screen.getByText('old').tagName).toBe('S');
    expect(screen.getByText('code').tagName).toBe('CODE');
    const link = screen.getByRole('link', { name: 'https://acme.example/a_b' });
    expect(link).toHaveAttribute('href', 'https://acme.example/a_b');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await expectNoAxeViolations();
  });

  it.each([
    ['queued', null, 'Queued'],
    ['sent', null, 'Sent'],
    ['delivered', null, 'Delivered'],
    ['read', null, 'Read'],
    ['failed', null, 'Failed'],
    ['sent', { state: 'queued' as const, mutationId: 3, error: null }, 'Queued'],
  ] as const)('labels an outbound %s message %s', async (status, pending, label) => {
    renderBubble(makeMessage({ direction: 'outbound', authorId: ids.agent, status, pending, text: 'Hi' }));
    expect(screen.getByRole('img', { name: label })).toBeInTheDocument();
  });

  it('shows no status on inbound messages', () => {
    renderBubble(makeMessage({ text: 'Hello' }));
    for (const label of ['Queued', 'Sent', 'Delivered', 'Read', 'Failed'])
      expect(screen.queryByRole('img', { name: label })).not.toBeInTheDocument();
  });

  it('says why a refused message failed, keeps its text and retries it', async () => {
    const message = makeMessage({
      direction: 'outbound',
      authorId: ids.agent,
      status: 'queued',
      text: 'Your order ships today',
      pending: {
        state: 'failed',
        mutationId: 7,
        error: { code: 'window_closed', message: 'The 24-hour window closed before this was sent.' },
      },
    });
    const { user, context } = renderBubble(message);
    expect(screen.getByRole('img', { name: 'Failed' })).toBeInTheDocument();
    expect(screen.getByText('Your order ships today')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('The 24-hour window closed before this was sent.');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(context.retry).toHaveBeenCalledWith(message);
    await user.click(screen.getByRole('button', { name: 'Discard' }));
    expect(context.discard).toHaveBeenCalledWith(message);
    await expectNoAxeViolations();
  });

  it('shows Meta’s reason for a failed delivery with its code', () => {
    renderBubble(
      makeMessage({
        direction: 'outbound',
        authorId: ids.agent,
        status: 'failed',
        text: 'Hi',
        error: { code: '131026', message: 'The number is not on WhatsApp or cannot receive messages.' },
      }),
    );
    // A sentence; the code only inside the closed Details disclosure.
    expect(screen.getByText('The number is not on WhatsApp or cannot receive messages.')).toBeVisible();
    expect(screen.getByRole('alert')).not.toHaveTextContent('(code');
    expect(screen.getByText('Details').closest('details')).toHaveTextContent('Error code: 131026');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Discard' })).not.toBeInTheDocument();
  });

  it('offers a template, never Retry, when the reply window is still closed', async () => {
    const message = makeMessage({
      direction: 'outbound',
      authorId: ids.agent,
      status: 'queued',
      text: 'Your photo is ready',
      pending: {
        state: 'failed',
        mutationId: 8,
        error: {
          code: 'window_closed',
          message: 'The 24-hour reply window closed at 2026-12-05T19:35:01Z; send an approved template.',
        },
      },
    });
    const context = makeThreadContext([message], { windowOpen: false });
    const { user } = render(inThread(<MessageBubble message={message} reactions={[]} />, context));
    expect(screen.getByRole('alert')).not.toHaveTextContent('2026-12-05T19:35:01Z');
    expect(screen.getByRole('alert')).not.toHaveTextContent('(code');
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send a template' }));
    expect(context.sendTemplate).toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Discard' })).toBeInTheDocument();
  });

  it('shows a reply quote that jumps to the original', async () => {
    const original = makeMessage({ text: 'Can I pick it up at 5?', convSeq: 1 });
    const reply = makeMessage({
      direction: 'outbound',
      authorId: ids.agent,
      status: 'read',
      convSeq: 2,
      text: 'Yes!',
      replyToMessageId: original.id,
    });
    const { user, context } = renderBubble(reply, makeThreadContext([original, reply]));
    const quote = screen.getByRole('button', { name: /Replying to Grace Hopper: Can I pick it up at 5\?/ });
    await user.click(quote);
    expect(context.jumpTo).toHaveBeenCalledWith(original.id);
  });

  it('shows reactions on their target with who reacted', async () => {
    renderBubble(
      makeMessage({
        text: 'Thanks!',
        reactions: [
          { emoji: '👍', by: 'customer', at: '2026-03-02T10:01:00Z' },
          { emoji: '👍', by: ids.agent, at: '2026-03-02T10:02:00Z' },
          { emoji: '❤️', by: ids.otherAgent, at: '2026-03-02T10:03:00Z' },
        ],
      }),
    );
    expect(screen.getByRole('img', { name: '👍 reaction from Grace Hopper, You' })).toHaveTextContent('👍 2');
    expect(screen.getByRole('img', { name: '❤️ reaction from Linus Pauling' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('offers Reply and React on confirmed messages only', async () => {
    const message = makeMessage({ text: 'Hello', convSeq: 4 });
    const { user, context } = renderBubble(message);
    await user.click(screen.getByRole('button', { name: 'Reply' }));
    expect(context.reply).toHaveBeenCalledWith(message);
    await user.click(screen.getByRole('button', { name: 'React' }));
    await user.click(await screen.findByRole('menuitem', { name: 'React with thumbs up' }));
    expect(context.react).toHaveBeenCalledWith(message, '👍');
  });

  it('does not offer Reply on a queued message', () => {
    renderBubble(
      makeMessage({
        direction: 'outbound',
        convSeq: 0,
        status: 'queued',
        pending: { state: 'queued', mutationId: 1, error: null },
      }),
    );
    expect(screen.queryByRole('button', { name: 'Reply' })).not.toBeInTheDocument();
  });
});

describe('bubbles by type', () => {
  it('image: a preview from the cache that opens the viewer', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['media:get'].mockResolvedValue(
      ok({
        mediaId: ids.media,
        path: '/cache/cake.jpg',
        mimeType: 'image/jpeg',
        size: 84_000,
        url: 'parley://media/cake',
      } as never),
    );
    const message = makeMessage({ type: 'image', text: null, caption: 'The *cake*', media: media() });
    const context = makeThreadContext([message]);
    const { user } = render(inThread(<MessageBubble message={message} reactions={[]} />, context), {
      parley,
    });
    const open = await screen.findByRole('button', { name: 'Open photo cake.jpg' });
    expect(within(open).getByRole('img', { name: 'Photo: The *cake*' })).toHaveAttribute(
      'src',
      'parley://media/cake',
    );
    expect(screen.getByText('cake').tagName).toBe('STRONG');
    await user.click(open);
    expect(context.view).toHaveBeenCalledWith(message);
    expect(parley['media:get']).toHaveBeenCalledWith({ mediaId: ids.media });
    await expectNoAxeViolations();
  });

  it('image: says why when the file cannot be fetched, and retries', async () => {
    const parley = createFakeParley({ session: signedInSession });
    const message = makeMessage({ type: 'image', text: null, media: media() });
    const { user } = render(
      inThread(<MessageBubble message={message} reactions={[]} />, makeThreadContext([message])),
      {
        parley,
      },
    );
    expect(await screen.findByText('Offline.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(parley['media:get']).toHaveBeenCalledTimes(2);
  });

  it('image: pending and failed downloads from WhatsApp are explained', () => {
    renderBubble(makeMessage({ type: 'image', text: null, media: media({ state: 'pending' }) }));
    expect(screen.getByText('Fetching the file from WhatsApp…')).toBeInTheDocument();
  });

  it('video: fetched only when played', async () => {
    const parley = createFakeParley({ session: signedInSession });
    const message = makeMessage({
      type: 'video',
      text: null,
      media: media({ mimeType: 'video/mp4', fileName: 'unboxing.mp4', size: 3_400_000 }),
    });
    const { user } = render(
      inThread(<MessageBubble message={message} reactions={[]} />, makeThreadContext([message])),
      {
        parley,
      },
    );
    expect(parley['media:get']).not.toHaveBeenCalled();
    expect(screen.getByText('3.2 MB')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Play video unboxing.mp4' }));
    expect(parley['media:get']).toHaveBeenCalledTimes(1);
    await expectNoAxeViolations();
  });

  it('audio and voice notes: a player on demand', async () => {
    renderBubble(
      makeMessage({
        type: 'audio',
        text: null,
        media: media({ mimeType: 'audio/ogg', fileName: null, voice: true, size: 9_000 }),
      }),
    );
    expect(screen.getByText('Voice note')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Play voice note' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('document: name, type, size, Open and Save (the name cannot hide its real extension)', async () => {
    const parley = withChannels();
    const message = makeMessage({
      type: 'document',
      text: null,
      caption: 'Invoice for March',
      media: media({ mimeType: 'application/pdf', fileName: 'invoice\u202Efdp.exe', size: 120_000 }),
    });
    const { user } = render(
      inThread(<MessageBubble message={message} reactions={[]} />, makeThreadContext([message])),
      {
        parley,
      },
    );
    expect(screen.getByText('invoicefdp.exe')).toBeInTheDocument();
    expect(screen.getByText('EXE · 117 KB')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Open invoicefdp.exe' }));
    expect(parley['media:open']).toHaveBeenCalledWith({ mediaId: ids.media });
    await user.click(screen.getByRole('button', { name: 'Save invoicefdp.exe' }));
    expect(parley['media:save']).toHaveBeenCalledWith({ mediaId: ids.media, fileName: 'invoicefdp.exe' });
    await expectNoAxeViolations();
  });

  it('document: without media:open the reason is shown', async () => {
    const message = makeMessage({
      type: 'document',
      text: null,
      media: media({ mimeType: 'application/pdf', fileName: 'a.pdf' }),
    });
    const { user } = renderBubble(message);
    await user.click(screen.getByRole('button', { name: 'Open a.pdf' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Offline.');
  });

  it('sticker', () => {
    renderBubble(
      makeMessage({
        type: 'sticker',
        text: null,
        media: media({ mimeType: 'image/webp', animated: true, state: 'failed' }),
      }),
    );
    expect(
      screen.getByText('WhatsApp no longer has this file; ask the customer to send it again.'),
    ).toBeInTheDocument();
  });

  it('location: name, address, coordinates and a map link', async () => {
    renderBubble(
      makeMessage({
        type: 'location',
        text: null,
        location: {
          latitude: 52.52,
          longitude: 13.405,
          name: 'Acme Bakery',
          address: 'Unter den Linden 1, Berlin',
          url: 'javascript:alert(1)',
        },
      }),
    );
    expect(screen.getByText('Acme Bakery')).toBeInTheDocument();
    expect(screen.getByText('Unter den Linden 1, Berlin')).toBeInTheDocument();
    expect(screen.getByText('52.52000, 13.40500')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open in map' })).toHaveAttribute(
      'href',
      'https://www.openstreetmap.org/?mlat=52.520000&mlon=13.405000#map=17/52.520000/13.405000',
    );
    expect(screen.queryByRole('link', { name: 'Website' })).not.toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('contact cards', async () => {
    renderBubble(
      makeMessage({
        type: 'contacts',
        text: null,
        contacts: [
          {
            name: { formattedName: 'Ada Lovelace' },
            phones: [{ phone: '+44 20 7946 0958', type: 'WORK', waId: '442079460958' }],
            emails: [{ email: 'ada@example.com' }],
            organization: 'Analytical Engines',
            urls: ['https://ada.example', 'javascript:alert(1)'],
          },
        ],
      }),
    );
    expect(screen.getByText('Ada Lovelace')).toBeInTheDocument();
    expect(screen.getByText('+44 20 7946 0958 (work) · on WhatsApp')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'https://ada.example/' })).toBeInTheDocument();
    expect(screen.getByText('javascript:alert(1)').tagName).not.toBe('A');
    await expectNoAxeViolations();
  });

  it('interactive replies: button and list titles', () => {
    renderBubble(
      makeMessage({
        type: 'interactive',
        text: null,
        interactive: { kind: 'list_reply', id: 'r1', title: 'Tuesday 10:00', description: 'Morning slot' },
      }),
    );
    expect(screen.getByText('List reply')).toBeInTheDocument();
    expect(screen.getByText('Tuesday 10:00')).toBeInTheDocument();
    expect(screen.getByText('Morning slot')).toBeInTheDocument();
  });

  it('template messages with their parameters filled in', async () => {
    const template = makeTemplate();
    const message = makeMessage({
      direction: 'outbound',
      authorId: ids.agent,
      type: 'template',
      text: null,
      status: 'delivered',
      template: {
        name: 'order_update',
        language: 'en_US',
        parameters: { header: { type: 'text', text: '#42' }, body: ['Grace', '#42'] },
        renderedBody: null,
      },
    });
    renderBubble(message, makeThreadContext([message], { templateFor: () => template }));
    expect(screen.getByText('Order #42')).toBeInTheDocument();
    expect(screen.getByText('Hi Grace, your order #42 ships today.')).toBeInTheDocument();
    expect(screen.getByText('Acme Bakery')).toBeInTheDocument();
    expect(screen.getByText('Track')).toBeInTheDocument();
    expect(screen.getByText('order_update · en_US')).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('template messages without the synced definition list their parameters', () => {
    renderBubble(
      makeMessage({
        direction: 'outbound',
        type: 'template',
        text: null,
        status: 'sent',
        template: {
          name: 'gone',
          language: 'de',
          parameters: { body: { first_name: 'Grace' } },
          renderedBody: null,
        },
      }),
    );
    expect(screen.getByText('{{first_name}} = Grace')).toBeInTheDocument();
  });

  it('unsupported messages are explained', () => {
    renderBubble(
      makeMessage({ type: 'unsupported', text: null, extra: { unsupportedType: 'poll_creation' } }),
    );
    expect(screen.getByText(UNSUPPORTED_SENTENCE)).toBeInTheDocument();
    expect(UNSUPPORTED_SENTENCE).toBe(
      "This message type isn't supported by WhatsApp's API (e.g. polls); ask the customer to resend it another way.",
    );
    expect(screen.getByText('WhatsApp called it “poll_creation”.')).toBeInTheDocument();
  });

  it('orders, system notices and forwarded marks', () => {
    renderBubble(
      makeMessage({
        type: 'order',
        text: 'Please deliver after 5',
        forwarded: true,
        extra: {
          order: {
            product_items: [
              { product_retailer_id: 'cake-1', quantity: 2, item_price: 12.5, currency: 'EUR' },
            ],
          },
        },
      }),
    );
    expect(screen.getByText('Order · 1 item')).toBeInTheDocument();
    expect(screen.getByText('cake-1 × 2 · 12.5 EUR')).toBeInTheDocument();
    expect(screen.getByText('Forwarded')).toBeInTheDocument();
  });
  it('names the API key a message was sent through', async () => {
    renderBubble(
      makeMessage({
        direction: 'outbound',
        authorId: null,
        apiKeyName: 'Order system',
        text: 'Shipped',
        status: 'sent',
      }),
    );
    expect(screen.getByText('Via API key “Order system”')).toBeInTheDocument();
    expect(screen.getByRole('article', { name: /^Via API key “Order system”, / })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('interactive messages the business sent: reply buttons, a list and a link button', async () => {
    const out = {
      direction: 'outbound' as const,
      type: 'interactive' as const,
      status: 'delivered' as const,
    };
    const { unmount } = renderBubble(
      makeMessage({
        ...out,
        text: 'When should we deliver?',
        interactiveMessage: {
          kind: 'buttons',
          header: 'Delivery',
          body: 'When should we deliver?',
          footer: 'Tap one',
          buttons: [
            { id: 'today', title: 'Today' },
            { id: 'tomorrow', title: 'Tomorrow' },
          ],
        },
      }),
    );
    const buttons = screen.getByRole('list', { name: 'Reply buttons' });
    expect(
      within(buttons)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Today', 'Tomorrow']);
    expect(screen.getByText('Delivery')).toBeInTheDocument();
    expect(screen.getByText('Tap one')).toBeInTheDocument();
    // The customer taps them; in the thread they are not controls.
    expect(screen.queryByRole('button', { name: 'Today' })).not.toBeInTheDocument();
    await expectNoAxeViolations();
    unmount();

    const list = renderBubble(
      makeMessage({
        ...out,
        interactiveMessage: {
          kind: 'list',
          body: 'Pick a slot',
          button: 'Slots',
          sections: [{ title: 'Morning', rows: [{ id: 'm1', title: '8–10', description: 'Early' }] }],
        },
      }),
    );
    expect(within(screen.getByRole('list', { name: 'Rows: Morning' })).getByText('8–10')).toBeInTheDocument();
    expect(screen.getByText('Early')).toBeInTheDocument();
    list.unmount();

    renderBubble(
      makeMessage({
        ...out,
        interactiveMessage: {
          kind: 'cta_url',
          body: 'Your parcel is on its way',
          displayText: 'Track parcel',
          url: 'https://shop.example/track/1',
        },
      }),
    );
    const link = screen.getByRole('link', { name: 'Track parcel' });
    expect(link).toHaveAttribute('href', 'https://shop.example/track/1');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it('media sent by URL says when Parley could not keep a copy', () => {
    renderBubble(
      makeMessage({
        direction: 'outbound',
        type: 'image',
        text: null,
        media: media({ state: 'failed', url: 'https://cdn.example.com/cake.jpg' }),
      }),
    );
    expect(
      screen.getByText(/Parley could not copy this file from https:\/\/cdn\.example\.com\/cake\.jpg/),
    ).toBeInTheDocument();
  });
});

function withChannels() {
  const parley = createFakeParley({ session: signedInSession });
  return Object.assign(parley, {
    'media:open': vi.fn(async () => ok({ opened: true as const })),
    'media:save': vi.fn(async () => ok({ saved: true })),
  });
}
