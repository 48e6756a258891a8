import { describe, expect, it } from 'vitest';
import {
  BootstrapLine,
  ChangeEntry,
  HandshakeAuth,
  LivePacket,
  Mutation,
  PullResponse,
  PushAck,
  PushFrame,
  RawMutation,
  clientToServer,
  mutationArgs,
  serverToClient,
  type ConversationRow,
} from './protocol';

const U = (n: number) => `0190a4b2-0000-7000-8000-${String(n).padStart(12, '0')}`;

const conversation: ConversationRow = {
  id: U(1),
  status: 'open',
  snoozedUntil: null,
  waitingSince: null,
  contact: { id: U(2), name: 'Ana', phone: '+14155550123', waId: '14155550123' },
  whatsappAccountId: U(3),
  assigneeId: null,
  teamId: U(4),
  important: false,
  labels: [],
  unreadCount: 1,
  lastMessageAt: '2026-01-01T10:00:00.000Z',
  lastMessage: null,
  windowExpiresAt: null,
  createdAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  readUpToConvSeq: 0,
  lastConvSeq: 1,
};

describe('sync protocol schemas', () => {
  it('parse every change entry shape and refuse a put without its row', () => {
    const entries = [
      { e: 'conversation', id: U(1), v: 10, op: 'put', row: conversation, scope: ['team:' + U(4)] },
      { e: 'message', id: U(5), v: 11, op: 'del' },
      { e: 'conversation', id: U(1), v: 12, op: 'revoke', reassignedTo: U(6) },
      {
        e: 'conversation',
        id: U(1),
        v: 13,
        op: 'grant',
        row: conversation,
        rowVersion: 12,
        scope: ['assignee'],
        related: [],
      },
      { e: 'group', id: U(4), v: 14, op: 'group_leave', group: `team:${U(4)}` },
    ];
    for (const e of entries) expect(ChangeEntry.safeParse(e).success, JSON.stringify(e)).toBe(true);
    expect(ChangeEntry.safeParse({ e: 'conversation', id: U(1), v: 10, op: 'put' }).success).toBe(false);
    expect(
      ChangeEntry.safeParse({ e: 'conversation', id: U(1), v: 10, op: 'put', row: conversation }).success,
    ).toBe(
      false, // a conversation put must say why it is visible
    );
    expect(ChangeEntry.safeParse({ e: 'conversation', id: U(1), v: -1, op: 'del' }).success).toBe(false);
  });

  it('keeps mutation validation per name, and lets one unknown mutation travel in a frame', () => {
    const envelope = { clientId: U(9), mutationId: 1, createdAt: '2026-01-01T00:00:00Z', mutatorVersion: 1 };
    const send = {
      ...envelope,
      name: 'message.send',
      args: { conversationId: U(1), id: U(7), type: 'text', text: 'hi' },
    };
    expect(Mutation.safeParse(send).success).toBe(true);
    // message.send requires the client-generated id.
    expect(
      Mutation.safeParse({ ...send, args: { conversationId: U(1), type: 'text', text: 'hi' } }).success,
    ).toBe(false);
    const unknown = { ...envelope, mutationId: 2, name: 'conversation.teleport', args: { x: 1 } };
    expect(Mutation.safeParse(unknown).success).toBe(false);
    expect(RawMutation.safeParse(unknown).success).toBe(true);
    expect(PushFrame.safeParse({ mutations: [send, unknown] }).success).toBe(true);
    expect(PushFrame.safeParse({ mutations: [] }).success).toBe(false);
    expect(PushFrame.safeParse({ mutations: Array.from({ length: 101 }, () => send) }).success).toBe(false);
    expect(Object.keys(mutationArgs)).toHaveLength(13);
    // A canned response created offline carries its id; its body is checked like REST's.
    const canned = { id: U(2), shortcut: ' Thanks ', title: 'Thanks', body: 'Thank you' };
    expect(mutationArgs['canned.create'].parse(canned)).toMatchObject({
      scope: 'personal',
      shortcut: 'thanks',
    });
    expect(mutationArgs['canned.create'].safeParse({ ...canned, id: undefined }).success).toBe(false);
    expect(mutationArgs['canned.create'].safeParse({ ...canned, extra: 1 }).success).toBe(false);
    expect(mutationArgs['canned.update'].safeParse({ id: U(2), patch: {} }).success).toBe(false);
    expect(
      mutationArgs['conversation.markRead'].safeParse({ conversationId: U(1), readUpToConvSeq: 3 }).success,
    ).toBe(true);
    expect(mutationArgs['conversation.markUnread'].safeParse({ conversationId: U(1) }).success).toBe(true);
    expect(mutationArgs['conversation.markUnread'].safeParse({ conversationId: 'nope' }).success).toBe(false);
  });

  it('parse pull pages, the rebootstrap answer, push acks, bootstrap lines and live packets', () => {
    expect(
      PullResponse.parse({
        changes: [],
        nextCursor: 5,
        hasMore: false,
        tenantSeq: 5,
        lmid: 2,
        mutationResults: [
          { mid: 2, status: 'rejected', seq: 5, error: { code: 'window_closed', message: 'x' } },
        ],
      }),
    ).toMatchObject({ nextCursor: 5 });
    expect(PullResponse.parse({ mustRebootstrap: true, floorSeq: 9, tenantSeq: 20 })).toEqual({
      mustRebootstrap: true,
      floorSeq: 9,
      tenantSeq: 20,
    });
    expect(PushAck.parse({ ok: true, lmid: 3, seq: 40, results: [] }).ok).toBe(true);
    expect(
      PushAck.parse({ ok: false, error: { code: 'unavailable', message: 'db down', retryable: true } }).ok,
    ).toBe(false);
    expect(BootstrapLine.parse({ floor: { conversationId: U(1), convSeq: 3 } })).toEqual({
      floor: { conversationId: U(1), convSeq: 3 },
    });
    expect(BootstrapLine.parse({ snapshotSeq: 7, counts: { conversation: 1 } })).toEqual({
      snapshotSeq: 7,
      counts: { conversation: 1 },
    });
    expect(
      LivePacket.safeParse({ prev: null, seq: 3, changes: [], tenantSeq: 3, lmid: { [U(9)]: 2 } }).success,
    ).toBe(true);
    expect(
      HandshakeAuth.safeParse({
        token: 't',
        organizationId: U(1),
        replicaId: 'r',
        clientId: U(2),
        protocol: 1,
        schema: 1,
        cursor: 0,
        lastMutationId: 0,
      }).success,
    ).toBe(true);
  });

  it('name the socket events of both ends', () => {
    expect(Object.keys(serverToClient).sort()).toEqual([
      'presence:typing',
      'presence:viewing',
      'sync:changes',
      'sync:hello',
      'sync:tick',
      'sync:update_required',
    ]);
    expect(Object.keys(clientToServer).sort()).toEqual([
      'presence:typing',
      'presence:viewing',
      'sync:auth',
      'sync:push',
      'sync:report',
    ]);
  });
});
