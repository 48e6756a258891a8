import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEntry, GrantEntry } from '#contract/sync/protocol';
import { addMember, createOrg, createTeam, type LoggedIn, type TestOrg } from '../../../test/factories';
import { pullAll, pullOnce, seedConversation } from '../../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';
import { recordChanges, rowsOf } from '../../storage/change-log';
import { syncClock } from '../../storage/schema/index';
import { createRetention } from './retention';
import { setTeamVisibilityPolicy } from '../visibility/scope-changes';

let w: WhatsAppWorld;
let org: TestOrg;
let accountId: string;
let agentB: LoggedIn;
let team: { id: string };
let other: { id: string };

const ids = (changes: ChangeEntry[], e: string, op = 'put') =>
  changes.filter((c) => c.e === e && c.op === op).map((c) => c.id);
const db = () => w.t.database.db;
const seqOf = async (organizationId: string) =>
  (await db().select().from(syncClock).where(eq(syncClock.organizationId, organizationId)))[0]!.seq;
const patch = async (user: LoggedIn, id: string, payload: object) => {
  const res = await w.t.app.inject({
    method: 'PATCH',
    url: `/api/v1/conversations/${id}`,
    headers: user.headers,
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
};

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Pull Org');
  agentB = await addMember(w.t.app, org.admin, 'agent');
  accountId = (await w.connect(org.admin)).account.id;
  team = await createTeam(w.t.app, org.admin, undefined, [org.agent.id, agentB.id]);
  other = await createTeam(w.t.app, org.admin, undefined, [agentB.id]);
});
afterAll(() => w.close());

describe('pull: scope', () => {
  it('gives an agent their own and their teams’ unassigned conversations, a manager everything', async () => {
    const mine = await seedConversation(db(), org.organizationId, accountId, {
      assigneeId: org.agent.id,
      messages: 2,
    });
    const queue = await seedConversation(db(), org.organizationId, accountId, { teamId: team.id });
    const otherQueue = await seedConversation(db(), org.organizationId, accountId, { teamId: other.id });
    const teammates = await seedConversation(db(), org.organizationId, accountId, {
      teamId: team.id,
      assigneeId: agentB.id,
    });
    const triage = await seedConversation(db(), org.organizationId, accountId);

    const agent = await pullAll(w.t.app, org.agent, randomUUID());
    const seen = ids(agent.changes, 'conversation');
    expect(seen).toEqual(expect.arrayContaining([mine.conversationId, queue.conversationId]));
    for (const hidden of [otherQueue, teammates, triage]) {
      expect(seen).not.toContain(hidden.conversationId);
      expect(JSON.stringify(agent.changes)).not.toContain(hidden.conversationId);
      expect(ids(agent.changes, 'contact')).not.toContain(hidden.contactId);
    }
    expect(ids(agent.changes, 'message')).toEqual(
      expect.arrayContaining([...mine.messageIds, ...queue.messageIds]),
    );
    const reasons = Object.fromEntries(
      agent.changes.flatMap((c) => (c.e === 'conversation' && c.op === 'put' ? [[c.id, c.scope]] : [])),
    );
    expect(reasons[mine.conversationId]).toEqual(['assignee']);
    expect(reasons[queue.conversationId]).toEqual([`team:${team.id}`]);

    const manager = await pullAll(w.t.app, org.manager, randomUUID());
    expect(ids(manager.changes, 'conversation')).toEqual(
      expect.arrayContaining([mine, queue, otherQueue, teammates, triage].map((c) => c.conversationId)),
    );
    expect(
      manager.changes.find((c) => c.e === 'conversation' && c.id === triage.conversationId && c.op === 'put'),
    ).toMatchObject({ scope: ['role'] });
    // Tenant-public rows reach everyone.
    expect(ids(agent.changes, 'team')).toEqual(expect.arrayContaining([team.id, other.id]));
    expect(ids(agent.changes, 'member')).toEqual(expect.arrayContaining([org.admin.id, agentB.id]));
    expect(ids(agent.changes, 'whatsapp_account')).toContain(accountId);
  });

  it('lets agents see all of their teams’ conversations when the organization allows it', async () => {
    const teammates = await seedConversation(db(), org.organizationId, accountId, {
      teamId: team.id,
      assigneeId: agentB.id,
    });
    const before = await seqOf(org.organizationId);
    await db().transaction(async (tx) => {
      const changes = await setTeamVisibilityPolicy(tx, org.organizationId, true, new Date());
      await recordChanges(tx, org.organizationId, changes);
    });
    try {
      const page = await pullAll(w.t.app, org.agent, randomUUID(), before);
      expect(page.changes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ e: 'group', op: 'group_leave', group: `team:${team.id}` }),
          expect.objectContaining({ e: 'group', op: 'group_join', group: `team_all:${team.id}` }),
        ]),
      );
      const all = await pullAll(w.t.app, org.agent, randomUUID());
      expect(
        all.changes.find((c) => c.e === 'conversation' && c.id === teammates.conversationId),
      ).toMatchObject({
        op: 'put',
        scope: [`team:${team.id}`],
      });
      // REST agrees.
      const rest = await w.t.app.inject({
        url: `/api/v1/conversations/${teammates.conversationId}`,
        headers: org.agent.headers,
      });
      expect(rest.statusCode).toBe(200);
    } finally {
      await db().transaction(async (tx) => {
        await recordChanges(
          tx,
          org.organizationId,
          await setTeamVisibilityPolicy(tx, org.organizationId, false, new Date()),
        );
      });
    }
    const rest = await w.t.app.inject({
      url: `/api/v1/conversations/${teammates.conversationId}`,
      headers: org.agent.headers,
    });
    expect(rest.statusCode).toBe(404);
  });

  it('revokes a reassigned conversation for the old assignee and grants it with its last messages to the new one', async () => {
    const c = await seedConversation(db(), org.organizationId, accountId, {
      assigneeId: org.agent.id,
      messages: 3,
    });
    const before = await seqOf(org.organizationId);
    await patch(org.manager, c.conversationId, { assigneeId: agentB.id });

    const a = await pullAll(w.t.app, org.agent, randomUUID(), before);
    expect(a.changes).toEqual([
      expect.objectContaining({
        e: 'conversation',
        id: c.conversationId,
        op: 'revoke',
        reassignedTo: agentB.id,
      }),
    ]);
    const b = await pullAll(w.t.app, agentB, randomUUID(), before);
    const grant = b.changes.find((x): x is GrantEntry => x.op === 'grant')!;
    expect(grant).toMatchObject({ id: c.conversationId, scope: ['assignee'], floorConvSeq: 1 });
    expect(grant.row.assigneeId).toBe(agentB.id);
    expect(
      grant
        .related!.filter((r) => r.e === 'message')
        .map((r) => r.id)
        .sort(),
    ).toEqual([...c.messageIds].sort());
    expect(grant.related!.some((r) => r.e === 'contact' && r.id === c.contactId)).toBe(true);
    // Managers just get the put.
    const m = await pullAll(w.t.app, org.manager, randomUUID(), before);
    expect(m.changes.map((x) => `${x.e}:${x.op}`)).toEqual(['conversation:put']);

    // A's later pulls never return C's newer messages.
    const later = await seqOf(org.organizationId);
    await db().transaction(async (tx) => {
      await recordChanges(tx, org.organizationId, [
        { entity: 'message', entityId: c.messageIds[0]!, conversationId: c.conversationId },
      ]);
    });
    expect((await pullAll(w.t.app, org.agent, randomUUID(), later)).changes).toEqual([]);
    expect(ids((await pullAll(w.t.app, agentB, randomUUID(), later)).changes, 'message')).toEqual([
      c.messageIds[0],
    ]);
  });

  it('logs group_leave and group_join when a member leaves and joins a team', async () => {
    const before = await seqOf(org.organizationId);
    const del = await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/teams/${team.id}/members/${org.agent.id}`,
      headers: org.admin.headers,
    });
    expect(del.statusCode, del.body).toBe(200);
    const put = await w.t.app.inject({
      method: 'PUT',
      url: `/api/v1/teams/${team.id}/members/${org.agent.id}`,
      headers: org.admin.headers,
    });
    expect(put.statusCode, put.body).toBe(200);
    const a = await pullAll(w.t.app, org.agent, randomUUID(), before);
    expect(a.changes.filter((c) => c.e === 'group')).toEqual([
      expect.objectContaining({ op: 'group_leave', group: `team:${team.id}`, id: team.id }),
      expect.objectContaining({ op: 'group_join', group: `team:${team.id}`, id: team.id }),
    ]);
    // The team row, compacted to its newest version, carries the agent again.
    const teams = a.changes.filter((c) => c.e === 'team');
    expect(teams).toHaveLength(1);
    expect(teams[0]).toMatchObject({ op: 'put', row: { memberIds: expect.arrayContaining([org.agent.id]) } });
    // Other members see the team change, not the group entries.
    const b = await pullAll(w.t.app, agentB, randomUUID(), before);
    expect(b.changes.map((c) => c.e)).toEqual(['team']);
  });

  it('logs the role group when a member is promoted and demoted', async () => {
    const user = await addMember(w.t.app, org.admin, 'agent');
    await createTeam(w.t.app, org.admin, undefined, [user.id]).then(async (t) => {
      const before = await seqOf(org.organizationId);
      for (const role of ['manager', 'agent']) {
        const res = await w.t.app.inject({
          method: 'PATCH',
          url: `/api/v1/users/${user.id}`,
          headers: org.admin.headers,
          payload: { role },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      const page = await pullAll(w.t.app, user, randomUUID(), before);
      expect(
        page.changes
          .filter((c) => c.e === 'group')
          .map((c) => (c.op === 'group_join' || c.op === 'group_leave' ? `${c.op}:${c.group}` : '')),
      ).toEqual(['group_join:role', 'group_leave:role', `group_join:team:${t.id}`]);
      expect(ids(page.changes, 'member')).toEqual([user.id]);
    });
  });
});

describe('pull: paging and compaction', () => {
  it('returns one entry per row (the newest), pages by log entries, and ends at the tenant seq', async () => {
    const solo = await createOrg(w.t.app, 'Paging Org');
    const acc = (await w.connect(solo.admin)).account.id;
    const c = await seedConversation(db(), solo.organizationId, acc, { messages: 4 });
    for (let i = 0; i < 5; i++)
      await db().transaction((tx) =>
        recordChanges(tx, solo.organizationId, [
          { entity: 'conversation', entityId: c.conversationId, conversationId: c.conversationId },
        ]),
      );
    const tenantSeq = await seqOf(solo.organizationId);
    const whole = await pullAll(w.t.app, solo.manager, randomUUID());
    const convPuts = whole.changes.filter((x) => x.e === 'conversation');
    expect(convPuts).toHaveLength(1);
    expect(convPuts[0]!.v).toBe(tenantSeq);
    expect(whole.last.nextCursor).toBe(tenantSeq);
    expect(whole.pages).toBe(1);

    const clientId = randomUUID();
    const paged = await pullAll(w.t.app, solo.manager, clientId, 0, 3);
    expect(paged.pages).toBeGreaterThan(2);
    expect(paged.last).toMatchObject({ hasMore: false, nextCursor: tenantSeq, tenantSeq });
    // Page by page, every row of the whole pull shows up.
    for (const e of whole.changes) expect(paged.changes.some((p) => p.e === e.e && p.id === e.id)).toBe(true);
    const first = await pullOnce(w.t.app, solo.manager, { cursor: 0, clientId, limit: 3 });
    expect(first).toMatchObject({ hasMore: true, nextCursor: 3 });
  });

  it('answers mustRebootstrap below the retention floor and for a cursor from the future', async () => {
    const solo = await createOrg(w.t.app, 'Retention Org');
    const acc = (await w.connect(solo.admin)).account.id;
    await seedConversation(db(), solo.organizationId, acc);
    const clock = { now: () => new Date(Date.now() - 31 * 86_400_000) };
    // A mark 31 days old: the floor moves up to it and the log below it goes.
    await createRetention({ db: db(), clock }).runOnce([solo.organizationId]);
    await seedConversation(db(), solo.organizationId, acc);
    const { advanced, deleted } = await createRetention({
      db: db(),
      clock: { now: () => new Date() },
    }).runOnce([solo.organizationId]);
    const mine = advanced.find((a) => a.organizationId === solo.organizationId)!;
    expect(mine.floorSeq).toBeGreaterThan(0);
    expect(deleted).toBeGreaterThan(0);
    const clientId = randomUUID();
    expect(await pullOnce(w.t.app, solo.manager, { cursor: 0, clientId })).toMatchObject({
      mustRebootstrap: true,
      floorSeq: mine.floorSeq,
    });
    const ok = await pullOnce(w.t.app, solo.manager, { cursor: mine.floorSeq, clientId });
    expect('changes' in ok && ok.changes.length).toBeGreaterThan(0);
    const tenantSeq = await seqOf(solo.organizationId);
    expect(await pullOnce(w.t.app, solo.manager, { cursor: tenantSeq + 1000, clientId })).toMatchObject({
      mustRebootstrap: true,
    });
    const [logged] = rowsOf<{ n: number }>(
      await db().execute(
        sql`select count(*)::int as n from sync_log where organization_id = ${solo.organizationId} and seq <= ${mine.floorSeq}`,
      ),
    );
    expect(logged!.n).toBe(0);
  });
});

describe('pull: tenant isolation', () => {
  it('returns nothing of another organization, whatever cursor or client id is sent', async () => {
    const b = await createOrg(w.t.app, 'Secret Org');
    const accB = (await w.connect(b.admin)).account.id;
    const secret = await seedConversation(db(), b.organizationId, accB, {
      text: 'B-secret-text',
      messages: 2,
    });
    const bClient = randomUUID();
    await pullAll(w.t.app, b.manager, bClient);
    // A's manager with B's client id: not found, no existence oracle.
    const res = await w.t.app.inject({
      url: `/api/v1/sync/pull?cursor=0&clientId=${bClient}`,
      headers: org.manager.headers,
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain(b.organizationId);
    // Any cursor: only A's data.
    for (const cursor of [0, 1, 2]) {
      const page = await pullOnce(w.t.app, org.manager, { cursor, clientId: randomUUID() });
      const text = JSON.stringify(page);
      expect(text).not.toContain(secret.conversationId);
      expect(text).not.toContain('B-secret-text');
      expect(text).not.toContain(b.organizationId);
    }
  });
});
