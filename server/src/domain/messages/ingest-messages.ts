import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import type { ContactOf } from './ingest-contacts';
import type { LockedConversations, StoredInbound } from './ingest-conversations';
import { orgKey, rowsJson as j, type InboundItem, type LogChanges } from './ingest-batch';
import { inboundFields, type InboundFields } from './message-content';

// Ingest steps 3 and 4, messages: one lookup of every wamid the batch names (its own, reply
// targets, reaction targets), then the new messages with conv_seq allocated in Meta-time order,
// their media rows and media_fetch jobs, and ONE insert. Runs under the conversation locks of
// step 2, so a wamid found missing here cannot be stored by another writer before this commits.

/** Queue name of inbound media downloads. */
export const MEDIA_FETCH_QUEUE = 'media_fetch';

/** Payload of a media_fetch job. */
export type MediaFetchPayload = { mediaId: string; accountId: string };

/** Messages the batch names, by organization and wamid (`conversation_id` '' while unknown). */
export type KnownMessages = Map<string, { id: string; conversation_id: string }>;

/** A new message of the batch, as inserted. */
export type InsertedInbound = StoredInbound & { account: string; fields: InboundFields; seq: number };

/** The messages the batch's wamids name that Parley already has: one statement. */
export async function knownMessages(tx: Tx, inbound: readonly InboundItem[]): Promise<KnownMessages> {
  const lookups: { o: string; w: string }[] = [];
  for (const { org, e } of inbound) {
    lookups.push({ o: org, w: e.wamid });
    if (e.context?.replyToWamid) lookups.push({ o: org, w: e.context.replyToWamid });
    if (e.content.type === 'reaction') lookups.push({ o: org, w: e.content.targetWamid });
  }
  const known: KnownMessages = new Map();
  for (const r of rowsOf<{
    id: string;
    organization_id: string;
    conversation_id: string;
    wa_message_id: string;
  }>(
    await tx.execute(sql`
      select m.id, m.organization_id, m.conversation_id, m.wa_message_id from messages m
      join (select distinct o, w from json_to_recordset(${j(lookups)}::json) as v(o uuid, w text)) k
        on m.organization_id = k.o and m.wa_message_id = k.w`),
  ))
    known.set(orgKey(r.organization_id, r.wa_message_id), r);
  return known;
}

/**
 * Stores the messages Parley does not have yet: conv_seq allocated per conversation in Meta-time
 * order, media rows with their media_fetch jobs, then one insert (replies resolve to messages of
 * this batch too). Adds them to `known` (reactions may target them) and logs them. Returns what
 * was inserted and each conversation's new last conv_seq.
 */
export async function insertMessages(
  tx: Tx,
  jobs: Pick<JobQueue, 'enqueueMany'>,
  batch: {
    messages: readonly InboundItem[];
    contactOf: ContactOf;
    conversations: LockedConversations;
    known: KnownMessages;
  },
  now: Date,
  log: LogChanges,
): Promise<{ inserted: InsertedInbound[]; lastSeq: Map<string, number> }> {
  const { contactOf, conversations, known } = batch;
  const fresh = batch.messages
    .filter(({ org, e }) => !known.has(orgKey(org, e.wamid)))
    .map((m, i) => ({ ...m, i, fields: inboundFields(m.e), id: randomUUID() }))
    .sort((a, b) => a.e.timestamp.getTime() - b.e.timestamp.getTime() || a.i - b.i);
  for (const m of fresh) known.set(orgKey(m.org, m.e.wamid), { id: m.id, conversation_id: '' });
  const lastSeq = new Map(conversations.rows.map((c) => [c.id, Number(c.last_conv_seq)]));
  const rows = fresh.map((m) => {
    const conv = conversations.of(m.org, m.account, contactOf(m.org, m.e).id);
    const seq = lastSeq.get(conv.id)! + 1;
    lastSeq.set(conv.id, seq);
    known.set(orgKey(m.org, m.e.wamid), { id: m.id, conversation_id: conv.id });
    return { ...m, conv: conv.id, seq, mediaId: m.fields.media ? randomUUID() : null };
  });

  const withMedia = rows.filter((r) => r.mediaId);
  if (withMedia.length > 0) {
    await tx.execute(sql`
      insert into media (id, organization_id, mime_type, file_name, source, state, meta_media_id, whatsapp_account_id, created_at, updated_at)
      select v.id, v.o, v.mt, v.fn, 'inbound', 'pending', v.mm, v.a, ${now}, ${now}
      from json_to_recordset(${j(
        withMedia.map((r) => ({
          id: r.mediaId,
          o: r.org,
          mt: r.fields.media!.mimeType,
          fn: r.fields.media!.fileName,
          mm: r.fields.media!.metaMediaId,
          a: r.account,
        })),
      )}::json) as v(id uuid, o uuid, mt text, fn text, mm text, a uuid)`);
    await jobs.enqueueMany(
      tx,
      withMedia.map((r) => ({
        queue: MEDIA_FETCH_QUEUE,
        organizationId: r.org,
        dedupeKey: r.mediaId!,
        payload: { mediaId: r.mediaId!, accountId: r.account } satisfies MediaFetchPayload,
        maxAttempts: 8,
      })),
    );
  }

  if (rows.length === 0) return { inserted: [], lastSeq };
  const inserted = rowsOf<{ id: string }>(
    await tx.execute(sql`
      insert into messages (id, organization_id, conversation_id, conv_seq, direction, type, text, caption, content,
        media_id, reply_to_message_id, reply_to_wamid, forwarded, frequently_forwarded, status, status_at,
        wa_message_id, created_at, updated_at)
      select v.id, v.o, v.c, v.seq, 'inbound', v.t, v.tx, v.cap, v.ct, v.md, v.rid, v.rw, v.fw, v.ffw, 'delivered', v.at,
        v.w, v.at, ${now}
      from json_to_recordset(${j(
        rows.map((r) => ({
          id: r.id,
          o: r.org,
          c: r.conv,
          seq: r.seq,
          t: r.fields.type,
          tx: r.fields.text,
          cap: r.fields.caption,
          ct: r.fields.content,
          md: r.mediaId,
          rid: r.e.context?.replyToWamid
            ? (known.get(orgKey(r.org, r.e.context.replyToWamid))?.id ?? null)
            : null,
          rw: r.e.context?.replyToWamid ?? null,
          fw: r.e.context?.forwarded ?? false,
          ffw: r.e.context?.frequentlyForwarded ?? false,
          at: r.e.timestamp.toISOString(),
          w: r.e.wamid,
        })),
      )}::json) as v(id uuid, o uuid, c uuid, seq bigint, t text, tx text, cap text, ct jsonb, md uuid, rid uuid,
        rw text, fw boolean, ffw boolean, at timestamptz, w text)
      on conflict (organization_id, wa_message_id) do nothing
      returning id`),
  );
  // Duplicates were filtered under the conversation locks; a skipped row here would leave a
  // hole in conv_seq, so it aborts the batch (the processor retries receipt by receipt).
  if (inserted.length !== rows.length) throw new Error('inbound message raced with another writer; retrying');
  for (const r of rows) log(r.org, { entity: 'message', entityId: r.id, conversationId: r.conv });
  return { inserted: rows, lastSeq };
}
