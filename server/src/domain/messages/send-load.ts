import { sql } from 'drizzle-orm';
import type { MessageContent } from './message-content';
import type { SendItem } from './send-outcome';
import { rowsOf } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import type { ClaimedSend } from '../../storage/send-jobs';

// Loading a claimed batch of sends: a fixed number of statements per batch (messages with
// their conversation and contact, then media and templates only when the batch has them).

const json = (v: unknown) => JSON.stringify(v);

type ContextRow = {
  id: string;
  type: string;
  text: string | null;
  caption: string | null;
  content: MessageContent | null;
  status: string;
  wa_message_id: string | null;
  media_id: string | null;
  whatsapp_account_id: string;
  contact_id: string;
  phone_e164: string | null;
  wa_id: string | null;
  bsuid: string | null;
  reply_wamid: string | null;
  reaction_wamid: string | null;
};
type MediaRowRaw = {
  id: string;
  mime_type: string;
  file_name: string | null;
  storage_key: string | null;
  meta_uploaded_id: string | null;
  meta_uploaded_at: string | Date | null;
  whatsapp_account_id: string | null;
};

/**
 * Reads what the claimed jobs send, in claim order: each message with its conversation's number
 * and contact (the recipient), reply and reaction targets' wamids, its media row, and the
 * template it renders. A job whose message is gone gets `ctx: null` (it is skipped).
 */
export async function loadSendItems(
  db: Db,
  organizationId: string,
  claimed: ClaimedSend[],
): Promise<SendItem[]> {
  // Primary-key lookups only, whatever the planner believes: each message through its pkey
  // (the lateral `offset 0` keeps the planner from trading it for an organization-wide scan
  // when it has no statistics — PGlite has no autovacuum), then its conversation and contact.
  // Media and templates are read separately, and only when a message of the batch has them.
  const ids = `{${claimed.map((c) => c.messageId).join(',')}}`;
  const rows = rowsOf<ContextRow>(
    await db.execute(sql`
      select m.id, m.type, m.text, m.caption, m.content, m.status, m.wa_message_id, m.media_id,
        cv.whatsapp_account_id, ct.id as contact_id, ct.phone_e164, ct.wa_id, ct.bsuid,
        (select r.wa_message_id from messages r where r.id = m.reply_to_message_id
           and r.organization_id = m.organization_id) as reply_wamid,
        case when m.type = 'reaction' then (
          select rt.wa_message_id from messages rt
          where rt.id = (m.content -> 'reaction' ->> 'messageId')::uuid and rt.organization_id = m.organization_id
        ) end as reaction_wamid
      from unnest(${ids}::uuid[]) as k(id)
      cross join lateral (select * from messages x where x.id = k.id offset 0) m
      join conversations cv on cv.id = m.conversation_id and cv.organization_id = m.organization_id
      join contacts ct on ct.id = cv.contact_id and ct.organization_id = cv.organization_id
      where m.organization_id = ${organizationId}`),
  );
  const mediaIds = [...new Set(rows.flatMap((r) => (r.media_id ? [r.media_id] : [])))];
  const mediaRows = mediaIds.length
    ? rowsOf<MediaRowRaw>(
        await db.execute(sql`
          select id, mime_type, file_name, storage_key, meta_uploaded_id, meta_uploaded_at, whatsapp_account_id
          from media where organization_id = ${organizationId}
            and id = any(${`{${mediaIds.join(',')}}`}::uuid[])`),
      )
    : [];
  const mediaById = new Map(mediaRows.map((m) => [m.id, m]));
  const tplKeys = [
    ...new Set(
      rows.flatMap((r) =>
        r.type === 'template' && r.content?.template
          ? [JSON.stringify([r.whatsapp_account_id, r.content.template.name, r.content.template.language])]
          : [],
      ),
    ),
  ].map((k) => JSON.parse(k) as [string, string, string]);
  const tplRows = tplKeys.length
    ? rowsOf<{ a: string; name: string; language: string; components: unknown; parameter_format: string }>(
        await db.execute(sql`
          select t.whatsapp_account_id as a, t.name, t.language, t.components, t.parameter_format
          from templates t join json_to_recordset(${json(tplKeys.map(([a, n, l]) => ({ a, n, l })))}::json)
            as k(a uuid, n text, l text)
            on t.whatsapp_account_id = k.a and t.name = k.n and t.language = k.l
          where t.organization_id = ${organizationId}`),
      )
    : [];
  const tplOf = (r: ContextRow) =>
    r.type === 'template' && r.content?.template
      ? tplRows.find(
          (t) =>
            t.a === r.whatsapp_account_id &&
            t.name === r.content!.template!.name &&
            t.language === r.content!.template!.language,
        )
      : undefined;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return claimed.map((job) => {
    const r = byId.get(job.messageId);
    if (!r) return { job, ctx: null, media: null };
    const md = r.media_id ? mediaById.get(r.media_id) : undefined;
    const tpl = tplOf(r);
    return {
      job,
      ctx: {
        messageId: r.id,
        type: r.type,
        text: r.text,
        caption: r.caption,
        content: r.content,
        status: r.status,
        waMessageId: r.wa_message_id,
        contactId: r.contact_id,
        phoneE164: r.phone_e164,
        waId: r.wa_id,
        bsuid: r.bsuid,
        replyToWamid: r.reply_wamid,
        reactionTargetWamid: r.reaction_wamid,
        mediaFileName: md?.file_name ?? null,
        templateComponents: tpl?.components ?? null,
        templateParameterFormat: tpl?.parameter_format ?? null,
      },
      // Media by URL is sent as a link: nothing to upload (Parley's copy is for the thread).
      media:
        md && !r.content?.media?.link
          ? {
              id: md.id,
              mimeType: md.mime_type,
              fileName: md.file_name,
              storageKey: md.storage_key,
              metaUploadedId: md.meta_uploaded_id,
              metaUploadedAt: md.meta_uploaded_at ? new Date(md.meta_uploaded_at) : null,
              accountId: md.whatsapp_account_id,
            }
          : null,
    };
  });
}
