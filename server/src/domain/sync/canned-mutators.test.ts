import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushAck } from '#contract/sync/protocol';
import { addMember, type LoggedIn } from '../../../test/factories';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { connectSync, mutation, pullAll, until, type TestSocket } from '../../../test/sync';
import { cannedResponses } from '../../storage/schema/index';

// Issue 12: canned responses written offline arrive as sync mutations. They follow REST's rules
// (who may write the organization's, one shortcut per owner, another member's personal response
// does not exist), are idempotent by the client's id, and reach exactly who may see them.

let w: OutboundWorld;
let agent2: LoggedIn;
const sockets: TestSocket[] = [];
const db = () => w.t.database.db;
const client = async (user: LoggedIn) => {
  const s = await connectSync(w.parleyUrl, user);
  sockets.push(s);
  let mid = 0;
  return {
    s,
    next: (name: string, args: unknown) => mutation(s.clientId, ++mid, name, args),
    push: (...ms: ReturnType<typeof mutation>[]) => s.push(ms),
  };
};
const results = (ack: PushAck) => {
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return (ack as Extract<PushAck, { ok: true }>).results.map((r) => r.error?.code ?? r.status);
};
const row = async (id: string) =>
  (await db().select().from(cannedResponses).where(eq(cannedResponses.id, id)))[0];

beforeAll(async () => {
  w = await startOutboundWorld({ app: { syncTickMs: 300 } });
  agent2 = await addMember(w.t.app, w.org.admin, 'agent');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

describe('canned-response mutations', () => {
  it('creates a personal response with the client id, idempotently, sent live to its owner only', async () => {
    const a = await client(w.org.agent);
    const peer = await client(agent2);
    const manager = await client(w.org.manager);
    const id = randomUUID();
    const create = { id, shortcut: 'Thanks', title: 'Thanks', body: 'Thank you, {{contact.name}}!' };
    expect(results(await a.push(a.next('canned.create', create)))).toEqual(['applied']);
    expect(await row(id)).toMatchObject({ ownerId: w.org.agent.id, shortcut: 'thanks' });
    await until(() => a.s.changes().some((c) => c.e === 'canned_response' && c.id === id));
    expect(a.s.changes().find((c) => c.id === id)).toMatchObject({
      op: 'put',
      row: { scope: 'personal', shortcut: 'thanks', ownerId: w.org.agent.id },
    });
    // Replayed under a new mutation id (a client that lost its ledger): applied, not doubled.
    expect(results(await a.push(a.next('canned.create', create)))).toEqual(['applied']);
    expect(await db().select().from(cannedResponses).where(eq(cannedResponses.id, id))).toHaveLength(1);
    // Nobody else hears of it, live or by pull, whatever their role.
    const orgId = randomUUID();
    expect(
      results(
        await manager.push(
          manager.next('canned.create', { ...create, id: orgId, scope: 'organization', shortcut: 'later' }),
        ),
      ),
    ).toEqual(['applied']);
    await until(() => peer.s.changes().some((c) => c.id === orgId));
    await until(() => manager.s.changes().some((c) => c.id === orgId));
    expect(peer.s.changes().some((c) => c.id === id)).toBe(false);
    expect(manager.s.changes().some((c) => c.id === id)).toBe(false);
    const pulled = await pullAll(w.t.app, agent2, peer.s.clientId);
    expect(pulled.changes.some((c) => c.id === id)).toBe(false);
    expect(pulled.changes.some((c) => c.id === orgId)).toBe(true);
  });

  it('refuses what REST refuses: an agent writing the organization’s, a taken shortcut, another member’s response, an id in use', async () => {
    const a = await client(w.org.agent);
    const other = await client(agent2);
    const mine = randomUUID();
    const ack = await a.push(
      a.next('canned.create', { id: mine, shortcut: 'hello', title: 'Hello', body: 'Hello!' }),
      a.next('canned.create', {
        id: randomUUID(),
        scope: 'organization',
        shortcut: 'x',
        title: 'X',
        body: 'x',
      }),
      a.next('canned.create', { id: randomUUID(), shortcut: 'hello', title: 'Again', body: 'again' }),
      a.next('canned.create', { id: randomUUID(), shortcut: 'bad shortcut', title: 'X', body: 'x' }),
    );
    expect(results(ack)).toEqual(['applied', 'forbidden', 'conflict', 'invalid']);
    const before = await row(mine);
    const refused = await other.push(
      other.next('canned.update', { id: mine, patch: { body: 'hijacked' } }),
      other.next('canned.delete', { id: mine }),
      other.next('canned.create', { id: mine, shortcut: 'steal', title: 'Steal', body: 'steal' }),
    );
    expect(results(refused)).toEqual(['not_found', 'not_found', 'invalid']);
    expect(await row(mine)).toEqual(before);
    // The organization's response: managers edit it, agents may not.
    const org = (await db().select().from(cannedResponses)).find((r) => r.shortcut === 'later')!;
    expect(results(await a.push(a.next('canned.update', { id: org.id, patch: { title: 'Mine' } })))).toEqual([
      'forbidden',
    ]);
  });

  it('edits and deletes field by field; deleting twice is applied; the owner hears the delete', async () => {
    const a = await client(w.org.agent);
    const id = randomUUID();
    const ack = await a.push(
      a.next('canned.create', { id, shortcut: 'bye', title: 'Bye', body: 'Goodbye' }),
      a.next('canned.update', { id, patch: { body: 'See you, {{contact.name}}' } }),
    );
    expect(results(ack)).toEqual(['applied', 'applied']);
    expect(await row(id)).toMatchObject({ shortcut: 'bye', title: 'Bye', body: 'See you, {{contact.name}}' });
    expect(results(await a.push(a.next('canned.delete', { id }), a.next('canned.delete', { id })))).toEqual([
      'applied',
      'applied',
    ]);
    expect(await row(id)).toBeUndefined();
    await until(() => a.s.changes().some((c) => c.id === id && c.op === 'del'));
  });
});
