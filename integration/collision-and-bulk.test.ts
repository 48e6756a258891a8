import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ipc,
  type Channel,
  type CoreApi,
  type In,
  type Out,
  type PresenceChanged,
} from '#contract/ipc/contract';
import { createClientCore, createMemoryTokenStore, silentLogger } from '../src/core/index';
import { createOrg, type LoggedIn, type TestOrg } from '../server/test/factories';
import { until } from '../server/test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../server/test/whatsapp';

// Two signed-in clients (two real client cores, each with its own replica and socket) against the
// real server: presence from one reaches the other's core (what the collision warning reads),
// and the per-user mark unread that bulk actions queue changes one person's inbox only.

let w: WhatsAppWorld;
let org: TestOrg;
let number: ConnectedNumber;
const dirs: string[] = [];
const cores: CoreApi[] = [];

/** A signed-in core and its `call` (input parsed with the contract, a failed Result thrown). */
async function client(user: LoggedIn) {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-collision-it-'));
  dirs.push(dataDir);
  const core = createClientCore({
    dataDir,
    defaultServerUrl: w.parleyUrl,
    fetch: (input, init) => fetch(input, init),
    tokenStore: createMemoryTokenStore(),
    appInfo: { version: '0.0.0-test', platform: 'integration test' },
    logger: silentLogger,
    syncTiming: { backoffBaseMs: 50, backoffMaxMs: 300, pushTimeoutMs: 3_000 },
  });
  cores.push(core);
  const presence: PresenceChanged[] = [];
  core.on('presence:changed', (p) => presence.push(p));
  const call = async <C extends Channel>(channel: C, input: In<C>): Promise<Out<C>> => {
    const parsed = ipc[channel].input.parse(input);
    const result = await core.handlers[channel](parsed as never);
    if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
    return result.value as Out<C>;
  };
  await call('session:signIn', { serverUrl: w.parleyUrl, email: user.email, password: user.password });
  await until(
    async () => (await call('sync:getStatus', undefined as never)).state === 'online',
    10_000,
    'online',
  );
  const list = async (unread = false) =>
    (await call('conversations:list', { view: 'all', tab: 'open', unread } as In<'conversations:list'>))
      .items;
  return { call, presence, list };
}

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Collision Org');
  number = await w.connect(org.admin);
});
afterAll(async () => {
  for (const c of cores) await c.close();
  await w?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('two signed-in clients', () => {
  it('relay viewing and typing to each other, and keep a mark unread to the one who made it', async () => {
    const customer = number.addCustomer('Dora');
    await number.send(customer, { type: 'text', body: 'is anyone there?' });
    const ada = await client(org.admin);
    const ben = await client(org.manager);
    await until(
      async () => (await ada.list()).length === 1 && (await ben.list()).length === 1,
      10_000,
      'both',
    );
    const conversationId = (await ada.list())[0]!.id;

    // Ada opens the conversation and types: Ben's core hears both (his renderer shows them).
    await ada.call('presence:set', { conversationId, typing: false });
    await until(
      () => ben.presence.some((p) => p.userId === org.admin.id && p.viewing === true),
      5_000,
      'viewing',
    );
    await ada.call('presence:set', { conversationId, typing: true });
    await until(
      () => ben.presence.some((p) => p.userId === org.admin.id && p.typing === true),
      5_000,
      'typing',
    );
    expect(ben.presence.every((p) => p.conversationId === conversationId)).toBe(true);
    // Nobody hears their own presence.
    expect(ada.presence.filter((p) => p.userId === org.admin.id)).toEqual([]);

    // Ada reads it (everyone's unread count resets), then marks it unread for herself.
    const last = (await ada.list())[0]!.lastConvSeq;
    await ada.call('conversation:markRead', { conversationId, readUpToConvSeq: last });
    await until(async () => (await ben.list(true)).length === 0, 10_000, 'read for everyone');
    await ada.call('conversation:markUnread', { conversationId });
    // At once on Ada's screen (optimistic), and still after the server confirmed it.
    expect((await ada.list(true)).map((c) => c.id)).toEqual([conversationId]);
    await until(
      async () => (await ada.call('sync:getStatus', undefined as never)).outboxSize === 0,
      10_000,
      'sent',
    );
    await until(async () => !(await ada.list(true))[0]?.hasPendingChanges, 10_000, 'confirmed');
    expect((await ada.list(true)).map((c) => c.id)).toEqual([conversationId]);
    expect(await ben.list(true)).toEqual([]);
  });
});
