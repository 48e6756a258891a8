import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type {
  CreateWebhookBody,
  ListWebhookDeliveriesQuery,
  ListWebhooksQuery,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointPage,
  WebhookEndpointWithSecret,
} from '#contract/api/webhooks';
import { atLeast, type Role } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import type { Db } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../../storage/schema/index';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Principal } from '../auth/auth-service';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import { notFound } from '../failure';
import type { SecretBox } from '../whatsapp/secret-box';
import type { Delivery } from './delivery';
import { readDeliveries } from './delivery-view';
import { newWebhookSecret, toWebhookEndpoint, updateSummary } from './endpoint-view';
import { deliveryJob } from './fan-out';
import { checkWebhookUrl } from './safe-http';

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/**
 * Who manages endpoints: an admin's user token, or an API key (its `webhooks:manage` scope was
 * checked by the route before the service runs).
 */
export type WebhookActor = Pick<Principal, 'userId' | 'apiKey'> & { role: Role };

const mayManage = (actor: WebhookActor) => atLeast(actor.role, 'admin') || actor.apiKey !== undefined;

/** Dependencies of {@link createWebhookEndpointService}. */
export type WebhookEndpointServiceDeps = {
  db: Db;
  clock: Clock;
  box: SecretBox;
  jobs: JobQueue;
  delivery: Delivery;
  /** Records registrations, changes, rotations and deletions in the change's transaction. */
  audit: AuditRecorder;
  allowPrivateUrls: boolean;
  /** Wakes this process's delivery pool after a retry was enqueued. */
  onEnqueued?: () => void;
};

type EndpointRow = typeof webhookEndpoints.$inferSelect;
const adminOnly = () =>
  fail('forbidden', 'Only admins (or an API key with the webhooks:manage scope) can manage webhooks');
const EndpointCursor = z.tuple([cursorIsoTime, z.uuid()]);
const DeliveryCursor = z.tuple([cursorIsoTime, z.uuid()]);

/** Outgoing webhook endpoints of an organization and their deliveries. */
export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;

/** Creates the service; every method takes the tenant and the acting principal explicitly. */
export function createWebhookEndpointService(deps: WebhookEndpointServiceDeps) {
  const { db, clock, box, audit } = deps;
  const target = (r: Pick<EndpointRow, 'id' | 'url'>) => ({
    type: 'webhook_endpoint',
    id: r.id,
    label: r.url,
  });
  const ofOrg = (organizationId: string, id: string) =>
    and(eq(webhookEndpoints.organizationId, organizationId), eq(webhookEndpoints.id, id));
  const checkUrl = (url: string): Result<string> => {
    const r = checkWebhookUrl(url, deps.allowPrivateUrls);
    return r.ok
      ? ok(r.value.toString())
      : fail('invalid_input', r.error.message, { fields: [{ path: 'body.url', message: r.error.message }] });
  };

  const deliveriesOf = (organizationId: string, ids: string[]) => readDeliveries(db, organizationId, ids);

  const getRow = async (organizationId: string, id: string) =>
    (await db.select().from(webhookEndpoints).where(ofOrg(organizationId, id)))[0];

  return {
    /** Registers an endpoint; the answer is the only time its secret is shown. */
    create: async (
      organizationId: string,
      actor: WebhookActor,
      body: CreateWebhookBody,
      ip?: string,
    ): Promise<Result<WebhookEndpointWithSecret>> => {
      if (!mayManage(actor)) return adminOnly();
      const url = checkUrl(body.url);
      if (!url.ok) return url;
      const secret = newWebhookSecret();
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(webhookEndpoints)
          .values({
            organizationId,
            url: url.value,
            events: body.events,
            description: body.description || null,
            enabled: body.enabled,
            secretEnc: box.seal(secret, 'webhook_secret'),
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!inserted) throw new Error('insert returned no row');
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'webhook_endpoint.created',
          target: target(inserted),
          summary: `Registered webhook endpoint ${inserted.url} for ${body.events.join(', ')}`,
          details: { url: inserted.url, events: body.events, enabled: inserted.enabled },
        });
        return inserted;
      });
      return ok({ ...toWebhookEndpoint(row), secret });
    },

    /** Lists endpoints, oldest first. */
    list: async (
      organizationId: string,
      actor: WebhookActor,
      q: ListWebhooksQuery,
    ): Promise<Result<WebhookEndpointPage>> => {
      if (!mayManage(actor)) return adminOnly();
      const cursor = parseCursor(q.cursor, EndpointCursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value;
      const rows = await db
        .select()
        .from(webhookEndpoints)
        .where(
          and(
            eq(webhookEndpoints.organizationId, organizationId),
            after &&
              or(
                gt(webhookEndpoints.createdAt, after[0]),
                and(eq(webhookEndpoints.createdAt, after[0]), gt(webhookEndpoints.id, after[1])),
              ),
          ),
        )
        .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return ok({
        data: page.map(toWebhookEndpoint),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },

    get: async (
      organizationId: string,
      actor: WebhookActor,
      id: string,
    ): Promise<Result<WebhookEndpoint>> => {
      if (!mayManage(actor)) return adminOnly();
      const row = await getRow(organizationId, id);
      return row ? ok(toWebhookEndpoint(row)) : notFound('Webhook endpoint');
    },

    /** Changes fields; enabling again clears the disabled reason and the failure run. */
    update: async (
      organizationId: string,
      actor: WebhookActor,
      id: string,
      body: UpdateWebhookBody,
      ip?: string,
    ): Promise<Result<WebhookEndpoint>> => {
      if (!mayManage(actor)) return adminOnly();
      const patch: Partial<EndpointRow> = { updatedAt: clock.now() };
      if (body.url !== undefined) {
        const url = checkUrl(body.url);
        if (!url.ok) return url;
        patch.url = url.value;
      }
      if (body.events !== undefined) patch.events = body.events;
      if (body.description !== undefined) patch.description = body.description || null;
      if (body.enabled !== undefined) {
        patch.enabled = body.enabled;
        patch.disabledReason = null;
        if (body.enabled) patch.failingSince = null;
      }
      const row = await db.transaction(async (tx) => {
        const [before] = await tx
          .select()
          .from(webhookEndpoints)
          .where(ofOrg(organizationId, id))
          .for('update');
        if (!before) return undefined;
        const [after] = await tx
          .update(webhookEndpoints)
          .set(patch)
          .where(ofOrg(organizationId, id))
          .returning();
        if (!after) return undefined;
        const changed = (['url', 'events', 'description', 'enabled'] as const).filter(
          (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
        );
        if (changed.length > 0)
          await audit.record(tx, organizationId, actorOf(actor, ip), {
            action: 'webhook_endpoint.updated',
            target: target(after),
            summary: updateSummary(before, after, changed),
            details: {
              fields: changed,
              before: Object.fromEntries(changed.map((k) => [k, before[k]])),
              after: Object.fromEntries(changed.map((k) => [k, after[k]])),
            },
          });
        return after;
      });
      return row ? ok(toWebhookEndpoint(row)) : notFound('Webhook endpoint');
    },

    /** Deletes an endpoint with its deliveries (their jobs then find nothing to do). */
    remove: async (
      organizationId: string,
      actor: WebhookActor,
      id: string,
      ip?: string,
    ): Promise<Result<null>> => {
      if (!mayManage(actor)) return adminOnly();
      const found = await db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(webhookEndpoints)
          .where(ofOrg(organizationId, id))
          .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url });
        if (!gone) return false;
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'webhook_endpoint.deleted',
          target: target(gone),
          summary: `Deleted webhook endpoint ${gone.url} and its delivery log`,
        });
        return true;
      });
      return found ? ok(null) : notFound('Webhook endpoint');
    },

    /** A new secret; the current one keeps signing beside it for 24 hours. */
    rotateSecret: async (
      organizationId: string,
      actor: WebhookActor,
      id: string,
      ip?: string,
    ): Promise<Result<WebhookEndpointWithSecret>> => {
      if (!mayManage(actor)) return adminOnly();
      const secret = newWebhookSecret();
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [r] = await tx
          .update(webhookEndpoints)
          .set({
            previousSecretEnc: sql`${webhookEndpoints.secretEnc}`,
            previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
            secretEnc: box.seal(secret, 'webhook_secret'),
            updatedAt: now,
          })
          .where(ofOrg(organizationId, id))
          .returning();
        if (r)
          await audit.record(tx, organizationId, actorOf(actor, ip), {
            action: 'webhook_endpoint.secret_rotated',
            target: target(r),
            summary: `Rotated the signing secret of ${r.url}; the previous one signs too until ${r.previousSecretExpiresAt?.toISOString()}`,
            details: { previousSecretExpiresAt: r.previousSecretExpiresAt?.toISOString() ?? null },
          });
        return r;
      });
      return row ? ok({ ...toWebhookEndpoint(row), secret }) : notFound('Webhook endpoint');
    },

    /** Deliveries of an endpoint, newest first, with their attempts. */
    deliveries: async (
      organizationId: string,
      actor: WebhookActor,
      id: string,
      q: ListWebhookDeliveriesQuery,
    ): Promise<Result<WebhookDeliveryPage>> => {
      if (!mayManage(actor)) return adminOnly();
      const cursor = parseCursor(q.cursor, DeliveryCursor);
      if (!cursor.ok) return cursor;
      if (!(await getRow(organizationId, id))) return notFound('Webhook endpoint');
      const after = cursor.value;
      const rows = await db
        .select({ id: webhookDeliveries.id, createdAt: webhookDeliveries.createdAt })
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.organizationId, organizationId),
            eq(webhookDeliveries.endpointId, id),
            after &&
              or(
                lt(webhookDeliveries.createdAt, after[0]),
                and(eq(webhookDeliveries.createdAt, after[0]), lt(webhookDeliveries.id, after[1])),
              ),
          ),
        )
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return ok({
        data: await deliveriesOf(
          organizationId,
          page.map((r) => r.id),
        ),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },

    /** Queues one more attempt of a delivery now (whatever its state). */
    retry: async (
      organizationId: string,
      actor: WebhookActor,
      id: string,
      deliveryId: string,
    ): Promise<Result<WebhookDelivery>> => {
      if (!mayManage(actor)) return adminOnly();
      const endpoint = await getRow(organizationId, id);
      if (!endpoint) return notFound('Webhook endpoint');
      if (!endpoint.enabled)
        return fail('conflict', 'The endpoint is disabled; enable it before retrying deliveries');
      const now = clock.now();
      const found = await db.transaction(async (tx) => {
        const [d] = await tx
          .update(webhookDeliveries)
          .set({ state: 'pending', nextAttemptAt: now, updatedAt: now })
          .where(
            and(
              eq(webhookDeliveries.organizationId, organizationId),
              eq(webhookDeliveries.endpointId, id),
              eq(webhookDeliveries.id, deliveryId),
            ),
          )
          .returning({ id: webhookDeliveries.id });
        if (!d) return false;
        await deps.jobs.enqueue(tx, deliveryJob(organizationId, deliveryId, `:retry:${randomUUID()}`));
        return true;
      });
      if (!found) return notFound('Webhook delivery');
      deps.onEnqueued?.();
      return ok((await deliveriesOf(organizationId, [deliveryId]))[0]!);
    },

    /** Sends a `webhook.test` event to the endpoint at once; answers its one attempt. */
    test: async (
      organizationId: string,
      actor: WebhookActor,
      id: string,
    ): Promise<Result<WebhookDelivery>> => {
      if (!mayManage(actor)) return adminOnly();
      const endpoint = await getRow(organizationId, id);
      if (!endpoint) return notFound('Webhook endpoint');
      if (!endpoint.enabled) return fail('conflict', 'The endpoint is disabled; enable it before testing it');
      const now = clock.now();
      const deliveryId = await db.transaction(async (tx) => {
        const [event] = await tx
          .insert(webhookEvents)
          .values({
            organizationId,
            type: 'webhook.test',
            body: JSON.stringify({
              type: 'webhook.test',
              timestamp: now.toISOString(),
              data: { endpointId: id, message: 'A test event from Parley' },
            }),
            createdAt: now,
          })
          .returning({ id: webhookEvents.id });
        const [d] = await tx
          .insert(webhookDeliveries)
          .values({
            organizationId,
            endpointId: id,
            eventId: event!.id,
            nextAttemptAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: webhookDeliveries.id });
        return d!.id;
      });
      await deps.delivery.attempt({ deliveryId }, `test:${randomUUID()}`, false);
      return ok((await deliveriesOf(organizationId, [deliveryId]))[0]!);
    },
  };
}
