import { and, eq, getTableColumns, inArray, sql, type Table } from 'drizzle-orm';
import type { WebhookEventType } from '#contract/api/webhooks';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { Clock } from '../../lib/clock';
import { rowsOf } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import {
  contacts,
  conversations,
  media,
  messages,
  templates,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
  whatsappAccounts,
} from '../../storage/schema/index';
import { toContact } from '../contacts/contact-service';
import { toConversation } from '../conversations/conversation-service';
import { toMessage } from '../messages/message-content';
import { toTemplate } from '../templates/template-service';
import { DELIVERY_QUEUE } from './delivery';

// Turns the webhook outbox (`webhook_changes`, written by `recordChanges` in the change's own
// transaction) into events and deliveries. Each change carries the row as its transaction left
// it; comparing it with the entity's previous snapshot names the event (a status that moved, an
// assignee that changed). The batch is claimed with SKIP LOCKED, so every process can run this
// and no change is fanned out twice; events, deliveries and delivery jobs commit together.

/** The job queue the deliveries run on. */
export { DELIVERY_QUEUE };

/** Jobs of one delivery never run out of attempts on the queue's count: the delivery decides. */
export const DELIVERY_JOB_MAX_ATTEMPTS = 1_000;

type ChangeRow = {
  organization_id: string;
  seq: string | number;
  entity: string;
  entity_id: string;
  created: boolean;
  snapshot: Record<string, unknown> | null;
  prev: Record<string, unknown> | null;
};

/** An event named from one change. */
type Named = { type: WebhookEventType; dedupeKey: string | null };

/** Milestones of an outbound message, in order; reaching one implies the earlier ones. */
const MILESTONES = ['sent', 'delivered', 'read'] as const;
const rank = (status: unknown): number => MILESTONES.indexOf(status as (typeof MILESTONES)[number]) + 1;

/**
 * The events one change stands for. Status events of a message happen once per message (their
 * dedupe key), whatever the number of changes that carry the same status; `read` implies
 * `delivered` implies `sent`. Without a previous
 * snapshot (the first change of an object since the organization's endpoints were enabled) only
 * creations and once-per-object events can be named.
 */
export function nameEvents(
  c: Pick<ChangeRow, 'entity' | 'entity_id' | 'created' | 'snapshot' | 'prev'>,
): Named[] {
  const cur = c.snapshot;
  if (!cur) return [];
  const prev = c.prev;
  const changed = (...cols: string[]) =>
    prev !== null && cols.some((k) => JSON.stringify(prev[k]) !== JSON.stringify(cur[k]));
  const once = (type: WebhookEventType): Named => ({ type, dedupeKey: `${type}:${c.entity_id}` });
  const out: Named[] = [];
  switch (c.entity) {
    case 'message': {
      if (cur.type === 'reaction') break;
      if (cur.direction === 'inbound') {
        if (c.created) out.push(once('message.received'));
        break;
      }
      if (cur.status === 'failed') {
        if (prev?.status !== 'failed') out.push(once('message.failed'));
        break;
      }
      // Statuses applied in one transaction (Meta's sent, delivered and read in one batch) leave
      // only the last in the snapshot: the milestones it implies are named too, each once.
      for (let r = rank(prev?.status) + 1; r <= rank(cur.status); r++) {
        out.push(once(`message.${MILESTONES[r - 1]!}` as WebhookEventType));
      }
      break;
    }
    case 'conversation':
      if (c.created) out.push(once('conversation.created'));
      else {
        if (changed('status')) out.push({ type: 'conversation.status_changed', dedupeKey: null });
        if (changed('assignee_id', 'team_id')) out.push({ type: 'conversation.assigned', dedupeKey: null });
      }
      break;
    case 'contact':
      if (c.created) out.push(once('contact.created'));
      else if (
        prev === null ||
        changed(
          'name',
          'profile_name',
          'phone_e164',
          'wa_id',
          'bsuid',
          'username',
          'tags',
          'opted_out',
          'custom_attributes',
        )
      )
        out.push({ type: 'contact.updated', dedupeKey: null });
      break;
    case 'whatsapp_account':
      if (c.created || changed('status', 'status_reason', 'quality_rating'))
        out.push({ type: 'account.status_changed', dedupeKey: null });
      break;
    case 'template':
      if (c.created || changed('status', 'status_reason'))
        out.push({ type: 'template.status_changed', dedupeKey: null });
      break;
  }
  return out;
}

/** A snapshot (`to_jsonb` of a row: SQL names, JSON values) as the drizzle row of `table`. */
export function hydrate<T extends Table>(table: T, snapshot: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    const value = snapshot[col.name];
    row[key] = value === null || value === undefined ? null : col.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}

/** Dependencies of {@link createFanOut}. */
export type FanOutDeps = {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  /** The REST shape of a WhatsApp account (the account service owns it). */
  toAccount: (row: typeof whatsappAccounts.$inferSelect) => WhatsAppAccount;
  /** Changes per transaction (default 200). */
  batchSize?: number;
};

/** The outbox → events step. */
export type FanOut = ReturnType<typeof createFanOut>;

/** Creates the fan-out; `runOnce` processes one batch and counts the changes it took. */
export function createFanOut(deps: FanOutDeps) {
  const { db, clock, jobs } = deps;
  const limit = deps.batchSize ?? 200;

  /** The public JSON of the changed object, as the REST API returns it. */
  const publicJson = async (tx: Tx, c: ChangeRow): Promise<Record<string, unknown> | null> => {
    const snap = c.snapshot!;
    switch (c.entity) {
      case 'message': {
        const row = hydrate(messages, snap);
        const [m] = row.mediaId
          ? await tx
              .select()
              .from(media)
              .where(and(eq(media.organizationId, c.organization_id), eq(media.id, row.mediaId)))
          : [];
        return toMessage(row, { media: m ?? null });
      }
      case 'conversation': {
        const row = hydrate(conversations, snap);
        const [ct] = await tx
          .select()
          .from(contacts)
          .where(and(eq(contacts.organizationId, c.organization_id), eq(contacts.id, row.contactId)));
        return toConversation({
          c: row,
          contactId: row.contactId,
          contactName: ct ? (ct.name ?? ct.profileName) : null,
          contactPhone: ct?.phoneE164 ?? null,
          contactWaId: ct?.waId ?? null,
        });
      }
      case 'contact':
        return toContact(hydrate(contacts, snap));
      case 'template':
        return toTemplate(hydrate(templates, snap));
      case 'whatsapp_account':
        return deps.toAccount(
          hydrate(whatsappAccounts, { access_token_enc: '', verify_token_enc: '', ...snap }),
        );
      default:
        return null;
    }
  };

  const runOnce = async (): Promise<{ changes: number; deliveries: number }> =>
    db.transaction(async (tx) => {
      const picked = rowsOf<ChangeRow>(
        await tx.execute(sql`
          with batch as (
            select organization_id, seq, entity, entity_id, created, snapshot from webhook_changes
            where not fanned_out order by organization_id, seq limit ${limit}
            for update skip locked
          )
          select b.*, (
            select p.snapshot from webhook_changes p
            where p.organization_id = b.organization_id and p.entity_id = b.entity_id and p.seq < b.seq
            order by p.seq desc limit 1
          ) as prev
          from batch b order by b.organization_id, b.seq`),
      );
      if (picked.length === 0) return { changes: 0, deliveries: 0 };
      const finish = async (batch: ChangeRow[], deliveries: number) => {
        await markFannedOut(tx, batch);
        return { changes: batch.length, deliveries };
      };
      const orgs = [...new Set(picked.map((c) => c.organization_id))];
      const endpoints = await tx
        .select({
          id: webhookEndpoints.id,
          organizationId: webhookEndpoints.organizationId,
          events: webhookEndpoints.events,
        })
        .from(webhookEndpoints)
        .where(and(inArray(webhookEndpoints.organizationId, orgs), eq(webhookEndpoints.enabled, true)));

      const now = clock.now();
      // Set-based: the batch's events in one insert, their deliveries in one more, their jobs in
      // a third. Row by row, a batch cost three round trips per change inside this transaction,
      // and under load its commit (and every delivery in it) came seconds after the change.
      const pending: {
        organizationId: string;
        type: WebhookEventType;
        seq: number;
        dedupeKey: string | null;
        body: string;
        targets: string[];
      }[] = [];
      for (const c of picked) {
        const subscribed = endpoints.filter((e) => e.organizationId === c.organization_id);
        const named = nameEvents(c).filter((n) =>
          subscribed.some((e) => e.events.includes('*') || e.events.includes(n.type)),
        );
        if (named.length === 0) continue;
        const data = await publicJson(tx, c);
        if (!data) continue;
        const seq = Number(c.seq);
        for (const n of named)
          pending.push({
            organizationId: c.organization_id,
            type: n.type,
            seq,
            dedupeKey: n.dedupeKey,
            body: JSON.stringify({
              type: n.type,
              timestamp: now.toISOString(),
              data: { ...data, changeSeq: seq },
            }),
            targets: subscribed
              .filter((e) => e.events.includes('*') || e.events.includes(n.type))
              .map((e) => e.id),
          });
      }
      if (pending.length === 0) return finish(picked, 0);
      // An event already sent once (its dedupe key taken) is not inserted, nor delivered again.
      const inserted = await tx
        .insert(webhookEvents)
        .values(
          pending.map((p) => ({
            organizationId: p.organizationId,
            type: p.type,
            seq: p.seq,
            dedupeKey: p.dedupeKey,
            body: p.body,
            createdAt: now,
          })),
        )
        .onConflictDoNothing()
        .returning({
          id: webhookEvents.id,
          organizationId: webhookEvents.organizationId,
          seq: webhookEvents.seq,
          type: webhookEvents.type,
        });
      // (organization, change, type) names one event of this batch.
      const key = (o: string, seq: number, type: string) => `${o}/${seq}/${type}`;
      const targetsOf = new Map(pending.map((p) => [key(p.organizationId, p.seq, p.type), p.targets]));
      const deliveryRows = inserted.flatMap((ev) =>
        (targetsOf.get(key(ev.organizationId, Number(ev.seq), ev.type)) ?? []).map((endpointId) => ({
          organizationId: ev.organizationId,
          endpointId,
          eventId: ev.id,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      );
      if (deliveryRows.length === 0) return finish(picked, 0);
      const rows = await tx
        .insert(webhookDeliveries)
        .values(deliveryRows)
        .returning({ id: webhookDeliveries.id, organizationId: webhookDeliveries.organizationId });
      await jobs.enqueueMany(
        tx,
        rows.map((r) => deliveryJob(r.organizationId, r.id)),
      );
      return finish(picked, rows.length);
    });

  /** Marks the batch fanned out and keeps only each object's newest snapshot. */
  const markFannedOut = async (tx: Tx, picked: ChangeRow[]): Promise<void> => {
    const keys = JSON.stringify(
      picked.map((c) => ({ o: c.organization_id, s: Number(c.seq), e: c.entity_id })),
    );
    await tx.execute(sql`
        update webhook_changes w set fanned_out = true
        from json_to_recordset(${keys}::json) as k(o uuid, s bigint, e uuid)
        where w.organization_id = k.o and w.seq = k.s`);
    // Keep only the newest fanned-out snapshot per object: the "previous state" of its next change.
    await tx.execute(sql`
        delete from webhook_changes w
        using (
          select x.organization_id, x.entity_id, max(x.seq) as m from webhook_changes x
          join json_to_recordset(${keys}::json) as k(o uuid, s bigint, e uuid) on x.organization_id = k.o and x.entity_id = k.e
          where x.fanned_out group by x.organization_id, x.entity_id
        ) latest
        where w.organization_id = latest.organization_id and w.entity_id = latest.entity_id
          and w.fanned_out and w.seq < latest.m`);
  };

  return { runOnce };
}

/** The job that delivers one delivery (its dedupe key makes enqueueing it twice a no-op). */
export const deliveryJob = (organizationId: string, deliveryId: string, dedupeSuffix = '') => ({
  queue: DELIVERY_QUEUE,
  organizationId,
  payload: { deliveryId },
  dedupeKey: `${deliveryId}${dedupeSuffix}`,
  maxAttempts: DELIVERY_JOB_MAX_ATTEMPTS,
});
