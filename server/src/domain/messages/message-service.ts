import { and, desc, eq, gte, inArray, isNotNull, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Message, MessagePage, Reaction, SearchMessagesQuery } from '#contract/api/messages';
import type { Principal } from '../auth/auth-service';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import { ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import type { Db } from '../../storage/db';
import { conversations, media, messages, reactions } from '../../storage/schema/index';
import { visibleConversation, visibleConversationSql } from '../visibility/queries';
import { toMessage } from './message-content';

/** [convSeq]: the page before it. */
const Cursor = z.tuple([z.number().int()]);
/** [createdAt, id]: the organization-wide page before it. */
const SearchCursor = z.tuple([cursorIsoTime, z.uuid()]);

/** Read side of messages: a conversation's history, and one message with its reactions. */
export type MessageService = ReturnType<typeof createMessageService>;

/** Creates the message read service; visibility follows the conversation's (`domain/visibility`). */
export function createMessageService(deps: { db: Db }) {
  const { db } = deps;

  const conversationVisible = async (organizationId: string, actor: Principal, conversationId: string) =>
    (await visibleConversation(db, organizationId, actor, conversationId)) !== undefined;

  /** Joins media rows and live reactions onto message rows (two queries per page). */
  const hydrate = async (
    organizationId: string,
    rows: (typeof messages.$inferSelect)[],
  ): Promise<Message[]> => {
    if (rows.length === 0) return [];
    const mediaIds = rows.flatMap((r) => (r.mediaId ? [r.mediaId] : []));
    const mediaRows =
      mediaIds.length === 0
        ? []
        : await db
            .select()
            .from(media)
            .where(and(eq(media.organizationId, organizationId), inArray(media.id, mediaIds)));
    const reactionRows = await db
      .select()
      .from(reactions)
      .where(
        and(
          eq(reactions.organizationId, organizationId),
          inArray(
            reactions.messageId,
            rows.map((r) => r.id),
          ),
          isNotNull(reactions.emoji),
        ),
      );
    const byMedia = new Map(mediaRows.map((m) => [m.id, m]));
    return rows.map((r) =>
      toMessage(r, {
        media: r.mediaId ? (byMedia.get(r.mediaId) ?? null) : null,
        reactions: reactionRows
          .filter((x) => x.messageId === r.id)
          .map((x): Reaction => ({ emoji: x.emoji!, by: x.reactor, at: x.reactedAt.toISOString() })),
      }),
    );
  };

  return {
    /** Newest first, keyset by conv_seq; 404 when the conversation is not visible to the actor. */
    list: async (
      organizationId: string,
      actor: Principal,
      conversationId: string,
      q: { cursor?: string | undefined; limit: number },
    ): Promise<Result<MessagePage>> => {
      const cursor = parseCursor(q.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const before = cursor.value?.[0];
      if (!(await conversationVisible(organizationId, actor, conversationId)))
        return notFound('Conversation');
      const rows = await db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.organizationId, organizationId),
            eq(messages.conversationId, conversationId),
            before === undefined ? undefined : lt(messages.convSeq, before),
          ),
        )
        .orderBy(desc(messages.convSeq))
        .limit(q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: await hydrate(organizationId, pageRows),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.convSeq]) : null,
      });
    },

    /**
     * `GET /messages`: the organization's messages the actor sees (a key: all of them), newest
     * first, keyset by (createdAt, id), narrowed by the query's filters.
     */
    search: async (
      organizationId: string,
      actor: Principal,
      q: SearchMessagesQuery,
    ): Promise<Result<MessagePage>> => {
      const cursor = parseCursor(q.cursor, SearchCursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value;
      const filters: (SQL | undefined)[] = [
        eq(messages.organizationId, organizationId),
        q.conversationId === undefined ? undefined : eq(messages.conversationId, q.conversationId),
        q.contactId === undefined ? undefined : eq(conversations.contactId, q.contactId),
        q.direction === undefined ? undefined : eq(messages.direction, q.direction),
        q.status === undefined ? undefined : eq(messages.status, q.status),
        q.type === undefined ? undefined : eq(messages.type, q.type),
        q.since === undefined ? undefined : gte(messages.createdAt, new Date(q.since)),
        q.until === undefined ? undefined : lt(messages.createdAt, new Date(q.until)),
        after === null || after === undefined
          ? undefined
          : or(
              lt(messages.createdAt, after[0]),
              and(eq(messages.createdAt, after[0]), lt(messages.id, after[1])),
            ),
        visibleConversationSql(organizationId, actor),
      ];
      const rows = await db
        .select({ m: messages })
        .from(messages)
        .innerJoin(
          conversations,
          and(
            eq(conversations.organizationId, messages.organizationId),
            eq(conversations.id, messages.conversationId),
          ),
        )
        .where(and(...filters))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(q.limit + 1);
      const pageRows = rows.slice(0, q.limit).map((r) => r.m);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: await hydrate(organizationId, pageRows),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },

    /** One message with its status and reactions; 404 when its conversation is not visible. */
    get: async (organizationId: string, actor: Principal, id: string): Promise<Result<Message>> => {
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.organizationId, organizationId), eq(messages.id, id)));
      if (!row || !(await conversationVisible(organizationId, actor, row.conversationId)))
        return notFound('Message');
      const [message] = await hydrate(organizationId, [row]);
      return ok(message!);
    },
  };
}
