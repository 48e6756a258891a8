import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../test/factories';
import { connectSync, mutation, seedConversation, until, type TestSocket } from '../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../test/whatsapp';
import { DEFAULT_EVENT_LIMITS } from './event-limits';

// Issue 9, finding 6: 20,000 `presence:typing` events from one agent delayed that socket's pushes
// by 31 s and another organization's answers 40×. Proved with counts, not timings: the flood
// costs a bounded number of relays and audience queries, and another organization's push is
// applied and fanned out while the flood is being received.

let w: WhatsAppWorld;
let a: TestOrg;
let b: TestOrg;
let convA: { conversationId: string };
let convB: { conversationId: string };
const sockets: TestSocket[] = [];
const connect = async (...args: Parameters<typeof connectSync>) => {
  const s = await connectSync(...args);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  w = await startWhatsAppWorld({ app: { syncTickMs: 300 } });
  [a, b] = await Promise.all([createOrg(w.t.app, 'Flood A'), createOrg(w.t.app, 'Flood B')]);
  const [na, nb] = [await w.connect(a.admin), await w.connect(b.admin)];
  convA = await seedConversation(w.t.database.db, a.organizationId, na.account.id, {
    assigneeId: a.agent.id,
  });
  convB = await seedConversation(w.t.database.db, b.organizationId, nb.account.id, {
    assigneeId: b.agent.id,
  });
}, 180_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

describe('a socket flood', () => {
  it('is rate-limited and coalesced per connection: bounded relays and queries, another organization unaffected', async () => {
    const flooder = await connect(w.parleyUrl, a.agent);
    const watcherA = await connect(w.parleyUrl, a.manager);
    const pusherB = await connect(w.parleyUrl, b.agent);
    const watcherB = await connect(w.parleyUrl, b.manager);
    const gateway = w.t.app.sync.gateway;
    const queriesBefore = gateway.presenceQueries();
    const started = Date.now();

    const FLOOD = 20_000;
    for (let i = 0; i < FLOOD; i++)
      flooder.socket.emit('presence:typing', { conversationId: convA.conversationId, typing: i % 2 === 0 });
    // Organization B pushes while A's flood is in flight: applied and fanned out.
    const ack = await pusherB.push([
      mutation(pusherB.clientId, 1, 'conversation.setImportant', {
        conversationId: convB.conversationId,
        important: true,
      }),
    ]);
    expect(ack).toMatchObject({ ok: true, results: [{ status: 'applied' }] });
    await until(
      () => watcherB.changes().some((c) => c.e === 'conversation' && c.id === convB.conversationId),
      10_000,
      'B’s change reaches B’s manager',
    );
    // The flood's own pushes still get answers (rate_limited is retryable, never a hang).
    const own = await flooder.request('sync:push', {
      mutations: [
        mutation(flooder.clientId, 1, 'conversation.setImportant', {
          conversationId: convA.conversationId,
          important: true,
        }),
      ],
    });
    expect(own).toHaveProperty('ok');

    await new Promise((r) => setTimeout(r, 500));
    const seconds = (Date.now() - started) / 1000 + 1;
    const relayed = watcherA.events.filter((e) => e.event === 'presence:typing').length;
    const allowed = DEFAULT_EVENT_LIMITS.burst + DEFAULT_EVENT_LIMITS.perSecond * seconds;
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeLessThanOrEqual(allowed);
    expect(relayed).toBeLessThan(FLOOD / 50);
    // One audience query per conversation per 2 s at most, not one per event.
    expect(gateway.presenceQueries() - queriesBefore).toBeLessThanOrEqual(Math.ceil(seconds / 2) + 2);
    // B saw nothing of A's flood.
    expect(watcherB.events.filter((e) => e.event === 'presence:typing')).toEqual([]);
  });

  it('coalesces repeated typing: one relay per state change within the renew time', async () => {
    const typist = await connect(w.parleyUrl, a.agent);
    const watcher = await connect(w.parleyUrl, a.admin);
    for (let i = 0; i < 30; i++)
      typist.socket.emit('presence:typing', { conversationId: convA.conversationId, typing: true });
    await until(() => watcher.events.some((e) => e.event === 'presence:typing'), 5_000, 'typing relayed');
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.events.filter((e) => e.event === 'presence:typing')).toHaveLength(1);
  });
});
