import { useLayoutEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { conversationId, installFakeInbox, makeInboxConversations } from '../test-utils/inbox-fixtures';
import { createFakeParley, render, screen, signedInSession, waitFor } from '../test-utils/render';
import { useConversations, type ConversationQuery, type ConversationsState } from './useConversations';

/**
 * What the probe saw last, written in the commit itself (a layout effect): a passive effect may
 * run after `waitFor` has already seen the new count on a loaded machine.
 */
const sink: { current?: ConversationsState } = {};

function Probe({ query }: { query: ConversationQuery }) {
  const state = useConversations(query);
  useLayoutEffect(() => {
    sink.current = state;
  });
  return <output aria-label="count">{state.items.length}</output>;
}

const count = () => screen.getByRole('status', { name: 'count' });

function setup(n: number, query: ConversationQuery = { view: 'all', tab: 'open' }) {
  const parley = createFakeParley({ session: signedInSession });
  const inbox = installFakeInbox(parley, makeInboxConversations(n));
  const result = render(<Probe query={query} />, { parley });
  return { ...result, parley, inbox };
}

describe('useConversations', () => {
  it('reads the first keyset page, then the next one on loadMore', async () => {
    const { parley } = setup(120);
    await waitFor(() => expect(count()).toHaveTextContent('50'));
    expect(sink.current!.hasMore).toBe(true);
    expect(parley['conversations:list']).toHaveBeenLastCalledWith({ view: 'all', tab: 'open', limit: 50 });
    sink.current!.loadMore();
    await waitFor(() => expect(count()).toHaveTextContent('100'));
    expect(parley['conversations:list']).toHaveBeenLastCalledWith({
      view: 'all',
      tab: 'open',
      limit: 50,
      cursor: '50',
    });
    sink.current!.loadMore();
    await waitFor(() => expect(count()).toHaveTextContent('120'));
    expect(sink.current!.hasMore).toBe(false);
  });

  it('passes view, team, filters and search to the core', async () => {
    const { parley } = setup(10, {
      view: 'team',
      teamId: '0190b000-0000-7000-8000-0000000050b0',
      tab: 'pending',
      unread: true,
      important: true,
      label: 'vip',
      q: ' maria ',
    });
    await waitFor(() => expect(parley['conversations:list']).toHaveBeenCalled());
    expect(parley['conversations:list']).toHaveBeenCalledWith({
      view: 'team',
      teamId: '0190b000-0000-7000-8000-0000000050b0',
      tab: 'pending',
      unread: true,
      important: true,
      label: 'vip',
      q: 'maria',
      limit: 50,
    });
  });

  it('re-reads every loaded row on replica:changed, and ignores unrelated tables', async () => {
    const { parley, inbox } = setup(120);
    await waitFor(() => expect(count()).toHaveTextContent('50'));
    sink.current!.loadMore();
    await waitFor(() => expect(count()).toHaveTextContent('100'));
    parley['conversations:list'].mockClear();

    parley.emit('replica:changed', { tables: ['drafts'], conversationIds: [conversationId(1)] });
    await new Promise((r) => setTimeout(r, 20));
    expect(parley['conversations:list']).not.toHaveBeenCalled();

    const rows = inbox.rows.map((c, i) => (i === 0 ? { ...c, status: 'resolved' as const } : c));
    inbox.update(rows, [conversationId(0)]);
    await waitFor(() => expect(sink.current!.items[0]!.id).toBe(conversationId(1)));
    // One keyset read for everything loaded (100 rows, within one page of 200), not a page per row.
    expect(parley['conversations:list']).toHaveBeenCalledTimes(1);
    expect(parley['conversations:list']).toHaveBeenCalledWith({ view: 'all', tab: 'open', limit: 100 });
    expect(sink.current!.items).toHaveLength(100);
  });

  it('collapses a burst of changes into at most two reads', async () => {
    const { parley } = setup(10);
    await waitFor(() => expect(count()).toHaveTextContent('10'));
    parley['conversations:list'].mockClear();
    for (let i = 0; i < 20; i++) parley.emit('replica:changed', { tables: ['conversations'] });
    await waitFor(() => expect(parley['conversations:list']).toHaveBeenCalledTimes(2));
    await new Promise((r) => setTimeout(r, 20));
    expect(parley['conversations:list']).toHaveBeenCalledTimes(2);
  });

  it('drops a revoked conversation at once', async () => {
    const { parley } = setup(5);
    await waitFor(() => expect(count()).toHaveTextContent('5'));
    parley['conversations:list'].mockClear();
    parley.emit('conversation:revoked', {
      conversationId: conversationId(2),
      reason: 'reassigned',
      reassignedTo: null,
      reassignedToName: 'Sam Agent',
      pendingCount: 0,
    });
    await waitFor(() => expect(count()).toHaveTextContent('4'));
    expect(sink.current!.items.map((c) => c.id)).not.toContain(conversationId(2));
    expect(parley['conversations:list']).not.toHaveBeenCalled();
  });

  it('says why when the replica cannot be read', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['conversations:list'].mockResolvedValue({
      ok: false,
      error: { code: 'internal', message: 'Disk full.' },
    });
    render(<Probe query={{ view: 'mine', tab: 'open' }} />, { parley });
    await waitFor(() => expect(sink.current!.error?.message).toBe('Disk full.'));
    expect(sink.current!.isLoading).toBe(false);
  });
});
