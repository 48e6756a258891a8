import type { Note } from '#contract/api/notes';
import type { MessageRow, MessageSendArgs } from '#contract/sync/protocol';
import type { CommandDeps } from './commands';

/**
 * The optimistic overlays a queued mutation shows until the server's rows replace them
 * (design/sync-protocol.md §2.8): a pending message or note (`pending_messages`) and field
 * patches (`pending_patches`, read through `v_conversations` and the contact query). Callers
 * write them inside the outbox row's durable transaction.
 */

/** Builds the overlay writers over an open replica. */
export function createOverlays(deps: Pick<CommandDeps, 'db' | 'user' | 'now' | 'staged'>) {
  const { db } = deps;
  const s = {
    patch: db.prepare(
      `INSERT INTO pending_patches (entity, entity_id, field, value, mutation_id) VALUES (?, ?, ?, ?, ?)`,
    ),
    pending: db.prepare(
      `INSERT INTO pending_messages (id, mutation_id, conversation_id, kind, row, state, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
    ),
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

  return {
    /** The pending message of a `message.send` queued as mutation `mid` at `at`. */
    message(args: MessageSendArgs, mid: number, at: string): void {
      s.pending.run(
        args.id,
        mid,
        args.conversationId,
        'message',
        JSON.stringify(optimisticMessage(args, at)),
        deps.now(),
      );
    },

    /** The pending note of a `note.add` queued as mutation `mid`. */
    note(note: Note, mid: number): void {
      s.pending.run(note.id, mid, note.conversationId, 'note', JSON.stringify(note), deps.now());
    },

    /** One field patch of a conversation, contact or canned response, stored as JSON. */
    patch(
      entity: 'conversation' | 'contact' | 'canned_response',
      entityId: string,
      field: string,
      json: string,
      mid: number,
    ): void {
      s.patch.run(entity, entityId, field, json, mid);
    },
  };
}

/** The overlay writers' type. */
export type Overlays = ReturnType<typeof createOverlays>;
