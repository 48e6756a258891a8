import { describe, expect, it } from 'vitest';
import { Message } from '#contract/api/messages';
import { MessageRow } from '#contract/sync/entities';
import { toMessage } from './message-content';
import type { media, messages } from '../../storage/schema/index';

// The projection every reader shares (REST, sync puts and bundles, webhook events): what a
// key-sent message carries to clients, and what an integrator's interactive or by-URL message
// shows, parsed by the contract's schemas as a client parses them.

const at = new Date('2026-03-02T10:00:00Z');
const row = (over: Partial<typeof messages.$inferSelect>): typeof messages.$inferSelect =>
  ({
    id: '0195f0a0-0000-7000-8000-000000000001',
    organizationId: '0195f0a0-0000-7000-8000-000000000002',
    conversationId: '0195f0a0-0000-7000-8000-000000000003',
    convSeq: 4,
    direction: 'outbound',
    type: 'text',
    authorId: null,
    apiKeyId: '0195f0a0-0000-7000-8000-000000000004',
    text: 'Shipped',
    caption: null,
    content: null,
    mediaId: null,
    replyToMessageId: null,
    forwarded: false,
    frequentlyForwarded: false,
    status: 'queued',
    statusAt: at,
    errorCode: null,
    errorTitle: null,
    errorMessage: null,
    waMessageId: null,
    createdAt: at,
    updatedAt: at,
    ...over,
  }) as typeof messages.$inferSelect;

describe('toMessage', () => {
  it('carries the sending key’s name, never more of the key', () => {
    const m = toMessage(row({ content: { apiKeyName: 'Order system' } }));
    expect(m).toMatchObject({ apiKeyId: '0195f0a0-0000-7000-8000-000000000004', apiKeyName: 'Order system' });
    expect(MessageRow.parse(m).apiKeyName).toBe('Order system');
    expect(toMessage(row({})).apiKeyName).toBeUndefined();
  });

  it('projects an interactive message and the link of media sent by URL', () => {
    const interactive = {
      kind: 'cta_url' as const,
      body: 'Track it',
      displayText: 'Track',
      url: 'https://shop.example.com/t/1',
    };
    const m = toMessage(row({ type: 'interactive', content: { interactiveMessage: interactive } }));
    expect(Message.parse(m).interactiveMessage).toEqual(interactive);

    const file = {
      id: '0195f0a0-0000-7000-8000-000000000005',
      mimeType: 'image/png',
      fileName: null,
      size: null,
      state: 'pending',
    } as typeof media.$inferSelect;
    const photo = toMessage(
      row({ type: 'image', content: { media: { link: 'https://cdn.example.com/a.png' } } }),
      {
        media: file,
      },
    );
    expect(Message.parse(photo).media).toMatchObject({
      state: 'pending',
      url: 'https://cdn.example.com/a.png',
    });
  });
});
