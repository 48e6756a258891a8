import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import {
  HandshakeRejection,
  Hello,
  LivePacket,
  MUTATOR_VERSION,
  PROTOCOL_VERSION,
  PullResponse,
  PushAck,
  SCHEMA_VERSION,
  SYNC_ENDPOINTS,
  SYNC_NAMESPACE,
  SYNC_SOCKET_PATH,
  Tick,
  type ChangeEntry,
  type HandshakeAuth,
  type PullPage,
} from '#contract/sync/protocol';
import type { FastifyInstance } from 'fastify';
import { recordChanges } from '../src/storage/change-log';
import type { Db } from '../src/storage/db';
import { contacts, conversations, messages } from '../src/storage/schema/index';
import type { LoggedIn } from './factories';

/** Resolves when `check` holds, polling every 10 ms; fails after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw sync socket as a test client: every server event recorded and parsed with the contract. */
export type TestSocket = {
  socket: Socket;
  clientId: string;
  hello: Hello | null;
  packets: LivePacket[];
  ticks: Tick[];
  /** Every event received, in order (event name and raw argument). */
  events: { event: string; arg: unknown }[];
  disconnectedAt: number | null;
  /** Emits with an ack and resolves with the ack's argument (or rejects on timeout). */
  request: (event: string, arg: unknown, ms?: number) => Promise<unknown>;
  push: (mutations: unknown[]) => Promise<PushAck>;
  /** The changes of all packets so far, flattened. */
  changes: () => ChangeEntry[];
  close: () => void;
};

/** The handshake auth of a signed-in user. */
export const authOf = (user: LoggedIn, over: Partial<HandshakeAuth> = {}): HandshakeAuth => ({
  token: user.accessToken,
  organizationId: user.organizationId,
  replicaId: 'test-replica',
  clientId: randomUUID(),
  protocol: PROTOCOL_VERSION,
  schema: SCHEMA_VERSION,
  cursor: 0,
  lastMutationId: 0,
  ...over,
});

const open = (baseUrl: string, auth: unknown): Socket =>
  io(`${baseUrl}${SYNC_NAMESPACE}`, {
    path: SYNC_SOCKET_PATH,
    transports: ['websocket'],
    auth: auth as Record<string, unknown>,
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });

/** Connects and waits for `sync:hello`. */
export async function connectSync(
  baseUrl: string,
  user: LoggedIn,
  over: Partial<HandshakeAuth> = {},
): Promise<TestSocket> {
  const auth = authOf(user, over);
  const socket = open(baseUrl, auth);
  const t: TestSocket = {
    socket,
    clientId: auth.clientId,
    hello: null,
    packets: [],
    ticks: [],
    events: [],
    disconnectedAt: null,
    request: (event, arg, ms = 5_000) =>
      new Promise((resolve, reject) =>
        socket
          .timeout(ms)
          .emit(event, arg, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))),
      ),
    push: async (mutations) => PushAck.parse(await t.request('sync:push', { mutations })),
    changes: () => t.packets.flatMap((p) => p.changes),
    close: () => socket.disconnect(),
  };
  socket.onAny((event: string, arg: unknown) => {
    t.events.push({ event, arg });
    if (event === 'sync:hello') t.hello = Hello.parse(arg);
    if (event === 'sync:changes') t.packets.push(LivePacket.parse(arg));
    if (event === 'sync:tick') t.ticks.push(Tick.parse(arg));
  });
  socket.on('disconnect', () => {
    t.disconnectedAt = Date.now();
  });
  const failed = new Promise<never>((_, reject) =>
    socket.once('connect_error', (e: Error & { data?: unknown }) =>
      reject(Object.assign(e, { data: e.data })),
    ),
  );
  await Promise.race([until(() => t.hello !== null, 5_000, 'sync:hello'), failed]);
  return t;
}

/** Tries a handshake that must fail; resolves with the parsed rejection. */
export async function refusedHandshake(baseUrl: string, auth: unknown): Promise<HandshakeRejection> {
  const socket = open(baseUrl, auth);
  try {
    const data = await new Promise<unknown>((resolve, reject) => {
      socket.once('connect_error', (e: Error & { data?: unknown }) => resolve(e.data));
      socket.once('connect', () => reject(new Error('the handshake was accepted')));
    });
    return HandshakeRejection.parse(data);
  } finally {
    socket.disconnect();
  }
}

/** A mutation envelope for `clientId`. */
export const mutation = (clientId: string, mutationId: number, name: string, args: unknown) => ({
  clientId,
  mutationId,
  createdAt: new Date().toISOString(),
  mutatorVersion: MUTATOR_VERSION,
  name,
  args,
});

/** `GET /api/v1/sync/pull` through inject, parsed with the contract. */
export async function pullOnce(
  app: FastifyInstance,
  user: LoggedIn,
  q: { cursor: number; clientId: string; limit?: number; lmid?: number },
) {
  const qs = new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await app.inject({ url: `${SYNC_ENDPOINTS.pull}?${qs}`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(200);
  return PullResponse.parse(res.json());
}

/** Pulls until caught up; returns every change and the final page. */
export async function pullAll(
  app: FastifyInstance,
  user: LoggedIn,
  clientId: string,
  cursor = 0,
  limit?: number,
): Promise<{ changes: ChangeEntry[]; last: PullPage; pages: number }> {
  const changes: ChangeEntry[] = [];
  let pages = 0;
  for (;;) {
    const page = await pullOnce(app, user, { cursor, clientId, ...(limit && { limit }) });
    if ('mustRebootstrap' in page) throw new Error('unexpected mustRebootstrap');
    pages += 1;
    changes.push(...page.changes);
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes, last: page, pages };
  }
}

/** A conversation written straight to the database, logged like ingest logs it. */
export async function seedConversation(
  db: Db,
  organizationId: string,
  whatsappAccountId: string,
  opts: { assigneeId?: string | null; teamId?: string | null; messages?: number; text?: string } = {},
): Promise<{ conversationId: string; contactId: string; messageIds: string[] }> {
  const n = opts.messages ?? 1;
  return db.transaction(async (tx) => {
    const now = new Date();
    const [contact] = await tx
      .insert(contacts)
      .values({ organizationId, waId: String(Math.floor(Math.random() * 1e12)), profileName: 'Seeded' })
      .returning({ id: contacts.id });
    const messageIds = Array.from({ length: n }, () => randomUUID());
    const [conv] = await tx
      .insert(conversations)
      .values({
        organizationId,
        whatsappAccountId,
        contactId: contact!.id,
        assigneeId: opts.assigneeId ?? null,
        teamId: opts.teamId ?? null,
        lastConvSeq: n,
        lastMessageAt: n > 0 ? now : null,
        lastMessageId: messageIds[n - 1] ?? null,
        lastMessagePreview: opts.text ?? 'seeded',
        lastMessageType: 'text',
        lastMessageDirection: 'inbound',
        lastMessageStatus: 'delivered',
        windowExpiresAt: new Date(now.getTime() + 86_400_000),
      })
      .returning({ id: conversations.id });
    if (n > 0)
      await tx.insert(messages).values(
        messageIds.map((id, i) => ({
          id,
          organizationId,
          conversationId: conv!.id,
          convSeq: i + 1,
          direction: 'inbound' as const,
          type: 'text',
          text: `${opts.text ?? 'seeded'} ${i + 1}`,
          status: 'delivered' as const,
          waMessageId: `wamid.seed.${randomUUID()}`,
          createdAt: new Date(now.getTime() - (n - i) * 1000),
        })),
      );
    await recordChanges(tx, organizationId, [
      { entity: 'contact', entityId: contact!.id },
      ...messageIds.map((id) => ({ entity: 'message', entityId: id, conversationId: conv!.id })),
      { entity: 'conversation', entityId: conv!.id, conversationId: conv!.id },
    ]);
    return { conversationId: conv!.id, contactId: contact!.id, messageIds };
  });
}
