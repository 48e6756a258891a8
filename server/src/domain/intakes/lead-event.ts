import { and, eq } from 'drizzle-orm';
import type { LeadBody } from '#contract/api/intakes';
import type { Tx } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../../storage/schema/index';
import { deliveryJob } from '../webhooks/fan-out';

// The `lead.created` outgoing-webhook event. Other events are named from the change log's entity
// snapshots by the fan-out; a lead is no synced entity, so the lead's own transaction writes its
// event, deliveries and delivery jobs (the delivery pool picks them up within its idle second) —
// a rolled-back lead announces nothing, a committed one is delivered like any event.

/** What `lead.created` carries besides the ids. */
export type LeadEventInput = {
  organizationId: string;
  leadId: string;
  intake: { id: string; name: string };
  contactId: string;
  conversationId: string;
  messageId: string | null;
  lead: LeadBody;
  /** The organization's change sequence of the lead's changes (consumers order by it). */
  changeSeq: number | null;
  now: Date;
};

/** Queues `lead.created` to every enabled endpoint subscribed to it (or to `*`); answers the count. */
export async function emitLeadCreated(tx: Tx, jobs: Pick<JobQueue, 'enqueueMany'>, e: LeadEventInput) {
  const endpoints = (
    await tx
      .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.organizationId, e.organizationId), eq(webhookEndpoints.enabled, true)))
  ).filter((x) => x.events.includes('*') || x.events.includes('lead.created'));
  if (endpoints.length === 0) return 0;
  const { phone, name, email, externalId, ...fields } = e.lead;
  const body = JSON.stringify({
    type: 'lead.created',
    timestamp: e.now.toISOString(),
    data: {
      id: e.leadId,
      intakeId: e.intake.id,
      intakeName: e.intake.name,
      contactId: e.contactId,
      conversationId: e.conversationId,
      messageId: e.messageId,
      phone,
      name: name ?? null,
      email: email ?? null,
      externalId: externalId ?? null,
      fields,
      changeSeq: e.changeSeq,
    },
  });
  const [event] = await tx
    .insert(webhookEvents)
    .values({
      organizationId: e.organizationId,
      type: 'lead.created',
      seq: e.changeSeq,
      dedupeKey: `lead.created:${e.leadId}`,
      body,
      createdAt: e.now,
    })
    .returning({ id: webhookEvents.id });
  const rows = await tx
    .insert(webhookDeliveries)
    .values(
      endpoints.map((x) => ({
        organizationId: e.organizationId,
        endpointId: x.id,
        eventId: event!.id,
        nextAttemptAt: e.now,
        createdAt: e.now,
        updatedAt: e.now,
      })),
    )
    .returning({ id: webhookDeliveries.id });
  await jobs.enqueueMany(
    tx,
    rows.map((r) => deliveryJob(e.organizationId, r.id)),
  );
  return rows.length;
}
