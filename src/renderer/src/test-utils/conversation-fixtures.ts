import { vi, type Mock } from 'vitest';
import type { Contact } from '#contract/api/contacts';
import type { Template } from '#contract/api/templates';
import type {
  ConversationDetail,
  InboxConversation,
  MessagePage,
  ThreadMessage,
  ThreadNote,
} from '#contract/ipc/contract';
import { ok, type Result } from '#contract/result';
import { createFakeParley, signedInSession, type FakeParley } from './fake-parley';

/** Ids used across the conversation and composer tests. */
export const ids = {
  conversation: '0190a1b2-0000-7000-8000-000000000001',
  contact: '0190a1b2-0000-7000-8000-000000000002',
  account: '0190a1b2-0000-7000-8000-000000000003',
  agent: '0b9a4f8e-7c1d-4e7a-9c1b-2d3e4f5a6b7c',
  otherAgent: '0190a1b2-0000-7000-8000-000000000005',
  team: '0190a1b2-0000-7000-8000-000000000006',
  media: '0190a1b2-0000-7000-8000-000000000007',
} as const;

let counter = 100;
/** A fresh UUID-shaped id (deterministic per test run). */
export function nextId(): string {
  counter += 1;
  return `0190a1b2-0000-7000-8000-${String(counter).padStart(12, '0')}`;
}

/** A conversation as the inbox shows it; the window open for another 3 h 12 min by default. */
export function makeConversation(overrides: Partial<InboxConversation> = {}): InboxConversation {
  const now = Date.now();
  return {
    id: ids.conversation,
    status: 'open',
    snoozedUntil: null,
    contact: { id: ids.contact, name: 'Grace Hopper', phone: '+14155550123', waId: '14155550123' },
    whatsappAccountId: ids.account,
    assigneeId: null,
    teamId: null,
    important: false,
    labels: [],
    unreadCount: 0,
    lastMessageAt: new Date(now - 60_000).toISOString(),
    lastMessage: null,
    windowExpiresAt: new Date(now + (3 * 60 + 12) * 60_000 + 30_000).toISOString(),
    waitingSince: null,
    createdAt: new Date(now - 86_400_000).toISOString(),
    updatedAt: new Date(now - 60_000).toISOString(),
    readUpToConvSeq: 0,
    lastConvSeq: 0,
    hasPendingChanges: false,
    ...overrides,
  };
}

/** A contact. */
export function makeContact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: ids.contact,
    name: 'Grace Hopper',
    profileName: 'Grace',
    phone: '+14155550123',
    waId: '14155550123',
    userId: 'US.13491208655302741918',
    username: null,
    tags: ['vip'],
    optedOut: false,
    customAttributes: {},
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-01T09:00:00.000Z',
    ...overrides,
  };
}

/** `conversation:get`'s answer. */
export function makeDetail(
  conversation: Partial<InboxConversation> = {},
  contact: Partial<Contact> | null = {},
): ConversationDetail {
  return {
    conversation: makeConversation(conversation),
    contact: contact === null ? null : makeContact(contact),
    draft: null,
  };
}

/** A thread message; inbound text by default. */
export function makeMessage(overrides: Partial<ThreadMessage> = {}): ThreadMessage {
  const id = overrides.id ?? nextId();
  return {
    id,
    conversationId: ids.conversation,
    convSeq: 1,
    direction: 'inbound',
    type: 'text',
    text: 'Hello',
    status: 'delivered',
    createdAt: '2026-03-02T10:00:00.000Z',
    pending: null,
    reactions: [],
    ...overrides,
  };
}

/** An internal note. */
export function makeNote(overrides: Partial<ThreadNote> = {}): ThreadNote {
  return {
    id: overrides.id ?? nextId(),
    conversationId: ids.conversation,
    authorId: ids.agent,
    body: 'Customer prefers mornings',
    createdAt: '2026-03-02T10:30:00.000Z',
    pending: null,
    ...overrides,
  };
}

/** An approved template with a positional body, a text header and two buttons. */
export function makeTemplate(overrides: Partial<Template> = {}): Template {
  return {
    id: overrides.id ?? nextId(),
    whatsappAccountId: ids.account,
    metaTemplateId: '1234567890',
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships today.' },
      { type: 'FOOTER', text: 'Acme Bakery' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Thanks' },
          { type: 'URL', text: 'Track', url: 'https://acme.example/track/{{1}}' },
        ],
      },
    ],
    statusReason: null,
    updatedAt: '2026-01-01T09:00:00.000Z',
    ...overrides,
  };
}

/** A `messages:list` page holding `items` (the whole history). */
export function threadPage(items: ThreadMessage[], more: Partial<MessagePage> = {}): MessagePage {
  return {
    items,
    hasOlder: false,
    loadingOlder: false,
    historyError: null,
    nextBeforeConvSeq: null,
    ...more,
  };
}

/** Typed mocks of the media composer's channels, answering with success. */
export interface MediaChannelMocks {
  'media:stage': Mock<
    (input: { name: string; mimeType: string; bytes: Uint8Array }) => Promise<Result<{ mediaId: string }>>
  >;
  'media:open': Mock<(input: { mediaId: string }) => Promise<Result<{ opened: true }>>>;
  'media:save': Mock<(input: { mediaId: string; fileName?: string }) => Promise<Result<{ saved: boolean }>>>;
}

/** Adds `media:stage`, `media:open` and `media:save` to a fake, answering with success. */
export function withMediaChannels<T extends FakeParley>(parley: T): T & MediaChannelMocks {
  let n = 0;
  const mocks: MediaChannelMocks = {
    'media:stage': vi.fn(async () => {
      n += 1;
      return ok({ mediaId: `0190a1b2-0000-7000-8000-${String(900 + n).padStart(12, '0')}` });
    }),
    'media:open': vi.fn(async () => ok({ opened: true as const })),
    'media:save': vi.fn(async () => ok({ saved: true })),
  };
  return Object.assign(parley, mocks);
}

/** A signed-in fake with one conversation (`makeDetail(conversation, contact)`) and its thread. */
export function conversationFake(
  options: {
    conversation?: Partial<InboxConversation>;
    contact?: Partial<Contact> | null;
    messages?: ThreadMessage[];
    notes?: ThreadNote[];
    templates?: Template[];
    role?: 'admin' | 'manager' | 'agent';
  } = {},
): FakeParley & MediaChannelMocks {
  const parley = withMediaChannels(
    createFakeParley({
      session: { ...signedInSession, user: { ...signedInSession.user, role: options.role ?? 'admin' } },
    }),
  );
  parley['conversation:get'].mockResolvedValue(ok(makeDetail(options.conversation, options.contact)));
  parley['messages:list'].mockResolvedValue(ok(threadPage(options.messages ?? [])));
  parley['notes:list'].mockResolvedValue(ok(options.notes ?? []));
  parley['templates:list'].mockResolvedValue(ok(options.templates ?? []));
  return parley;
}
