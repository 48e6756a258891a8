import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEntry, ConversationRow, MessageRow, PushAck } from '#contract/sync/protocol';
import { addMember, createTeam, type LoggedIn } from '../../../test/factories';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import {
  connectSync,
  mutation,
  pullAll,
  pullOnce,
  seedConversation,
  until,
  type TestSocket,
} from '../../../test/sync';
import {
  contacts,
  conversationReads,
  conversations,
  jobs,
  messages,
  notes,
} from '../../storage/schema/index';

let w: OutboundWorld;
let team: { id: string };
let agent2: LoggedIn;
const sockets: TestSocket[] = [];
const connect = async (user: LoggedIn) => {
  const s = await connectSync(w.parleyUrl, user);
  sockets.push(s);
  return s;
};
const db = () => w.t.database.db;
/** A client: its socket and a mutation counter. */
const client = async (user: LoggedIn) => {
  const s = await connect(user);
  let mid = 0;
  return {
    s,
    next: (name: string, args: unknown) => mutation(s.clientId, ++mid, name, args),
    push: (...ms: ReturnType<typeof mutation>[]) => s.push(ms),
  };
};
const applied = (ack: PushAck) => {
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return ack as Extract<PushAck, { ok: true }>;
};
const seeded = (opts: Parameters<typeof seedConversation>[3] = {}) =>
  seedConversation(db(), w.org.organizationId, w.number.account.id, opts);
const convRow = async (id: string) =>
  (await db().select().from(conversations).where(eq(conversations.id, id)))[0]!;

beforeAll(async () => {
  w = await startOutboundWorld({ app: { syncTickMs: 300 } });
  agent2 = await addMember(w.t.app, w.org.admin, 'agent');
  team = await createTeam(w.t.app, w.org.admin, undefined, [w.org.agent.id, agent2.id]);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

describe('message.send', () => {
  it('queues the message with the client id, sends it through the queue and brings the statuses back live', async () => {
    const { conversationId } = await w.customer('Sendy');
    const manager = await client(w.org.manager);
    const watcher = await connect(w.org.admin);
    const id = randomUUID();
    const m = manager.next('message.send', { conversationId, id, type: 'text', text: 'hi from the outbox' });
    const ack = applied(await manager.push(m));
    expect(ack.lmid).toBe(1);
    expect(ack.results).toEqual([{ mid: 1, status: 'applied', seq: ack.seq }]);
    const row = await w.row(id);
    expect(row).toMatchObject({ authorId: w.org.manager.id, text: 'hi from the outbox' });
    // The packet of that commit tells the pushing client its lmid and result.
    await until(() => manager.s.packets.some((p) => p.lmid?.[manager.s.clientId] === 1));
    const mine = manager.s.packets.find((p) => p.lmid?.[manager.s.clientId] === 1)!;
    expect(mine.mutationResults).toEqual([
      { clientId: manager.s.clientId, mid: 1, status: 'applied', seq: ack.seq },
    ]);
    expect(watcher.packets.some((p) => p.lmid !== undefined)).toBe(false);
    // Through the send queue to the emulator, exactly once; statuses come back as live packets.
    await w.until(async () => w.sent().some((o) => o.bizOpaqueCallbackData === id));
    const statusOf = (s: TestSocket) =>
      s
        .changes()
        .filter(
          (c): c is Extract<ChangeEntry, { e: 'message'; op: 'put' }> =>
            c.e === 'message' && c.op === 'put' && c.id === id,
        )
        .map((c) => (c.row as MessageRow).status);
    await until(() => statusOf(watcher).includes('read'), 10_000, 'read status live');
    expect(statusOf(watcher)[0]).toBe('queued');
    // Replaying the same mutation changes nothing and answers the stored result.
    const replay = applied(await manager.push(m));
    expect(replay.results).toEqual([{ mid: 1, status: 'applied', seq: ack.seq }]);
    expect(w.sent().filter((o) => o.bizOpaqueCallbackData === id)).toHaveLength(1);
    expect(await db().select().from(messages).where(eq(messages.id, id))).toHaveLength(1);
  });

  it('rejects free text after the window closed, and a conversation outside the author’s scope', async () => {
    const closed = await seeded({ assigneeId: w.org.agent.id });
    await db()
      .update(conversations)
      .set({ windowExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(conversations.id, closed.conversationId));
    const away = await seeded({ assigneeId: agent2.id });
    const a = await client(w.org.agent);
    const ack = applied(
      await a.push(
        a.next('message.send', {
          conversationId: closed.conversationId,
          id: randomUUID(),
          type: 'text',
          text: 'late',
        }),
        a.next('message.send', {
          conversationId: away.conversationId,
          id: randomUUID(),
          type: 'text',
          text: 'not mine',
        }),
        a.next('message.send', {
          conversationId: randomUUID(),
          id: randomUUID(),
          type: 'text',
          text: 'nowhere',
        }),
      ),
    );
    expect(ack.lmid).toBe(3);
    expect(ack.results.map((r) => [r.mid, r.status, r.error?.code])).toEqual([
      [1, 'rejected', 'window_closed'],
      [2, 'rejected', 'forbidden_scope'],
      [3, 'rejected', 'not_found'],
    ]);
    // Recorded: a pull returns them, and nothing was written.
    const page = await pullOnce(w.t.app, w.org.agent, { cursor: 0, clientId: a.s.clientId });
    expect('mutationResults' in page && page.mutationResults.map((r) => r.error?.code)).toEqual([
      'window_closed',
      'forbidden_scope',
      'not_found',
    ]);
    expect('lmid' in page && page.lmid).toBe(3);
    const since = await pullOnce(w.t.app, w.org.agent, { cursor: 0, clientId: a.s.clientId, lmid: 2 });
    expect('mutationResults' in since && since.mutationResults.map((r) => r.mid)).toEqual([3]);
    expect(
      await db()
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, away.conversationId), eq(messages.direction, 'outbound'))),
    ).toEqual([]);
  });
});

describe('conversation mutations', () => {
  it('sets status (snoozed until a time, or until the next message), important and labels, last writer wins', async () => {
    const c = await seeded({ assigneeId: w.org.agent.id });
    const a = await client(w.org.agent);
    const snoozeUntil = new Date(Date.now() + 3600_000).toISOString();
    const ack = applied(
      await a.push(
        a.next('conversation.setStatus', {
          conversationId: c.conversationId,
          status: 'snoozed',
          snoozedUntil: snoozeUntil,
        }),
        a.next('conversation.setImportant', { conversationId: c.conversationId, important: true }),
        a.next('conversation.setLabels', {
          conversationId: c.conversationId,
          labels: ['vip', 'vip', 'billing'],
        }),
        a.next('conversation.setStatus', {
          conversationId: c.conversationId,
          status: 'resolved',
          snoozedUntil: snoozeUntil,
        }),
      ),
    );
    expect(ack.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'rejected']);
    expect(ack.results[3]!.error?.code).toBe('invalid');
    expect(await convRow(c.conversationId)).toMatchObject({
      status: 'snoozed',
      snoozedUntil: new Date(snoozeUntil),
      important: true,
      labels: ['vip', 'billing'],
    });
    const wake = await db()
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, `${c.conversationId}:${snoozeUntil}`));
    expect(wake).toHaveLength(1);
    applied(
      await a.push(
        a.next('conversation.setStatus', {
          conversationId: c.conversationId,
          status: 'snoozed',
          snoozedUntil: null,
        }),
      ),
    );
    expect(await convRow(c.conversationId)).toMatchObject({ status: 'snoozed', snoozedUntil: null });
    // The last put reaches the agent live with the final state.
    await until(() =>
      a.s
        .changes()
        .some(
          (x) =>
            x.e === 'conversation' &&
            x.op === 'put' &&
            x.id === c.conversationId &&
            (x.row as ConversationRow).snoozedUntil === null,
        ),
    );
  });

  it('lets only managers assign; the reassignment revokes and grants live', async () => {
    const c = await seeded({ assigneeId: w.org.agent.id, messages: 2 });
    const a = await client(w.org.agent);
    const b = await connect(agent2);
    const m = await client(w.org.manager);
    const denied = applied(
      await a.push(
        a.next('conversation.assign', { conversationId: c.conversationId, assigneeId: agent2.id }),
      ),
    );
    expect(denied.results[0]).toMatchObject({ status: 'rejected', error: { code: 'forbidden' } });
    applied(
      await m.push(
        m.next('conversation.assign', { conversationId: c.conversationId, assigneeId: agent2.id }),
      ),
    );
    await until(
      () => a.s.changes().some((x) => x.op === 'revoke' && x.id === c.conversationId),
      3_000,
      'revoke',
    );
    await until(() => b.changes().some((x) => x.op === 'grant' && x.id === c.conversationId), 3_000, 'grant');
    const grant = b.changes().find((x) => x.op === 'grant')!;
    expect(grant).toMatchObject({ row: { assigneeId: agent2.id }, scope: ['assignee'] });
    expect('related' in grant && grant.related!.filter((r) => r.e === 'message')).toHaveLength(2);
    expect(a.s.changes().find((x) => x.op === 'revoke')).toMatchObject({ reassignedTo: agent2.id });
    // A's queued reply is refused now (decision 1).
    const late = applied(
      await a.push(
        a.next('message.send', {
          conversationId: c.conversationId,
          id: randomUUID(),
          type: 'text',
          text: 'x',
        }),
      ),
    );
    expect(late.results[0]).toMatchObject({ status: 'rejected', error: { code: 'forbidden_scope' } });
    // Moving it to a team and back to the queue.
    applied(
      await m.push(
        m.next('conversation.assign', {
          conversationId: c.conversationId,
          assigneeId: null,
          teamId: team.id,
        }),
      ),
    );
    expect(await convRow(c.conversationId)).toMatchObject({ assigneeId: null, teamId: team.id });
  });

  it('claims with compare-and-set: of two concurrent claims exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const c = await seeded({ teamId: team.id });
      const [a, b] = [await client(w.org.agent), await client(agent2)];
      const [ra, rb] = await Promise.all([
        a.push(a.next('conversation.claim', { conversationId: c.conversationId })),
        b.push(b.next('conversation.claim', { conversationId: c.conversationId })),
      ]);
      const results = [applied(ra).results[0]!, applied(rb).results[0]!];
      expect(results.map((r) => r.status).sort()).toEqual(['applied', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')!.error!.code).toBe('already_claimed');
      const winner = results[0]!.status === 'applied' ? w.org.agent.id : agent2.id;
      expect((await convRow(c.conversationId)).assigneeId).toBe(winner);
      // The loser learns the winner from the log: the conversation left its scope.
      const loser = winner === w.org.agent.id ? b : a;
      await until(
        () => loser.s.changes().some((x) => x.op === 'revoke' && x.id === c.conversationId),
        3_000,
        'loser revoke',
      );
    }
  });

  it('marks read per user and only forward; reading everything resets the team’s unread count', async () => {
    const { conversationId } = await w.customer('Reader');
    await db()
      .update(conversations)
      .set({ assigneeId: w.org.agent.id })
      .where(eq(conversations.id, conversationId));
    const a = await client(w.org.agent);
    const conv = await convRow(conversationId);
    expect(conv.unreadCount).toBeGreaterThan(0);
    applied(
      await a.push(
        a.next('conversation.markRead', { conversationId, readUpToConvSeq: conv.lastConvSeq + 10 }),
      ),
    );
    applied(await a.push(a.next('conversation.markRead', { conversationId, readUpToConvSeq: 0 })));
    const [mark] = await db()
      .select()
      .from(conversationReads)
      .where(eq(conversationReads.conversationId, conversationId));
    expect(mark!.readUpToConvSeq).toBe(conv.lastConvSeq);
    expect((await convRow(conversationId)).unreadCount).toBe(0);
    const mine = await pullAll(w.t.app, w.org.agent, a.s.clientId);
    const put = mine.changes.find((x) => x.e === 'conversation' && x.id === conversationId && x.op === 'put');
    expect(put && 'row' in put && (put.row as ConversationRow).readUpToConvSeq).toBe(conv.lastConvSeq);
    // Another viewer's marker is their own.
    const theirs = await pullAll(w.t.app, w.org.manager, randomUUID());
    const other = theirs.changes.find(
      (x) => x.e === 'conversation' && x.id === conversationId && x.op === 'put',
    );
    expect(other && 'row' in other && (other.row as ConversationRow).readUpToConvSeq).toBe(0);
    // Meta gets one mark-read of the latest inbound message.
    await w.until(async () => [...w.emu.control.state.inbound.values()].some((m) => m.read));
  });

  it('marks unread for the one user only, idempotently, until they read it again', async () => {
    const { conversationId } = await w.customer('Unreader');
    await db()
      .update(conversations)
      .set({ assigneeId: w.org.agent.id })
      .where(eq(conversations.id, conversationId));
    const a = await client(w.org.agent);
    const conv = await convRow(conversationId);
    applied(
      await a.push(a.next('conversation.markRead', { conversationId, readUpToConvSeq: conv.lastConvSeq })),
    );
    expect((await convRow(conversationId)).unreadCount).toBe(0);
    const rowOf = (changes: ChangeEntry[]) => {
      const put = changes.findLast(
        (x) => x.e === 'conversation' && x.id === conversationId && x.op === 'put',
      );
      return put && 'row' in put ? (put.row as ConversationRow) : undefined;
    };
    const first = applied(await a.push(a.next('conversation.markUnread', { conversationId })));
    expect(first.results[0]).toMatchObject({ status: 'applied' });
    // Again: nothing changes (no new log entry), still applied.
    const again = applied(await a.push(a.next('conversation.markUnread', { conversationId })));
    expect(again.results[0]).toMatchObject({ status: 'applied' });
    const [mark] = await db()
      .select()
      .from(conversationReads)
      .where(eq(conversationReads.conversationId, conversationId));
    expect(mark).toMatchObject({ markedUnread: true, readUpToConvSeq: conv.lastConvSeq });
    // The team's count stays 0; the agent's own row says one unread, the manager's says none.
    expect((await convRow(conversationId)).unreadCount).toBe(0);
    expect(rowOf((await pullAll(w.t.app, w.org.agent, a.s.clientId)).changes)).toMatchObject({
      unreadCount: 1,
      readUpToConvSeq: conv.lastConvSeq,
    });
    expect(rowOf((await pullAll(w.t.app, w.org.manager, randomUUID())).changes)).toMatchObject({
      unreadCount: 0,
    });
    // Live too: the agent's socket got the put of its own projection.
    await until(() =>
      a.s
        .changes()
        .some(
          (x) =>
            x.e === 'conversation' &&
            x.id === conversationId &&
            x.op === 'put' &&
            (x.row as ConversationRow).unreadCount === 1,
        ),
    );
    // Reading it again (even at the same marker) clears the flag.
    applied(
      await a.push(a.next('conversation.markRead', { conversationId, readUpToConvSeq: conv.lastConvSeq })),
    );
    const [after] = await db()
      .select()
      .from(conversationReads)
      .where(eq(conversationReads.conversationId, conversationId));
    expect(after!.markedUnread).toBe(false);
    expect(rowOf((await pullAll(w.t.app, w.org.agent, a.s.clientId)).changes)).toMatchObject({
      unreadCount: 0,
    });
  });
});

describe('notes and contacts', () => {
  it('adds a note idempotently by its id and refuses an id used elsewhere', async () => {
    const c = await seeded({ assigneeId: w.org.agent.id });
    const a = await client(w.org.agent);
    const id = randomUUID();
    const add = a.next('note.add', { conversationId: c.conversationId, id, body: '  called them back  ' });
    const first = applied(await a.push(add));
    await until(() => a.s.changes().some((x) => x.e === 'note' && x.id === id));
    expect(a.s.changes().find((x) => x.e === 'note')).toMatchObject({
      op: 'put',
      row: { body: 'called them back', authorId: w.org.agent.id },
    });
    // The same note again under a new mutation id (a client that lost its ledger): applied, not doubled.
    const again = applied(
      await a.push(a.next('note.add', { conversationId: c.conversationId, id, body: 'called them back' })),
    );
    expect(again.results[0]!.status).toBe('applied');
    expect(await db().select().from(notes).where(eq(notes.id, id))).toHaveLength(1);
    const other = await seeded({ assigneeId: w.org.agent.id });
    const clash = applied(
      await a.push(a.next('note.add', { conversationId: other.conversationId, id, body: 'x' })),
    );
    expect(clash.results[0]).toMatchObject({ status: 'rejected', error: { code: 'invalid' } });
    expect(first.results[0]!.status).toBe('applied');
  });

  it('updates a contact field by field, only for someone who sees one of its conversations', async () => {
    const c = await seeded({ assigneeId: w.org.agent.id });
    const hidden = await seeded({ assigneeId: agent2.id });
    const a = await client(w.org.agent);
    const ack = applied(
      await a.push(
        a.next('contact.update', { contactId: c.contactId, patch: { name: 'Ana Lima', tags: ['vip'] } }),
        a.next('contact.update', { contactId: c.contactId, patch: { optedOut: true } }),
        a.next('contact.update', { contactId: hidden.contactId, patch: { name: 'Nope' } }),
      ),
    );
    expect(ack.results.map((r) => r.error?.code ?? r.status)).toEqual([
      'applied',
      'applied',
      'forbidden_scope',
    ]);
    const [row] = await db().select().from(contacts).where(eq(contacts.id, c.contactId));
    expect(row).toMatchObject({ name: 'Ana Lima', tags: ['vip'], optedOut: true });
    await until(() => a.s.changes().some((x) => x.e === 'contact' && x.id === c.contactId));
  });
});

describe('the ledger', () => {
  it('rejects unknown names and bad args alone, allows gaps, and refuses another client’s mutations', async () => {
    const a = await client(w.org.agent);
    const c = await seeded({ assigneeId: w.org.agent.id });
    const ack = applied(
      await a.s.push([
        mutation(a.s.clientId, 1, 'conversation.teleport', {}),
        mutation(a.s.clientId, 2, 'conversation.setImportant', {
          conversationId: c.conversationId,
          important: 'yes',
        }),
        mutation(a.s.clientId, 7, 'conversation.setImportant', {
          conversationId: c.conversationId,
          important: true,
        }),
      ]),
    );
    expect(ack.lmid).toBe(7);
    expect(ack.results.map((r) => [r.mid, r.status, r.error?.code])).toEqual([
      [1, 'rejected', 'unsupported'],
      [2, 'rejected', 'invalid'],
      [7, 'applied', undefined],
    ]);
    // An older id after a newer one is a replay, not a new mutation.
    const old = applied(
      await a.s.push([
        mutation(a.s.clientId, 5, 'conversation.setImportant', {
          conversationId: c.conversationId,
          important: false,
        }),
      ]),
    );
    expect(old.results[0]).toMatchObject({ mid: 5, status: 'applied', seq: 0 });
    expect((await convRow(c.conversationId)).important).toBe(true);
    const wrong = await a.s.push([
      mutation(randomUUID(), 8, 'conversation.setImportant', {
        conversationId: c.conversationId,
        important: false,
      }),
    ]);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_client', retryable: false } });
  });

  it('rejects U+0000 and lone surrogates in note.add, setLabels, contact.update and message.send as invalid, naming the field, writing nothing', async () => {
    const a = await client(w.org.agent);
    const c = await seeded({ assigneeId: w.org.agent.id });
    const noteId = randomUUID();
    const probes: Array<[string, unknown, string]> = [
      ['note.add', { conversationId: c.conversationId, id: noteId, body: 'a\u0000b' }, 'body'],
      ['note.add', { conversationId: c.conversationId, id: noteId, body: 'a\ud800b' }, 'body'],
      [
        'conversation.setLabels',
        { conversationId: c.conversationId, labels: ['ok', 'v\u0000ip'] },
        'labels.1',
      ],
      ['contact.update', { contactId: c.contactId, patch: { name: 'A\u0000' } }, 'patch.name'],
      ['contact.update', { contactId: c.contactId, patch: { tags: ['\udc00x'] } }, 'patch.tags.0'],
      [
        'contact.update',
        { contactId: c.contactId, patch: { customAttributes: { plan: 'g\u0000' } } },
        'patch.customAttributes.plan',
      ],
      [
        'message.send',
        { conversationId: c.conversationId, id: randomUUID(), type: 'text', text: 'hi\u0000' },
        'text',
      ],
    ];
    const before = (await convRow(c.conversationId)).labels;
    const ack = applied(await a.push(...probes.map(([name, args]) => a.next(name, args))));
    expect(ack.results.map((r) => [r.status, r.error?.code])).toEqual(
      probes.map(() => ['rejected', 'invalid']),
    );
    ack.results.forEach((r, i) =>
      expect(r.error!.message.startsWith(`${probes[i]![2]}: `), r.error!.message).toBe(true),
    );
    expect(await db().select().from(notes).where(eq(notes.id, noteId))).toEqual([]);
    expect((await convRow(c.conversationId)).labels).toEqual(before);
    const [contact] = await db().select().from(contacts).where(eq(contacts.id, c.contactId));
    expect(JSON.stringify(contact)).not.toMatch(/\\u0000/);
  });

  it('acks a batch with the newest applied seq; the client confirms once its cursor reaches it', async () => {
    const c = await seeded({ assigneeId: w.org.agent.id });
    const a = await client(w.org.agent);
    const ack = applied(
      await a.push(
        a.next('conversation.setImportant', { conversationId: c.conversationId, important: true }),
        a.next('conversation.setLabels', { conversationId: c.conversationId, labels: ['x'] }),
      ),
    );
    expect(ack.seq).toBe(Math.max(...ack.results.map((r) => r.seq)));
    await until(() => a.s.packets.some((p) => p.seq >= ack.seq && p.lmid?.[a.s.clientId] === 2));
  });
});
