import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_RANGE, SCHEMA_VERSION } from '#contract/sync/protocol';
import { addMember, createOrg, createTeam, login, type TestOrg } from '../../test/factories';
import { authOf, connectSync, refusedHandshake, until, type TestSocket } from '../../test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../test/whatsapp';

let w: WhatsAppWorld;
let org: TestOrg;
let number: ConnectedNumber;
const sockets: TestSocket[] = [];
const connect = async (...args: Parameters<typeof connectSync>) => {
  const s = await connectSync(...args);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  w = await startWhatsAppWorld({ app: { syncTickMs: 200 } });
  org = await createOrg(w.t.app, 'Gateway Org');
  number = await w.connect(org.admin);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

describe('sync handshake', () => {
  it('answers hello with the tenant seq, floor, schema range and the user', async () => {
    const s = await connect(w.parleyUrl, org.manager);
    expect(s.hello).toMatchObject({
      floorSeq: 0,
      schemaRange: SCHEMA_RANGE,
      protocol: 1,
      userId: org.manager.id,
    });
    expect(s.hello!.tenantSeq).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(s.hello!.serverTime))).toBe(false);
  });

  it('refuses a malformed payload, a bad token, a token of another organization and an expired token', async () => {
    expect((await refusedHandshake(w.parleyUrl, { token: 'x' })).code).toBe('bad_handshake');
    expect((await refusedHandshake(w.parleyUrl, authOf(org.agent, { token: 'not.a.jwt' }))).code).toBe(
      'unauthorized',
    );
    const other = await createOrg(w.t.app, 'Other Org');
    expect(
      (await refusedHandshake(w.parleyUrl, authOf(other.agent, { organizationId: org.organizationId }))).code,
    ).toBe('unauthorized');
    w.t.clock.advance(16 * 60_000);
    try {
      expect((await refusedHandshake(w.parleyUrl, authOf(org.agent))).code).toBe('token_expired');
    } finally {
      w.t.clock.advance(-16 * 60_000);
    }
  });

  it('answers update_required for an unsupported protocol or schema, with the supported range', async () => {
    for (const over of [{ protocol: 99 }, { schema: SCHEMA_VERSION + 1 }]) {
      const r = await refusedHandshake(w.parleyUrl, authOf(org.agent, over));
      expect(r.code).toBe('update_required');
      expect(r.schemaRange).toEqual(SCHEMA_RANGE);
    }
  });

  it("refuses another user's client id (spoofing), in the same or another organization", async () => {
    const mine = await connect(w.parleyUrl, org.agent);
    const r = await refusedHandshake(w.parleyUrl, authOf(org.manager, { clientId: mine.clientId }));
    expect(r.code).toBe('bad_handshake');
    const other = await createOrg(w.t.app, 'Spoofer Org');
    expect((await refusedHandshake(w.parleyUrl, authOf(other.admin, { clientId: mine.clientId }))).code).toBe(
      'bad_handshake',
    );
    // The owner reconnects with it.
    const again = await connect(w.parleyUrl, org.agent, { clientId: mine.clientId });
    expect(again.hello).not.toBeNull();
  });

  it('refuses a deactivated member, and disconnects their open sockets within a second', async () => {
    const victim = await addMember(w.t.app, org.admin, 'agent');
    const s = await connect(w.parleyUrl, victim);
    const started = Date.now();
    const res = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${victim.id}`,
      headers: org.admin.headers,
      payload: { deactivated: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    await until(() => s.disconnectedAt !== null, 1_000, 'disconnect after deactivation');
    expect(s.disconnectedAt! - started).toBeLessThan(1_000);
    expect((await refusedHandshake(w.parleyUrl, authOf(victim))).code).toBe('session_revoked');
  });

  it('disconnects the other sessions of a user who changes their password, keeping the current one', async () => {
    const user = await addMember(w.t.app, org.admin, 'agent');
    const other = await login(w.t.app, user.email, user.password, org.organizationId);
    const kept = await connect(w.parleyUrl, user);
    const dropped = await connect(w.parleyUrl, other);
    const res = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: user.headers,
      payload: {
        currentPassword: user.password,
        newPassword: 'a brand new password 42',
        refreshToken: user.refreshToken,
      },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await until(() => dropped.disconnectedAt !== null, 1_000, 'disconnect after password change');
    await new Promise((r) => setTimeout(r, 100));
    expect(kept.disconnectedAt).toBeNull();
  });

  it('disconnects a removed member', async () => {
    const victim = await addMember(w.t.app, org.admin, 'manager');
    const s = await connect(w.parleyUrl, victim);
    const res = await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${victim.id}`,
      headers: org.admin.headers,
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await until(() => s.disconnectedAt !== null, 1_000, 'disconnect after removal');
  });

  it('renews the token in band with sync:auth and refuses a token of another user', async () => {
    const s = await connect(w.parleyUrl, org.agent);
    const fresh = await login(w.t.app, org.agent.email, org.agent.password, org.organizationId);
    expect(await s.request('sync:auth', { token: fresh.accessToken })).toEqual({ ok: true });
    const wrong = await s.request('sync:auth', { token: org.manager.accessToken });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await s.request('sync:auth', { token: '' })).toMatchObject({
      ok: false,
      error: { code: 'bad_handshake' },
    });
    expect(s.disconnectedAt).toBeNull();
  });
});

describe('live packets', () => {
  it('delivers an inbound message to a manager as one packet with prev/seq, and ticks', async () => {
    const s = await connect(w.parleyUrl, org.manager);
    const customer = number.addCustomer('Live Lucy');
    await number.send(customer, { type: 'text', body: 'hello live' });
    await until(() => s.changes().some((c) => c.e === 'message' && c.op === 'put'), 5_000, 'message packet');
    const packet = s.packets.find((p) => p.changes.some((c) => c.e === 'message'))!;
    expect(packet.seq).toBeGreaterThan(s.hello!.tenantSeq - 1);
    const msg = packet.changes.find((c) => c.e === 'message' && c.op === 'put');
    expect(msg && 'row' in msg && msg.row).toMatchObject({ text: 'hello live', direction: 'inbound' });
    expect(
      packet.changes.some((c) => c.e === 'conversation' && c.op === 'put' && c.scope.includes('role')),
    ).toBe(true);
    // The second packet chains on the first.
    await number.send(customer, { type: 'text', body: 'second' });
    await until(() => s.packets.length >= 2 && s.changes().filter((c) => c.e === 'message').length >= 2);
    const [a, b] = s.packets.slice(-2);
    expect(b!.prev).toBe(a!.seq);
    await until(() => s.ticks.some((t) => t.seq === b!.seq), 2_000, 'tick');
  });

  it('never sends an agent a conversation outside their scope', async () => {
    const agent = await connect(w.parleyUrl, org.agent);
    const customer = number.addCustomer('Not yours');
    await number.send(customer, { type: 'text', body: 'triage only' });
    await w.t.app.sync.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(JSON.stringify(agent.packets)).not.toContain('triage only');
  });

  it('joins no room a client asks for: unknown events are refused with bad_frame', async () => {
    const s = await connect(w.parleyUrl, org.agent);
    expect(await s.request('join', `u:${org.organizationId}:${org.manager.id}`)).toMatchObject({
      ok: false,
      error: { code: 'bad_frame' },
    });
    expect(await s.request('sync:push', { mutations: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'bad_frame' },
    });
  });

  it('puts a team member in the room of their own user only', async () => {
    const team = await createTeam(w.t.app, org.admin, undefined, [org.agent.id]);
    expect(team.memberIds).toEqual([org.agent.id]);
    const s = await connect(w.parleyUrl, org.agent);
    const rooms = w.t.app.sync.gateway.nsp.sockets.get(
      [...w.t.app.sync.gateway.nsp.sockets.keys()].find(
        (id) => w.t.app.sync.gateway.nsp.sockets.get(id)!.data.clientId === s.clientId,
      )!,
    )!.rooms;
    expect([...rooms].filter((r) => r.startsWith('u:'))).toEqual([`u:${org.organizationId}:${org.agent.id}`]);
    expect(randomUUID()).toBeTruthy();
  });

  it('relays presence (viewing, typing) to those who see the conversation, never to others or to the sender', async () => {
    const customer = number.addCustomer('Presence Pat');
    await number.send(customer, { type: 'text', body: 'presence please' });
    const conv = (await w.t.app.inject({ url: '/api/v1/conversations', headers: org.manager.headers })).json()
      .data[0];
    const manager = await connect(w.parleyUrl, org.manager);
    const admin = await connect(w.parleyUrl, org.admin);
    const agent = await connect(w.parleyUrl, org.agent);
    manager.socket.emit('presence:viewing', { conversationId: conv.id });
    manager.socket.emit('presence:typing', { conversationId: conv.id, typing: true });
    await until(() => admin.events.some((e) => e.event === 'presence:typing'), 2_000, 'typing relayed');
    expect(admin.events.filter((e) => e.event.startsWith('presence:')).map((e) => e.arg)).toEqual([
      { conversationId: conv.id, userId: org.manager.id, viewing: true },
      { conversationId: conv.id, userId: org.manager.id, typing: true },
    ]);
    // Leaving is relayed when the socket goes away.
    manager.close();
    await until(
      () =>
        admin.events.some(
          (e) => e.event === 'presence:viewing' && (e.arg as { viewing: boolean }).viewing === false,
        ),
      2_000,
      'viewing false on disconnect',
    );
    expect(agent.events.some((e) => e.event.startsWith('presence:'))).toBe(false);
    expect(manager.events.some((e) => e.event.startsWith('presence:'))).toBe(false);
    // Nothing is logged.
    const seq = (
      await w.t.app.inject({
        url: `/api/v1/sync/pull?cursor=0&clientId=${agent.clientId}`,
        headers: org.agent.headers,
      })
    ).json();
    expect(JSON.stringify(seq)).not.toContain('typing');
  });
});
