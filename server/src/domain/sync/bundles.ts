import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { MessageRow, PutEntry } from '#contract/sync/protocol';
import { toMessage } from '../messages/message-content';
import type { Db, Tx } from '../../storage/db';
import { contacts, conversations, media, messages, notes, reactions } from '../../storage/schema/index';
import { toContact } from '../contacts/contact-service';
import { toNote } from './projection';

// The rows that travel with a conversation when a client gains it (an inline grant), when it
// bootstraps its recent conversations (phase 2) or opens one for the first time (history's
// newest page): its contact, its newest messages with their reactions, and its notes. One
// query per entity type for any number of conversations.

type Exec = Db | Tx;

/** The related rows of one conversation, each list newest first. */
export type Bundle = {
  contact: PutEntry | null;
  messages: PutEntry[];
  reactions: PutEntry[];
  notes: PutEntry[];
  /** The lowest `convSeq` among `messages` (null: none). */
  lowestConvSeq: number | null;
  /** More messages exist below `lowestConvSeq`. */
  hasOlder: boolean;
};

/** Options of {@link loadBundles}. */
export type BundleOptions = {
  /** Newest messages per conversation. */
  messages: number;
  /** Also the contact (default true). */
  contact?: boolean;
  /** Also the notes (default true). */
  notes?: boolean;
  /** Only messages with `convSeq` below this (history paging; one conversation). */
  beforeConvSeq?: number | undefined;
};

/** Reads the bundles of `conversationIds` (which the caller already checked are visible). */
export async function loadBundles(
  exec: Exec,
  organizationId: string,
  conversationIds: readonly string[],
  opts: BundleOptions,
): Promise<Map<string, Bundle>> {
  const out = new Map<string, Bundle>();
  if (conversationIds.length === 0) return out;
  const convIds = [...new Set(conversationIds)];
  for (const id of convIds)
    out.set(id, {
      contact: null,
      messages: [],
      reactions: [],
      notes: [],
      lowestConvSeq: null,
      hasOlder: false,
    });

  if (opts.contact ?? true) {
    const rows = await exec
      .select({ conversationId: conversations.id, c: contacts })
      .from(conversations)
      .innerJoin(
        contacts,
        and(
          eq(contacts.organizationId, conversations.organizationId),
          eq(contacts.id, conversations.contactId),
        ),
      )
      .where(and(eq(conversations.organizationId, organizationId), inArray(conversations.id, convIds)));
    for (const r of rows)
      out.get(r.conversationId)!.contact = {
        e: 'contact',
        id: r.c.id,
        v: r.c.version,
        op: 'put',
        row: toContact(r.c),
      };
  }

  if (opts.messages > 0) {
    // The newest N+1 per conversation (the extra one only tells whether older ones exist).
    const ranked = exec
      .select({
        id: messages.id,
        rn: sql<number>`row_number() over (partition by ${messages.conversationId} order by ${messages.convSeq} desc)`.as(
          'rn',
        ),
      })
      .from(messages)
      .where(
        and(
          eq(messages.organizationId, organizationId),
          inArray(messages.conversationId, convIds),
          opts.beforeConvSeq !== undefined ? sql`${messages.convSeq} < ${opts.beforeConvSeq}` : undefined,
        ),
      )
      .as('ranked');
    const rows = await exec
      .select({ m: messages, media, rn: ranked.rn })
      .from(ranked)
      .innerJoin(messages, eq(messages.id, ranked.id))
      .leftJoin(media, and(eq(media.organizationId, messages.organizationId), eq(media.id, messages.mediaId)))
      .where(sql`${ranked.rn} <= ${opts.messages + 1}`)
      .orderBy(messages.conversationId, sql`${messages.convSeq} desc`);
    const kept: string[] = [];
    for (const r of rows) {
      const b = out.get(r.m.conversationId)!;
      if (Number(r.rn) > opts.messages) {
        b.hasOlder = true;
        continue;
      }
      const row: MessageRow = toMessage(r.m, { media: r.media });
      b.messages.push({ e: 'message', id: r.m.id, v: r.m.version, op: 'put', row });
      b.lowestConvSeq = b.lowestConvSeq === null ? r.m.convSeq : Math.min(b.lowestConvSeq, r.m.convSeq);
      kept.push(r.m.id);
    }
    if (kept.length > 0) {
      const rx = await exec
        .select({ r: reactions, conversationId: messages.conversationId })
        .from(reactions)
        .innerJoin(
          messages,
          and(eq(messages.organizationId, reactions.organizationId), eq(messages.id, reactions.messageId)),
        )
        .where(
          and(
            eq(reactions.organizationId, organizationId),
            inArray(reactions.messageId, kept),
            isNotNull(reactions.emoji),
          ),
        )
        .orderBy(sql`${reactions.reactedAt} desc`);
      for (const x of rx)
        out.get(x.conversationId)!.reactions.push({
          e: 'reaction',
          id: x.r.id,
          v: x.r.version,
          op: 'put',
          row: {
            id: x.r.id,
            conversationId: x.conversationId,
            messageId: x.r.messageId,
            by: x.r.reactor,
            emoji: x.r.emoji!,
            at: x.r.reactedAt.toISOString(),
          },
        });
    }
  }

  if (opts.notes ?? true) {
    const rows = await exec
      .select()
      .from(notes)
      .where(and(eq(notes.organizationId, organizationId), inArray(notes.conversationId, convIds)))
      .orderBy(sql`${notes.createdAt} desc`);
    for (const n of rows)
      out.get(n.conversationId)!.notes.push({ e: 'note', id: n.id, v: n.version, op: 'put', row: toNote(n) });
  }
  return out;
}

/** A bundle's puts in the order a client applies them: contact, messages, reactions, notes. */
export const bundlePuts = (b: Bundle): PutEntry[] => [
  ...(b.contact ? [b.contact] : []),
  ...b.messages,
  ...b.reactions,
  ...b.notes,
];
