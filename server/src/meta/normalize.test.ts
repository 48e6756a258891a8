import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInboundMessage } from '../meta-emulator/inbound-builders';
import {
  buildAccountUpdateEntry,
  buildEnvelope,
  buildMessagesEntry,
  buildPhoneQualityEntry,
  buildStatus,
  buildTemplateStatusEntry,
  buildWebhookContact,
} from '../meta-emulator/webhook-builders';
import {
  fixtureNumber,
  fixtureSender,
  fixtureWamid,
  inboundCases,
  inboundWebhook,
  statusWebhook,
  wireBytes,
} from '../../test/meta-webhooks';
import { normalizeWebhook, type InboundMessageEvent, type WebhookEvent } from './normalize';
import { parseWebhookBody } from './webhook-payload';

function eventsOf(payload: unknown): WebhookEvent[] {
  const parsed = parseWebhookBody(wireBytes(payload));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return normalizeWebhook(parsed.value);
}

function onlyMessage(payload: unknown): InboundMessageEvent {
  const events = eventsOf(payload);
  expect(events).toHaveLength(1);
  const [e] = events;
  if (e?.kind !== 'message') throw new Error(`expected a message, got ${e?.kind}`);
  return e;
}

const media = {
  mediaId: '1003383421387256',
  sha256: 'SfInY0gHqe8bG9RkV4Vfi2kdvwc9QGn1cs8x0iVJZ1E=',
  caption: null,
  fileName: null,
  voice: false,
  animated: false,
  url: null,
};

/** Expected `content` (and optionally context/referral) per fixture case. */
const expected: Record<string, { content: unknown; context?: unknown; referral?: unknown }> = {
  text: { content: { type: 'text', body: 'Hi, is my order on its way? 🚚' } },
  'text reply to a business message': {
    content: { type: 'text', body: 'Yes please' },
    context: {
      replyToWamid: 'wamid.OUTBOUND1',
      forwarded: false,
      frequentlyForwarded: false,
      referredProduct: null,
    },
  },
  'text forwarded': {
    content: { type: 'text', body: 'fwd' },
    context: { replyToWamid: null, forwarded: true, frequentlyForwarded: false, referredProduct: null },
  },
  'text frequently forwarded': {
    content: { type: 'text', body: 'chain letter' },
    context: { replyToWamid: null, forwarded: false, frequentlyForwarded: true, referredProduct: null },
  },
  'text product enquiry': {
    content: { type: 'text', body: 'Is this in stock?' },
    context: {
      replyToWamid: 'wamid.CATALOG',
      forwarded: false,
      frequentlyForwarded: false,
      referredProduct: { catalogId: '194836987003835', productRetailerId: 'di9ozbzfi4' },
    },
  },
  'text from click-to-WhatsApp ad': {
    content: { type: 'text', body: 'I saw your ad' },
    referral: expect.objectContaining({
      sourceType: 'ad',
      sourceId: '120226305854810726',
      mediaType: 'image',
      welcomeText: 'Hi! Ask us anything',
      videoUrl: null,
      ctwaClid: expect.stringMatching(/^Aff-/),
    }),
  },
  image: { content: { type: 'image', ...media, mimeType: 'image/jpeg', caption: 'the broken part' } },
  'image with direct url': {
    content: {
      type: 'image',
      ...media,
      mimeType: 'image/jpeg',
      url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1',
    },
  },
  'video forwarded': {
    content: { type: 'video', ...media, mimeType: 'video/mp4' },
    context: { replyToWamid: null, forwarded: true, frequentlyForwarded: false, referredProduct: null },
  },
  'voice note': { content: { type: 'audio', ...media, mimeType: 'audio/ogg; codecs=opus', voice: true } },
  'audio file': { content: { type: 'audio', ...media, mimeType: 'audio/mpeg' } },
  document: {
    content: {
      type: 'document',
      ...media,
      mimeType: 'application/pdf',
      fileName: 'Invoice März.pdf',
      caption: 'invoice',
    },
  },
  'sticker animated': { content: { type: 'sticker', ...media, mimeType: 'image/webp', animated: true } },
  location: {
    content: {
      type: 'location',
      latitude: 37.4855,
      longitude: -122.1481,
      name: 'Philz Coffee',
      address: '101 Forest Ave',
      url: null,
    },
  },
  contacts: {
    content: {
      type: 'contacts',
      cards: [
        {
          formattedName: 'Barbara J. Johnson',
          firstName: 'Barbara',
          lastName: 'Johnson',
          phones: [{ phone: '+1 (940) 555-1234', waId: '19405551234', type: 'HOME' }],
          emails: [{ email: 'bjohnson@example.com', type: 'HOME' }],
          organization: 'Lucky Shrub',
          birthday: '1999-01-23',
          urls: ['https://www.luckyshrub.com'],
        },
        {
          formattedName: 'Only A Name',
          firstName: null,
          lastName: null,
          phones: [],
          emails: [],
          organization: null,
          birthday: null,
          urls: [],
        },
      ],
    },
  },
  'interactive button_reply': {
    content: {
      type: 'interactive',
      kind: 'button_reply',
      id: 'yes-ship',
      title: 'Yes, ship it',
      description: null,
      responseJson: null,
    },
    context: {
      replyToWamid: 'wamid.BUTTONS',
      forwarded: false,
      frequentlyForwarded: false,
      referredProduct: null,
    },
  },
  'interactive list_reply': {
    content: {
      type: 'interactive',
      kind: 'list_reply',
      id: 'slot-2',
      title: 'Tuesday 10:00',
      description: 'Morning slot',
      responseJson: null,
    },
    context: {
      replyToWamid: 'wamid.LIST',
      forwarded: false,
      frequentlyForwarded: false,
      referredProduct: null,
    },
  },
  'interactive nfm_reply': {
    content: {
      type: 'interactive',
      kind: 'nfm_reply',
      id: null,
      title: 'flow',
      description: 'Sent',
      responseJson: '{"flow_token":"abc","rating":"5"}',
    },
  },
  'template quick-reply button': {
    content: { type: 'button', payload: 'STOP_PROMOS', text: 'Stop promotions' },
    context: {
      replyToWamid: 'wamid.TEMPLATE',
      forwarded: false,
      frequentlyForwarded: false,
      referredProduct: null,
    },
  },
  reaction: { content: { type: 'reaction', targetWamid: 'wamid.OUTBOUND1', emoji: '👍🏽' } },
  'reaction removed (emoji omitted)': {
    content: { type: 'reaction', targetWamid: 'wamid.OUTBOUND1', emoji: null },
  },
  'reaction removed (emoji empty)': {
    content: { type: 'reaction', targetWamid: 'wamid.OUTBOUND1', emoji: null },
  },
  order: {
    content: {
      type: 'order',
      catalogId: '194836987003835',
      text: 'Please deliver fast',
      items: [{ productRetailerId: 'di9ozbzfi4', quantity: 2, itemPrice: 30, currency: 'USD' }],
    },
  },
  'system user_changed_number': {
    content: {
      type: 'system',
      systemType: 'user_changed_number',
      body: 'User A changed from 1650…',
      newWaId: '16505550000',
      newUserId: null,
    },
  },
  'system user_changed_user_id': {
    content: {
      type: 'system',
      systemType: 'user_changed_user_id',
      body: 'User changed',
      newWaId: null,
      newUserId: 'US.99999',
    },
  },
  'system legacy customer_changed_number': {
    content: {
      type: 'system',
      systemType: 'customer_changed_number',
      body: 'old',
      newWaId: '16505550001',
      newUserId: null,
    },
  },
  'unsupported edit': {
    content: { type: 'unsupported', reason: 'edit', code: 131051, originalType: 'unsupported' },
  },
  'unsupported coexistence 131060': {
    content: { type: 'unsupported', reason: 'text', code: 131060, originalType: 'unsupported' },
  },
  'legacy unknown': {
    content: {
      type: 'unsupported',
      reason: 'Message type is not currently supported',
      code: 131051,
      originalType: 'unknown',
    },
  },
  revoke: { content: { type: 'revoke', originalWamid: 'wamid.DELETED' } },
  'future type': {
    content: {
      type: 'unsupported',
      reason: 'unknown message type "hologram"',
      code: null,
      originalType: 'hologram',
    },
  },
};

describe('normalizeWebhook: every inbound type', () => {
  it('has an expectation for every fixture case', () => {
    expect(Object.keys(expected).sort()).toEqual(inboundCases.map((c) => c.name).sort());
  });

  for (const c of inboundCases) {
    it(c.name, () => {
      const e = onlyMessage(inboundWebhook(c.spec, { decorations: c.decorations, wamid: fixtureWamid(7) }));
      const want = expected[c.name]!;
      expect(e.content).toEqual(want.content);
      expect(e.type).toBe((want.content as { type: string }).type);
      expect(e.context).toEqual(want.context ?? null);
      if (want.referral) expect(e.referral).toEqual(want.referral);
      else expect(e.referral).toBeNull();
      expect(e).toMatchObject({
        kind: 'message',
        wabaId: fixtureNumber.wabaId,
        phoneNumberId: fixtureNumber.phoneNumberId,
        displayPhoneNumber: fixtureNumber.displayPhoneNumber,
        wamid: fixtureWamid(7),
        waId: '16505551234',
        userId: 'US.13491208655302741918',
        from: '16505551234',
        timestamp: new Date(1_760_000_000_000),
      });
      // System messages have no contacts[], hence no profile name.
      expect(e.profileName).toBe(c.spec.type === 'system' ? null : 'Sheena Nelson');
    });
  }
});

describe('normalizeWebhook: identities', () => {
  it('handles a username user whose phone is hidden (BSUID only)', () => {
    const sender = { userId: 'US.ENT.555', profileName: 'Ana', username: 'ana.b' };
    const e = onlyMessage(inboundWebhook({ type: 'text', body: 'hola' }, { sender }));
    expect(e).toMatchObject({
      waId: null,
      userId: 'US.ENT.555',
      from: 'US.ENT.555',
      username: 'ana.b',
      profileName: 'Ana',
    });
  });

  it('takes the profile of the single contact even when wa_id and from differ (Brazil 9th digit)', () => {
    const message = buildInboundMessage(
      { type: 'text', body: 'oi' },
      { wamid: 'wamid.BR', timestampSeconds: 1, sender: { waId: '5511912345678' } },
    );
    const contact = buildWebhookContact({ waId: '551112345678', profileName: 'João' });
    const e = onlyMessage(
      buildEnvelope([buildMessagesEntry(fixtureNumber, { contacts: [contact], messages: [message] })]),
    );
    expect(e).toMatchObject({ waId: '5511912345678', profileName: 'João' });
  });

  it('ignores a message without any sender identity', () => {
    const message = buildInboundMessage(
      { type: 'text', body: '?' },
      { wamid: 'wamid.X', timestampSeconds: 1, sender: {} },
    );
    const events = eventsOf(buildEnvelope([buildMessagesEntry(fixtureNumber, { messages: [message] })]));
    expect(events).toMatchObject([{ kind: 'ignored', phoneNumberId: fixtureNumber.phoneNumberId }]);
  });

  it('turns a known type with a malformed object into unsupported instead of failing the batch', () => {
    const bad = { from: '1', id: 'wamid.BAD', timestamp: '5', type: 'image', image: { caption: 'no id' } };
    const good = buildInboundMessage(
      { type: 'text', body: 'ok' },
      { wamid: 'wamid.OK', timestampSeconds: 5, sender: { waId: '1' } },
    );
    const events = eventsOf(buildEnvelope([buildMessagesEntry(fixtureNumber, { messages: [bad, good] })]));
    expect(events.map((e) => (e.kind === 'message' ? e.content.type : e.kind))).toEqual([
      'unsupported',
      'text',
    ]);
  });
});

describe('normalizeWebhook: statuses', () => {
  it('maps sent/delivered/read/played with callback data, pricing and BSUID recipient', () => {
    for (const status of ['sent', 'delivered', 'read', 'played'] as const) {
      const [e] = eventsOf(
        statusWebhook({
          wamid: 'wamid.OUT',
          status,
          timestampSeconds: 1_760_000_100,
          recipientId: '16505551234',
          recipientUserId: 'US.1',
          bizOpaqueCallbackData: 'outbox:7f0c',
          pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'utility' },
        }),
      );
      expect(e).toEqual({
        kind: 'status',
        wabaId: fixtureNumber.wabaId,
        phoneNumberId: fixtureNumber.phoneNumberId,
        wamid: 'wamid.OUT',
        status,
        timestamp: new Date(1_760_000_100_000),
        recipientId: '16505551234',
        recipientUserId: 'US.1',
        bizOpaqueCallbackData: 'outbox:7f0c',
        errors: [],
        pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'utility' },
        conversation: null,
      });
    }
  });

  it('maps failed statuses with their errors and a v23 conversation object', () => {
    const [e] = eventsOf(
      statusWebhook({
        wamid: 'wamid.OUT',
        status: 'failed',
        timestampSeconds: 10,
        recipientId: '1',
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            details: 'Message failed to send because more than 24 hours have passed',
          },
        ],
        conversation: { id: 'c1', originType: 'service', expirationSeconds: 20 },
      }),
    );
    expect(e).toMatchObject({
      status: 'failed',
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          details: 'Message failed to send because more than 24 hours have passed',
        },
      ],
      conversation: { id: 'c1', originType: 'service', expiresAt: new Date(20_000) },
    });
  });

  it('keeps an unknown status value as ignored', () => {
    const payload = buildEnvelope([
      buildMessagesEntry(fixtureNumber, { statuses: [{ id: 'wamid.1', status: 'deleted', timestamp: '1' }] }),
    ]);
    expect(eventsOf(payload)).toMatchObject([{ kind: 'ignored', reason: 'status "deleted"' }]);
  });
});

describe('normalizeWebhook: other fields and batching', () => {
  it('maps template, account, quality changes, value errors and unknown fields', () => {
    const payload = buildEnvelope([
      buildTemplateStatusEntry(fixtureNumber.wabaId, {
        event: 'APPROVED',
        templateId: 806312974732579,
        name: 'order_update',
        language: 'en-US',
        category: 'UTILITY',
        timeSeconds: 1_700_000_000,
      }),
      buildAccountUpdateEntry(
        fixtureNumber.wabaId,
        {
          event: 'ACCOUNT_RESTRICTION',
          restriction_info: [{ restriction_type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION' }],
        },
        1_700_000_001,
      ),
      buildPhoneQualityEntry(
        fixtureNumber.wabaId,
        { displayPhoneNumber: '15550783881', event: 'THROUGHPUT_UPGRADE', limit: 'TIER_10K' },
        1_700_000_002,
      ),
      buildMessagesEntry(fixtureNumber, {
        errors: [{ code: 131000, title: 'Something went wrong', message: 'x', error_data: { details: 'y' } }],
      }),
      {
        id: fixtureNumber.wabaId,
        time: 1,
        changes: [{ field: 'security', value: { event: 'PIN_CHANGED' } }],
      },
    ]);
    expect(eventsOf(payload)).toMatchObject([
      {
        kind: 'template_status',
        templateId: '806312974732579',
        language: 'en-US',
        event: 'APPROVED',
        reason: 'NONE',
      },
      { kind: 'account', event: 'ACCOUNT_RESTRICTION', raw: { restriction_info: [{}] } },
      { kind: 'phone_quality', event: 'THROUGHPUT_UPGRADE', limit: 'TIER_10K' },
      { kind: 'webhook_error', errors: [{ code: 131000, details: 'y' }] },
      { kind: 'ignored', field: 'security', reason: 'field not handled' },
    ]);
  });

  it('flattens a batch of several entries, changes, messages and statuses across numbers, in order', () => {
    const other = { ...fixtureNumber, phoneNumberId: '999', wabaId: '888' };
    const msgs = [1, 2, 3].map((n) =>
      buildInboundMessage(
        { type: 'text', body: `m${n}` },
        { wamid: `wamid.${n}`, timestampSeconds: n, sender: fixtureSender },
      ),
    );
    const payload = buildEnvelope([
      buildMessagesEntry(fixtureNumber, { contacts: [buildWebhookContact(fixtureSender)], messages: msgs }),
      buildMessagesEntry(other, {
        statuses: [buildStatus({ wamid: 'wamid.s', status: 'sent', timestampSeconds: 4, recipientId: '1' })],
      }),
    ]);
    const events = eventsOf(payload);
    expect(events.map((e) => [e.kind, 'phoneNumberId' in e ? e.phoneNumberId : null])).toEqual([
      ['message', fixtureNumber.phoneNumberId],
      ['message', fixtureNumber.phoneNumberId],
      ['message', fixtureNumber.phoneNumberId],
      ['status', '999'],
    ]);
  });

  it('never throws on random JSON values inside a well-formed envelope', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 3 }), (value, items) => {
        const payload = {
          object: 'whatsapp_business_account',
          entry: [
            {
              id: '1',
              changes: [
                { field: 'messages', value },
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '1', phone_number_id: '2' },
                    messages: items,
                    statuses: items,
                  },
                },
                { field: 'message_template_status_update', value },
                { field: 'account_update', value },
                { field: 'phone_number_quality_update', value },
              ],
            },
          ],
        };
        const parsed = parseWebhookBody(JSON.stringify(payload));
        if (parsed.ok) expect(() => normalizeWebhook(parsed.value)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
