import { sql, type SQL } from 'drizzle-orm';
import { attachWamid } from './message-status';
import type { SendOutcome } from './send-outcome';
import { RECONCILE_QUEUE, type ReconcilePayload } from './send-queue';
import { recordChanges, rowsOf, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import type { SendJobs, SendJobSettlement } from '../../storage/send-jobs';

// Writing a batch of send outcomes: ONE transaction per batch, a fixed number of statements
// whatever its size — media upload ids, accepted wamids (applying statuses that beat them),
// WhatsApp ids Meta resolved, failed messages, the jobs' new states, reconcile jobs for
// ambiguous sends, the number's token_invalid flag, and the change log last — so the database
// is not the bottleneck at 1,000 messages/s.
//
// Meta's 200 means "accepted", not "sent": an accepted message keeps status `queued` with its
// wamid set, and only status webhooks move it on (message-status.ts). An ambiguous send is never
// resent: its job waits in `awaiting_status` and a reconcile job checks later (send-reconcile.ts).

const json = (v: unknown) => JSON.stringify(v);

/** A media file uploaded to Meta for a send: its upload id is reused for later sends. */
export type MediaUpload = { mediaId: string; metaId: string; at: Date };

/** What {@link writeSendResults} needs. */
export type WriteSendResultsDeps = {
  db: Db;
  jobs: Pick<JobQueue, 'enqueueMany'>;
  sendJobs: Pick<SendJobs, 'settle'>;
  /** The worker holding the batch's jobs (jobs it no longer holds are not settled). */
  workerId: string;
  /** How long an ambiguous send waits for a status webhook before it is reconciled. */
  reconcileAfterMs: number;
  log?: { warn: (obj: object, msg: string) => void } | undefined;
};

/**
 * Writes a batch of outcomes of one number's sends in one transaction (see above). A retry past
 * the job's last attempt fails the message; an auth failure leaves its job pending, uncounted,
 * and flags the number `token_invalid` so its queue stops until an admin reconnects it.
 */
export async function writeSendResults(
  deps: WriteSendResultsDeps,
  input: {
    organizationId: string;
    accountId: string;
    batch: readonly SendOutcome[];
    uploads: readonly MediaUpload[];
    now: Date;
  },
): Promise<void> {
  const { db, jobs, sendJobs } = deps;
  const { organizationId, accountId, batch, uploads: ups, now } = input;
  await db.transaction(async (tx) => {
    const changes: Change[] = [];
    const settle: SendJobSettlement[] = [];
    const failed: { id: string; c: string; t: string | null; m: string }[] = [];
    const accepted: { id: string; w: string }[] = [];
    const learn: { cid: string; wa: string }[] = [];
    const reconcile: ReconcilePayload[] = [];
    let authReason: string | null = null;

    for (const o of batch) {
      const job = o.item.job;
      switch (o.kind) {
        case 'accepted':
          accepted.push({ id: job.messageId, w: o.wamid });
          if (o.waId && o.item.ctx && !o.item.ctx.waId) learn.push({ cid: o.item.ctx.contactId, wa: o.waId });
          settle.push({ id: job.id, s: 'done', r: null, e: null, d: 0 });
          break;
        case 'skip':
          settle.push({ id: job.id, s: 'done', r: null, e: null, d: 0 });
          break;
        case 'failed':
          failed.push({ id: job.messageId, c: o.failure.code, t: o.failure.title, m: o.failure.message });
          settle.push({ id: job.id, s: 'failed', r: null, e: o.error, d: 0 });
          break;
        case 'retry':
          if (job.attempts >= job.maxAttempts) {
            failed.push({
              id: job.messageId,
              c: o.failure.code,
              t: o.failure.title,
              m: `WhatsApp kept refusing this message${o.failure.title ? ` (${o.failure.title})` : ''}; it was not sent. Try again later.`,
            });
            settle.push({ id: job.id, s: 'failed', r: null, e: o.error, d: 0 });
          } else
            settle.push({
              id: job.id,
              s: 'pending',
              r: new Date(now.getTime() + o.afterMs).toISOString(),
              e: o.error,
              d: 0,
            });
          break;
        case 'reschedule':
          settle.push({ id: job.id, s: 'pending', r: o.at.toISOString(), e: null, d: -1 });
          break;
        case 'auth':
          authReason = o.reason;
          // Not an attempt: the job waits, pending, until the number is reconnected.
          settle.push({ id: job.id, s: 'pending', r: now.toISOString(), e: o.reason, d: -1 });
          break;
        case 'ambiguous':
          settle.push({ id: job.id, s: 'awaiting_status', r: null, e: o.error, d: 0 });
          reconcile.push({ messageId: job.messageId, sendJobId: job.id });
          break;
      }
    }

    if (ups.length > 0) {
      const rows = rowsOf<{ id: string }>(
        await tx.execute(sql`
          update media m set meta_uploaded_id = v.m, meta_uploaded_at = v.at, whatsapp_account_id = ${accountId},
            updated_at = ${now}
          from json_to_recordset(${json(ups.map((u) => ({ id: u.mediaId, m: u.metaId, at: u.at })))}::json)
            as v(id uuid, m text, at timestamptz)
          where m.id = v.id and ${sameOrg(sql`m.organization_id`, organizationId)}
          returning m.id`),
      );
      for (const r of rows) changes.push({ entity: 'media', entityId: r.id });
    }

    if (accepted.length > 0) {
      const rows = rowsOf<{ id: string; conversation_id: string; wa_message_id: string }>(
        await tx.execute(sql`
          update messages m set wa_message_id = v.w, updated_at = ${now}
          from json_to_recordset(${json(accepted)}::json) as v(id uuid, w text)
          where m.id = v.id and ${sameOrg(sql`m.organization_id`, organizationId)}
            and (m.wa_message_id is null or m.wa_message_id = v.w)
          returning m.id, m.conversation_id, m.wa_message_id`),
      );
      for (const r of rows)
        changes.push({ entity: 'message', entityId: r.id, conversationId: r.conversation_id });
      // Status webhooks that beat the response were recorded by wamid: apply them now.
      const early = new Set(
        rowsOf<{ wa_message_id: string }>(
          await tx.execute(sql`
            select distinct wa_message_id from message_status_events
            where organization_id = ${organizationId}
              and wa_message_id in (select value from json_array_elements_text(${json(rows.map((r) => r.wa_message_id))}::json))`),
        ).map((r) => r.wa_message_id),
      );
      for (const r of rows)
        if (early.has(r.wa_message_id))
          changes.push(...(await attachWamid(tx, organizationId, r.id, r.wa_message_id, now)));
    }
    if (learn.length > 0) {
      // The WhatsApp id Meta resolved the number to: later webhooks from this user match the contact.
      const rows = rowsOf<{ id: string }>(
        await tx.execute(sql`
          update contacts c set wa_id = v.wa, updated_at = ${now}
          from json_to_recordset(${json(learn)}::json) as v(cid uuid, wa text)
          where c.id = v.cid and ${sameOrg(sql`c.organization_id`, organizationId)} and c.wa_id is null
            and not exists (select 1 from contacts o where o.organization_id = ${organizationId} and o.wa_id = v.wa)
          returning c.id`),
      );
      for (const r of rows) changes.push({ entity: 'contact', entityId: r.id });
    }

    if (failed.length > 0) changes.push(...(await failMessages(tx, organizationId, failed, now)));

    await sendJobs.settle(tx, deps.workerId, settle, now);

    if (reconcile.length > 0)
      await jobs.enqueueMany(
        tx,
        reconcile.map((r) => ({
          queue: RECONCILE_QUEUE,
          organizationId,
          dedupeKey: r.messageId,
          payload: r satisfies ReconcilePayload,
          runAt: new Date(now.getTime() + deps.reconcileAfterMs),
        })),
      );

    if (authReason) {
      const rows = rowsOf<{ id: string }>(
        await tx.execute(sql`
          update whatsapp_accounts set status = 'token_invalid', status_reason = ${authReason}, updated_at = ${now}
          where organization_id = ${organizationId} and id = ${accountId} and status = 'connected'
          returning id`),
      );
      for (const r of rows) changes.push({ entity: 'whatsapp_account', entityId: r.id });
      if (rows.length > 0) deps.log?.warn({ accountId }, 'send queue stopped: access token rejected');
    }

    await recordChanges(tx, organizationId, changes);
  });
}

/**
 * `column = organizationId` as a filter only. Statements that find rows by primary key also
 * check the tenant; written plainly, a planner without statistics (PGlite never analyzes)
 * prefers the `(organization_id, …)` indexes and scans the whole tenant instead of the keys.
 */
const sameOrg = (column: SQL, organizationId: string): SQL => sql`(${column} = ${organizationId}) is true`;

/**
 * Marks queued messages failed (Meta's code and title, or Parley's, plus the sentence for the
 * agent) and mirrors the status onto conversations whose last message they are. Returns the
 * changes to log. Messages that already moved past `queued` (a status webhook won) are left alone.
 */
export async function failMessages(
  tx: Tx,
  organizationId: string,
  failed: { id: string; c: string; t: string | null; m: string }[],
  now: Date,
): Promise<Change[]> {
  const rows = rowsOf<{ id: string; conversation_id: string }>(
    await tx.execute(sql`
      update messages m set status = 'failed', status_at = ${now}, error_code = v.c, error_title = v.t,
        error_message = v.m, updated_at = ${now}
      from json_to_recordset(${json(failed)}::json) as v(id uuid, c text, t text, m text)
      where m.id = v.id and ${sameOrg(sql`m.organization_id`, organizationId)} and m.status = 'queued'
      returning m.id, m.conversation_id`),
  );
  if (rows.length === 0) return [];
  const convs = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update conversations c set last_message_status = 'failed', updated_at = ${now}
      from json_to_recordset(${json(rows.map((r) => ({ c: r.conversation_id, m: r.id })))}::json) as v(c uuid, m uuid)
      where c.id = v.c and c.last_message_id = v.m and ${sameOrg(sql`c.organization_id`, organizationId)}
      returning c.id`),
  );
  return [
    ...rows.map((r) => ({ entity: 'message', entityId: r.id, conversationId: r.conversation_id })),
    ...convs.map((c) => ({ entity: 'conversation', entityId: c.id, conversationId: c.id })),
  ];
}
