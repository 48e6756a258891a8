import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import type { ConversationStatus, MessageType } from '#contract/domain/messaging';
import type { InboxConversation, In, TabCounts } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import type { FakeParley } from './fake-parley';
import { signedInSession } from './fake-parley';

/** Ids the inbox tests share. */
export const inboxIds = {
  me: signedInSession.user.id,
  alex: '0190b000-0000-7000-8000-00000000a1e0',
  sam: '0190b000-0000-7000-8000-00000000a5a0',
  support: '0190b000-0000-7000-8000-0000000050b0',
  sales: '0190b000-0000-7000-8000-0000000051e0',
  account: '0190b000-0000-7000-8000-0000000acc00',
} as const;

/** A deterministic conversation id for row `i`. */
export const conversationId = (i: number): string => `0190c000-0000-7000-8000-${String(i).padStart(12, '0')}`;

const FIRST_NAMES = ['Maria', 'João', 'Aisha', 'Chen', 'Lukas', 'Priya', 'Omar', 'Sofia', 'Kenji', 'Amara'];
const LAST_NAMES = [
  'Souza',
  'Silva',
  'Bello',
  'Wei',
  'Müller',
  'Patel',
  'Haddad',
  'Rossi',
  'Tanaka',
  'Okafor',
];
const TYPES: MessageType[] = ['text', 'text', 'image', 'text', 'audio', 'document', 'text', 'location'];

/**
 * `n` conversations, newest activity first (row 0 is the newest, a minute apart), with a mix
 * of statuses, assignees, unread counts, labels and windows. `overrides(i)` changes row `i`.
 */
export function makeInboxConversations(
  n: number,
  overrides: (i: number) => Partial<InboxConversation> = () => ({}),
  now = Date.now(),
): InboxConversation[] {
  const out: InboxConversation[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(now - (i + 1) * 60_000).toISOString();
    const type = TYPES[i % TYPES.length]!;
    const name = `${FIRST_NAMES[i % 10]} ${LAST_NAMES[Math.floor(i / 10) % 10]}`;
    out.push({
      id: conversationId(i),
      status: 'open',
      snoozedUntil: null,
      contact: {
        id: `0190d000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        name,
        phone: `+55119${String(10_000_000 + i).slice(-8)}`,
        waId: null,
      },
      whatsappAccountId: inboxIds.account,
      assigneeId: i % 3 === 0 ? inboxIds.me : i % 3 === 1 ? null : inboxIds.alex,
      teamId: i % 2 === 0 ? inboxIds.support : inboxIds.sales,
      important: i % 7 === 0,
      labels: i % 5 === 0 ? ['vip'] : i % 5 === 1 ? ['refund', 'late'] : [],
      unreadCount: i % 4 === 0 ? (i % 9) + 1 : 0,
      lastMessageAt: at,
      lastMessage: {
        id: `0190e000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        type,
        direction: i % 2 === 0 ? 'inbound' : 'outbound',
        preview: type === 'text' ? `Message number ${i} about the order` : type === 'image' ? 'Photo' : '',
        status: 'delivered',
        at,
      },
      windowExpiresAt: new Date(now + (i % 3 === 0 ? 20 : i % 3 === 1 ? 1 : -2) * 3_600_000).toISOString(),
      // Inbound last: the customer waits since then.
      waitingSince: i % 2 === 0 ? at : null,
      createdAt: at,
      updatedAt: at,
      readUpToConvSeq: 0,
      lastConvSeq: 10,
      hasPendingChanges: false,
      ...overrides(i),
    });
  }
  return out;
}

/** Members for the inbox tests: me (Ada, admin), Alex and Sam (agents). */
export const inboxMembers: Member[] = [
  {
    id: inboxIds.me,
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'admin',
    deactivatedAt: null,
    joinedAt: '2026-01-01T00:00:00.000Z',
    availability: 'available',
    capacity: null,
  },
  {
    id: inboxIds.alex,
    email: 'alex@example.com',
    name: 'Alex Agent',
    role: 'agent',
    deactivatedAt: null,
    joinedAt: '2026-01-01T00:00:00.000Z',
    availability: 'available',
    capacity: null,
  },
  {
    id: inboxIds.sam,
    email: 'sam@example.com',
    name: 'Sam Agent',
    role: 'agent',
    deactivatedAt: null,
    joinedAt: '2026-01-01T00:00:00.000Z',
    availability: 'available',
    capacity: null,
  },
];

/** Teams: Support (me and Alex), Sales (Sam). */
export const inboxTeams: Team[] = [
  { id: inboxIds.sales, name: 'Sales', memberIds: [inboxIds.sam], createdAt: '2026-01-01T00:00:00.000Z' },
  {
    id: inboxIds.support,
    name: 'Support',
    memberIds: [inboxIds.me, inboxIds.alex],
    createdAt: '2026-01-01T00:00:00.000Z',
  },
];

type ListInput = In<'conversations:list'>;

/** Whether a conversation belongs to a view (as the core's query decides). */
function inView(c: InboxConversation, i: { view?: string; teamId?: string }, me: string): boolean {
  switch (i.view ?? 'all') {
    case 'mine':
      return c.assigneeId === me;
    case 'unassigned':
      return c.assigneeId === null;
    case 'team':
      return c.teamId === i.teamId;
    default:
      return true;
  }
}

/** A mutable in-memory replica behind the fake's inbox channels. */
export interface FakeInbox {
  /** The conversations, newest first; tests change it and then emit `replica:changed`. */
  rows: InboxConversation[];
  /** Replaces the rows and tells subscribers, as a sync would. */
  update(rows: InboxConversation[], conversationIds?: string[]): void;
}

/**
 * Serves `conversations:list` (filters, search over name, number and preview, keyset cursor =
 * the last row's index), `conversations:counts`, `conversation:get`, `members:list` and
 * `teams:list` from an in-memory list, like the core would from the replica.
 */
export function installFakeInbox(
  parley: FakeParley,
  rows: InboxConversation[],
  options: { members?: Member[]; teams?: Team[]; me?: string } = {},
): FakeInbox {
  const me = options.me ?? inboxIds.me;
  const state: FakeInbox = {
    rows,
    update(next, conversationIds) {
      state.rows = next;
      parley.emit('replica:changed', {
        tables: ['conversations'],
        ...(conversationIds ? { conversationIds } : {}),
      });
    },
  };
  const matches = (c: InboxConversation, i: ListInput) => {
    if (!inView(c, i, me) || c.status !== (i.tab ?? 'open')) return false;
    if (i.unread && c.unreadCount === 0) return false;
    if (i.important && !c.important) return false;
    if (i.label && !c.labels.includes(i.label)) return false;
    const q = i.q?.trim().toLowerCase();
    if (q) {
      const hay =
        `${c.contact.name ?? ''} ${c.contact.phone ?? ''} ${c.lastMessage?.preview ?? ''}`.toLowerCase();
      if (!q.split(/\s+/).every((w) => hay.includes(w))) return false;
    }
    return true;
  };
  parley['conversations:list'].mockImplementation(async (i) => {
    const all = state.rows.filter((c) => matches(c, i));
    const from = i.cursor ? Number(i.cursor) : 0;
    const limit = i.limit ?? 50;
    const items = all.slice(from, from + limit);
    return ok({ items, nextCursor: from + limit < all.length ? String(from + limit) : null });
  });
  parley['conversations:counts'].mockImplementation(async (i) => {
    const tabs = {} as Record<ConversationStatus, TabCounts>;
    for (const s of ['open', 'pending', 'snoozed', 'resolved'] as const) {
      const inTab = state.rows.filter((c) => inView(c, i, me) && c.status === s);
      tabs[s] = {
        total: inTab.length,
        unread: inTab.filter((c) => c.unreadCount > 0).length,
        important: inTab.filter((c) => c.important).length,
      };
    }
    return ok({ view: i.view ?? 'all', teamId: i.teamId ?? null, tabs });
  });
  parley['conversation:get'].mockImplementation(async ({ id }) => {
    const c = state.rows.find((x) => x.id === id);
    return c
      ? ok({ conversation: c, contact: null, draft: null })
      : { ok: false as const, error: { code: 'not_found' as const, message: 'Not on this device.' } };
  });
  parley['members:list'].mockResolvedValue(ok(options.members ?? inboxMembers));
  parley['teams:list'].mockResolvedValue(ok(options.teams ?? inboxTeams));
  return state;
}
