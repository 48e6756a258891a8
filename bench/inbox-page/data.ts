// Deterministic inbox data for the list benchmarks: N conversations shaped like the replica's
// (InboxConversation), newest activity first, with realistic mixes of statuses, assignees,
// teams, unread counts, labels, message types and windows. Shared by the in-memory
// `window.parley` (the real app) and the minimal list, so both draw the same rows.
import type { MessageType } from '#contract/domain/messaging';
import type { InboxConversation } from '#contract/ipc/contract';

/** The signed-in user of the bench page. */
export const BENCH_ME = '0b9a4f8e-7c1d-4e7a-9c1b-2d3e4f5a6b7c';
/** Teammates (assignees). */
export const BENCH_MEMBERS = [
  { id: BENCH_ME, name: 'Ada Lovelace' },
  { id: '0190b000-0000-7000-8000-00000000a1e0', name: 'Alex Agent' },
  { id: '0190b000-0000-7000-8000-00000000a5a0', name: 'Sam Agent' },
  { id: '0190b000-0000-7000-8000-00000000a7a0', name: 'Lee Manager' },
];
/** Teams. */
export const BENCH_TEAMS = [
  { id: '0190b000-0000-7000-8000-0000000050b0', name: 'Support' },
  { id: '0190b000-0000-7000-8000-0000000051e0', name: 'Sales' },
];

const FIRST = [
  'Maria',
  'João',
  'Aisha',
  'Chen',
  'Lukas',
  'Priya',
  'Omar',
  'Sofia',
  'Kenji',
  'Amara',
  'Noah',
  'Leila',
];
const LAST = [
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
  'Kim',
];
const TEXTS = [
  'Hi, is my order ready for pickup today?',
  'Thanks, that worked!',
  'Can I change the delivery address to the office?',
  'The cake arrived a bit squashed on one side',
  'Do you deliver on Sundays?',
  'Ok',
  'What time do you close?',
];
const TYPES: MessageType[] = [
  'text',
  'text',
  'text',
  'image',
  'text',
  'audio',
  'document',
  'text',
  'location',
  'sticker',
];
const LABELS = [[], [], ['vip'], [], ['refund', 'late'], [], ['wholesale'], []] as string[][];
const STATUSES = ['open', 'open', 'open', 'pending', 'snoozed', 'resolved', 'resolved', 'resolved'] as const;

/** A small PRNG (mulberry32) so every run draws the same rows. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `n` conversations, newest first; `now` anchors the times. */
export function makeConversations(n: number, now: number): InboxConversation[] {
  const r = rng(42);
  const out: InboxConversation[] = new Array(n);
  let at = now - 30_000;
  for (let i = 0; i < n; i++) {
    at -= Math.floor(r() * 600_000);
    const iso = new Date(at).toISOString();
    const type = TYPES[Math.floor(r() * TYPES.length)]!;
    const inbound = r() < 0.6;
    const assigned = r();
    const name =
      r() < 0.08 ? null : `${FIRST[Math.floor(r() * FIRST.length)]} ${LAST[Math.floor(r() * LAST.length)]}`;
    const id = `0190c000-0000-7000-8000-${hex(i, 12)}`;
    out[i] = {
      id,
      status: STATUSES[Math.floor(r() * STATUSES.length)]!,
      snoozedUntil: null,
      waitingSince: null,
      contact: {
        id: `0190d000-0000-7000-8000-${hex(i, 12)}`,
        name,
        phone: `+55119${String(10_000_000 + i).slice(-8)}`,
        waId: null,
      },
      whatsappAccountId: '0190b000-0000-7000-8000-0000000acc00',
      assigneeId:
        assigned < 0.3 ? BENCH_ME : assigned < 0.55 ? null : BENCH_MEMBERS[1 + Math.floor(r() * 3)]!.id,
      teamId: BENCH_TEAMS[Math.floor(r() * 2)]!.id,
      important: r() < 0.1,
      labels: LABELS[Math.floor(r() * LABELS.length)]!,
      unreadCount: inbound && r() < 0.35 ? 1 + Math.floor(r() * 6) : 0,
      lastMessageAt: iso,
      lastMessage: {
        id: `0190e000-0000-7000-8000-${hex(i, 12)}`,
        type,
        direction: inbound ? 'inbound' : 'outbound',
        preview:
          type === 'text'
            ? TEXTS[Math.floor(r() * TEXTS.length)]!
            : type === 'image' && r() < 0.5
              ? 'Photo: look at this'
              : '',
        status: 'delivered',
        at: iso,
      },
      windowExpiresAt: inbound ? new Date(at + 86_400_000).toISOString() : null,
      createdAt: iso,
      updatedAt: iso,
      readUpToConvSeq: 0,
      lastConvSeq: 3,
      hasPendingChanges: false,
    };
  }
  return out;
}

/** The number of rows the page was asked for (`?n=`), default 100,000. */
export function rowsParam(): number {
  const n = Number(new URLSearchParams(location.search).get('n') ?? 100_000);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 100_000;
}
