import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  MESSAGE_SPAN_MAX,
  type EventPayload,
  type MessagePage,
  type ThreadMessage,
  type ThreadNote,
} from '#contract/ipc/contract';
import { coalesce, useParleyClient, type ParleyClient } from '../../api';

/** Messages per older page. */
const PAGE = 50;
/** Messages per read when re-reading what is on screen. */
const REREAD = 200;

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

/**
 * What a thread holds. Invariant: `confirmed` is every server message the replica holds from
 * `floor` up, so a change to the range [from, to] (from ≥ floor) is patched by replacing that
 * range with what the replica holds there now.
 */
interface Held {
  /** Server messages, ascending `convSeq`. */
  confirmed: ThreadMessage[];
  /** This device's unconfirmed messages, in the order written. */
  pending: ThreadMessage[];
  /** Lowest `convSeq` held; null before any. */
  floor: number | null;
  hasOlder: boolean;
  coreLoadingOlder: boolean;
  historyError: string | null;
  /** A reaction of ours is queued: it shows on its target, which no range places, so re-read. */
  pendingReaction: boolean;
}

/** What the changes since the last read ask for (accumulated while a read runs). */
export interface Owed {
  /** Re-read every loaded page (first read, older page, or a change no range describes). */
  full: boolean;
  /** Server messages changed in this `convSeq` range. */
  span: { from: number; to: number } | null;
  /** The pending tail changed. */
  pending: boolean;
  notes: boolean;
}

const nothingOwed = (): Owed => ({ full: false, span: null, pending: false, notes: false });

/**
 * Notes what a `replica:changed` asks of the thread of `conversationId`; false when nothing.
 * Messages and reactions come with the range that changed (`messageSpans`); without one, the
 * whole thread is re-read. Pending messages change with `pending_messages`, notes (and pending
 * ones) with `notes` and `pending_messages`.
 */
export function noteChange(
  owed: Owed,
  change: EventPayload<'replica:changed'>,
  conversationId: string,
): boolean {
  if (change.conversationIds && !change.conversationIds.includes(conversationId)) return false;
  const t = change.tables;
  const messages = t.includes('messages') || t.includes('reactions');
  const pending = t.includes('pending_messages');
  const notes = t.includes('notes') || pending;
  if (!messages && !notes) return false;
  if (messages) {
    const span = change.conversationIds
      ? change.messageSpans?.find((s) => s.conversationId === conversationId)
      : undefined;
    if (!span) owed.full = true;
    else
      owed.span = owed.span
        ? { from: Math.min(owed.span.from, span.fromConvSeq), to: Math.max(owed.span.to, span.toConvSeq) }
        : { from: span.fromConvSeq, to: span.toConvSeq };
  }
  owed.pending ||= pending;
  owed.notes ||= notes;
  return true;
}

/** Replaces the held messages of [from, to] with `items` (ascending, all inside the range). */
function patchRange(
  held: ThreadMessage[],
  from: number,
  to: number,
  items: ThreadMessage[],
): ThreadMessage[] {
  let start = 0;
  while (start < held.length && held[start]!.convSeq < from) start += 1;
  let end = start;
  while (end < held.length && held[end]!.convSeq <= to) end += 1;
  return [...held.slice(0, start), ...items, ...held.slice(end)];
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
): Promise<Omit<Held, 'pendingReaction'> | { error: string }> {
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
  const isConfirmed = (m: ThreadMessage) => m.convSeq > 0 && !m.pending;
  const confirmed = messages.filter(isConfirmed).sort((a, b) => a.convSeq - b.convSeq);
  return {
    confirmed,
    pending: messages.filter((m) => !isConfirmed(m)),
    floor: confirmed.length > 0 ? confirmed[0]!.convSeq : null,
    hasOlder: last.hasOlder,
    coreLoadingOlder: last.loadingOlder,
    historyError: last.historyError,
  };
}

/**
 * A conversation's thread from the local replica: the newest page first, older pages on
 * demand (`loadOlder`, keyset by `convSeq`), notes merged. On `replica:changed` it patches what
 * changed: the range of server messages the event names (`messages:range`, a few rows) and the
 * pending tail, keeping every other message object as it was (so their bubbles do not render
 * again). Changes no range describes (history pages, revokes, our own queued reactions) re-read
 * the loaded pages. Bursts are coalesced (`coalesce`): one read at a time, then one more with
 * everything owed meanwhile; answers for a conversation no longer shown are dropped.
 */
export function useThread(conversationId: string): ThreadState {
  const client = useParleyClient();
  const [view, setView] = useState<(Held & { id: string }) | null>(null);
  const [notes, setNotes] = useState<{ id: string; items: ThreadNote[] } | null>(null);
  const [error, setError] = useState<{ id: string; message: string } | null>(null);
  const [isReadingOlder, setReadingOlder] = useState(false);
  const wantOlderRef = useRef(false);
  const owedRef = useRef<Owed>(nothingOwed());
  const readerRef = useRef<{ run(): void } | null>(null);

  useEffect(() => {
    let live = true;
    let held: Held | null = null;
    wantOlderRef.current = false;
    owedRef.current = { ...nothingOwed(), full: true, notes: true };

    const show = (next: Held) => {
      held = next;
      setView({ ...next, id: conversationId });
      setError(null);
    };

    const readAll = async (): Promise<void> => {
      const [thread, tail] = await Promise.all([
        readThread(client, conversationId, held?.floor ?? null, wantOlderRef.current),
        // Only for `pendingReaction`: the thread pages carry the rest.
        client.call('messages:range', { conversationId }),
      ]);
      if (!live) return;
      if ('error' in thread) {
        setError({ id: conversationId, message: thread.error });
      } else {
        // The older page asked for has landed once the floor moved down (or nothing is older).
        if (wantOlderRef.current && (thread.floor !== held?.floor || !thread.hasOlder)) {
          wantOlderRef.current = false;
        }
        if (!thread.coreLoadingOlder) wantOlderRef.current = false;
        show({ ...thread, pendingReaction: tail.ok ? tail.value.pendingReaction : true });
      }
      setReadingOlder(false);
    };

    /** Patches a span and the pending tail in; false when only a full read can say it. */
    const patch = async (owed: Owed): Promise<boolean> => {
      const h = held;
      if (!h || h.floor === null || h.pendingReaction || h.coreLoadingOlder || wantOlderRef.current)
        return false;
      const span = owed.span;
      if (!span && !owed.pending) return true;
      if (span && (span.from < h.floor || span.to - span.from >= MESSAGE_SPAN_MAX)) return false;
      const r = await client.call(
        'messages:range',
        span ? { conversationId, fromConvSeq: span.from, toConvSeq: span.to } : { conversationId },
      );
      if (!live) return true;
      if (!r.ok || r.value.pendingReaction) return false;
      // `held` may have moved while the call ran only through this reader, which runs one task
      // at a time: `h` is still current.
      show({
        ...h,
        confirmed: span ? patchRange(h.confirmed, span.from, span.to, r.value.items) : h.confirmed,
        pending: r.value.pending,
      });
      return true;
    };

    const readNotes = async () => {
      const r = await client.call('notes:list', { conversationId });
      if (live && r.ok) setNotes({ id: conversationId, items: r.value });
    };

    const reader = coalesce(async () => {
      const owed = owedRef.current;
      owedRef.current = nothingOwed();
      const full = owed.full || !(await patch(owed));
      if (!live) return;
      await Promise.all([full ? readAll() : null, full || owed.notes ? readNotes() : null]);
    });
    readerRef.current = reader;
    reader.run();
    const unsubscribe = client.subscribe('replica:changed', (change) => {
      if (noteChange(owedRef.current, change, conversationId)) reader.run();
    });
    return () => {
      live = false;
      reader.cancel();
      unsubscribe();
    };
  }, [client, conversationId]);

  const loadOlder = useCallback(() => {
    if (wantOlderRef.current) return;
    wantOlderRef.current = true;
    owedRef.current.full = true;
    setReadingOlder(true);
    readerRef.current?.run();
  }, []);

  const current = view?.id === conversationId ? view : null;
  const confirmed = current?.confirmed;
  const pending = current?.pending;
  // One array per change; unchanged message objects keep their identity across patches.
  const messages = useMemo(
    () => (confirmed ? (pending?.length ? [...confirmed, ...pending] : confirmed) : NONE),
    [confirmed, pending],
  );
  const oldestAt = current?.hasOlder ? current.confirmed[0]?.createdAt : undefined;
  const allNotes = notes?.id === conversationId ? notes.items : [];
  return {
    messages,
    notes: oldestAt ? allNotes.filter((n) => n.createdAt >= oldestAt) : allNotes,
    isLoading: !current && error?.id !== conversationId,
    error: error?.id === conversationId ? error.message : null,
    hasOlder: current?.hasOlder ?? false,
    isLoadingOlder: isReadingOlder || (current?.coreLoadingOlder ?? false),
    historyError: current?.historyError ?? null,
    loadOlder,
  };
}

const NONE: ThreadMessage[] = [];
