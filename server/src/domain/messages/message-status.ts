import { sql } from 'drizzle-orm';
import type { MessageStatus } from '#contract/domain/messaging';
import { lookupMetaError } from '../../meta/error-catalog';
import type { MetaErrorDetail, StatusValue } from '../../meta/normalize';
import { rowsOf, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';

// Outbound delivery status is a lattice, not a last-writer-wins field (digest §3): Meta may skip,
// repeat or reorder status webhooks. Rank: queued 0 < sent 1 < failed 1.5 < delivered 2 < read 3.
// `failed` beats queued/sent but a later delivered/read proves the message arrived; a `sent`
// after `failed` changes nothing. `played` (voice note played) implies read.

type Executor = Pick<Db | Tx, 'execute'>;

/** One status webhook for one of our outbound messages. */
export type StatusInput = {
  wamid: string;
  status: StatusValue;
  /** Meta's timestamp. */
  timestamp: Date;
  /** `biz_opaque_callback_data`: our message id for sends made through Parley. */
  callbackData: string | null;
  errors: MetaErrorDetail[];
};

const RANK: Record<string, number> = { queued: 0, sent: 1, failed: 1.5, delivered: 2, read: 3, played: 3 };
const asMessageStatus = (s: StatusValue): MessageStatus => (s === 'played' ? 'read' : s);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQL rank of a message_status value (same lattice as RANK). */
const rankSql = (col: ReturnType<typeof sql.raw>) =>
  sql`(case ${col} when 'queued' then 0 when 'sent' then 1 when 'failed' then 1.5 when 'delivered' then 2 when 'read' then 3 end)`;

/**
 * Applies status webhooks for one organization in `tx` (Meta's order is not trusted):
 * 1. records each (wamid, status) once in message_status_events — a repeat changes nothing;
 * 2. attaches a wamid to our message named by `biz_opaque_callback_data` when its wamid is still
 *    unknown (the send timed out ambiguously, or the webhook beat the send response);
 * 3. raises each message to the highest new status in the lattice (one UPDATE), with Meta's time,
 *    and for `failed` Meta's code and title plus the catalog's sentence for agents;
 * 4. mirrors the status onto conversations whose last message it is.
 * Statuses for wamids no message carries yet stay recorded and are applied by {@link attachWamid}.
 * Returns the sync log changes (message and conversation puts).
 */
export async function applyStatuses(
  tx: Executor,
  organizationId: string,
  statuses: readonly StatusInput[],
  now: Date,
): Promise<Change[]> {
  if (statuses.length === 0) return [];
  const unique = new Map<string, StatusInput>();
  for (const s of statuses)
    if (!unique.has(`${s.wamid}\0${s.status}`)) unique.set(`${s.wamid}\0${s.status}`, s);
  const rows = JSON.stringify(
    [...unique.values()].map((s) => ({
      w: s.wamid,
      s: s.status,
      at: s.timestamp.toISOString(),
      cb: s.callbackData,
      e: s.errors[0] ?? null,
    })),
  );
  const fresh = rowsOf<{ wa_message_id: string; status: string }>(
    await tx.execute(sql`
      insert into message_status_events (organization_id, wa_message_id, status, occurred_at, callback_data, error, received_at)
      select ${organizationId}, v.w, v.s, v.at, v.cb, v.e, ${now}
      from json_to_recordset(${rows}::json) as v(w text, s text, at timestamptz, cb text, e jsonb)
      on conflict do nothing
      returning wa_message_id, status`),
  );
  if (fresh.length === 0) return [];
  const isFresh = new Set(fresh.map((f) => `${f.wa_message_id}\0${f.status}`));
  const applied = [...unique.values()].filter((s) => isFresh.has(`${s.wamid}\0${s.status}`));

  // 2. Reconcile by callback data (our message id), once per wamid.
  const callbacks = new Map<string, string>();
  for (const s of applied)
    if (s.callbackData && UUID.test(s.callbackData)) callbacks.set(s.wamid, s.callbackData);
  if (callbacks.size > 0) await attachByCallback(tx, organizationId, callbacks, now);

  return raise(tx, organizationId, applied, now);
}

/** Sets wa_message_id on our outbound messages that have none yet (idempotent). */
async function attachByCallback(
  tx: Executor,
  organizationId: string,
  byWamid: Map<string, string>,
  now: Date,
) {
  const json = JSON.stringify([...byWamid].map(([w, id]) => ({ w, id })));
  await tx.execute(sql`
    update messages m set wa_message_id = v.w, updated_at = ${now}
    from json_to_recordset(${json}::json) as v(w text, id uuid)
    where m.organization_id = ${organizationId} and m.id = v.id and m.direction = 'outbound'
      and m.wa_message_id is null
      and not exists (select 1 from messages o where o.organization_id = ${organizationId} and o.wa_message_id = v.w)`);
}

/** Raises messages to the best of `statuses` per wamid; returns log changes. */
async function raise(
  tx: Executor,
  organizationId: string,
  statuses: StatusInput[],
  now: Date,
): Promise<Change[]> {
  const best = new Map<string, StatusInput>();
  for (const s of statuses) {
    const cur = best.get(s.wamid);
    if (!cur || RANK[s.status]! > RANK[cur.status]!) best.set(s.wamid, s);
  }
  if (best.size === 0) return [];
  const json = JSON.stringify(
    [...best.values()].map((s) => {
      const status = asMessageStatus(s.status);
      const e = status === 'failed' ? s.errors[0] : undefined;
      const entry = e ? lookupMetaError(e.code, e.title) : undefined;
      return {
        w: s.wamid,
        s: status,
        at: s.timestamp.toISOString(),
        code: e ? String(e.code) : status === 'failed' ? 'unknown' : null,
        title: e ? (e.title ?? entry!.title) : null,
        msg: entry
          ? entry.agentMessage
          : status === 'failed'
            ? 'WhatsApp could not deliver this message.'
            : null,
      };
    }),
  );
  const changed = rowsOf<{ id: string; conversation_id: string; status: string }>(
    await tx.execute(sql`
      update messages m set status = v.s::message_status, status_at = v.at,
        error_code = v.code, error_title = v.title, error_message = v.msg, updated_at = ${now}
      from json_to_recordset(${json}::json) as v(w text, s text, at timestamptz, code text, title text, msg text)
      where m.organization_id = ${organizationId} and m.wa_message_id = v.w and m.direction = 'outbound'
        and ${rankSql(sql.raw('v.s'))} > ${rankSql(sql.raw('m.status::text'))}
      returning m.id, m.conversation_id, m.status`),
  );
  if (changed.length === 0) return [];
  const convJson = JSON.stringify(changed.map((c) => ({ id: c.id, s: c.status })));
  const convs = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update conversations c set last_message_status = v.s::message_status, updated_at = ${now}
      from json_to_recordset(${convJson}::json) as v(id uuid, s text)
      where c.organization_id = ${organizationId} and c.last_message_id = v.id
      returning c.id`),
  );
  return [
    ...changed.map((c) => ({ entity: 'message', entityId: c.id, conversationId: c.conversation_id })),
    ...convs.map((c) => ({ entity: 'conversation', entityId: c.id, conversationId: c.id })),
  ];
}

type EventRow = {
  wa_message_id: string;
  status: string;
  occurred_at: string | Date;
  error: MetaErrorDetail | null;
};

const recorded = (rows: EventRow[]): StatusInput[] =>
  rows.map((r) => ({
    wamid: r.wa_message_id,
    status: r.status as StatusValue,
    timestamp: new Date(r.occurred_at),
    callbackData: null,
    errors: r.error ? [r.error] : [],
  }));

/**
 * The send path's "Meta accepted it, here is the wamid": sets the message's wamid (unless a
 * status webhook carrying our id already did — idempotent) and applies statuses that arrived
 * before it was known. Call inside the transaction that records the send; log the returned
 * changes with recordChanges (the message itself is included).
 */
export async function attachWamid(
  tx: Executor,
  organizationId: string,
  messageId: string,
  wamid: string,
  now: Date,
): Promise<Change[]> {
  const [row] = rowsOf<{ conversation_id: string }>(
    await tx.execute(sql`
      update messages set wa_message_id = ${wamid}, updated_at = ${now}
      where organization_id = ${organizationId} and id = ${messageId}
        and (wa_message_id is null or wa_message_id = ${wamid})
      returning conversation_id`),
  );
  if (!row) return [];
  const events = rowsOf<EventRow>(
    await tx.execute(sql`
      select wa_message_id, status, occurred_at, error from message_status_events
      where organization_id = ${organizationId} and wa_message_id = ${wamid}`),
  );
  const changes = await raise(tx, organizationId, recorded(events), now);
  return [{ entity: 'message', entityId: messageId, conversationId: row.conversation_id }, ...changes];
}

/**
 * The ambiguous-timeout path (sync-protocol decision 2): did Meta report a status carrying our
 * message id? If so, attaches that wamid and applies every status recorded for it, and returns
 * the wamid, the message's status and the changes to log; null when nothing arrived (then the
 * caller marks the message failed "may not have been sent" after its deadline).
 */
export async function reconcileByCallbackData(
  tx: Executor,
  organizationId: string,
  messageId: string,
  now: Date,
): Promise<{ wamid: string; status: MessageStatus; changes: Change[] } | null> {
  const [hit] = rowsOf<{ wa_message_id: string }>(
    await tx.execute(sql`
      select wa_message_id from message_status_events
      where organization_id = ${organizationId} and callback_data = ${messageId}
      order by occurred_at limit 1`),
  );
  if (!hit) return null;
  const changes = await attachWamid(tx, organizationId, messageId, hit.wa_message_id, now);
  const [msg] = rowsOf<{ status: MessageStatus }>(
    await tx.execute(
      sql`select status from messages where organization_id = ${organizationId} and id = ${messageId}`,
    ),
  );
  return msg ? { wamid: hit.wa_message_id, status: msg.status, changes } : null;
}
