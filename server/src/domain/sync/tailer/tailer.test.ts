import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LivePacket } from '#contract/sync/protocol';
import { createOrg, createTeam, type TestOrg } from '../../../../test/factories';
import { connectSync, pullAll, seedConversation, until, type TestSocket } from '../../../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../../test/whatsapp';
import { recordChanges } from '../../../storage/change-log';
import { syncLog } from '../../../storage/schema/index';

let w: WhatsAppWorld;
let org: TestOrg;
let accountId: string;
const sockets: TestSocket[] = [];
const db = () => w.t.database.db;

beforeAll(async () => {
  w = await startWhatsAppWorld({ app: { syncTickMs: 100 } });
  org = await createOrg(w.t.app, 'Tailer Org');
  accountId = (await w.connect(org.admin)).account.id;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

const connect = async (...a: Parameters<typeof connectSync>) => {
  const s = await connectSync(...a);
  sockets.push(s);
  return s;
};

/** The client rule of §2.6 over a packet list: returns the seqs where it would have to pull. */
function gaps(packets: readonly LivePacket[], cursor: number): number[] {
  const out: number[] = [];
  for (const p of packets) {
    if (p.seq <= cursor) continue;
    if (p.prev === null || p.prev > cursor) out.push(p.seq);
    cursor = p.seq;
  }
  return out;
}

/** Touches a message of `c` (a logged put) in its own transaction. */
const touch = (c: { conversationId: string; messageIds: string[] }) =>
  db().transaction((tx) =>
    recordChanges(tx, org.organizationId, [
      { entity: 'message', entityId: c.messageIds[0]!, conversationId: c.conversationId },
      { entity: 'conversation', entityId: c.conversationId, conversationId: c.conversationId },
    ]),
  );

/**
 * Touches `c` and waits until `s` has the packet of that touch. Entries are emitted in log order,
 * so everything logged before (a seed's changes, whose notification may reach the tailer only
 * after the socket connected on PostgreSQL) is out by then and later packets hold only what the
 * test writes next.
 */
async function settle(s: TestSocket, c: { conversationId: string; messageIds: string[] }) {
  await touch(c);
  const [row] = await db()
    .select({ max: sql<string>`max(${syncLog.seq})` })
    .from(syncLog)
    .where(eq(syncLog.organizationId, org.organizationId));
  const max = Number(row!.max);
  await until(() => (s.packets.at(-1)?.seq ?? 0) >= max, 5_000, 'settled');
}

describe('tailer', () => {
  it('chains each user’s packets gap-free under concurrent commits, each user only what they see', async () => {
    const team = await createTeam(w.t.app, org.admin, undefined, [org.agent.id]);
    const mine = await seedConversation(db(), org.organizationId, accountId, { assigneeId: org.agent.id });
    const queue = await seedConversation(db(), org.organizationId, accountId, { teamId: team.id });
    const hidden = await seedConversation(db(), org.organizationId, accountId);
    const manager = await connect(w.parleyUrl, org.manager);
    const agent = await connect(w.parleyUrl, org.agent);
    // A first packet (prev null: this tailer never delivered to them) anchors each chain.
    await touch(mine);
    await until(() => manager.packets.length > 0 && agent.packets.length > 0);
    const startM = manager.packets.at(-1)!.seq;
    const startA = agent.packets.at(-1)!.seq;

    const convs = [mine, queue, hidden];
    await Promise.all(Array.from({ length: 60 }, (_, i) => touch(convs[i % 3]!)));
    await w.t.app.sync.idle();
    const end = (await pullAll(w.t.app, org.manager, randomUUID())).last.tenantSeq;
    await until(() => manager.packets.at(-1)!.seq === end, 3_000, 'manager caught up');

    expect(gaps(manager.packets, startM)).toEqual([]);
    expect(gaps(agent.packets, startA)).toEqual([]);
    for (let i = 1; i < manager.packets.length; i++)
      expect(manager.packets[i]!.prev).toBe(manager.packets[i - 1]!.seq);
    const agentText = JSON.stringify(agent.packets);
    expect(agentText).not.toContain(hidden.conversationId);
    expect(agentText).toContain(queue.conversationId);
    // What the live stream delivered equals what a pull over the same range returns.
    const pulled = await pullAll(w.t.app, org.agent, randomUUID(), startA);
    const live = new Set(
      agent.packets.filter((p) => p.seq > startA).flatMap((p) => p.changes.map((c) => `${c.e}:${c.id}`)),
    );
    expect(new Set(pulled.changes.map((c) => `${c.e}:${c.id}`))).toEqual(live);
  });

  it('compacts a batch to one packet per user with one change per row', async () => {
    const c = await seedConversation(db(), org.organizationId, accountId, { messages: 2 });
    const manager = await connect(w.parleyUrl, org.manager);
    await settle(manager, c);
    const before = manager.packets.length;
    await db().transaction((tx) =>
      recordChanges(tx, org.organizationId, [
        ...c.messageIds.map((id) => ({ entity: 'message', entityId: id, conversationId: c.conversationId })),
        { entity: 'conversation', entityId: c.conversationId, conversationId: c.conversationId },
      ]),
    );
    await until(() => manager.packets.length > before);
    const p = manager.packets[before]!;
    expect(p.changes.map((x) => `${x.e}:${x.op}`)).toEqual([
      'message:put',
      'message:put',
      'conversation:put',
    ]);
    expect(p.tenantSeq).toBeGreaterThanOrEqual(p.seq);
  });

  it('starts every chain with prev null after a tailer restart, so clients pull', async () => {
    const c = await seedConversation(db(), org.organizationId, accountId);
    const manager = await connect(w.parleyUrl, org.manager);
    await settle(manager, c);
    const n = manager.packets.length;
    await touch(c);
    await until(() => manager.packets.length >= n + 1);
    expect(manager.packets.at(-1)!.prev).toBe(manager.packets.at(-2)!.seq);
    w.t.app.sync.tailers.restart(org.organizationId);
    await touch(c);
    await until(() => manager.packets.length >= n + 2);
    expect(manager.packets.at(-1)!.prev).toBeNull();
    await touch(c);
    await until(() => manager.packets.length >= n + 3);
    expect(manager.packets.at(-1)!.prev).toBe(manager.packets.at(-2)!.seq);
  });

  it('ticks the seq of the last packet to each active user', async () => {
    const c = await seedConversation(db(), org.organizationId, accountId);
    const manager = await connect(w.parleyUrl, org.manager);
    await settle(manager, c);
    const last = manager.packets.at(-1)!.seq;
    await until(() => manager.ticks.some((t) => t.seq === last), 2_000, 'tick');
  });
});
