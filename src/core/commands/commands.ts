import type Database from 'better-sqlite3';
import type { SessionUser } from '#contract/api/auth';
import type { Note } from '#contract/api/notes';
import { atLeast } from '#contract/domain/roles';
import type { OutboxItem, Parsed, Queued } from '#contract/ipc/contract';
import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';
import { err, ok, type AppError, type Result } from '#contract/result';
import {
  mutationArgs,
  type MessageRow,
  type MessageSendArgs,
  type MutationName,
} from '#contract/sync/protocol';
import { durable, type OutboxRow, type OutboxStore } from '../outbox/outbox-store';
import { emptySummary, type ApplySummary } from '../sync/apply/apply';
import { uuidv7 } from '../uuid';

/**
 * The write use cases the UI calls (design/sync-protocol.md §2.7–2.8). Each validates its
 * mutation with the protocol schema, then writes the outbox row AND its optimistic overlay in
 * ONE transaction committed with synchronous=FULL ({@link durable}): after a crash at any
 * statement either both exist or neither does. The engine pushes the outbox afterwards.
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

/** A one-line description of a mutation for the tray. */
function describe(name: MutationName, args: Record<string, unknown>, text: string | null): string {
  switch (name) {
    case 'message.send':
      return text ? `Message: ${text.slice(0, 80)}` : `Message (${String(args.type)})`;
    case 'note.add':
      return `Note: ${String(args.body).slice(0, 80)}`;
    case 'conversation.setStatus':
      return `Status → ${String(args.status)}`;
    case 'conversation.assign':
      return args.assigneeId ? 'Assign' : 'Unassign';
    case 'conversation.claim':
      return 'Claim';
    case 'conversation.setImportant':
      return args.important ? 'Star' : 'Unstar';
    case 'conversation.setLabels':
      return `Labels: ${(args.labels as string[]).join(', ') || 'none'}`;
    case 'conversation.markRead':
      return 'Mark read';
    case 'contact.update':
      return 'Contact edit';
  }
}

/** Builds the command set over an open replica. */
export function createCommands(deps: CommandDeps) {
  const { db, outbox } = deps;
  const s = {
    conversation: db.prepare('SELECT last_conv_seq FROM conversations WHERE id = ?').pluck(),
    contact: db.prepare('SELECT 1 FROM contacts WHERE id = ?').pluck(),
    patch: db.prepare(
      `INSERT INTO pending_patches (entity, entity_id, field, value, mutation_id) VALUES (?, ?, ?, ?, ?)`,
    ),
    pending: db.prepare(
      `INSERT INTO pending_messages (id, mutation_id, conversation_id, kind, row, state, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
    ),
    pendingByMutation: db.prepare('SELECT row, state, error FROM pending_messages WHERE mutation_id = ?'),
    serverHas: db
      .prepare('SELECT 1 FROM messages WHERE id = ? UNION ALL SELECT 1 FROM notes WHERE id = ?')
      .pluck(),
  };
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
        s.patch.run('conversation', conversationId, field, JSON.stringify(value ?? null), mid);
      return mid;
    });
    done(['outbox', 'pending_patches'], conversationId);
    return ok({ mutationId });
  };

  /** The optimistic message row shown until the server's row replaces it. */
  const optimisticMessage = (a: MessageSendArgs, at: string): MessageRow => {
    const row: MessageRow = {
      id: a.id,
      conversationId: a.conversationId,
      convSeq: 0,
      direction: 'outbound',
      type: a.type,
      status: 'queued',
      authorId: deps.user().id,
      createdAt: at,
      replyToMessageId: 'replyToMessageId' in a ? (a.replyToMessageId ?? null) : null,
    };
    switch (a.type) {
      case 'text':
        return { ...row, text: a.text };
      case 'template':
        return {
          ...row,
          template: {
            name: a.templateName,
            language: a.language,
            parameters: a.parameters,
            renderedBody: null,
          },
        };
      case 'location':
        return { ...row, location: a.location };
      case 'reaction':
        return { ...row, reaction: { messageId: a.messageId, emoji: a.emoji || null } };
      default: {
        const f = deps.staged?.(a.mediaId) ?? null;
        return {
          ...row,
          caption: a.caption ?? null,
          media: {
            id: a.mediaId,
            mimeType: f?.mimeType ?? '',
            fileName: a.fileName ?? f?.fileName ?? null,
            size: f?.size ?? null,
            state: 'ready',
          },
        };
      }
    }
  };

  /** Queues a message.send with its pending row (same transaction). */
  const queueMessage = (args: MessageSendArgs): number => {
    const at = iso();
    return durable(db, () => {
      const mid = outbox.enqueue('message.send', args, at, args.conversationId);
      s.pending.run(
        args.id,
        mid,
        args.conversationId,
        'message',
        JSON.stringify(optimisticMessage(args, at)),
        deps.now(),
      );
      return mid;
    });
  };

  /** Queues a note.add with its pending row. */
  const queueNote = (id: string, conversationId: string, body: string): number => {
    const at = iso();
    const note: Note = { id, conversationId, authorId: deps.user().id, body, createdAt: at };
    return durable(db, () => {
      const mid = outbox.enqueue('note.add', { id, conversationId, body }, at, conversationId);
      s.pending.run(id, mid, conversationId, 'note', JSON.stringify(note), deps.now());
      return mid;
    });
  };

  /**
   * A staged file must fit the type it is sent as (WhatsApp's MIME types and size limits), so a
   * message the server would refuse at upload is refused now, before it is queued.
   */
  const stagedProblem = (a: MessageSendArgs): AppError | null => {
    const ref =
      'mediaId' in a
        ? { id: a.mediaId, type: a.type }
        : a.type === 'template' && a.parameters.header && 'mediaId' in a.parameters.header
          ? { id: a.parameters.header.mediaId, type: a.parameters.header.type }
          : null;
    const f = ref ? deps.staged?.(ref.id) : null;
    if (!ref || !f || !(ref.type in WHATSAPP_LIMITS.media)) return null;
    const limits = WHATSAPP_LIMITS.media[ref.type as MediaType];
    if (!(limits.mimeTypes as readonly string[]).includes(f.mimeType))
      return {
        code: 'unsupported_media_type',
        message: `${f.fileName} (${f.mimeType}) cannot be sent as ${ref.type === 'image' ? 'an' : 'a'} ${ref.type}.`,
      };
    if (f.size > limits.maxBytes)
      return {
        code: 'payload_too_large',
        message: `${f.fileName} is larger than WhatsApp allows for ${ref.type === 'audio' ? 'audio' : `${ref.type}s`}.`,
      };
    return null;
  };

  const cmds = {
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
      const problem = stagedProblem(parsed.data);
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
          if (value !== undefined) s.patch.run('contact', i.contactId, field, JSON.stringify(value), mid);
        return mid;
      });
      done(['outbox', 'pending_patches', 'contacts'], null);
      return ok({ mutationId });
    },

    /** The tray: every unconfirmed or failed mutation. `inFlight` = mutation ids sent and unanswered. */
    list(inFlight: ReadonlySet<number>): OutboxItem[] {
      return outbox.all().map((r) => toItem(r, inFlight.has(r.mutationId)));
    },

    /**
     * Re-queues a rejected mutation as a new one (a message gets a new id, so the server never
     * mistakes it for the refused one); the failed item goes in the same transaction.
     */
    retry(mutationId: number): Result<Queued> {
      const row = outbox.get(mutationId);
      if (!row) return err({ code: 'not_found', message: 'That item is no longer in the outbox.' });
      if (row.status !== 'rejected')
        return err({
          code: 'conflict',
          message: 'Still waiting for the server; retry once it has answered.',
        });
      const args = row.args as Record<string, unknown>;
      const at = iso();
      const result = durable(db, (): Queued => {
        outbox.remove(mutationId);
        if (row.name === 'message.send') {
          const id = uuidv7(deps.now());
          const next = mutationArgs['message.send'].parse({ ...args, id });
          const mid = outbox.enqueue('message.send', next, at, next.conversationId);
          s.pending.run(
            id,
            mid,
            next.conversationId,
            'message',
            JSON.stringify(optimisticMessage(next, at)),
            deps.now(),
          );
          return { mutationId: mid, id };
        }
        if (row.name === 'note.add') {
          const id = uuidv7(deps.now());
          const note: Note = {
            id,
            conversationId: String(args.conversationId),
            authorId: deps.user().id,
            body: String(args.body),
            createdAt: at,
          };
          const mid = outbox.enqueue('note.add', { ...args, id }, at, note.conversationId);
          s.pending.run(id, mid, note.conversationId, 'note', JSON.stringify(note), deps.now());
          return { mutationId: mid, id };
        }
        const mid = outbox.enqueue(row.name, row.args, at, row.conversationId);
        for (const [field, value] of Object.entries(patchFieldsOf(row)))
          s.patch.run(
            row.name === 'contact.update' ? 'contact' : 'conversation',
            patchTarget(row),
            field,
            JSON.stringify(value ?? null),
            mid,
          );
        return { mutationId: mid };
      });
      done(['outbox', 'pending_messages', 'pending_patches'], row.conversationId);
      return ok(result);
    },

    /**
     * Drops a failed mutation, or one never sent to the server (its id then leaves a gap, which
     * the protocol allows). Once sent, only the server's answer can settle it.
     */
    discard(mutationId: number, inFlight: ReadonlySet<number>): Result<{ discarded: true }> {
      const row = outbox.get(mutationId);
      if (!row) return err({ code: 'not_found', message: 'That item is no longer in the outbox.' });
      if (row.status !== 'rejected' && (row.attempts > 0 || inFlight.has(mutationId)))
        return err({ code: 'conflict', message: 'Already sent to the server; wait for its answer.' });
      // FULL like every outbox write: a discard lost to a power loss would send what was withdrawn.
      durable(db, () => outbox.remove(mutationId));
      done(['outbox', 'pending_messages', 'pending_patches'], row.conversationId);
      return ok({ discarded: true as const });
    },
  };

  /** The patch fields a (conversation or contact) mutation writes, rebuilt from its args. */
  function patchFieldsOf(row: OutboxRow): Record<string, unknown> {
    const a = row.args as Record<string, unknown>;
    switch (row.name) {
      case 'conversation.setStatus':
        return { status: a.status, snoozedUntil: a.snoozedUntil ?? null };
      case 'conversation.assign':
        return a.teamId !== undefined
          ? { assigneeId: a.assigneeId, teamId: a.teamId }
          : { assigneeId: a.assigneeId };
      case 'conversation.claim':
        return { assigneeId: deps.user().id };
      case 'conversation.setImportant':
        return { important: a.important };
      case 'conversation.setLabels':
        return { labels: a.labels };
      case 'conversation.markRead':
        return { readUpToConvSeq: a.readUpToConvSeq };
      case 'contact.update':
        return Object.fromEntries(Object.entries(a.patch as object).filter(([, v]) => v !== undefined));
      default:
        return {};
    }
  }
  const patchTarget = (row: OutboxRow): string =>
    row.name === 'contact.update'
      ? String((row.args as { contactId: string }).contactId)
      : String((row.args as { conversationId: string }).conversationId);

  /** Maps an outbox row to the tray item. */
  function toItem(r: OutboxRow, sending: boolean): OutboxItem {
    const pending = s.pendingByMutation.get(r.mutationId) as
      { row: string; state: string; error: string | null } | undefined;
    const content = pending
      ? (JSON.parse(pending.row) as { text?: string | null; body?: string; caption?: string | null })
      : null;
    const text = content ? (content.text ?? content.body ?? content.caption ?? null) : null;
    // A queued message whose conversation was reassigned away shows as failed at once; the
    // server's answer (applied or refused) settles it later.
    const reassigned = r.status === 'pending' && pending?.state === 'failed';
    const state: OutboxItem['state'] =
      r.status === 'rejected' || reassigned
        ? 'failed'
        : r.status === 'applied'
          ? 'syncing'
          : sending
            ? 'sending'
            : 'queued';
    const error =
      r.error ?? (reassigned && pending?.error ? (JSON.parse(pending.error) as OutboxItem['error']) : null);
    return {
      mutationId: r.mutationId,
      name: r.name,
      state,
      conversationId: r.conversationId,
      summary: describe(r.name, r.args as Record<string, unknown>, text),
      text,
      error,
      createdAt: r.createdAt,
      canRetry: r.status === 'rejected',
      canDiscard: r.status === 'rejected' || (r.status === 'pending' && r.attempts === 0 && !sending),
    };
  }

  return cmds;
}

/** The command set's type. */
export type Commands = ReturnType<typeof createCommands>;
