import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '#contract/ipc/contract';
import { err, ok } from '#contract/result';
import { makeConversation } from '../../../test-utils/conversation-fixtures';
import { conversationId } from '../../../test-utils/inbox-fixtures';
import type { BulkWrite } from './bulk-actions';
import { createBulkRun, progressSentence, type BulkProgress, type BulkTarget } from './bulk-runner';

const target = (i: number, over: Parameters<typeof makeConversation>[0] = {}): BulkTarget => ({
  conversation: makeConversation({ id: conversationId(i), ...over }),
  name: `Customer ${i}`,
});

const outboxItem = (mutationId: number, state: OutboxItem['state'], error?: string): OutboxItem => ({
  mutationId,
  name: 'conversation.setStatus',
  state,
  conversationId: null,
  summary: '',
  text: null,
  error: error ? { code: 'forbidden', message: error } : null,
  createdAt: new Date().toISOString(),
  canRetry: state === 'failed',
  canDiscard: state !== 'sending',
});

/** A fake app: each write gets the next mutation id; the outbox is whatever the test says. */
function fakeDeps(refuseLocally: Set<string> = new Set()) {
  const writes: BulkWrite[] = [];
  let outbox: OutboxItem[] = [];
  let next = 1;
  return {
    writes,
    setOutbox: (o: OutboxItem[]) => (outbox = o),
    deps: {
      write: async (w: BulkWrite) => {
        writes.push(w);
        if (refuseLocally.has(w.input.conversationId))
          return err({
            code: 'not_found' as const,
            message: 'This conversation is no longer on this device.',
          });
        const mutationId = next++;
        outbox = [...outbox, outboxItem(mutationId, 'queued')];
        return ok({ mutationId });
      },
      listOutbox: async () => ok(outbox),
    },
  };
}

describe('bulk runner', () => {
  it('queues ONE write per conversation, skips those already that way, and reports progress', async () => {
    const f = fakeDeps();
    const seen: BulkProgress[] = [];
    const targets = [target(1), target(2, { status: 'resolved' }), target(3)];
    const run = createBulkRun({ kind: 'status', status: 'resolved' }, targets, f.deps, (p) => seen.push(p));
    await run.start();
    expect(f.writes.map((w) => [w.channel, w.input.conversationId])).toEqual([
      ['conversation:setStatus', conversationId(1)],
      ['conversation:setStatus', conversationId(3)],
    ]);
    // Offline (nothing confirmed yet): the two writes wait; the already-resolved one is done.
    expect(run.progress()).toMatchObject({ total: 3, done: 1, pending: 2, finished: false });
    expect(progressSentence(run.progress())).toBe('Updating 3 conversations… 1 done');

    // The server confirms #1 (gone from the outbox) and accepts #2 (syncing).
    f.setOutbox([outboxItem(2, 'syncing')]);
    await run.refresh();
    expect(run.progress()).toMatchObject({ done: 3, pending: 0, finished: true, failed: [] });
    expect(progressSentence(run.progress())).toBe('Updated 3 conversations');
    expect(seen.length).toBeGreaterThan(3);
  });

  it('lists each refused conversation with the reason, local or from the server', async () => {
    const f = fakeDeps(new Set([conversationId(2)]));
    const run = createBulkRun(
      { kind: 'assign', assigneeId: conversationId(99), label: 'Assign to Ana' },
      [target(1), target(2), target(3)],
      f.deps,
      () => {},
    );
    await run.start();
    f.setOutbox([outboxItem(2, 'failed', 'You may not assign conversations of this team.')]);
    await run.refresh();
    const p = run.progress();
    expect(p.finished).toBe(true);
    expect(p.failed.map((i) => [i.name, i.error])).toEqual([
      ['Customer 2', 'This conversation is no longer on this device.'],
      ['Customer 3', 'You may not assign conversations of this team.'],
    ]);
    expect(progressSentence(p)).toBe('Updated 1 of 3 conversations; 2 refused');
  });

  it('computes the whole label set per conversation for add and remove', async () => {
    const f = fakeDeps();
    const targets = [target(1, { labels: ['vip'] }), target(2, { labels: ['vip', 'billing'] })];
    await createBulkRun({ kind: 'addLabel', label: 'billing' }, targets, f.deps, () => {}).start();
    expect(f.writes.map((w) => w.input)).toEqual([
      { conversationId: conversationId(1), labels: ['vip', 'billing'] },
    ]);
    f.writes.length = 0;
    await createBulkRun({ kind: 'removeLabel', label: 'vip' }, targets, f.deps, () => {}).start();
    expect(f.writes.map((w) => w.input)).toEqual([
      { conversationId: conversationId(1), labels: [] },
      { conversationId: conversationId(2), labels: ['billing'] },
    ]);
  });

  it('marks read up to the newest message and unread only what is read', async () => {
    const f = fakeDeps();
    const targets = [
      target(1, { unreadCount: 2, lastConvSeq: 9, readUpToConvSeq: 7 }),
      target(2, { unreadCount: 0, lastConvSeq: 4, readUpToConvSeq: 4 }),
    ];
    await createBulkRun({ kind: 'markRead' }, targets, f.deps, () => {}).start();
    expect(f.writes).toEqual([
      { channel: 'conversation:markRead', input: { conversationId: conversationId(1), readUpToConvSeq: 9 } },
    ]);
    f.writes.length = 0;
    await createBulkRun({ kind: 'markUnread' }, targets, f.deps, () => {}).start();
    expect(f.writes).toEqual([
      { channel: 'conversation:markUnread', input: { conversationId: conversationId(2) } },
    ]);
  });

  it('keeps waiting when the outbox cannot be read', async () => {
    const f = fakeDeps();
    const run = createBulkRun(
      { kind: 'markUnread' },
      [target(1)],
      {
        ...f.deps,
        listOutbox: async () => err({ code: 'internal' as const, message: 'x' }),
      },
      () => {},
    );
    await run.start();
    expect(run.progress()).toMatchObject({ done: 0, pending: 1, finished: false });
  });
});
