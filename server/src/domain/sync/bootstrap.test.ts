import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BootstrapLine,
  HistoryResponse,
  SYNC_ENDPOINTS,
  type BootstrapTrailer,
  type PutEntry,
} from '#contract/sync/protocol';
import { addMember, createOrg, createTeam, type LoggedIn, type TestOrg } from '../../../test/factories';
import { pullAll, seedConversation } from '../../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';

let w: WhatsAppWorld;
let org: TestOrg;
let accountId: string;
let team: { id: string };

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Bootstrap Org');
  accountId = (await w.connect(org.admin)).account.id;
  team = await createTeam(w.t.app, org.admin, undefined, [org.agent.id]);
});
afterAll(() => w.close());

const phase = async (user: LoggedIn, q: string) => {
  const res = await w.t.app.inject({ url: `${SYNC_ENDPOINTS.bootstrap}?${q}`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('application/x-ndjson');
  const lines = res.body
    .split('\n')
    .filter(Boolean)
    .map((l) => BootstrapLine.parse(JSON.parse(l)));
  const trailer = lines.at(-1) as BootstrapTrailer;
  expect(trailer.snapshotSeq).toBeGreaterThanOrEqual(0);
  const puts = lines.filter((l): l is PutEntry => 'op' in l);
  // The trailer counts what was sent.
  const counts: Record<string, number> = {};
  for (const p of puts) counts[p.e] = (counts[p.e] ?? 0) + 1;
  expect(trailer.counts).toEqual(counts);
  return { lines, puts, trailer };
};

describe('bootstrap', () => {
  it('phase 0 sends members, teams, numbers and templates; phase 1 the conversations in scope, newest first, each with its contact', async () => {
    const older = await seedConversation(w.t.database.db, org.organizationId, accountId, {
      assigneeId: org.agent.id,
    });
    await new Promise((r) => setTimeout(r, 5));
    const newer = await seedConversation(w.t.database.db, org.organizationId, accountId, { teamId: team.id });
    const hidden = await seedConversation(w.t.database.db, org.organizationId, accountId);

    const p0 = await phase(org.agent, 'phase=0');
    expect(p0.puts.filter((p) => p.e === 'member').map((p) => p.id)).toEqual(
      expect.arrayContaining([org.admin.id, org.manager.id, org.agent.id]),
    );
    expect(p0.puts.filter((p) => p.e === 'team').map((p) => p.id)).toEqual([team.id]);
    expect(p0.puts.filter((p) => p.e === 'whatsapp_account').map((p) => p.id)).toEqual([accountId]);
    expect(JSON.stringify(p0.lines)).not.toMatch(/accessToken|appSecret|verifyToken/);

    const p1 = await phase(org.agent, 'phase=1');
    const convs = p1.puts.filter((p) => p.e === 'conversation').map((p) => p.id);
    expect(convs.indexOf(newer.conversationId)).toBeLessThan(convs.indexOf(older.conversationId));
    expect(convs).not.toContain(hidden.conversationId);
    const at = p1.puts.findIndex((p) => p.id === newer.conversationId);
    expect(p1.puts[at + 1]).toMatchObject({ e: 'contact', id: newer.contactId });
    expect(JSON.stringify(p1.lines)).not.toContain(hidden.contactId);

    // The snapshot seq was read before the rows: a pull from it has nothing older.
    const after = await pullAll(w.t.app, org.agent, randomUUID(), p1.trailer.snapshotSeq);
    expect(after.last.nextCursor).toBeGreaterThanOrEqual(p1.trailer.snapshotSeq);
  });

  it('phase 1 with a group sends only that group’s conversations (partial bootstrap after a join)', async () => {
    const queue = await seedConversation(w.t.database.db, org.organizationId, accountId, { teamId: team.id });
    const mine = await seedConversation(w.t.database.db, org.organizationId, accountId, {
      assigneeId: org.agent.id,
    });
    const p = await phase(org.agent, `phase=1&group=team:${team.id}`);
    const convs = p.puts.filter((x) => x.e === 'conversation').map((x) => x.id);
    expect(convs).toContain(queue.conversationId);
    expect(convs).not.toContain(mine.conversationId);
    // A group the caller is not in gives nothing.
    const none = await phase(org.agent, `phase=1&group=team:${randomUUID()}`);
    expect(none.puts).toEqual([]);
    expect((await phase(org.agent, 'phase=1&group=role')).puts).toEqual([]);
  });

  it('phase 2 sends the last 20 messages of recent conversations with a history floor each', async () => {
    const outsider = await addMember(w.t.app, org.admin, 'manager');
    const big = await seedConversation(w.t.database.db, org.organizationId, accountId, { messages: 25 });
    const small = await seedConversation(w.t.database.db, org.organizationId, accountId, { messages: 3 });
    const p = await phase(outsider, 'phase=2');
    const floors = Object.fromEntries(
      p.lines.flatMap((l) => ('floor' in l ? [[l.floor.conversationId, l.floor.convSeq]] : [])),
    );
    expect(floors[big.conversationId]).toBe(6);
    expect(floors[small.conversationId]).toBe(1);
    const bigMessages = p.puts.filter((x) => x.e === 'message' && big.messageIds.includes(x.id));
    expect(bigMessages).toHaveLength(20);
  });

  it('refuses a bad phase or group', async () => {
    for (const q of ['phase=3', 'phase=x', 'phase=1&group=team:nope', '']) {
      const res = await w.t.app.inject({
        url: `${SYNC_ENDPOINTS.bootstrap}?${q}`,
        headers: org.agent.headers,
      });
      expect(res.statusCode, q).toBe(400);
    }
  });
});

describe('history', () => {
  it('pages one conversation by convSeq, the newest page with the conversation, contact and notes', async () => {
    const c = await seedConversation(w.t.database.db, org.organizationId, accountId, {
      assigneeId: org.agent.id,
      messages: 7,
    });
    const get = async (q: string, user = org.agent) => {
      const res = await w.t.app.inject({ url: `${SYNC_ENDPOINTS.history}?${q}`, headers: user.headers });
      return {
        status: res.statusCode,
        body: res.statusCode === 200 ? HistoryResponse.parse(res.json()) : null,
      };
    };
    const first = (await get(`conversationId=${c.conversationId}&limit=3`)).body!;
    expect(first.changes.slice(0, 2).map((x) => x.e)).toEqual(['conversation', 'contact']);
    expect(
      first.changes.filter((x) => x.e === 'message').map((x) => ('row' in x ? x.row : null)),
    ).toMatchObject([{ convSeq: 7 }, { convSeq: 6 }, { convSeq: 5 }]);
    expect(first).toMatchObject({ lowestConvSeq: 5, hasMore: true });
    const next = (await get(`conversationId=${c.conversationId}&beforeConvSeq=5&limit=10`)).body!;
    expect(next.changes.every((x) => x.e === 'message')).toBe(true);
    expect(next).toMatchObject({ lowestConvSeq: 1, hasMore: false });
    expect(next.changes).toHaveLength(4);
    // Outside the caller's scope: not found.
    expect((await get(`conversationId=${c.conversationId}`, org.manager)).status).toBe(200);
    const other = await addMember(w.t.app, org.admin, 'agent');
    expect((await get(`conversationId=${c.conversationId}`, other)).status).toBe(404);
    expect((await get(`conversationId=${randomUUID()}`)).status).toBe(404);
  });
});
