import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '#contract/api/conversations';
import { addMember, createOrg, createTeam, type LoggedIn, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { SyncOp } from '../../storage/change-log';
import { contacts, conversations, syncLog } from '../../storage/schema/index';

let w: WhatsAppWorld;
let org: TestOrg;
let agent2: LoggedIn;
let n: ConnectedNumber;
let team1: { id: string };
let team2: { id: string };
/** Conversation ids by customer name. */
const conv: Record<string, string> = {};

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Inbox');
  agent2 = await addMember(w.t.app, org.admin, 'agent');
  team1 = await createTeam(w.t.app, org.admin, 'Support', [org.agent.id]);
  team2 = await createTeam(w.t.app, org.admin, 'Sales', [agent2.id]);
  n = await w.connect(org.admin);
  for (const name of ['Ada', 'Ben', 'Cleo', 'Dan', 'Eve', 'Finn', 'Gus']) {
    const c = n.addCustomer(name);
    await n.send(c, { type: 'text', body: `${name} says hello about invoice-${name.toLowerCase()}` });
    const [row] = await w.t.database.db
      .select({ id: conversations.id })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(conversations.organizationId, org.organizationId), eq(contacts.waId, c)));
    conv[name] = row!.id;
  }
});
afterAll(() => w.close());

const list = async (query: string, who: LoggedIn = org.admin) => {
  const res = await w.t.app.inject({ url: `/api/v1/conversations${query}`, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ data: Conversation[]; nextCursor: string | null }>();
};
const names = (data: Conversation[]) => data.map((c) => c.contact.name);
const patch = (id: string, payload: object, who: LoggedIn = org.admin) =>
  w.t.app.inject({ method: 'PATCH', url: `/api/v1/conversations/${id}`, headers: who.headers, payload });
const rowOf = async (id: string) =>
  (await w.t.database.db.select().from(conversations).where(eq(conversations.id, id)))[0]!;
const logSince = async (seq: number) =>
  w.t.database.db
    .select()
    .from(syncLog)
    .where(and(eq(syncLog.organizationId, org.organizationId), gt(syncLog.seq, seq)));
const topSeq = async () => Math.max(0, ...(await logSince(0)).map((l) => l.seq));

describe('conversation list', () => {
  it('pages newest activity first on (lastMessageAt, id) with no gaps or repeats', async () => {
    const all = (await list('?limit=200')).data.filter((c) => Object.values(conv).includes(c.id));
    expect(all).toHaveLength(7);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      expect(
        a.lastMessageAt! > b.lastMessageAt! || (a.lastMessageAt === b.lastMessageAt && a.id > b.id),
      ).toBe(true);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => Object.values(conv).includes(id))).toEqual(all.map((c) => c.id));
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await w.t.app.inject({
      url: '/api/v1/conversations?cursor=garbage',
      headers: org.admin.headers,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('filters by status, assignee, team, label, unread, important and text', async () => {
    expect((await patch(conv.Ada!, { status: 'resolved' })).statusCode).toBe(200);
    expect((await patch(conv.Ben!, { assigneeId: org.agent.id, teamId: team1.id })).statusCode).toBe(200);
    expect(
      (await patch(conv.Cleo!, { teamId: team2.id, labels: ['vip', 'billing', 'vip'] })).statusCode,
    ).toBe(200);
    expect((await patch(conv.Dan!, { important: true })).statusCode).toBe(200);
    await w.t.database.db
      .update(conversations)
      .set({ unreadCount: 0 })
      .where(eq(conversations.id, conv.Eve!));

    expect(names((await list('?status=resolved')).data)).toEqual(['Ada']);
    expect(names((await list('?assignee=me', org.agent)).data)).toEqual(['Ben']);
    expect(names((await list(`?assignee=${org.agent.id}`)).data)).toEqual(['Ben']);
    expect(names((await list('?assignee=unassigned&limit=200')).data)).not.toContain('Ben');
    expect(names((await list(`?teamId=${team2.id}`)).data)).toEqual(['Cleo']);
    expect(names((await list('?label=vip')).data)).toEqual(['Cleo']);
    expect((await rowOf(conv.Cleo!)).labels).toEqual(['vip', 'billing']);
    expect(names((await list('?important=true')).data)).toEqual(['Dan']);
    expect(names((await list('?unread=false')).data)).toEqual(['Eve']);
    expect(names((await list('?unread=1&limit=200')).data)).not.toContain('Eve');
    expect(names((await list('?q=finn')).data)).toEqual(['Finn']); // contact name
    expect(names((await list('?q=invoice-gus')).data)).toEqual(['Gus']); // message text
    const gus = (await list('?q=invoice-gus')).data[0]!;
    expect(names((await list(`?q=${gus.contact.waId!.slice(-7)}`)).data)).toEqual(['Gus']); // number
    expect((await list('?q=%25')).data).toEqual([]); // LIKE wildcards are literal
  });

  it('shows agents what is assigned to them and the unassigned queue of their teams only', async () => {
    await patch(conv.Finn!, { teamId: team1.id });
    const mine = names((await list('?limit=200', org.agent)).data).sort();
    expect(mine).toEqual(['Ben', 'Finn']);
    expect(names((await list('?limit=200', agent2)).data)).toEqual(['Cleo']);
    const hidden = await w.t.app.inject({
      url: `/api/v1/conversations/${conv.Gus}`,
      headers: org.agent.headers,
    });
    expect(hidden.statusCode).toBe(404);
    const hiddenMessages = await w.t.app.inject({
      url: `/api/v1/conversations/${conv.Gus}/messages`,
      headers: org.agent.headers,
    });
    expect(hiddenMessages.statusCode).toBe(404);
    expect((await list('?limit=200', org.manager)).data.length).toBeGreaterThanOrEqual(7);
  });
});

describe('conversation changes', () => {
  it('lets an agent take an unassigned conversation of their team, once; the loser gets 409', async () => {
    const t = await createTeam(w.t.app, org.admin, 'Race', [org.agent.id, agent2.id]);
    await patch(conv.Gus!, { teamId: t.id });
    const [a, b] = await Promise.all([
      patch(conv.Gus!, { assigneeId: org.agent.id }, org.agent),
      patch(conv.Gus!, { assigneeId: agent2.id }, agent2),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const winner = a.statusCode === 200 ? org.agent : agent2;
    expect((await rowOf(conv.Gus!)).assigneeId).toBe(winner.id);
    // The winner hands it back; then the other may take it.
    expect((await patch(conv.Gus!, { assigneeId: null }, winner)).statusCode).toBe(200);
    const other = winner === org.agent ? agent2 : org.agent;
    expect((await patch(conv.Gus!, { assigneeId: other.id }, other)).statusCode).toBe(200);
  });

  it('refuses agents assigning others, and writes nothing on any refusal', async () => {
    const t = await createTeam(w.t.app, org.admin, 'Refusals', [org.agent.id]);
    await patch(conv.Eve!, { teamId: t.id, assigneeId: null });
    const before = await rowOf(conv.Eve!);
    const seq = await topSeq();
    const stranger = await createOrg(w.t.app, 'Elsewhere');
    const deactivated = await addMember(w.t.app, org.admin, 'agent');
    const off = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${deactivated.id}`,
      headers: org.admin.headers,
      payload: { deactivated: true },
    });
    expect(off.statusCode).toBe(200);
    const seqAfterSetup = await topSeq();
    const cases: Array<[LoggedIn, object, number]> = [
      [org.agent, { assigneeId: agent2.id }, 403],
      [org.agent, { assigneeId: org.manager.id, important: true }, 403],
      [org.agent, { teamId: null, important: true }, 403],
      [org.manager, { assigneeId: stranger.agent.id }, 404],
      [org.manager, { teamId: '00000000-0000-4000-8000-000000000000', important: true }, 404],
      [org.manager, { assigneeId: deactivated.id }, 422],
      [org.manager, { status: 'snoozed', snoozedUntil: '2001-01-01T00:00:00Z' }, 422],
      [org.manager, { snoozedUntil: '2099-01-01T00:00:00Z', labels: ['x'] }, 422],
      [org.manager, {}, 400],
    ];
    for (const [who, payload, status] of cases) {
      const res = await patch(conv.Eve!, payload, who);
      expect(res.statusCode, `${JSON.stringify(payload)} → ${res.body}`).toBe(status);
    }
    expect(await rowOf(conv.Eve!)).toEqual(before);
    expect(seq).toBeLessThanOrEqual(seqAfterSetup);
    expect(await logSince(seqAfterSetup)).toEqual([]);
  });

  it("follows the team policy: with it on, agents work on a teammate's conversation but cannot take it", async () => {
    const o = await createOrg(w.t.app, 'Policy');
    const mate = await addMember(w.t.app, o.admin, 'agent');
    const t = await createTeam(w.t.app, o.admin, 'Shared', [o.agent.id, mate.id]);
    const num = await w.connect(o.admin);
    const customer = num.addCustomer('Pia');
    await num.send(customer, { type: 'text', body: 'Hello' });
    const [row] = await w.t.database.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.organizationId, o.organizationId));
    const id = row!.id;
    expect((await patch(id, { teamId: t.id, assigneeId: mate.id }, o.admin)).statusCode).toBe(200);
    expect((await patch(id, { labels: ['x'] }, o.agent)).statusCode).toBe(404);
    const on = await w.t.app.inject({
      method: 'PATCH',
      url: '/api/v1/organization',
      headers: o.admin.headers,
      payload: { agentsSeeAllTeamConversations: true },
    });
    expect(on.statusCode).toBe(200);
    expect((await patch(id, { labels: ['x'] }, o.agent)).statusCode).toBe(200);
    expect((await patch(id, { assigneeId: o.agent.id }, o.agent)).statusCode).toBe(409);
    expect((await patch(id, { teamId: null }, o.agent)).statusCode).toBe(403);
    expect(await rowOf(id)).toMatchObject({ assigneeId: mate.id, teamId: t.id, labels: ['x'] });
  });

  it('logs the put, and revoke/grant for agents whose view changed (sync-protocol §2.10)', async () => {
    await patch(conv.Dan!, { teamId: null, assigneeId: org.agent.id });
    const seq = await topSeq();
    const res = await patch(conv.Dan!, { assigneeId: agent2.id });
    expect(res.statusCode).toBe(200);
    expect(res.json().assigneeId).toBe(agent2.id);
    const entries = await logSince(seq);
    expect(entries.map((e) => [e.entity, e.op, e.subjectUser])).toEqual(
      expect.arrayContaining([
        ['conversation', SyncOp.put, null],
        ['conversation', SyncOp.revoke, org.agent.id],
        ['conversation', SyncOp.grant, agent2.id],
      ]),
    );
    expect(entries).toHaveLength(3);
    const row = await rowOf(conv.Dan!);
    expect(row.version).toBe(Math.max(...entries.map((e) => e.seq)));
  });

  it('snoozes until a time, and the conversation opens again then', async () => {
    const until = new Date(w.t.clock.now().getTime() + 60_000).toISOString();
    const res = await patch(conv.Finn!, { status: 'snoozed', snoozedUntil: until });
    expect(res.json()).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    w.t.clock.advance(61_000);
    await w.t.app.background.idle();
    await expect.poll(async () => (await rowOf(conv.Finn!)).status, { timeout: 10_000 }).toBe('open');
    expect((await rowOf(conv.Finn!)).snoozedUntil).toBeNull();
  });
});
