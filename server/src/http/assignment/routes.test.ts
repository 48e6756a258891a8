import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrg, type LoggedIn, type TestOrg } from '../../../test/factories';
import { connectSync, until, type TestSocket } from '../../../test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { auditEvents, conversations, memberships } from '../../storage/schema/index';

// Availability, capacity and auto-assignment through the API and real webhooks: members come
// online by connecting a sync socket, a number with auto-assignment gives each new customer to
// the available member with the fewest open conversations under their capacity, and a
// conversation nobody can take waits until someone can.

let w: WhatsAppWorld;
let org: TestOrg;
let ana: LoggedIn;
let n: ConnectedNumber;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Auto-assignment');
  ana = await addMember(w.t.app, org.admin, 'agent', 'Ana');
  n = await w.connect(org.admin);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

const db = () => w.t.database.db;
const put = (user: LoggedIn, url: string, payload: object) =>
  w.t.app.inject({ method: 'PUT', url, headers: user.headers, payload });
const member = async (id: string) =>
  (await w.t.app.inject({ url: `/api/v1/users/${id}`, headers: org.admin.headers })).json<{
    availability: string;
    capacity: number | null;
  }>();
const conversationOf = async (customer: string) => {
  const rows = await db()
    .select({
      id: conversations.id,
      assigneeId: conversations.assigneeId,
      pending: conversations.autoAssignPending,
    })
    .from(conversations)
    .where(eq(conversations.organizationId, org.organizationId));
  const ids = await Promise.all(
    rows.map(async (r) => {
      const res = await w.t.app.inject({ url: `/api/v1/conversations/${r.id}`, headers: org.admin.headers });
      return { ...r, waId: res.json<{ contact: { waId: string } }>().contact.waId };
    }),
  );
  return ids.find((r) => r.waId === customer)!;
};
const online = async (u: LoggedIn) => {
  sockets.push(await connectSync(w.parleyUrl, u));
  await until(async () => (await member(u.id)).availability === 'available', 5_000, `${u.id} online`);
};

describe('auto-assignment', () => {
  it('is off by default and only admins turn it on', async () => {
    const off = await w.t.app.inject({ url: '/api/v1/auto-assignment', headers: org.agent.headers });
    expect(off.json()).toEqual({ teamIds: [], whatsappAccountIds: [] });
    const url = `/api/v1/whatsapp-accounts/${n.account.id}/auto-assign`;
    expect((await put(org.manager, url, { enabled: true })).statusCode).toBe(403);
    const on = await put(org.admin, url, { enabled: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().whatsappAccountIds).toEqual([n.account.id]);
    const bad = await put(org.admin, url, { enabled: 'yes' });
    expect(bad.statusCode).toBe(400);
  });

  it('shows members offline until a client connects', async () => {
    expect((await member(org.agent.id)).availability).toBe('offline');
    await online(org.agent);
    await online(ana);
    expect((await member(ana.id)).capacity).toBeNull();
  });

  it('gives new customers to the available member with the fewest open, ties to the longest idle', async () => {
    const first = n.addCustomer('First');
    await n.send(first, { type: 'text', body: 'Hello' });
    const c1 = await conversationOf(first);
    expect([org.agent.id, ana.id]).toContain(c1.assigneeId);
    expect(c1.pending).toBe(false);
    const second = n.addCustomer('Second');
    await n.send(second, { type: 'text', body: 'Hello too' });
    const c2 = await conversationOf(second);
    expect(c2.assigneeId).not.toBe(c1.assigneeId);
    expect([org.agent.id, ana.id]).toContain(c2.assigneeId);
    // Logged: the audit log says who and why.
    const events = await db()
      .select({
        summary: auditEvents.summary,
        actorKind: auditEvents.actorKind,
        targetId: auditEvents.targetId,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organizationId, org.organizationId),
          eq(auditEvents.action, 'conversation.auto_assigned'),
        ),
      );
    expect(events.map((e) => e.targetId).sort()).toEqual([c1.id, c2.id].sort());
    expect(events[0]!.actorKind).toBe('system');
    expect(events[0]!.summary).toMatch(/^Auto-assigned to (Ana|agent): fewest open, 1 of unlimited$/);
  });

  it('keeps a conversation waiting when nobody has room, and assigns it when a capacity grows', async () => {
    for (const u of [org.agent, ana]) {
      const res = await put(org.manager, `/api/v1/users/${u.id}/capacity`, { capacity: 1 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().capacity).toBe(1);
    }
    expect((await put(org.agent, `/api/v1/users/${ana.id}/capacity`, { capacity: 5 })).statusCode).toBe(403);
    expect((await put(org.manager, `/api/v1/users/${ana.id}/capacity`, { capacity: 0 })).statusCode).toBe(
      400,
    );
    const third = n.addCustomer('Third');
    await n.send(third, { type: 'text', body: 'Anyone?' });
    const waiting = await conversationOf(third);
    expect(waiting.assigneeId).toBeNull();
    expect(waiting.pending).toBe(true);
    // Ana gets room: the queue drains in that transaction.
    await put(org.manager, `/api/v1/users/${ana.id}/capacity`, { capacity: 2 });
    const assigned = await conversationOf(third);
    expect(assigned.assigneeId).toBe(ana.id);
    expect(assigned.pending).toBe(false);
  });

  it('passes over Away members, and assigns the queue when one is back', async () => {
    const away = await put(ana, '/api/v1/me/availability', { availability: 'away' });
    expect(away.statusCode, away.body).toBe(200);
    expect(away.json().availability).toBe('away');
    await put(org.manager, `/api/v1/users/${ana.id}/capacity`, { capacity: 3 });
    const fourth = n.addCustomer('Fourth');
    await n.send(fourth, { type: 'text', body: 'Hi' });
    expect((await conversationOf(fourth)).assigneeId).toBeNull();
    const back = await put(ana, '/api/v1/me/availability', { availability: 'available' });
    expect(back.json().availability).toBe('available');
    expect((await conversationOf(fourth)).assigneeId).toBe(ana.id);
    expect((await put(ana, '/api/v1/me/availability', { availability: 'offline' })).statusCode).toBe(400);
  });

  it('does not touch customers of a number without auto-assignment, nor reopened assigned ones', async () => {
    await put(org.admin, `/api/v1/whatsapp-accounts/${n.account.id}/auto-assign`, { enabled: false });
    const fifth = n.addCustomer('Fifth');
    await n.send(fifth, { type: 'text', body: 'Hi' });
    const c = await conversationOf(fifth);
    expect(c.assigneeId).toBeNull();
    expect(c.pending).toBe(false);
    const [row] = await db()
      .select({ capacity: memberships.capacity })
      .from(memberships)
      .where(and(eq(memberships.organizationId, org.organizationId), eq(memberships.userId, ana.id)));
    expect(row!.capacity).toBe(3);
  });

  it('records the customer’s waiting time and clears it on a reply', async () => {
    const sixth = n.addCustomer('Sixth');
    await n.send(sixth, { type: 'text', body: 'One' });
    await n.send(sixth, { type: 'text', body: 'Two' });
    const c = await conversationOf(sixth);
    const before = await w.t.app.inject({ url: `/api/v1/conversations/${c.id}`, headers: org.admin.headers });
    const since = before.json<{ waitingSince: string | null }>().waitingSince;
    expect(since).not.toBeNull();
    const reply = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${c.id}/messages`,
      headers: org.admin.headers,
      payload: { type: 'text', text: 'Answered' },
    });
    expect(reply.statusCode, reply.body).toBe(202);
    const after = await w.t.app.inject({ url: `/api/v1/conversations/${c.id}`, headers: org.admin.headers });
    expect(after.json().waitingSince).toBeNull();
  });
});
