import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToServer } from '#contract/sync/protocol';
import { createOrg, type TestOrg } from '../../test/factories';
import { connectSync, mutation, seedConversation, until, type TestSocket } from '../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../test/whatsapp';
import {
  cannedResponses,
  contacts,
  conversationReads,
  conversations,
  messages,
  notes,
  syncClients,
  syncLog,
  syncMutationResults,
} from '../storage/schema/index';
import { inAnyOrder } from '../../test/in-any-order';

// Quality bar 5.5.1/5.5.3 for Socket.IO: every client → server event of the contract
// (`clientToServer`, enumerated at run time: a new event without a case below fails) is sent by
// a member of organization A naming organization B's ids. Nothing of B may change, A may
// receive nothing of B, and B's members may receive nothing caused by A.

let w: WhatsAppWorld;
let a: TestOrg;
let b: TestOrg;
let bConv: { conversationId: string; contactId: string; messageIds: string[] };
let bSocket: TestSocket;
let bClientId: string;
/** A canned response personal to B's agent. */
let bCannedId: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  w = await startWhatsAppWorld();
  [a, b] = await Promise.all([createOrg(w.t.app, 'Events A'), createOrg(w.t.app, 'Events B')]);
  // Written first, so its live packet is long gone before B's sockets connect.
  const canned = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/canned-responses',
    headers: b.agent.headers,
    payload: { shortcut: 'bonly', title: 'B only', body: 'B only' },
  });
  expect(canned.statusCode, canned.body).toBe(201);
  bCannedId = canned.json().id;
  const accB = (await w.connect(b.admin)).account.id;
  bConv = await seedConversation(w.t.database.db, b.organizationId, accB, {
    assigneeId: b.agent.id,
    text: 'B only',
  });
  bSocket = await connectSync(w.parleyUrl, b.agent);
  bClientId = bSocket.clientId;
  sockets.push(bSocket, await connectSync(w.parleyUrl, b.manager));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

const snapshotOfB = async () => {
  const db = w.t.database.db;
  const org = b.organizationId;
  return inAnyOrder({
    conversations: await db.select().from(conversations).where(eq(conversations.organizationId, org)),
    messages: await db.select().from(messages).where(eq(messages.organizationId, org)),
    contacts: await db.select().from(contacts).where(eq(contacts.organizationId, org)),
    notes: await db.select().from(notes).where(eq(notes.organizationId, org)),
    canned: await db.select().from(cannedResponses).where(eq(cannedResponses.organizationId, org)),
    reads: await db.select().from(conversationReads).where(eq(conversationReads.organizationId, org)),
    clients: (await db.select().from(syncClients).where(eq(syncClients.organizationId, org))).map(
      ({ lastSeenAt: _seen, ...rest }) => rest,
    ),
    results: await db.select().from(syncMutationResults).where(eq(syncMutationResults.organizationId, org)),
    log: await db.select().from(syncLog).where(eq(syncLog.organizationId, org)),
  });
};

/** One case per client → server event: what A sends with B's ids, and what A must get back. */
const cases: Record<keyof typeof clientToServer, (s: TestSocket) => Promise<void>> = {
  'sync:push': async (s) => {
    const c = bConv.conversationId;
    const ack = await s.push([
      mutation(s.clientId, 1, 'message.send', {
        conversationId: c,
        id: randomUUID(),
        type: 'text',
        text: 'x',
      }),
      mutation(s.clientId, 2, 'conversation.setStatus', { conversationId: c, status: 'resolved' }),
      mutation(s.clientId, 3, 'conversation.assign', { conversationId: c, assigneeId: a.agent.id }),
      mutation(s.clientId, 4, 'conversation.claim', { conversationId: c }),
      mutation(s.clientId, 5, 'conversation.setImportant', { conversationId: c, important: true }),
      mutation(s.clientId, 6, 'conversation.setLabels', { conversationId: c, labels: ['hijack'] }),
      mutation(s.clientId, 7, 'conversation.markRead', { conversationId: c, readUpToConvSeq: 1 }),
      mutation(s.clientId, 8, 'note.add', { conversationId: c, id: randomUUID(), body: 'x' }),
      mutation(s.clientId, 9, 'contact.update', { contactId: bConv.contactId, patch: { name: 'Hijacked' } }),
      mutation(s.clientId, 10, 'message.send', {
        conversationId: c,
        id: bConv.messageIds[0],
        type: 'text',
        text: 'reuse of B’s message id',
      }),
      // B's canned response: A can neither edit, delete nor take over its id.
      mutation(s.clientId, 12, 'canned.update', { id: bCannedId, patch: { body: 'Hijacked' } }),
      mutation(s.clientId, 13, 'canned.delete', { id: bCannedId }),
      mutation(s.clientId, 14, 'canned.create', { id: bCannedId, shortcut: 'hijack', title: 'H', body: 'h' }),
    ]);
    expect(ack.ok).toBe(true);
    if (ack.ok)
      for (const r of ack.results) expect(r, JSON.stringify(r)).toMatchObject({ status: 'rejected' });
    // B's client id inside A's frame, and A's socket pushing as B's client.
    expect(
      await s.push([
        mutation(bClientId, 11, 'conversation.setImportant', { conversationId: c, important: true }),
      ]),
    ).toMatchObject({
      ok: false,
      error: { code: 'wrong_client' },
    });
  },
  'sync:auth': async (s) => {
    const res = await s.request('sync:auth', { token: b.agent.accessToken });
    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  },
  'sync:report': async (s) => {
    s.socket.emit('sync:report', { cursor: 999, lmid: 5, outboxSize: 1 });
    await new Promise((r) => setTimeout(r, 50));
  },
  'presence:viewing': async (s) => {
    s.socket.emit('presence:viewing', { conversationId: bConv.conversationId });
    s.socket.emit('presence:viewing', { conversationId: null });
    await new Promise((r) => setTimeout(r, 100));
  },
  'presence:typing': async (s) => {
    s.socket.emit('presence:typing', { conversationId: bConv.conversationId, typing: true });
    s.socket.emit('presence:typing', { conversationId: bConv.conversationId, typing: false });
    await new Promise((r) => setTimeout(r, 100));
  },
};

describe('socket events across tenants', () => {
  it('has a case for every client → server event of the contract', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(clientToServer).sort());
  });

  it("changes nothing of B and leaks nothing of B, whatever A's members send", async () => {
    for (const user of [a.admin, a.agent]) {
      const s = await connectSync(w.parleyUrl, user);
      sockets.push(s);
      const before = await snapshotOfB();
      const bEventsBefore = sockets.filter((x) => x !== s).map((x) => x.events.length);
      for (const event of Object.keys(clientToServer) as (keyof typeof clientToServer)[]) {
        const run = cases[event];
        if (!run) throw new Error(`No cross-tenant case for ${event}; add one to this test`);
        await run(s);
      }
      await w.t.app.sync.idle();
      expect(await snapshotOfB()).toEqual(before);
      const seen = JSON.stringify(s.events);
      expect(seen).not.toContain(bConv.conversationId);
      expect(seen).not.toContain(b.organizationId);
      expect(seen).not.toContain('B only');
      // B's sockets got nothing new from A's attempts.
      expect(bSocket.events.length).toBe(bEventsBefore[sockets.indexOf(bSocket)]);
      expect(s.disconnectedAt).toBeNull();
    }
    // B is unaffected: B's own activity still flows to B.
    const bm = await connectSync(w.parleyUrl, b.manager);
    sockets.push(bm);
    bSocket.socket.emit('presence:viewing', { conversationId: bConv.conversationId });
    await until(() => bm.events.some((e) => e.event === 'presence:viewing'), 2_000, 'B presence');
  });
});
