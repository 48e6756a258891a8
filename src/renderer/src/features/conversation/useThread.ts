import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessagePage, ThreadMessage, ThreadNote } from '#contract/ipc/contract';
import { useParleyClient, type ParleyClient } from '../../api';

/** Messages per older page. */
const PAGE = 50;
/** Messages per read when re-reading what is on screen. */
const REREAD = 200;
/** Tables whose changes a thread re-reads. */
const THREAD_TABLES = new Set([
  'messages',
  'reactions',
  'notes',
  'pending_messages',
  'outbox',
  'media_cache',
]);

/** What {@link useThread} returns. */
export interface ThreadState {
  /** Oldest first; pending messages last in the order they were written. */
  messages: ThreadMessage[];
  /** Notes from the oldest loaded message on. */
  notes: ThreadNote[];
  /** The first read has not answered yet. */
  isLoading: boolean;
  /** Why the thread could not be read, if it could not. */
  error: string | null;
  /** Older messages exist (here or on the server). */
  hasOlder: boolean;
  /** Older messages are being read or fetched from the server. */
  isLoadingOlder: boolean;
  /** Why older history could not be fetched (offline…). */
  historyError: string | null;
  /** Reads (or asks the core to fetch) the next older page. */
  loadOlder(): void;
}

interface Snapshot {
  messages: ThreadMessage[];
  /** Lowest `convSeq` loaded (everything from it up is on screen); null before any. */
  floor: number | null;
  hasOlder: boolean;
  coreLoadingOlder: boolean;
  historyError: string | null;
}

type Read = { ok: true; value: MessagePage } | { ok: false; message: string };

const readPage = async (
  client: ParleyClient,
  conversationId: string,
  before: number | undefined,
  limit: number,
) => {
  const r = await client.call('messages:list', { conversationId, beforeConvSeq: before, limit });
  return (r.ok ? { ok: true, value: r.value } : { ok: false, message: r.error.message }) satisfies Read;
};

/**
 * Reads every message from `floor` up (newest pages first), plus one older page when
 * `wantOlder`. Keyset pages by `convSeq` stay correct while messages arrive: the newest page
 * is read again and the loop continues down until it meets the floor, so nothing falls in a gap.
 */
async function readThread(
  client: ParleyClient,
  conversationId: string,
  floor: number | null,
  wantOlder: boolean,
): Promise<Snapshot | { error: string }> {
  const pages: MessagePage[] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const r = await readPage(client, conversationId, before, floor === null ? PAGE : REREAD);
    if (!r.ok) return { error: r.message };
    pages.push(r.value);
    const next = r.value.nextBeforeConvSeq;
    if (floor === null || next === null || next <= floor) break;
    before = next;
  }
  let last = pages[pages.length - 1]!;
  if (wantOlder && last.nextBeforeConvSeq !== null) {
    const r = await readPage(client, conversationId, last.nextBeforeConvSeq, PAGE);
    if (!r.ok) return { error: r.message };
    pages.push(r.value);
    last = r.value;
  }
  const seen = new Set<string>();
  const messages: ThreadMessage[] = [];
  // Pages come newest first; each page is oldest first.
  for (const page of [...pages].reverse()) {
    for (const m of page.items) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      messages.push(m);
    }
  }
  const confirmed = messages.filter((m) => m.convSeq > 0 && !m.pending);
  const ordered = [
    ...confirmed.sort((a, b) => a.convSeq - b.convSeq),
    ...messages.filter((m) => !(m.convSeq > 0 && !m.pending)),
  ];
  const lowest = confirmed.length > 0 ? confirmed[0]!.convSeq : null;
  return {
    messages: ordered,
    floor: lowest,
    hasOlder: last.hasOlder,
    coreLoadingOlder: last.loadingOlder,
    historyError: last.historyError,
  };
}

/**
 * A conversation's thread from the local replica: the newest page first, older pages on
 * demand (`loadOlder`, keyset by `convSeq`), notes merged, everything re-read when
 * `replica:changed` names the conversation. Stale answers (a newer read started) are dropped.
 */
export function useThread(conversationId: string): ThreadState {
  const client = useParleyClient();
  const [snapshot, setSnapshot] = useState<(Snapshot & { id: string }) | null>(null);
  const [notes, setNotes] = useState<{ id: string; items: ThreadNote[] } | null>(null);
  const [error, setError] = useState<{ id: string; message: string } | null>(null);
  const [isReadingOlder, setReadingOlder] = useState(false);
  const floorRef = useRef<number | null>(null);
  const wantOlderRef = useRef(false);
  const generation = useRef(0);

  const inFlight = useRef(false);
  const dirty = useRef(false);

  const readOnce = useCallback(async () => {
    const gen = ++generation.current;
    const [thread, noteResult] = await Promise.all([
      readThread(client, conversationId, floorRef.current, wantOlderRef.current),
      client.call('notes:list', { conversationId }),
    ]);
    if (gen !== generation.current) return;
    if ('error' in thread) {
      setError({ id: conversationId, message: thread.error });
    } else {
      // The older page asked for has landed once the floor moved down (or nothing is older).
      if (wantOlderRef.current && (thread.floor !== floorRef.current || !thread.hasOlder)) {
        wantOlderRef.current = false;
      }
      if (!thread.coreLoadingOlder) wantOlderRef.current = false;
      floorRef.current = thread.floor;
      setSnapshot({ ...thread, id: conversationId });
      setError(null);
    }
    if (noteResult.ok) setNotes({ id: conversationId, items: noteResult.value });
    setReadingOlder(false);
  }, [client, conversationId]);

  /** Coalesces bursts of `replica:changed` (a bootstrap sends many): one read at a time, then one more. */
  const read = useCallback(async () => {
    if (inFlight.current) {
      dirty.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        dirty.current = false;
        await readOnce();
      } while (dirty.current);
    } finally {
      inFlight.current = false;
    }
  }, [readOnce]);

  useEffect(() => {
    floorRef.current = null;
    wantOlderRef.current = false;
    inFlight.current = false;
    void read();
    const unsubscribe = client.subscribe('replica:changed', (change) => {
      if (change.conversationIds && !change.conversationIds.includes(conversationId)) return;
      if (!change.tables.some((t) => THREAD_TABLES.has(t))) return;
      void read();
    });
    return () => {
      generation.current += 1;
      unsubscribe();
    };
  }, [client, conversationId, read]);

  const loadOlder = useCallback(() => {
    if (wantOlderRef.current) return;
    wantOlderRef.current = true;
    setReadingOlder(true);
    void read();
  }, [read]);

  const current = snapshot?.id === conversationId ? snapshot : null;
  const oldestAt = current?.hasOlder ? current.messages.find((m) => m.convSeq > 0)?.createdAt : undefined;
  const allNotes = notes?.id === conversationId ? notes.items : [];
  return {
    messages: current?.messages ?? [],
    notes: oldestAt ? allNotes.filter((n) => n.createdAt >= oldestAt) : allNotes,
    isLoading: !current && error?.id !== conversationId,
    error: error?.id === conversationId ? error.message : null,
    hasOlder: current?.hasOlder ?? false,
    isLoadingOlder: isReadingOlder || (current?.coreLoadingOlder ?? false),
    historyError: current?.historyError ?? null,
    loadOlder,
  };
}
