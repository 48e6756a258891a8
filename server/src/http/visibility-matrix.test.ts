import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_NAMES } from '#contract/sync/mutations';
import { addMember, createOrg, createTeam, type LoggedIn, type TestOrg } from '../../test/factories';
import { connectSync, mutation, seedConversation, type TestSocket } from '../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../test/whatsapp';
import { createFsMediaStore, mediaKey } from '../domain/media/media-store';
import { cannedResponses, contacts, conversations, media, messages, notes } from '../storage/schema/index';
import { inAnyOrder } from '../../test/in-any-order';

// Issue 9, finding 4: within an organization the visibility module decides, on REST as on sync.
// Every REST route on a conversation, its messages, its contact or its media (enumerated from the
// route table: a new one without a case fails) and every sync mutation (from the mutation table)
// is tried by four actors: the agent who sees the conversation (assignee), an agent who does not,
// a manager and an admin. Each gets the right status; the agent who does not see it changes
// nothing and learns nothing (404, the answer for an id that does not exist).

let w: WhatsAppWorld;
let org: TestOrg;
let seer: LoggedIn;
let stranger: LoggedIn;
let conv: { conversationId: string; contactId: string; messageIds: string[] };
let mediaId: string;
/** The seer's personal canned response: nobody else sees it, whatever their role. */
let personalCannedId: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Visibility matrix');
  seer = org.agent;
  // Another agent, in the conversation's team but not its assignee (agents see their team's
  // unassigned queue only, by default), so "same team" is no way in either.
  stranger = await addMember(w.t.app, org.admin, 'agent', 'Stranger');
  const team = await createTeam(w.t.app, org.admin, 'Matrix team', [seer.id, stranger.id]);
  const n = await w.connect(org.admin);
  conv = await seedConversation(w.t.database.db, org.organizationId, n.account.id, {
    assigneeId: seer.id,
    teamId: team.id,
    text: 'secret of the seer',
  });
  // An image on the conversation's message, stored like a fetched inbound one.
  const bytes = Buffer.from('matrix image bytes');
  const sha = createHash('sha256').update(bytes).digest('hex');
  mediaId = randomUUID();
  const key = mediaKey(org.organizationId, sha, mediaId);
  await createFsMediaStore(w.mediaDir).put(key, bytes);
  await w.t.database.db.insert(media).values({
    id: mediaId,
    organizationId: org.organizationId,
    sha256: sha,
    mimeType: 'image/png',
    size: bytes.length,
    storageKey: key,
    source: 'inbound',
    state: 'ready',
  });
  await w.t.database.db.update(messages).set({ mediaId }).where(eq(messages.id, conv.messageIds[0]!));
  const canned = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/canned-responses',
    headers: seer.headers,
    payload: { shortcut: 'mine', title: 'Mine', body: 'secret of the seer, canned' },
  });
  expect(canned.statusCode, canned.body).toBe(201);
  personalCannedId = canned.json().id;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

type Who = 'seer' | 'stranger' | 'manager' | 'admin';
const who = (k: Who) => ({ seer, stranger, manager: org.manager, admin: org.admin })[k];

/** Per route: its URL, body, and the status each actor gets. */
const routeCases = (): Record<string, { url: string; payload?: object; expect: Record<Who, number> }> => {
  const c = conv.conversationId;
  const visible = { seer: 200, stranger: 404, manager: 200, admin: 200 };
  return {
    'GET /api/v1/conversations/:id': { url: `/api/v1/conversations/${c}`, expect: visible },
    'PATCH /api/v1/conversations/:id': {
      url: `/api/v1/conversations/${c}`,
      payload: { important: true },
      expect: visible,
    },
    'GET /api/v1/conversations/:id/messages': { url: `/api/v1/conversations/${c}/messages`, expect: visible },
    'POST /api/v1/conversations/:id/read': {
      url: `/api/v1/conversations/${c}/read`,
      expect: { seer: 204, stranger: 404, manager: 204, admin: 204 },
    },
    'POST /api/v1/conversations/:id/messages': {
      url: `/api/v1/conversations/${c}/messages`,
      payload: { type: 'text', text: 'hello from the matrix' },
      expect: { seer: 202, stranger: 404, manager: 202, admin: 202 },
    },
    'GET /api/v1/messages/:id': { url: `/api/v1/messages/${conv.messageIds[0]}`, expect: visible },
    'GET /api/v1/contacts/:id': { url: `/api/v1/contacts/${conv.contactId}`, expect: visible },
    'PATCH /api/v1/contacts/:id': {
      url: `/api/v1/contacts/${conv.contactId}`,
      payload: { optedOut: false, tags: ['matrix'] },
      expect: visible,
    },
    // Only managers and admins delete, and never a contact with a conversation (409).
    'DELETE /api/v1/contacts/:id': {
      url: `/api/v1/contacts/${conv.contactId}`,
      expect: { seer: 403, stranger: 404, manager: 409, admin: 409 },
    },
    'GET /api/v1/media/:id': { url: `/api/v1/media/${mediaId}`, expect: visible },
    // A personal canned response is its owner's alone: managers and admins do not see it either.
    'GET /api/v1/canned-responses/:id': {
      url: `/api/v1/canned-responses/${personalCannedId}`,
      expect: { seer: 200, stranger: 404, manager: 404, admin: 404 },
    },
    'PATCH /api/v1/canned-responses/:id': {
      url: `/api/v1/canned-responses/${personalCannedId}`,
      payload: { title: 'Taken over' },
      expect: { seer: 200, stranger: 404, manager: 404, admin: 404 },
    },
    // Last: the owner deletes it, after which it is gone for everyone.
    'DELETE /api/v1/canned-responses/:id': {
      url: `/api/v1/canned-responses/${personalCannedId}`,
      expect: { seer: 204, stranger: 404, manager: 404, admin: 404 },
    },
  };
};

const snapshot = async () => {
  const db = w.t.database.db;
  return inAnyOrder({
    conversation: await db.select().from(conversations).where(eq(conversations.id, conv.conversationId)),
    contact: await db.select().from(contacts).where(eq(contacts.id, conv.contactId)),
    messages: await db.select().from(messages).where(eq(messages.conversationId, conv.conversationId)),
    notes: await db.select().from(notes).where(eq(notes.conversationId, conv.conversationId)),
    canned: await db
      .select()
      .from(cannedResponses)
      .where(eq(cannedResponses.organizationId, org.organizationId)),
  });
};

const SCOPED = /^\/api\/v1\/(conversations|messages|contacts|media|canned-responses)\/:id/;

describe('role × scope matrix', () => {
  it('has a case for every conversation, message, contact, media and canned-response :id route', () => {
    const keys = w.t.app.routeTable
      .filter((r) => SCOPED.test(r.url) && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(keys.sort()).toEqual(Object.keys(routeCases()).sort());
  });

  it('answers each actor as the visibility module says, and the agent who does not see it changes nothing', async () => {
    for (const [key, c] of Object.entries(routeCases())) {
      for (const k of ['stranger', 'seer', 'manager', 'admin'] as const) {
        // Sends answer later (statuses from the emulator): settle so only this request can differ.
        if (k === 'stranger') {
          await w.t.app.outbound.idle();
          await w.settle();
        }
        const before = k === 'stranger' ? await snapshot() : undefined;
        const res = await w.t.app.inject({
          method: key.split(' ')[0] as 'GET',
          url: c.url,
          headers: who(k).headers,
          ...(c.payload && { payload: c.payload }),
        });
        expect(res.statusCode, `${key} as ${k}: ${res.body.slice(0, 200)}`).toBe(c.expect[k]);
        if (k === 'stranger') {
          expect(res.json().error.code).toBe('not_found');
          expect(res.body).not.toContain('secret of the seer');
          await w.t.app.outbound.idle();
          await w.settle();
          expect(await snapshot(), `${key} as stranger`).toEqual(before);
        }
      }
    }
    await w.t.app.outbound.idle();
  });

  it('takes the media away with the conversation when it is reassigned', async () => {
    const url = `/api/v1/media/${mediaId}`;
    expect((await w.t.app.inject({ url, headers: seer.headers })).statusCode).toBe(200);
    const moved = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conv.conversationId}`,
      headers: org.manager.headers,
      payload: { assigneeId: stranger.id },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await w.t.app.inject({ url, headers: seer.headers })).statusCode).toBe(404);
    expect((await w.t.app.inject({ url, headers: stranger.headers })).statusCode).toBe(200);
    // …and the contact with it: the former assignee can no longer read or opt out the customer.
    const contactUrl = `/api/v1/contacts/${conv.contactId}`;
    expect((await w.t.app.inject({ url: contactUrl, headers: seer.headers })).statusCode).toBe(404);
    const optOut = await w.t.app.inject({
      method: 'PATCH',
      url: contactUrl,
      headers: seer.headers,
      payload: { optedOut: true },
    });
    expect(optOut.statusCode).toBe(404);
    const [row] = await w.t.database.db.select().from(contacts).where(eq(contacts.id, conv.contactId));
    expect(row!.optedOut).toBe(false);
    // Back to the seer for the sync part.
    await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conv.conversationId}`,
      headers: org.manager.headers,
      payload: { assigneeId: seer.id },
    });
  });

  it('refuses every sync mutation on the conversation to the agent who does not see it, changing nothing', async () => {
    const c = conv.conversationId;
    // A personal canned response of the seer's (the REST cases above deleted the first one).
    const canned = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/canned-responses',
      headers: seer.headers,
      payload: { shortcut: 'mine2', title: 'Mine', body: 'the seer’s own' },
    });
    expect(canned.statusCode, canned.body).toBe(201);
    const seersCanned: string = canned.json().id;
    const args: Record<string, unknown> = {
      'message.send': { conversationId: c, id: randomUUID(), type: 'text', text: 'sneaky' },
      'conversation.setStatus': { conversationId: c, status: 'resolved' },
      'conversation.assign': { conversationId: c, assigneeId: stranger.id },
      'conversation.claim': { conversationId: c },
      'conversation.setImportant': { conversationId: c, important: false },
      'conversation.setLabels': { conversationId: c, labels: ['stolen'] },
      'conversation.markRead': { conversationId: c, readUpToConvSeq: 1 },
      'conversation.markUnread': { conversationId: c },
      'note.add': { conversationId: c, id: randomUUID(), body: 'sneaky note' },
      'contact.update': { contactId: conv.contactId, patch: { optedOut: true } },
      // The seer's personal canned response, and the organization's (an agent may not write those).
      'canned.create': { id: randomUUID(), scope: 'organization', shortcut: 'x', title: 'X', body: 'x' },
      'canned.update': { id: seersCanned, patch: { body: 'sneaky' } },
      'canned.delete': { id: seersCanned },
    };
    expect(Object.keys(args).sort()).toEqual([...MUTATION_NAMES].sort());
    const s = await connectSync(w.parleyUrl, stranger);
    sockets.push(s);
    const before = await snapshot();
    let mid = 0;
    const ack = await s.push(MUTATION_NAMES.map((name) => mutation(s.clientId, ++mid, name, args[name])));
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const results = (ack as { results: Array<{ status: string; error?: { code: string } }> }).results;
    // markRead on an invisible conversation is a no-op, never a change; everything else is refused.
    for (const [i, name] of MUTATION_NAMES.entries()) {
      const r = results[i]!;
      if (name === 'conversation.markRead') continue;
      expect(r.status, name).toBe('rejected');
      // A claim tells a member of the conversation's team that it was taken (the race's loser).
      // Another member's personal canned response does not exist for the stranger (as on REST).
      const allowed =
        name === 'conversation.claim'
          ? ['already_claimed']
          : name === 'canned.update' || name === 'canned.delete'
            ? ['not_found']
            : ['forbidden_scope', 'forbidden'];
      expect(allowed, `${name}: ${r.error?.code}`).toContain(r.error?.code);
    }
    const after = await snapshot();
    expect(after).toEqual(before);
  });
});

// Reports (issue 13) count every conversation of the organization: the visibility module gives
// them to managers and admins only (`mayReadReports`). Every /api/v1/reports route needs a case.
describe('reports by role', () => {
  const reportCases: Record<string, string> = {
    'GET /api/v1/reports/overview': '/api/v1/reports/overview?from=2026-01-01&to=2026-01-31',
  };
  it('answers managers and admins, and refuses agents (whatever conversations they see)', async () => {
    const keys = w.t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/reports') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(keys.sort()).toEqual(Object.keys(reportCases).sort());
    const expected: Record<Who, number> = { seer: 403, stranger: 403, manager: 200, admin: 200 };
    for (const [key, url] of Object.entries(reportCases))
      for (const k of ['seer', 'stranger', 'manager', 'admin'] as const) {
        const res = await w.t.app.inject({
          method: key.split(' ')[0] as 'GET',
          url,
          headers: who(k).headers,
        });
        expect(res.statusCode, `${key} as ${k}`).toBe(expected[k]);
      }
  });
});
