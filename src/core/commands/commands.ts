import type Database from 'better-sqlite3';
import type { SessionUser } from '#contract/api/auth';
import type { Note } from '#contract/api/notes';
import { atLeast } from '#contract/domain/roles';
import type { Parsed, Queued } from '#contract/ipc/contract';
import { err, ok, type Result } from '#contract/result';
import { mutationArgs, type MessageSendArgs, type MutationName } from '#contract/sync/protocol';
import { durable, type OutboxStore } from '../outbox/outbox-store';
import { emptySummary, type ApplySummary } from '../sync/apply/apply';
import { uuidv7 } from '../uuid';
import { createCannedCommands } from './canned-commands';
import { createOutboxTray } from './outbox-tray';
import { createOverlays } from './overlays';
import { stagedMediaProblem } from './staged-media-check';

/**
 * The write use cases the UI calls (design/sync-protocol.md §2.7–2.8). Each validates its
 * mutation with the protocol schema, then writes the outbox row AND its optimistic overlay
 * (`overlays.ts`) in ONE transaction committed with synchronous=FULL ({@link durable}): after a
 * crash at any statement either both exist or neither does. The engine pushes the outbox
 * afterwards. The tray's list, retry and discard are `outbox-tray.ts`.
 */

/** What the commands need. */
export interface CommandDeps {
  db: Database.Database;
  outbox: OutboxStore;
  /** The signed-in user (role checks, authorship of optimistic rows). */
  user: () => SessionUser;
  now: () => number;
  /** Called after every committed write with what changed. */
  changed: (sum: ApplySummary) => void;
  /** A file staged on this device by its local media id (`media:stage`), or null. */
  staged?: (mediaId: string) => { mimeType: string; size: number; fileName: string } | null;
}

/** Conversation fields a patch may set, by protocol field name (as in `v_conversations`). */
type ConversationField =
  | 'status'
  | 'snoozedUntil'
  | 'assigneeId'
  | 'teamId'
  | 'important'
  | 'labels'
  | 'unreadCount'
  | 'readUpToConvSeq';

const notFound = { code: 'not_found', message: 'This conversation is not on this device.' } as const;

/** Builds the command set over an open replica. */
export function createCommands(deps: CommandDeps) {
  const { db, outbox } = deps;
  const s = {
    conversation: db.prepare('SELECT last_conv_seq FROM conversations WHERE id = ?').pluck(),
    unread: db.prepare('SELECT unread_count FROM conversations WHERE id = ?').pluck(),
    contact: db.prepare('SELECT 1 FROM contacts WHERE id = ?').pluck(),
    serverHas: db
      .prepare('SELECT 1 FROM messages WHERE id = ? UNION ALL SELECT 1 FROM notes WHERE id = ?')
      .pluck(),
  };
  const overlays = createOverlays(deps);
  const iso = () => new Date(deps.now()).toISOString();

  const done = (tables: string[], conversationId: string | null): void => {
    const sum = emptySummary();
    for (const t of tables) sum.tables.add(t);
    if (conversationId) sum.conversationIds.add(conversationId);
    deps.changed(sum);
  };

  /** Queues a conversation patch mutation. */
  const patchConversation = <N extends MutationName>(
    name: N,
    args: unknown,
    conversationId: string,
    fields: Partial<Record<ConversationField, unknown>>,
  ): Result<Queued> => {
    const parsed = mutationArgs[name].safeParse(args);
    if (!parsed.success)
      return err({ code: 'invalid_input', message: parsed.error.issues[0]?.message ?? 'Invalid' });
    if (s.conversation.get(conversationId) === undefined) return err(notFound);
    const mutationId = durable(db, () => {
      const mid = outbox.enqueue(name, parsed.data, iso(), conversationId);
      for (const [field, value] of Object.entries(fields))
        overlays.patch('conversation', conversationId, field, JSON.stringify(value ?? null), mid);
      return mid;
    });
    done(['outbox', 'pending_patches'], conversationId);
    return ok({ mutationId });
  };

  /** Queues a message.send with its pending row (same transaction). */
  const queueMessage = (args: MessageSendArgs): number => {
    const at = iso();
    return durable(db, () => {
      const mid = outbox.enqueue('message.send', args, at, args.conversationId);
      overlays.message(args, mid, at);
      return mid;
    });
  };

  /** Queues a note.add with its pending row. */
  const queueNote = (id: string, conversationId: string, body: string): number => {
    const at = iso();
    const note: Note = { id, conversationId, authorId: deps.user().id, body, createdAt: at };
    return durable(db, () => {
      const mid = outbox.enqueue('note.add', { id, conversationId, body }, at, conversationId);
      overlays.note(note, mid);
      return mid;
    });
  };

  return {
    sendMessage(i: Parsed<'messages:send'>): Result<Queued> {
      if (s.conversation.get(i.conversationId) === undefined) return err(notFound);
      const id = i.message.id ?? uuidv7(deps.now());
      const parsed = mutationArgs['message.send'].safeParse({
        ...i.message,
        id,
        conversationId: i.conversationId,
      });
      if (!parsed.success)
        return err({ code: 'invalid_input', message: parsed.error.issues[0]?.message ?? 'Invalid' });
      if (s.serverHas.get(id, id))
        return err({ code: 'conflict', message: 'This message was already sent.' });
      const problem = stagedMediaProblem(parsed.data, deps.staged);
      if (problem) return err(problem);
      const mutationId = queueMessage(parsed.data);
      done(['outbox', 'pending_messages'], i.conversationId);
      return ok({ mutationId, id });
    },

    setStatus(i: Parsed<'conversation:setStatus'>): Result<Queued> {
      const snoozedUntil = i.status === 'snoozed' ? (i.snoozedUntil ?? null) : null;
      return patchConversation('conversation.setStatus', { ...i, snoozedUntil }, i.conversationId, {
        status: i.status,
        snoozedUntil,
      });
    },

    assign(i: Parsed<'conversation:assign'>): Result<Queued> {
      if (!atLeast(deps.user().role, 'manager'))
        return err({ code: 'forbidden', message: 'Only managers and admins can assign conversations.' });
      const fields: Partial<Record<ConversationField, unknown>> = { assigneeId: i.assigneeId };
      if (i.teamId !== undefined) fields.teamId = i.teamId;
      return patchConversation('conversation.assign', i, i.conversationId, fields);
    },

    claim(i: Parsed<'conversation:claim'>): Result<Queued> {
      return patchConversation('conversation.claim', i, i.conversationId, { assigneeId: deps.user().id });
    },

    setImportant(i: Parsed<'conversation:setImportant'>): Result<Queued> {
      return patchConversation('conversation.setImportant', i, i.conversationId, { important: i.important });
    },

    setLabels(i: Parsed<'conversation:setLabels'>): Result<Queued> {
      const labels = [...new Set(i.labels)];
      return patchConversation('conversation.setLabels', { ...i, labels }, i.conversationId, { labels });
    },

    markRead(i: Parsed<'conversation:markRead'>): Result<Queued> {
      const last = s.conversation.get(i.conversationId) as number | undefined;
      const fields: Partial<Record<ConversationField, unknown>> = { readUpToConvSeq: i.readUpToConvSeq };
      if (last !== undefined && i.readUpToConvSeq >= last) fields.unreadCount = 0;
      return patchConversation('conversation.markRead', i, i.conversationId, fields);
    },

    markUnread(i: Parsed<'conversation:markUnread'>): Result<Queued> {
      // The server shows the marker as "at least one unread" in this user's row; so does the overlay.
      const unread = (s.unread.get(i.conversationId) as number | undefined) ?? 0;
      return patchConversation('conversation.markUnread', i, i.conversationId, {
        unreadCount: Math.max(1, unread),
      });
    },

    addNote(i: Parsed<'note:add'>): Result<Queued> {
      if (s.conversation.get(i.conversationId) === undefined) return err(notFound);
      const id = i.id ?? uuidv7(deps.now());
      const mutationId = queueNote(id, i.conversationId, i.body);
      done(['outbox', 'pending_messages'], i.conversationId);
      return ok({ mutationId, id });
    },

    updateContact(i: Parsed<'contact:update'>): Result<Queued> {
      if (!s.contact.get(i.contactId))
        return err({ code: 'not_found', message: 'This contact is not on this device.' });
      const parsed = mutationArgs['contact.update'].safeParse(i);
      if (!parsed.success)
        return err({ code: 'invalid_input', message: parsed.error.issues[0]?.message ?? 'Invalid' });
      const mutationId = durable(db, () => {
        const mid = outbox.enqueue('contact.update', parsed.data, iso(), null);
        for (const [field, value] of Object.entries(parsed.data.patch))
          if (value !== undefined) overlays.patch('contact', i.contactId, field, JSON.stringify(value), mid);
        return mid;
      });
      done(['outbox', 'pending_patches', 'contacts'], null);
      return ok({ mutationId });
    },

    ...createCannedCommands(deps, overlays),
    ...createOutboxTray(deps, { overlays, done }),
  };
}

/** The command set's type. */
export type Commands = ReturnType<typeof createCommands>;
