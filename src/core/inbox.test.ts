import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoreApi, EventName, EventPayload } from '#contract/ipc/contract';
import { createClientCore } from './index';
import { createMemoryTokenStore, silentLogger } from './deps';
import { contactRow, conversationRow, messageRow, put, uuid } from './testing/replica-fixtures';
import { createScriptedTransport, type ScriptedTransport } from './testing/scripted-transport';
import { startStubAuthServer, type StubAuthServer } from './testing/stub-auth-server';

// The inbox channels end to end through createClientCore: a real session (against the auth
// stub), a real engine on a real replica file, the network scripted.

let server: StubAuthServer;
let core: CoreApi;
let t: ScriptedTransport;

function record<E extends EventName>(event: E): EventPayload<E>[] {
  const seen: EventPayload<E>[] = [];
  core.on(event, (p) => seen.push(p));
  return seen;
}

beforeEach(async () => {
  server = await startStubAuthServer(() => Date.now());
  t = createScriptedTransport();
  core = createClientCore({
    dataDir: mkdtempSync(join(tmpdir(), 'parley-inbox-')),
    defaultServerUrl: server.url,
    fetch: (input, init) => fetch(input, init),
    logger: silentLogger,
    tokenStore: createMemoryTokenStore(),
    appInfo: { version: 'test', platform: 'linux' },
    syncTransport: () => t,
    syncTiming: { silenceMs: 10 * 60_000 },
  });
});
afterEach(async () => {
  await core.close();
  await server.close();
});

describe('the inbox channels', () => {
  it('answer from the replica the engine fills, queue writes, and tell the UI what changed', async () => {
    expect(await core.handlers['conversations:list']({ view: 'all', tab: 'open', limit: 50 })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    const changed = record('replica:changed');
    const revoked = record('conversation:revoked');
    const status = record('sync:status');
    const signedIn = await core.handlers['session:signIn']({
      serverUrl: server.url,
      email: server.user.email,
      password: server.password,
    });
    expect(signedIn.ok).toBe(true);
    await vi.waitFor(() => expect(t.auth?.token).toMatch(/^at-/));
    expect(t.auth).toMatchObject({ organizationId: server.user.organizationId, protocol: 1, schema: 1 });
    const C = uuid(1);
    const row = conversationRow(C, { assigneeId: server.user.id, unreadCount: 1, lastConvSeq: 1 });
    t.onBootstrap = (q) =>
      q.phase === 1
        ? [
            put.conversation(row, 3, ['assignee']),
            put.contact(contactRow(row.contact.id, { name: 'Ana' }), 3),
            { snapshotSeq: 3, counts: { conversation: 1, contact: 1 } },
          ]
        : q.phase === 2
          ? [
              put.message(messageRow(uuid(2), C, 1), 3),
              { floor: { conversationId: C, convSeq: 1 } },
              { snapshotSeq: 3, counts: { message: 1 } },
            ]
          : [{ snapshotSeq: 3, counts: {} }];
    t.hello({ tenantSeq: 3, userId: server.user.id });
    await vi.waitFor(() => expect(status.at(-1)?.state).toBe('online'));
    expect(changed.some((c) => c.tables.includes('conversations'))).toBe(true);

    const list = await core.handlers['conversations:list']({ view: 'mine', tab: 'open', limit: 50 });
    expect(list).toMatchObject({
      ok: true,
      value: { items: [{ id: C, contact: { name: 'Ana' } }], nextCursor: null },
    });
    expect(await core.handlers['conversations:counts']({ view: 'mine' })).toMatchObject({
      ok: true,
      value: { tabs: { open: { total: 1, unread: 1 } } },
    });
    expect(await core.handlers['messages:list']({ conversationId: C, limit: 50 })).toMatchObject({
      ok: true,
      value: { items: [{ id: uuid(2) }], hasOlder: false },
    });

    // A write is queued and shown at once; the push is held so it stays queued.
    t.onPush = () => new Promise(() => undefined);
    const sent = await core.handlers['messages:send']({
      conversationId: C,
      message: { type: 'text', text: 'On its way!' },
    });
    expect(sent).toMatchObject({ ok: true, value: { mutationId: 1 } });
    const thread = await core.handlers['messages:list']({ conversationId: C, limit: 50 });
    expect(thread.ok && thread.value.items.at(-1)).toMatchObject({
      text: 'On its way!',
      pending: { state: 'queued' },
    });
    expect(await core.handlers['outbox:list'](undefined)).toMatchObject({
      ok: true,
      value: [{ mutationId: 1, state: 'sending', text: 'On its way!', canDiscard: false }],
    });
    await core.handlers['drafts:set']({ conversationId: C, text: 'half a thought' });
    expect(await core.handlers['conversation:get']({ id: C })).toMatchObject({
      ok: true,
      value: { conversation: { id: C }, contact: { name: 'Ana' }, draft: 'half a thought' },
    });

    // Reassigned to someone else: the conversation goes, the notice names who has it.
    t.live({
      prev: 3,
      seq: 5,
      tenantSeq: 5,
      changes: [
        {
          e: 'member',
          id: uuid(9),
          v: 4,
          op: 'put',
          row: {
            id: uuid(9),
            email: 'b@x.test',
            name: 'Bea',
            role: 'agent',
            deactivatedAt: null,
            joinedAt: '2026-01-01T00:00:00Z',
            availability: 'available',
            capacity: null,
          },
        },
        { e: 'conversation', id: C, v: 5, op: 'revoke', reassignedTo: uuid(9) },
      ],
    });
    await vi.waitFor(() => expect(revoked).toHaveLength(1));
    expect(revoked[0]).toEqual({
      conversationId: C,
      reason: 'reassigned',
      reassignedTo: uuid(9),
      reassignedToName: 'Bea',
      pendingCount: 1,
    });
    expect(await core.handlers['conversation:get']({ id: C })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await core.handlers['outbox:list'](undefined)).toMatchObject({
      ok: true,
      value: [{ state: 'failed', error: { code: 'conversation_reassigned' }, text: 'On its way!' }],
    });
    expect(await core.handlers['members:list'](undefined)).toMatchObject({
      ok: true,
      value: [{ name: 'Bea' }],
    });

    // Signing out stops the engine before the replica closes.
    await core.handlers['session:signOut']({ wipeReplica: false });
    expect(await core.handlers['outbox:list'](undefined)).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });
});
