import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipc, type Channel, type CoreApi, type In, type Out } from '#contract/ipc/contract';
import type { ConversationRevoked } from '#contract/ipc/contract';
import { createClientCore, createMemoryTokenStore, silentLogger } from '../src/core/index';
import { startToggleProxy, type ToggleProxy } from '../e2e/fixtures/toggle-proxy';
import { createOrg, type TestOrg } from '../server/test/factories';
import { until } from '../server/test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../server/test/whatsapp';
import { messages } from '../server/src/storage/schema/index';

// The real client core (replica, sync engine, outbox, Socket.IO transport) against the real
// server gateway listening on 127.0.0.1, with a TCP proxy in between to take the client offline.

let w: WhatsAppWorld;
let org: TestOrg;
let number: ConnectedNumber;
let proxy: ToggleProxy;
let dataDir: string;
let core: CoreApi;
const revoked: ConversationRevoked[] = [];

/** Calls a channel as a host does: input parsed with the contract, a failed Result thrown. */
async function call<C extends Channel>(channel: C, input: In<C>): Promise<Out<C>> {
  const parsed = ipc[channel].input.parse(input);
  const result = await Promise.race([
    core.handlers[channel](parsed as never),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${channel} hung`)), 3_000)),
  ]);
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
  return result.value as Out<C>;
}

const listMessages = async (conversationId: string) =>
  (await call('messages:list', { conversationId, limit: 50 } as In<'messages:list'>)).items;
const texts = async (conversationId: string) =>
  (await listMessages(conversationId)).map((m) => (m as { text?: string | null }).text);
const inbox = async () =>
  (await call('conversations:list', { view: 'all', tab: 'open' } as In<'conversations:list'>)).items;

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Engine Org');
  number = await w.connect(org.admin);
  proxy = await startToggleProxy(w.parleyUrl);
  dataDir = await mkdtemp(join(tmpdir(), 'parley-engine-it-'));
  core = createClientCore({
    dataDir,
    defaultServerUrl: proxy.url,
    fetch: (input, init) => fetch(input, init),
    tokenStore: createMemoryTokenStore(),
    appInfo: { version: '0.0.0-test', platform: 'integration test' },
    logger: silentLogger,
    syncTiming: { backoffBaseMs: 50, backoffMaxMs: 300, pushTimeoutMs: 3_000 },
  });
  core.on('conversation:revoked', (e) => revoked.push(e));
});
afterAll(async () => {
  await core?.close();
  await proxy?.close();
  await w?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('client sync engine against the real gateway', () => {
  it('bootstraps, receives live messages, delivers offline replies exactly once and in order, and drops a reassigned conversation', async () => {
    // A customer writes before the agent ever signs in; the conversation is assigned to the agent.
    const customer = number.addCustomer('Carla');
    await number.send(customer, { type: 'text', body: 'hello before sign-in' });
    const list = await w.t.app.inject({ url: '/api/v1/conversations', headers: org.admin.headers });
    const conversationId: string = list.json().data[0].id;
    const assign = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conversationId}`,
      headers: org.admin.headers,
      payload: { assigneeId: org.agent.id },
    });
    expect(assign.statusCode, assign.body).toBe(200);

    // Sign in through the proxy; the bootstrap brings the conversation and its message.
    const session = await call('session:signIn', {
      serverUrl: proxy.url,
      email: org.agent.email,
      password: org.agent.password,
    });
    expect(JSON.stringify(session)).toContain(org.agent.email);
    await until(
      async () => (await call('sync:getStatus', undefined as never)).state === 'online',
      10_000,
      'online',
    );
    await until(async () => (await inbox()).some((c) => c.id === conversationId), 10_000, 'bootstrap');
    await until(async () => (await texts(conversationId)).includes('hello before sign-in'), 5_000, 'history');

    // A webhook-ingested customer message arrives live in the replica.
    await number.send(customer, { type: 'text', body: 'are you there?' });
    await until(async () => (await texts(conversationId)).includes('are you there?'), 5_000, 'live message');

    // Offline: two replies wait in the outbox, shown as pending.
    proxy.setOnline(false);
    await until(
      async () => (await call('sync:getStatus', undefined as never)).state === 'offline',
      10_000,
      'offline',
    );
    const replies = ['written offline 1', 'written offline 2'];
    for (const text of replies) {
      await call('messages:send', { conversationId, message: { type: 'text', text } } as In<'messages:send'>);
    }
    const offline = (await listMessages(conversationId)).filter((m) =>
      replies.includes((m as { text?: string | null }).text ?? ''),
    );
    expect(offline.map((m) => (m as { text?: string | null }).text)).toEqual(replies);
    for (const m of offline) expect(m.pending).not.toBeNull();
    expect((await call('sync:getStatus', undefined as never)).outboxSize).toBe(2);
    const stored = () =>
      w.t.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'outbound')))
        .orderBy(asc(messages.convSeq));
    expect(await stored()).toHaveLength(0);

    // Back online: pushed after the reconnect, confirmed, and sent to Meta exactly once each, in
    // order. (The push makes the server's send worker run in this process: a worker that never
    // yields would freeze the whole test here.)
    proxy.setOnline(true);
    await until(
      async () => {
        const held = (await listMessages(conversationId)).filter((m) =>
          replies.includes((m as { text?: string | null }).text ?? ''),
        );
        return held.length === replies.length && held.every((m) => m.pending === null);
      },
      10_000,
      'replies confirmed',
    );
    await until(
      async () => (await call('sync:getStatus', undefined as never)).outboxSize === 0,
      5_000,
      'outbox empty',
    );
    await w.t.app.outbound.idle();
    await w.settle();
    const rows = await stored();
    expect(rows.map((r) => r.text)).toEqual(replies);
    const sent = [...w.emu.control.state.outbound.values()].filter(
      (r) => r.phoneNumberId === number.phoneNumberId && JSON.stringify(r.body).includes('written offline'),
    );
    expect(sent.map((r) => (r.body as { text?: { body?: string } }).text?.body)).toEqual(replies);
    expect(rows.map((r) => r.waMessageId)).toEqual(sent.map((r) => r.wamid));
    expect(
      (await listMessages(conversationId))
        .map((m) => (m as { text?: string | null }).text)
        .filter((t) => replies.includes(t ?? '')),
    ).toEqual(replies);

    // Reassigned to the manager: revoked from the agent's replica.
    const reassign = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conversationId}`,
      headers: org.admin.headers,
      payload: { assigneeId: org.manager.id },
    });
    expect(reassign.statusCode, reassign.body).toBe(200);
    await until(() => revoked.some((r) => r.conversationId === conversationId), 5_000, 'revoke event');
    expect(revoked.find((r) => r.conversationId === conversationId)).toMatchObject({
      reason: 'reassigned',
      reassignedTo: org.manager.id,
    });
    await until(async () => !(await inbox()).some((c) => c.id === conversationId), 5_000, 'revoked');
    expect(await listMessages(conversationId).catch(() => [])).toEqual([]);
  });
});
