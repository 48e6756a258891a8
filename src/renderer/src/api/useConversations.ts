import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { ConversationPage, InboxConversation, InboxView } from '#contract/ipc/contract';
import type { AppError, Result } from '#contract/result';
import { coalesce } from './coalesce';
import { useParleyClient } from './ParleyProvider';

/** Which conversations a list shows: a view, a status tab, quick filters and a search. */
export interface ConversationQuery {
  view: InboxView;
  /** With view `team`. */
  teamId?: string;
  tab: ConversationStatus;
  unread?: boolean;
  important?: boolean;
  label?: string;
  /** Search text (contact name, number, message words); blank means no search. */
  q?: string;
  /** `waiting`: only customers waiting for a reply, the longest wait first. */
  sort?: 'recent' | 'waiting';
}

/** Rows per keyset page (the first page and each "next" page). */
export const CONVERSATION_PAGE_SIZE = 50;
/** The largest page the contract allows, used when a change re-reads everything loaded. */
const REFRESH_CHUNK = 200;

/** Replica tables whose changes can alter a conversation list. */
const LIST_TABLES = ['conversations', 'contacts', 'pending_patches'];
/** With a search, new message text can add matches too. */
const SEARCH_TABLES = [...LIST_TABLES, 'messages'];

/** A stable key for a query (what the list's state belongs to). */
export function conversationQueryKey(q: ConversationQuery): string {
  return JSON.stringify([
    q.view,
    q.view === 'team' ? (q.teamId ?? '') : '',
    q.tab,
    !!q.unread,
    !!q.important,
    q.label ?? '',
    q.q?.trim() ?? '',
    q.sort ?? 'recent',
  ]);
}

/** What {@link useConversations} returns. */
export interface ConversationsState {
  /** The rows loaded so far, newest activity first. */
  items: InboxConversation[];
  /** The first page has not arrived yet (nothing to show). */
  isLoading: boolean;
  /** `items` still belong to the previous query; the new one is being read. */
  isStale: boolean;
  /** The replica could not be read, with the reason. */
  error: AppError | null;
  /** More rows exist below the last loaded one. */
  hasMore: boolean;
  /** A next page is being read. */
  isLoadingMore: boolean;
  /** Reads the next keyset page (no-op while one is in flight or at the end). */
  loadMore(): void;
}

interface ListSnapshot {
  key: string;
  items: InboxConversation[];
  hasMore: boolean;
  isLoadingMore: boolean;
  error: AppError | null;
  loaded: boolean;
}

const EMPTY: ListSnapshot = {
  key: '',
  items: [],
  hasMore: false,
  isLoadingMore: false,
  error: null,
  loaded: false,
};

/**
 * A conversation list from the local replica (`conversations:list`), keyset-paged: the first
 * page on mount or when the query changes, the next page on `loadMore()`. When
 * `replica:changed` touches the conversations (or contacts, pending changes, and for a search
 * messages), it re-reads the rows already loaded from the top, page by page: every read is an
 * indexed keyset page in the core, never a scan in the renderer. Bursts of changes collapse
 * into one re-read. A `conversation:revoked` removes its row at once.
 */
export function useConversations(query: ConversationQuery): ConversationsState {
  const client = useParleyClient();
  const key = conversationQueryKey(query);
  const [snap, setSnap] = useState<ListSnapshot>(EMPTY);
  const loadMoreRef = useRef<() => void>(() => {});

  useEffect(() => {
    const [view, teamId, tab, unread, important, label, q] = JSON.parse(key) as [
      InboxView,
      string,
      ConversationStatus,
      boolean,
      boolean,
      string,
      string,
    ];
    const input = {
      view,
      tab,
      ...(view === 'team' ? { teamId } : {}),
      ...(unread ? { unread } : {}),
      ...(important ? { important } : {}),
      ...(label ? { label } : {}),
      ...(q ? { q } : {}),
    };
    let live = true;
    /** Bumps whenever the rows are replaced, so a late "next page" for old rows is dropped. */
    let version = 0;
    let rows: InboxConversation[] = [];
    let cursor: string | null = null;
    let loadingMore = false;
    let error: AppError | null = null;
    let loaded = false;
    const publish = () => {
      if (live)
        setSnap({ key, items: rows, hasMore: cursor !== null, isLoadingMore: loadingMore, error, loaded });
    };

    const reread = coalesce(async () => {
      const want = Math.max(CONVERSATION_PAGE_SIZE, rows.length);
      const next: InboxConversation[] = [];
      let after: string | null = null;
      do {
        const limit = Math.min(REFRESH_CHUNK, want - next.length);
        const r: Result<ConversationPage> = await client.call('conversations:list', {
          ...input,
          limit,
          ...(after ? { cursor: after } : {}),
        });
        if (!live) return;
        if (!r.ok) {
          error = r.error;
          loaded = true;
          publish();
          return;
        }
        next.push(...r.value.items);
        after = r.value.nextCursor;
      } while (after !== null && next.length < want);
      rows = next;
      cursor = after;
      error = null;
      loaded = true;
      version += 1;
      publish();
    });

    loadMoreRef.current = () => {
      if (!cursor || loadingMore || !loaded) return;
      const at = version;
      const from = cursor;
      loadingMore = true;
      publish();
      void client
        .call('conversations:list', { ...input, limit: CONVERSATION_PAGE_SIZE, cursor: from })
        .then((r) => {
          loadingMore = false;
          if (!live) return;
          if (at !== version) {
            publish();
            return;
          }
          if (r.ok) {
            const seen = new Set(rows.map((c) => c.id));
            rows = rows.concat(r.value.items.filter((c) => !seen.has(c.id)));
            cursor = r.value.nextCursor;
            version += 1;
          } else {
            error = r.error;
          }
          publish();
        });
    };

    reread.run();
    const tables = q ? SEARCH_TABLES : LIST_TABLES;
    const offChanged = client.subscribe('replica:changed', (change) => {
      if (change.tables.some((t) => tables.includes(t))) reread.run();
    });
    const offRevoked = client.subscribe('conversation:revoked', ({ conversationId }) => {
      if (!rows.some((c) => c.id === conversationId)) return;
      rows = rows.filter((c) => c.id !== conversationId);
      version += 1;
      publish();
    });
    return () => {
      live = false;
      reread.cancel();
      offChanged();
      offRevoked();
      loadMoreRef.current = () => {};
    };
  }, [client, key]);

  const loadMore = useCallback(() => loadMoreRef.current(), []);
  const isCurrent = snap.key === key;
  return {
    items: snap.items,
    isLoading: !snap.loaded && snap.items.length === 0,
    isStale: !isCurrent,
    error: isCurrent ? snap.error : null,
    hasMore: isCurrent && snap.hasMore,
    isLoadingMore: isCurrent && snap.isLoadingMore,
    loadMore,
  };
}
