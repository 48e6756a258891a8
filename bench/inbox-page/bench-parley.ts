// An in-memory `window.parley` for the list benchmarks: the real, built renderer runs against
// it instead of the client core. The data source is realistic rather than a plain array:
// per-view and per-status index lists (like the replica's indexes), keyset cursors, filters
// applied while walking the index, counts kept per bucket, and every answer crosses a
// MessageChannel (a structured clone, like IPC). `window.__bench` exposes the hooks the bench
// drives: hold the first list page until `release()`, and timings.
import type {
  Channel,
  EventName,
  EventPayload,
  In,
  InboxConversation,
  Out,
  ParleyApi,
  TabCounts,
} from '#contract/ipc/contract';
import { err, ok, type Result } from '#contract/result';
import { BENCH_ME, BENCH_MEMBERS, BENCH_TEAMS, makeConversations, rowsParam } from './data';
import { countNodes, scriptedScroll, whenPainted } from './paint-probe';

const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
const params = new URLSearchParams(location.search);
const rows = makeConversations(rowsParam(), Date.now());

/** Row indexes per `${bucket}|${status}`, newest first (rows are generated newest first). */
const index = new Map<string, number[]>();
const add = (key: string, i: number) => {
  let list = index.get(key);
  if (!list) index.set(key, (list = []));
  list.push(i);
};
rows.forEach((c, i) => {
  add(`all|${c.status}`, i);
  if (c.assigneeId === BENCH_ME) add(`mine|${c.status}`, i);
  if (c.assigneeId === null) add(`unassigned|${c.status}`, i);
  if (c.teamId) add(`team:${c.teamId}|${c.status}`, i);
});
const bucketOf = (i: { view?: string; teamId?: string }) =>
  i.view === 'team' ? `team:${i.teamId}` : (i.view ?? 'all');

/** Counts per bucket, computed once (the core maintains them incrementally). */
const counts = new Map<string, Record<(typeof STATUSES)[number], TabCounts>>();
for (const bucket of ['all', 'mine', 'unassigned', ...BENCH_TEAMS.map((t) => `team:${t.id}`)]) {
  const tabs = {} as Record<(typeof STATUSES)[number], TabCounts>;
  for (const s of STATUSES) {
    const list = index.get(`${bucket}|${s}`) ?? [];
    tabs[s] = {
      total: list.length,
      unread: list.filter((i) => rows[i]!.unreadCount > 0).length,
      important: list.filter((i) => rows[i]!.important).length,
    };
  }
  counts.set(bucket, tabs);
}

/** One IPC-like hop: the answer is structured-cloned through a MessageChannel. */
function hop<T>(value: T): Promise<T> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data as T);
    ch.port2.postMessage(value);
  });
}

function matches(c: InboxConversation, i: In<'conversations:list'>): boolean {
  if (i.unread && c.unreadCount === 0) return false;
  if (i.important && !c.important) return false;
  if (i.label && !c.labels.includes(i.label)) return false;
  const q = i.q?.trim().toLowerCase();
  if (q) {
    const hay =
      `${c.contact.name ?? ''} ${c.contact.phone ?? ''} ${c.lastMessage?.preview ?? ''}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

function list(i: In<'conversations:list'>): Out<'conversations:list'> {
  const ids = index.get(`${bucketOf(i)}|${i.tab ?? 'open'}`) ?? [];
  const limit = i.limit ?? 50;
  const items: InboxConversation[] = [];
  let pos = i.cursor ? Number(i.cursor) : 0;
  for (; pos < ids.length && items.length < limit; pos++) {
    const c = rows[ids[pos]!]!;
    if (matches(c, i)) items.push(c);
  }
  return { items, nextCursor: pos < ids.length ? String(pos) : null };
}

const bench = {
  rows: rows.length,
  /** When the held first page was handed to the renderer (performance.now()). */
  dataReadyAt: 0,
  listCalls: 0,
  hold: params.get('hold') === '1',
  held: null as null | (() => void),
  /** Hands the held first page over and records the moment. */
  release() {
    const go = bench.held;
    bench.held = null;
    go?.();
  },
  whenPainted,
  scriptedScroll,
  countNodes,
};
Object.assign(window, { __bench: bench });

const listeners = new Map<EventName, Set<(p: unknown) => void>>();
const zero = async () => ok({ mutationId: 1 });

const impl: { [C in Channel]?: (input: In<C>) => Promise<Result<Out<C>>> } = {
  'app:info': async () =>
    ok({
      version: 'bench',
      platform: 'bench',
      defaultServerUrl: 'http://127.0.0.1:1',
      secureStorageAvailable: true,
    }),
  'session:get': async () =>
    ok({
      status: 'signed_in',
      serverUrl: 'http://127.0.0.1:1',
      tokenStorage: 'secure',
      user: {
        id: BENCH_ME,
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        role: 'admin',
        organizationId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
        organizationName: 'Bench Bakery',
      },
    }),
  'settings:get': async () => ok({ theme: 'light' }),
  'sync:getStatus': async () =>
    ok({ state: 'online', offlineSince: null, progress: null, outboxSize: 0, lastError: null }),
  'conversations:list': async (input) => {
    bench.listCalls += 1;
    const page = await hop(list(input));
    if (bench.hold && bench.listCalls === 1) {
      await new Promise<void>((resolve) => (bench.held = resolve));
    }
    if (bench.listCalls === 1) bench.dataReadyAt = performance.now();
    return ok(page);
  },
  'conversations:counts': async (input) =>
    ok(
      await hop({
        view: input.view ?? 'all',
        teamId: input.teamId ?? null,
        tabs: counts.get(bucketOf(input))!,
      }),
    ),
  'members:list': async () =>
    ok(
      BENCH_MEMBERS.map((m) => ({
        ...m,
        email: `${m.name.split(' ')[0]!.toLowerCase()}@example.com`,
        role: 'agent' as const,
        deactivatedAt: null,
        availability: 'available' as const,
        capacity: null,
        joinedAt: '2026-01-01T00:00:00.000Z',
      })),
    ),
  'teams:list': async () =>
    ok(BENCH_TEAMS.map((t) => ({ ...t, memberIds: [BENCH_ME], createdAt: '2026-01-01T00:00:00.000Z' }))),
  'outbox:list': async () => ok([]),
  'conversation:setStatus': zero,
};

const api = new Proxy({} as ParleyApi, {
  get(_t, prop: string) {
    if (prop === 'on') {
      return <E extends EventName>(event: E, cb: (p: EventPayload<E>) => void) => {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(cb as (p: unknown) => void);
        return () => set.delete(cb as (p: unknown) => void);
      };
    }
    const fn = impl[prop as Channel] as ((input: unknown) => Promise<Result<unknown>>) | undefined;
    return fn ?? (async () => err({ code: 'not_found', message: `${prop} is not part of the bench page` }));
  },
});
Object.assign(window, { parley: api });
