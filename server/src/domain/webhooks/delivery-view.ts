import { and, asc, eq, inArray } from 'drizzle-orm';
import type { WebhookDelivery } from '#contract/api/webhooks';
import type { Db } from '../../storage/db';
import { webhookAttempts, webhookDeliveries, webhookEvents } from '../../storage/schema/index';

/**
 * Deliveries `ids` of an organization as the API shows them (event type, state, every attempt
 * with its answer), in the order of `ids`; ids of another organization are left out.
 */
export async function readDeliveries(
  db: Db,
  organizationId: string,
  ids: string[],
): Promise<WebhookDelivery[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ d: webhookDeliveries, type: webhookEvents.type })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.organizationId, organizationId), inArray(webhookDeliveries.id, ids)));
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.organizationId, organizationId), inArray(webhookAttempts.deliveryId, ids)))
    .orderBy(asc(webhookAttempts.id));
  const byId = new Map(rows.map((r) => [r.d.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: r.d.id,
        eventId: r.d.eventId,
        eventType: r.type,
        state: r.d.state,
        attempts: attempts
          .filter((a) => a.deliveryId === id)
          .map((a) => ({
            at: a.startedAt.toISOString(),
            durationMs: a.durationMs,
            responseStatus: a.responseStatus,
            responseBody: a.responseBody,
            error: a.error,
          })),
        nextAttemptAt: r.d.state === 'pending' ? (r.d.nextAttemptAt?.toISOString() ?? null) : null,
        createdAt: r.d.createdAt.toISOString(),
      },
    ];
  });
}
