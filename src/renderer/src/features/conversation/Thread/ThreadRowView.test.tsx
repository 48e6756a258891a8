import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ids, makeMessage } from '../../../test-utils/conversation-fixtures';
import { render } from '../../../test-utils/render';
import { inThread, makeThreadContext } from '../../../test-utils/thread-context';
import { sameRow, sameValue } from './same-row';
import { buildThreadRows, type ThreadRow } from './thread-rows';
import { ThreadRowView } from './ThreadRowView';
import type * as BubbleModule from '../MessageBubble/MessageBubble';

// Issue 15: a new message must not re-render the bubbles that did not change (the thread is
// re-read over the bridge on every replica change, so every message is a new object).

const renders = vi.hoisted(() => new Map<string, number>());
vi.mock('../MessageBubble/MessageBubble', async (importOriginal) => {
  const real = await importOriginal<typeof BubbleModule>();
  return {
    MessageBubble: (props: Parameters<typeof real.MessageBubble>[0]) => {
      renders.set(props.message.id, (renders.get(props.message.id) ?? 0) + 1);
      return real.MessageBubble(props);
    },
  };
});

const history = { hasOlder: false, isLoadingOlder: false, historyError: null };
const rowsOf = (messages: ReturnType<typeof makeMessage>[]) =>
  buildThreadRows({ messages, notes: [], readUpToConvSeq: null, myUserId: ids.agent });

/** The thread's rows as Thread renders them (keyed), each a fresh copy like a bridge read. */
const view = (rows: ThreadRow[], context: ReturnType<typeof makeThreadContext>) =>
  inThread(
    <div>
      {structuredClone(rows).map((row) => (
        <ThreadRowView
          key={row.key}
          row={row}
          history={{ ...history }}
          onLoadOlder={() => undefined}
          onRetryNote={() => undefined}
        />
      ))}
    </div>,
    context,
  );

describe('ThreadRowView', () => {
  it('renders only the new and the changed bubbles when the thread is read again', () => {
    renders.clear();
    const createdAt = new Date(2026, 2, 3, 9).toISOString();
    const a = makeMessage({ id: 'a', convSeq: 1, text: 'First', createdAt });
    const b = makeMessage({ id: 'b', convSeq: 2, text: 'Second', createdAt });
    const context = makeThreadContext([a, b]);
    const { rerender } = render(view(rowsOf([a, b]), context));
    expect(Object.fromEntries(renders)).toEqual({ a: 1, b: 1 });

    const c = makeMessage({ id: 'c', convSeq: 3, text: 'Third', createdAt });
    rerender(view(rowsOf([a, b, c]), context));
    expect(Object.fromEntries(renders)).toEqual({ a: 1, b: 1, c: 1 });
    expect(screen.getByText('Third')).toBeInTheDocument();

    const edited = { ...b, text: 'Second, edited' };
    rerender(view(rowsOf([a, edited, c]), context));
    expect(Object.fromEntries(renders)).toEqual({ a: 1, b: 2, c: 1 });
    expect(screen.getByText('Second, edited')).toBeInTheDocument();
  });
});

describe('sameRow', () => {
  it('compares messages by value, and always renders a quoting message again', () => {
    const m = makeMessage({ id: 'a', text: 'Hi' });
    const row = (x: typeof m): ThreadRow => ({ kind: 'message', key: x.id, message: x, reactions: [] });
    expect(sameRow(row(m), row(structuredClone(m)))).toBe(true);
    expect(sameRow(row(m), row({ ...m, status: 'read' }))).toBe(m.status === 'read');
    expect(sameRow(row(m), row({ ...m, text: 'Hi!' }))).toBe(false);
    const quoting = { ...m, replyToMessageId: 'b' };
    expect(sameRow(row(quoting), row(structuredClone(quoting)))).toBe(false);
    expect(
      sameRow({ kind: 'unread', key: 'unread', count: 1 }, { kind: 'unread', key: 'unread', count: 2 }),
    ).toBe(false);
  });

  it('sameValue tells arrays, objects, nulls and missing keys apart', () => {
    expect(sameValue({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameValue({ a: undefined }, { b: undefined })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
