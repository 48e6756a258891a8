import { useEffect, useState } from 'react';
import type { InboxCounts, InboxView } from '#contract/ipc/contract';
import { coalesce } from './coalesce';
import { useParleyClient } from './ParleyProvider';

/** A view as the counts address it. */
export interface ViewRef {
  view: InboxView;
  /** With view `team`. */
  teamId?: string;
}

/** `mine`, `unassigned`, `all` or `team:<id>`: the key of a view in the counts map. */
export function viewKey(v: ViewRef): string {
  return v.view === 'team' ? `team:${v.teamId ?? ''}` : v.view;
}

/** Tables whose changes move the counts (the core maintains them incrementally). */
const COUNT_TABLES = ['conversations', 'pending_patches'];

/**
 * The tab counts of several views (`conversations:counts`, read from the core's incrementally
 * maintained counters, never counted here), keyed by {@link viewKey}, re-read when
 * `replica:changed` touches conversations. Views without an answer yet are absent.
 */
export function useInboxCounts(views: readonly ViewRef[]): Record<string, InboxCounts> {
  const client = useParleyClient();
  const [counts, setCounts] = useState<Record<string, InboxCounts>>({});
  const keys = JSON.stringify(views.map((v) => [v.view, v.teamId ?? null]));

  useEffect(() => {
    const list = (JSON.parse(keys) as [InboxView, string | null][]).map(([view, teamId]) => ({
      view,
      ...(teamId ? { teamId } : {}),
    }));
    let live = true;
    const read = coalesce(async () => {
      const results = await Promise.all(list.map((v) => client.call('conversations:counts', v)));
      if (!live) return;
      const next: Record<string, InboxCounts> = {};
      results.forEach((r, i) => {
        if (r.ok) next[viewKey(list[i]!)] = r.value;
      });
      setCounts(next);
    });
    read.run();
    const off = client.subscribe('replica:changed', (change) => {
      if (change.tables.some((t) => COUNT_TABLES.includes(t))) read.run();
    });
    return () => {
      live = false;
      read.cancel();
      off();
    };
  }, [client, keys]);

  return counts;
}
