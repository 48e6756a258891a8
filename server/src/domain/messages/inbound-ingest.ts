import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type {
  AccountEvent,
  InboundMessageEvent,
  PhoneQualityEvent,
  StatusEvent,
  TemplateStatusEvent,
} from '../../meta/normalize';
import type { JobQueue } from '../../storage/job-queue';
import { rowsOf, type Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import { applyTemplateStatusEvents } from '../templates/template-service';
import { templateSyncJob } from '../templates/template-sync-job';
import { inboundFields, type InboundFields } from './message-content';
import { applyStatuses } from './message-status';

/** Queue name of inbound media downloads. */
export const MEDIA_FETCH_QUEUE = 'media_fetch';

/** Payload of a media_fetch job. */
export type MediaFetchPayload = { mediaId: string; accountId: string };

/** An event after routing: the account (and so the organization) that owns it. */
export type RoutedEvent =
  | { organizationId: string; accountId: string; event: InboundMessageEvent }
  | { organizationId: string; accountId: string; event: StatusEvent }
  | { organizationId: string; accountId: string; event: TemplateStatusEvent }
  | { organizationId: string; accountId: string; event: AccountEvent }
  | { organizationId: string; accountId: string; event: PhoneQualityEvent };

/** What one ingest did, per organization, for recordChanges and for logs. */
export type IngestResult = {
  changes: Map<string, Change[]>;
  /** Reactions whose target message Parley does not have (ignored). */
  orphanReactions: string[];
  /** Template events for templates Parley has not synced (each account's templates get synced). */
  unknownTemplates: string[];
  /** Template sync jobs this batch queued (one per account; none while one already waits). */
  templateSyncsQueued: number;
  /** Number of new messages stored. */
  inserted: number;
};

type Json = Record<string, unknown>;
const j = (rows: unknown[]) => JSON.stringify(rows);
const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Applies routed webhook events in the caller's transaction with a fixed number of batched
 * statements, whatever the batch size (group commit): contacts, conversations, messages,
 * reactions, statuses, template and account changes, media rows and their fetch jobs.
 * Inbound messages are deduplicated by (organization, wamid); conversation sequence numbers
 * stay gap-free because duplicates are filtered under the conversation row locks before seqs
 * are allocated. The caller logs the returned changes with recordChanges as the last statement.
 */
export function createInboundIngest(deps: { jobs: Pick<JobQueue, 'enqueueMany'> }) {
  return async (tx: Tx, routed: readonly RoutedEvent[], now: Date): Promise<IngestResult> => {
    const result: IngestResult = {
      changes: new Map(),
      orphanReactions: [],
      unknownTemplates: [],
      templateSyncsQueued: 0,
      inserted: 0,
    };
    const log = (org: string, ...c: Change[]) => {
      let list = result.changes.get(org);
      if (!list) result.changes.set(org, (list = []));
      list.push(...c);
    };

    // Inbound messages, first occurrence of each (organization, wamid) only.
    const seen = new Set<string>();
    const inbound: { org: string; account: string; e: InboundMessageEvent }[] = [];
    for (const r of routed) {
      if (r.event.kind !== 'message') continue;
      const key = `${r.organizationId}\0${r.event.wamid}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inbound.push({ org: r.organizationId, account: r.accountId, e: r.event });
    }
    if (inbound.length > 0) await ingestMessages(tx, inbound, now, result, log, deps.jobs);

    // Statuses, per organization.
    const statusesByOrg = new Map<string, StatusEvent[]>();
    for (const r of routed)
      if (r.event.kind === 'status') {
        const list = statusesByOrg.get(r.organizationId) ?? [];
        list.push(r.event);
        statusesByOrg.set(r.organizationId, list);
      }
    for (const [org, list] of statusesByOrg) {
      const changes = await applyStatuses(
        tx,
        org,
        list.map((s) => ({
          wamid: s.wamid,
          status: s.status,
          timestamp: s.timestamp,
          callbackData: s.bizOpaqueCallbackData,
          errors: s.errors,
        })),
        now,
      );
      log(org, ...changes);
    }

    // Template status updates, per account.
    const syncAccounts = new Map<string, string>();
    for (const r of routed) {
      if (r.event.kind !== 'template_status') continue;
      const { changes, unknown } = await applyTemplateStatusEvents(
        tx,
        r.organizationId,
        r.accountId,
        [r.event],
        now,
      );
      log(r.organizationId, ...changes);
      result.unknownTemplates.push(...unknown);
      if (unknown.length > 0) syncAccounts.set(r.accountId, r.organizationId);
    }
    // A template Meta knows and Parley does not (created or approved at Meta since the last
    // sync): sync that account's templates soon, once per account however many events named one.
    if (syncAccounts.size > 0)
      result.templateSyncsQueued = (
        await deps.jobs.enqueueMany(
          tx,
          [...syncAccounts].map(([accountId, org]) => templateSyncJob(org, accountId, now)),
        )
      ).length;

    // Account-level notices.
    for (const r of routed) {
      if (r.event.kind === 'account') {
        const reason = accountReason(r.event);
        if (reason === undefined) continue;
        await tx.execute(sql`
          update whatsapp_accounts set status_reason = ${reason}, updated_at = ${now}
          where organization_id = ${r.organizationId} and id = ${r.accountId}`);
        log(r.organizationId, { entity: 'whatsapp_account', entityId: r.accountId });
      } else if (r.event.kind === 'phone_quality' && r.event.event === 'THROUGHPUT_UPGRADE') {
        // Meta raised the number to its high tier (1,000 mps, digest §9).
        await tx.execute(sql`
          update whatsapp_accounts set throughput_mps = greatest(throughput_mps, 1000), updated_at = ${now}
          where organization_id = ${r.organizationId} and id = ${r.accountId}`);
        log(r.organizationId, { entity: 'whatsapp_account', entityId: r.accountId });
      }
    }
    return result;
  };
}

/** The sentence an account_update leaves on the account; undefined = nothing to show. */
function accountReason(e: AccountEvent): string | null | undefined {
  switch (e.event) {
    case 'ACCOUNT_RESTRICTION':
      return 'Meta restricted this WhatsApp Business Account. Check Business Support Home.';
    case 'ACCOUNT_VIOLATION':
      return 'Meta reported a policy violation on this WhatsApp Business Account.';
    case 'DISABLED_UPDATE':
      return 'Meta disabled this WhatsApp Business Account.';
    case 'ACCOUNT_DELETED':
      return 'Meta deleted this WhatsApp Business Account.';
    case 'ACCOUNT_OFFBOARDED':
      return 'This WhatsApp Business Account was offboarded from the app.';
    case 'ACCOUNT_RECONNECTED':
      return null;
    default:
      return undefined;
  }
}

type ContactRow = {
  id: string;
  organization_id: string;
  wa_id: string | null;
  bsuid: string | null;
  phone_e164: string | null;
};

async function ingestMessages(
  tx: Tx,
  inbound: { org: string; account: string; e: InboundMessageEvent }[],
  now: Date,
  result: IngestResult,
  log: (org: string, ...c: Change[]) => void,
  jobs: Pick<JobQueue, 'enqueueMany'>,
) {
  // ---- 1. Contacts: one lookup, one multi-row insert, one multi-row update. ----
  const idKeys = inbound.map(({ org, e }) => ({
    o: org,
    wa: e.waId,
    bs: e.userId,
    ph: e.waId ? `+${e.waId}` : null,
  }));
  const existing = rowsOf<ContactRow>(
    await tx.execute(sql`
      select c.id, c.organization_id, c.wa_id, c.bsuid, c.phone_e164 from contacts c
      join json_to_recordset(${j(idKeys)}::json) as k(o uuid, wa text, bs text, ph text)
        on c.organization_id = k.o and (c.wa_id = k.wa or c.bsuid = k.bs or (c.wa_id is null and c.phone_e164 = k.ph))`),
  );
  const byWa = new Map<string, ContactRow>();
  const byBs = new Map<string, ContactRow>();
  const byPhone = new Map<string, ContactRow>();
  const index = (c: ContactRow) => {
    if (c.wa_id) byWa.set(`${c.organization_id}\0${c.wa_id}`, c);
    if (c.bsuid) byBs.set(`${c.organization_id}\0${c.bsuid}`, c);
    if (!c.wa_id && c.phone_e164) byPhone.set(`${c.organization_id}\0${c.phone_e164}`, c);
  };
  existing.forEach(index);
  const find = (org: string, e: InboundMessageEvent) =>
    (e.waId ? byWa.get(`${org}\0${e.waId}`) : undefined) ??
    (e.userId ? byBs.get(`${org}\0${e.userId}`) : undefined) ??
    (e.waId ? byPhone.get(`${org}\0+${e.waId}`) : undefined);

  // New contacts, one per sender identity.
  const toCreate = new Map<string, Json>();
  for (const { org, e } of inbound) {
    if (find(org, e)) continue;
    const key = `${org}\0${e.waId ?? `bs:${e.userId}`}`;
    if (!toCreate.has(key))
      toCreate.set(key, {
        id: randomUUID(),
        o: org,
        wa: e.waId,
        bs: e.userId,
        ph: e.waId ? `+${e.waId}` : null,
        pn: e.profileName,
        un: e.username,
      });
  }
  if (toCreate.size > 0) {
    const created = rowsOf<ContactRow>(
      await tx.execute(sql`
        insert into contacts (id, organization_id, wa_id, bsuid, phone_e164, profile_name, username, created_at, updated_at)
        select v.id, v.o, v.wa, v.bs, v.ph, v.pn, v.un, ${now}, ${now}
        from json_to_recordset(${j([...toCreate.values()])}::json) as v(id uuid, o uuid, wa text, bs text, ph text, pn text, un text)
        on conflict do nothing
        returning id, organization_id, wa_id, bsuid, phone_e164`),
    );
    created.forEach(index);
    for (const c of created) log(c.organization_id, { entity: 'contact', entityId: c.id });
    if (created.length < toCreate.size) {
      // Another processor created some of them concurrently: read them back.
      const missing = [...toCreate.values()].filter((v) => !created.some((c) => c.id === v.id));
      rowsOf<ContactRow>(
        await tx.execute(sql`
          select c.id, c.organization_id, c.wa_id, c.bsuid, c.phone_e164 from contacts c
          join json_to_recordset(${j(missing)}::json) as k(o uuid, wa text, bs text)
            on c.organization_id = k.o and (c.wa_id = k.wa or c.bsuid = k.bs)`),
      ).forEach(index);
    }
  }

  // Refresh known contacts: profile name, username, and identities they did not have yet.
  const createdIds = new Set([...toCreate.values()].map((v) => v.id as string));
  const updates = new Map<string, Json>();
  for (const { org, e } of inbound) {
    const c = find(org, e);
    if (!c) throw new Error(`contact for ${e.from} not resolved`);
    if (createdIds.has(c.id)) continue;
    const addBs = e.userId && !c.bsuid && !byBs.has(`${org}\0${e.userId}`) ? e.userId : null;
    const addWa = e.waId && !c.wa_id && !byWa.has(`${org}\0${e.waId}`) ? e.waId : null;
    if (addBs) byBs.set(`${org}\0${addBs}`, c);
    if (addWa) byWa.set(`${org}\0${addWa}`, c);
    const prev = updates.get(c.id);
    updates.set(c.id, {
      id: c.id,
      o: org,
      pn: e.profileName ?? prev?.pn ?? null,
      un: e.username ?? prev?.un ?? null,
      bs: addBs ?? prev?.bs ?? null,
      wa: addWa ?? prev?.wa ?? null,
    });
  }
  if (updates.size > 0) {
    const changed = rowsOf<{ id: string; organization_id: string }>(
      await tx.execute(sql`
        update contacts c set
          profile_name = coalesce(v.pn, c.profile_name), username = coalesce(v.un, c.username),
          bsuid = coalesce(c.bsuid, v.bs), wa_id = coalesce(c.wa_id, v.wa),
          phone_e164 = coalesce(c.phone_e164, '+' || v.wa), updated_at = ${now}
        from json_to_recordset(${j([...updates.values()])}::json) as v(id uuid, o uuid, pn text, un text, bs text, wa text)
        where c.organization_id = v.o and c.id = v.id
          and (c.profile_name is distinct from coalesce(v.pn, c.profile_name)
            or c.username is distinct from coalesce(v.un, c.username)
            or (c.bsuid is null and v.bs is not null) or (c.wa_id is null and v.wa is not null))
        returning c.id, c.organization_id`),
    );
    for (const c of changed) log(c.organization_id, { entity: 'contact', entityId: c.id });
  }

  // ---- 2. Conversations: one upsert that also locks them (sorted: a stable lock order). ----
  const reactions = inbound.filter((m) => m.e.content.type === 'reaction');
  const messages = inbound.filter((m) => m.e.content.type !== 'reaction');
  const convKeys = new Map<string, Json>();
  for (const { org, account, e } of messages) {
    const contact = find(org, e)!;
    convKeys.set(`${org}\0${account}\0${contact.id}`, { o: org, a: account, c: contact.id });
  }
  const convRows =
    convKeys.size === 0
      ? []
      : rowsOf<{
          id: string;
          organization_id: string;
          whatsapp_account_id: string;
          contact_id: string;
          last_conv_seq: string | number;
          inserted: boolean;
        }>(
          await tx.execute(sql`
            insert into conversations (organization_id, whatsapp_account_id, contact_id, created_at, updated_at)
            select v.o, v.a, v.c, ${now}, ${now}
            from json_to_recordset(${j([...convKeys.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v))}::json)
              as v(o uuid, a uuid, c uuid)
            on conflict (organization_id, whatsapp_account_id, contact_id)
              do update set updated_at = conversations.updated_at
            returning id, organization_id, whatsapp_account_id, contact_id, last_conv_seq, (xmax = 0) as inserted`),
        );
  const convOf = new Map(
    convRows.map((c) => [`${c.organization_id}\0${c.whatsapp_account_id}\0${c.contact_id}`, c]),
  );

  // ---- 3. Which wamids exist already (ours, reply targets, reaction targets): one lookup. ----
  const lookups: Json[] = [];
  for (const { org, e } of inbound) {
    lookups.push({ o: org, w: e.wamid });
    if (e.context?.replyToWamid) lookups.push({ o: org, w: e.context.replyToWamid });
    if (e.content.type === 'reaction') lookups.push({ o: org, w: e.content.targetWamid });
  }
  const known = new Map<string, { id: string; conversation_id: string }>();
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
    known.set(`${r.organization_id}\0${r.wa_message_id}`, r);

  // ---- 4. New messages: allocate conv_seq in Meta-time order, media rows, one insert. ----
  const fresh = messages
    .filter(({ org, e }) => !known.has(`${org}\0${e.wamid}`))
    .map((m, i) => ({ ...m, i, fields: inboundFields(m.e), id: randomUUID() }))
    .sort((a, b) => a.e.timestamp.getTime() - b.e.timestamp.getTime() || a.i - b.i);
  for (const m of fresh) known.set(`${m.org}\0${m.e.wamid}`, { id: m.id, conversation_id: '' });
  const nextSeq = new Map(convRows.map((c) => [c.id, Number(c.last_conv_seq)]));
  type Fresh = (typeof fresh)[number] & { conv: string; seq: number; mediaId: string | null };
  const rows: Fresh[] = fresh.map((m) => {
    const conv = convOf.get(`${m.org}\0${m.account}\0${find(m.org, m.e)!.id}`)!;
    const seq = nextSeq.get(conv.id)! + 1;
    nextSeq.set(conv.id, seq);
    known.set(`${m.org}\0${m.e.wamid}`, { id: m.id, conversation_id: conv.id });
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

  if (rows.length > 0) {
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
              ? (known.get(`${r.org}\0${r.e.context.replyToWamid}`)?.id ?? null)
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
    if (inserted.length !== rows.length)
      throw new Error('inbound message raced with another writer; retrying');
    result.inserted = rows.length;
    for (const r of rows) log(r.org, { entity: 'message', entityId: r.id, conversationId: r.conv });

    // ---- 5. Conversations: last message, unread, window, reopen — one update. ----
    const perConv = new Map<string, { o: string; rows: Fresh[] }>();
    for (const r of rows) {
      const g = perConv.get(r.conv) ?? { o: r.org, rows: [] };
      g.rows.push(r);
      perConv.set(r.conv, g);
    }
    const convUpdates = [...perConv].map(([id, g]) => {
      const last = g.rows.reduce((a, b) => (b.e.timestamp.getTime() >= a.e.timestamp.getTime() ? b : a));
      return {
        id,
        o: g.o,
        seq: nextSeq.get(id),
        n: g.rows.length,
        at: last.e.timestamp.toISOString(),
        mid: last.id,
        pv: last.fields.preview,
        t: last.fields.type,
        win: new Date(last.e.timestamp.getTime() + WINDOW_MS).toISOString(),
      };
    });
    await tx.execute(sql`
      update conversations c set
        last_conv_seq = v.seq,
        unread_count = c.unread_count + v.n,
        last_message_id = case when c.last_message_at is null or v.at >= c.last_message_at then v.mid else c.last_message_id end,
        last_message_preview = case when c.last_message_at is null or v.at >= c.last_message_at then v.pv else c.last_message_preview end,
        last_message_type = case when c.last_message_at is null or v.at >= c.last_message_at then v.t else c.last_message_type end,
        last_message_direction = case when c.last_message_at is null or v.at >= c.last_message_at then 'inbound' else c.last_message_direction end,
        last_message_status = case when c.last_message_at is null or v.at >= c.last_message_at then 'delivered' else c.last_message_status end,
        last_message_at = greatest(c.last_message_at, v.at),
        last_inbound_at = greatest(c.last_inbound_at, v.at),
        window_expires_at = greatest(c.window_expires_at, v.win),
        status = case when c.status in ('resolved', 'snoozed') then 'open'::conversation_status else c.status end,
        snoozed_until = case when c.status in ('resolved', 'snoozed') then null else c.snoozed_until end,
        updated_at = ${now}
      from json_to_recordset(${j(convUpdates)}::json) as v(id uuid, o uuid, seq bigint, n int, at timestamptz, mid uuid,
        pv text, t text, win timestamptz)
      where c.organization_id = v.o and c.id = v.id`);
    for (const c of convUpdates) log(c.o, { entity: 'conversation', entityId: c.id, conversationId: c.id });
  }

  // ---- 6. Reactions on their target (latest per reactor wins; removal keeps a tombstone). ----
  if (reactions.length > 0) {
    const latest = new Map<string, Json>();
    for (const { org, e } of reactions) {
      if (e.content.type !== 'reaction') continue;
      const target = known.get(`${org}\0${e.content.targetWamid}`);
      if (!target) {
        result.orphanReactions.push(e.wamid);
        continue;
      }
      const key = `${org}\0${target.id}`;
      const prev = latest.get(key);
      if (prev && Date.parse(prev.at as string) > e.timestamp.getTime()) continue;
      latest.set(key, {
        o: org,
        m: target.id,
        c: target.conversation_id || null,
        em: e.content.emoji,
        w: e.wamid,
        at: e.timestamp.toISOString(),
      });
    }
    if (latest.size > 0) {
      const changed = rowsOf<{
        id: string;
        organization_id: string;
        conversation_id: string | null;
        emoji: string | null;
      }>(
        await tx.execute(sql`
          insert into reactions (organization_id, message_id, conversation_id, reactor, emoji, wa_message_id, reacted_at)
          select v.o, v.m, coalesce(v.c, (select conversation_id from messages where id = v.m)), 'customer', v.em, v.w, v.at
          from json_to_recordset(${j([...latest.values()])}::json) as v(o uuid, m uuid, c uuid, em text, w text, at timestamptz)
          on conflict (organization_id, message_id, reactor) do update set
            emoji = excluded.emoji, wa_message_id = excluded.wa_message_id, reacted_at = excluded.reacted_at
          where reactions.reacted_at <= excluded.reacted_at and reactions.emoji is distinct from excluded.emoji
          returning id, organization_id, conversation_id, emoji`),
      );
      for (const r of changed)
        log(r.organization_id, {
          entity: 'reaction',
          entityId: r.id,
          op: r.emoji === null ? 'del' : 'put',
          conversationId: r.conversation_id,
        });
    }
  }
}

export type { InboundFields };
