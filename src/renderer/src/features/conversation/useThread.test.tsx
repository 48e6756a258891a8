import { useLayoutEffect } from 'react';
import { describe, expect, it } from 'vitest';
import type { ThreadMessage } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import { conversationFake, ids, makeMessage, threadPage } from '../../test-utils/conversation-fixtures';
import { render, screen, waitFor } from '../../test-utils/render';
import { noteChange, useThread, type Owed, type ThreadState } from './useThread';

/**
 * What the probe saw last, written in the commit that put it on screen: a passive effect runs
 * later, so a test that waited for the text could read the state before it (CI did: `before` was
 * the empty first state on a loaded machine).
 */
const sink: { current?: ThreadState } = {};

function Probe() {
  const state = useThread(ids.conversation);
  useLayoutEffect(() => {
    sink.current = state;
  });
  return <output aria-label="texts">{state.messages.map((m) => m.text).join('|')}</output>;
}

const texts = () => screen.getByRole('status', { name: 'texts' });
const seq = (n: number, over: Partial<ThreadMessage> = {}) =>
  makeMessage({
    id: `0190a1b2-0000-7000-8000-${String(5000 + n).padStart(12, '0')}`,
    convSeq: n,
    text: `m${n}`,
    ...over,
  });

/** A thread of messages 1..n, as the fake replica answers `messages:list` (and so `messages:range`). */
function setup(n: number) {
  let rows = Array.from({ length: n }, (_, i) => seq(i + 1));
  const parley = conversationFake();
  parley['messages:list'].mockImplementation(async () => ok(threadPage(rows)));
  const set = (next: ThreadMessage[]) => (rows = next);
  render(<Probe />, { parley });
  return { parley, set, get: () => rows };
}

describe('useThread', () => {
  it('patches a new message in by its range: one small read, every other message object kept', async () => {
    const { parley, set, get } = setup(3);
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2|m3'));
    const before = sink.current!.messages;
    const lists = parley['messages:list'].mock.calls.length;

    set([...get(), seq(4)]);
    parley.emit('replica:changed', {
      tables: ['conversations', 'messages'],
      conversationIds: [ids.conversation],
      messageSpans: [{ conversationId: ids.conversation, fromConvSeq: 4, toConvSeq: 4 }],
    });
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2|m3|m4'));
    expect(parley['messages:range']).toHaveBeenLastCalledWith({
      conversationId: ids.conversation,
      fromConvSeq: 4,
      toConvSeq: 4,
    });
    // The fake derives the range from messages:list once; the thread itself read no page again.
    expect(parley['messages:list'].mock.calls.slice(lists).filter(([i]) => 'beforeConvSeq' in i)).toEqual([]);
    expect(parley['notes:list']).toHaveBeenCalledTimes(1);
    const after = sink.current!.messages;
    expect(after.slice(0, 3)).toEqual(before);
    after.slice(0, 3).forEach((m, i) => expect(m).toBe(before[i]));
  });

  it('patches a status change and a deletion inside the range, and ignores other conversations', async () => {
    const { parley, set } = setup(4);
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2|m3|m4'));
    set([seq(1), seq(2, { status: 'read', text: 'm2 read' }), seq(4)]);
    parley.emit('replica:changed', {
      tables: ['messages'],
      conversationIds: ['0190a1b2-0000-7000-8000-00000000ffff'],
      messageSpans: [
        { conversationId: '0190a1b2-0000-7000-8000-00000000ffff', fromConvSeq: 1, toConvSeq: 9 },
      ],
    });
    parley.emit('replica:changed', {
      tables: ['messages', 'reactions'],
      conversationIds: [ids.conversation],
      messageSpans: [{ conversationId: ids.conversation, fromConvSeq: 2, toConvSeq: 3 }],
    });
    await waitFor(() => expect(texts()).toHaveTextContent(/^m1\|m2 read\|m4$/));
  });

  it('refreshes the pending tail alone when only pending writes changed', async () => {
    const { parley, set, get } = setup(2);
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2'));
    const queued = makeMessage({
      convSeq: 0,
      text: 'on its way',
      direction: 'outbound',
      pending: { state: 'queued', mutationId: 7, error: null },
    });
    set([...get(), queued]);
    parley.emit('replica:changed', {
      tables: ['outbox', 'pending_messages'],
      conversationIds: [ids.conversation],
    });
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2|on its way'));
    expect(parley['messages:range']).toHaveBeenLastCalledWith({ conversationId: ids.conversation });
  });

  it('re-reads the thread when a change names no range for it, or a reaction of ours is queued', async () => {
    const { parley, set, get } = setup(2);
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2'));
    // The thread's own page reads pass `beforeConvSeq` (the fake's range derivation does not).
    const pageReadsSince = (n: number) =>
      parley['messages:list'].mock.calls.slice(n).filter(([i]) => 'beforeConvSeq' in i).length;

    let mark = parley['messages:list'].mock.calls.length;
    set([...get(), seq(3)]);
    parley.emit('replica:changed', { tables: ['messages'], conversationIds: [ids.conversation] });
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2|m3'));
    expect(pageReadsSince(mark)).toBeGreaterThan(0);

    mark = parley['messages:list'].mock.calls.length;
    parley['messages:range'].mockResolvedValueOnce(ok({ items: [], pending: [], pendingReaction: true }));
    set([...get(), seq(4)]);
    parley.emit('replica:changed', {
      tables: ['pending_messages', 'outbox'],
      conversationIds: [ids.conversation],
    });
    await waitFor(() => expect(texts()).toHaveTextContent('m1|m2|m3|m4'));
    expect(pageReadsSince(mark)).toBeGreaterThan(0);
  });
});

describe('noteChange', () => {
  const fresh = (): Owed => ({ full: false, span: null, pending: false, notes: false });
  const C = ids.conversation;

  it('widens the range over several events and says what else is owed', () => {
    const owed = fresh();
    expect(
      noteChange(
        owed,
        {
          tables: ['messages'],
          conversationIds: [C],
          messageSpans: [{ conversationId: C, fromConvSeq: 5, toConvSeq: 6 }],
        },
        C,
      ),
    ).toBe(true);
    noteChange(
      owed,
      {
        tables: ['reactions', 'pending_messages'],
        conversationIds: [C],
        messageSpans: [{ conversationId: C, fromConvSeq: 2, toConvSeq: 2 }],
      },
      C,
    );
    expect(owed).toEqual({ full: false, span: { from: 2, to: 6 }, pending: true, notes: true });
  });

  it('ignores what does not touch the thread, and re-reads what names every conversation', () => {
    const owed = fresh();
    expect(
      noteChange(owed, { tables: ['conversations', 'contacts', 'drafts'], conversationIds: [C] }, C),
    ).toBe(false);
    expect(noteChange(owed, { tables: ['outbox', 'pending_patches'], conversationIds: [C] }, C)).toBe(false);
    expect(noteChange(owed, { tables: ['messages'], conversationIds: ['x'] }, C)).toBe(false);
    expect(owed).toEqual(fresh());
    expect(noteChange(owed, { tables: ['messages', 'conversations'] }, C)).toBe(true);
    expect(owed.full).toBe(true);
  });
});
