import { describe, expect, it } from 'vitest';
import { ids, makeMessage, makeNote } from '../../../test-utils/conversation-fixtures';
import { buildThreadRows } from './thread-rows';

const now = new Date(2026, 2, 3, 12, 0).getTime();
const at = (day: number, hour: number) => new Date(2026, 2, day, hour, 0).toISOString();

describe('buildThreadRows', () => {
  it('puts day separators between days and notes in time order', () => {
    const rows = buildThreadRows({
      messages: [
        makeMessage({ id: 'a', convSeq: 1, createdAt: at(2, 9) }),
        makeMessage({ id: 'b', convSeq: 2, createdAt: at(3, 9) }),
      ],
      notes: [makeNote({ id: 'n', createdAt: at(2, 10) })],
      readUpToConvSeq: null,
      myUserId: ids.agent,
      now,
    });
    expect(
      rows.map((r) => (r.kind === 'day' ? `day:${r.label}` : r.kind === 'note' ? 'note' : r.key)),
    ).toEqual(['history', 'day:Yesterday', 'a', 'note', 'day:Today', 'b']);
  });

  it('places the unread marker above the first unread customer message, with the count', () => {
    const rows = buildThreadRows({
      messages: [
        makeMessage({ id: 'a', convSeq: 1, createdAt: at(3, 9) }),
        makeMessage({ id: 'b', convSeq: 2, direction: 'outbound', createdAt: at(3, 9) }),
        makeMessage({ id: 'c', convSeq: 3, createdAt: at(3, 10) }),
        makeMessage({ id: 'd', convSeq: 4, createdAt: at(3, 11) }),
      ],
      notes: [],
      readUpToConvSeq: 2,
      myUserId: ids.agent,
      now,
    });
    const keys = rows.map((r) => r.key);
    expect(keys.indexOf('unread')).toBe(keys.indexOf('c') - 1);
    expect(rows.find((r) => r.kind === 'unread')).toMatchObject({ count: 2 });
  });

  it('has no unread marker when everything is read', () => {
    const rows = buildThreadRows({
      messages: [makeMessage({ convSeq: 1 })],
      notes: [],
      readUpToConvSeq: 1,
      myUserId: ids.agent,
    });
    expect(rows.some((r) => r.kind === 'unread')).toBe(false);
  });

  it('folds reaction messages onto their target, queued ones included', () => {
    const rows = buildThreadRows({
      messages: [
        makeMessage({ id: 't', convSeq: 1, reactions: [{ emoji: '👍', by: 'customer', at: at(3, 9) }] }),
        makeMessage({
          id: 'r1',
          convSeq: 2,
          type: 'reaction',
          text: null,
          reaction: { messageId: 't', emoji: '👍' },
        }),
        makeMessage({
          id: 'r2',
          convSeq: 0,
          direction: 'outbound',
          type: 'reaction',
          text: null,
          status: 'queued',
          reaction: { messageId: 't', emoji: '❤️' },
          pending: { state: 'queued', mutationId: 4, error: null },
        }),
        makeMessage({
          id: 'orphan',
          convSeq: 3,
          type: 'reaction',
          text: null,
          reaction: { messageId: 'gone', emoji: '😮' },
        }),
      ],
      notes: [],
      readUpToConvSeq: null,
      myUserId: ids.agent,
    });
    const messages = rows.filter((r) => r.kind === 'message');
    expect(messages.map((r) => r.key)).toEqual(['t', 'orphan']);
    expect(messages[0]).toMatchObject({
      reactions: [
        { emoji: '👍', by: 'customer' },
        { emoji: '❤️', by: ids.agent },
      ],
    });
  });
});
