import type { Reaction } from '#contract/api/messages';
import type { ThreadMessage, ThreadNote } from '#contract/ipc/contract';
import { dayKey, formatDay } from '../../../components/format';

/** One row of the virtualized thread. */
export type ThreadRow =
  | { kind: 'history'; key: 'history' }
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: 'unread'; count: number }
  | { kind: 'message'; key: string; message: ThreadMessage; reactions: Reaction[] }
  | { kind: 'note'; key: string; note: ThreadNote };

/** Inputs of {@link buildThreadRows}. */
export interface ThreadRowsInput {
  messages: ThreadMessage[];
  notes: ThreadNote[];
  /** The read marker when the conversation was opened: the unread line goes above the next inbound message. */
  readUpToConvSeq: number | null;
  /** Who "me" is, for reactions this device queued. */
  myUserId: string;
  now?: number;
}

/**
 * Builds the rows: a history row on top, day separators, the unread marker, messages and notes
 * interleaved by time. Reaction messages are folded onto their target (queued ones too) and
 * only shown on their own when the target is not loaded.
 */
export function buildThreadRows(input: ThreadRowsInput): ThreadRow[] {
  const { messages, notes, readUpToConvSeq, myUserId, now } = input;
  const byId = new Map(messages.map((m) => [m.id, m]));
  const extraReactions = new Map<string, Reaction[]>();
  const hidden = new Set<string>();
  for (const m of messages) {
    if (m.type !== 'reaction' || !m.reaction?.messageId) continue;
    const target = byId.get(m.reaction.messageId);
    if (!target) continue;
    hidden.add(m.id);
    // Confirmed reactions arrive as reaction rows on the target; only queued ones need adding.
    if (m.pending && m.reaction.emoji) {
      const list = extraReactions.get(target.id) ?? [];
      list.push({
        emoji: m.reaction.emoji,
        by: m.direction === 'outbound' ? myUserId : 'customer',
        at: m.createdAt,
      });
      extraReactions.set(target.id, list);
    }
  }

  const rows: ThreadRow[] = [{ kind: 'history', key: 'history' }];
  let lastDay = '';
  let unreadPlaced = false;
  const unreadCount =
    readUpToConvSeq === null
      ? 0
      : messages.filter((m) => m.direction === 'inbound' && m.convSeq > readUpToConvSeq && !hidden.has(m.id))
          .length;

  const pushDay = (iso: string) => {
    const key = dayKey(iso);
    if (key !== lastDay) {
      lastDay = key;
      rows.push({ kind: 'day', key: `day:${key}`, label: formatDay(iso, now) });
    }
  };

  let n = 0;
  const pushNotesBefore = (iso: string | null) => {
    while (n < notes.length && (iso === null || notes[n]!.createdAt < iso)) {
      const note = notes[n]!;
      pushDay(note.createdAt);
      rows.push({ kind: 'note', key: `note:${note.id}`, note });
      n += 1;
    }
  };

  for (const m of messages) {
    if (hidden.has(m.id)) continue;
    pushNotesBefore(m.createdAt);
    pushDay(m.createdAt);
    if (
      !unreadPlaced &&
      unreadCount > 0 &&
      readUpToConvSeq !== null &&
      m.direction === 'inbound' &&
      m.convSeq > readUpToConvSeq
    ) {
      rows.push({ kind: 'unread', key: 'unread', count: unreadCount });
      unreadPlaced = true;
    }
    const reactions = [...(m.reactions ?? []), ...(extraReactions.get(m.id) ?? [])];
    rows.push({ kind: 'message', key: m.id, message: m, reactions });
  }
  pushNotesBefore(null);
  return rows;
}
