import { and, eq, sql } from 'drizzle-orm';
import type { IntakeTemplate, LeadBody, LeadResult } from '#contract/api/intakes';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { verifyWebhookSignature } from '../../meta/webhook-signature';
import { recordChanges, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { retryTransientConflicts } from '../../storage/errors';
import type { MonthlyQuota } from '../messages/message-quota';
import type { JobQueue } from '../../storage/job-queue';
import { contacts, conversations, intakeLeads, intakes } from '../../storage/schema/index';
import { notFound } from '../failure';
import { queueMessageSend } from '../messages/queue-send';
import { resolveSendTarget } from '../messages/send-target';
import { KEY_ROLE } from '../visibility/rule';
import { scopeChangesForConversation } from '../visibility/scope-changes';
import type { SecretBox } from '../whatsapp/secret-box';
import { emitLeadCreated } from './lead-event';
import { leadValue, resolveMapping } from './template-mapping';

// A lead arriving at an intake (issue 10): authenticated by the intake's HMAC signature over the
// raw body, or by a principal (an API key with `intake:write`, or an admin). One transaction
// upserts the contact (by number; name, e-mail and extra fields as attributes), finds or opens
// the conversation on the intake's number, assigns the intake's team, adds its labels and queues
// the template through the send path every send takes; the lead row, unique per intake on its
// dedupe key, makes a repeat answer the first result instead of sending again. The lead's
// `lead.created` webhook event is written after the change log (it carries the change's seq).

/** Dependencies of {@link createLeadService}. */
export type LeadServiceDeps = {
  db: Db;
  clock: Clock;
  box: SecretBox;
  jobs: Pick<JobQueue, 'enqueue' | 'enqueueMany'>;
  /** The monthly quota the lead's template send counts against (issue 10). */
  quota?: MonthlyQuota | undefined;
  /** Called after a lead's template send committed (wakes the send worker). */
  onQueued?: () => void;
};

/** The header leads are signed with. */
export const LEAD_SIGNATURE_HEADER = 'x-signature-256';

/** A lead's outcome: the ids, and whether it repeated an earlier lead (200 rather than 201). */
export type LeadOutcome = LeadResult & { replayed: boolean };

type IntakeRow = typeof intakes.$inferSelect;

/** The lead's fields kept as contact attributes (all but phone, name and externalId). */
const attributesOf = (lead: LeadBody): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const k of Object.keys(lead)) {
    if (k === 'phone' || k === 'name' || k === 'externalId') continue;
    const v = leadValue(lead, k);
    if (v !== undefined) out[k] = v.slice(0, 1000);
  }
  return out;
};

/** A contact keeps at most this many attributes: new keys beyond it are not added. */
const MAX_ATTRIBUTES = 100;

/** Receives leads. */
export type LeadService = ReturnType<typeof createLeadService>;

/** Creates the lead service. */
export function createLeadService(deps: LeadServiceDeps) {
  const { db, clock, box } = deps;

  const accept = async (
    intake: IntakeRow,
    actor: Principal,
    lead: LeadBody,
    idempotencyKey: string | undefined,
  ): Promise<Result<LeadOutcome>> => {
    const organizationId = intake.organizationId;
    const template = intake.template as IntakeTemplate | null;
    // A field the template needs and the lead lacks: 422 before anything is written.
    const params = template ? resolveMapping(template, lead) : null;
    if (params && !params.ok) return params;
    const dedupeKey = idempotencyKey
      ? `key:${idempotencyKey}`
      : lead.externalId
        ? `external:${lead.externalId}`
        : null;
    try {
      // Like the send path: a deadlock or serialisation failure (PostgreSQL) runs the lead again.
      const outcome = await retryTransientConflicts(() =>
        db.transaction(async (tx) => {
          if (dedupeKey) {
            // Serialises repeats of one lead: the second waits, then finds the first's row.
            await tx.execute(
              sql`select pg_advisory_xact_lock(hashtext(${`intake:${intake.id}:${dedupeKey}`}))`,
            );
            const [seen] = await tx
              .select()
              .from(intakeLeads)
              .where(and(eq(intakeLeads.intakeId, intake.id), eq(intakeLeads.dedupeKey, dedupeKey)));
            if (seen)
              return ok({
                contactId: seen.contactId,
                conversationId: seen.conversationId,
                messageId: seen.messageId,
                replayed: true,
              });
          }
          const now = clock.now();
          const target = await resolveSendTarget(
            tx,
            organizationId,
            actor,
            {
              to: lead.phone,
              whatsappAccountId: intake.whatsappAccountId,
              message: { type: 'text', text: '' },
            },
            now,
          );
          if (!target.ok) throw new Refused(target);
          const { conversationId, extra } = target.value;
          const changes: Change[] = [...extra];
          const [conv] = await tx
            .select()
            .from(conversations)
            .where(
              and(eq(conversations.organizationId, organizationId), eq(conversations.id, conversationId)),
            )
            .for('update');
          const contactId = conv!.contactId;
          await updateContact(tx, organizationId, contactId, lead, now);
          changes.push({ entity: 'contact', entityId: contactId });

          const labels = [...new Set([...conv!.labels, ...intake.labels])];
          const teamId = intake.teamId ?? conv!.teamId;
          if (teamId !== conv!.teamId || labels.length !== conv!.labels.length) {
            await tx
              .update(conversations)
              .set({ teamId, labels, updatedAt: now })
              .where(
                and(eq(conversations.organizationId, organizationId), eq(conversations.id, conversationId)),
              );
            changes.push({ entity: 'conversation', entityId: conversationId, conversationId });
            changes.push(
              ...(await scopeChangesForConversation(tx, organizationId, conversationId, conv!, {
                assigneeId: conv!.assigneeId,
                teamId,
                ownerId: conv!.ownerId,
              })),
            );
          }

          let messageId: string | null = null;
          if (template && params?.ok) {
            const sent = await queueMessageSend(tx, deps, organizationId, actor, conversationId, {
              type: 'template',
              templateName: template.name,
              language: template.language,
              parameters: params.value,
            });
            if (!sent.ok) throw new Refused(sent);
            messageId = sent.value.message.id;
            changes.push(...sent.value.changes);
          }
          const [row] = await tx
            .insert(intakeLeads)
            .values({
              organizationId,
              intakeId: intake.id,
              dedupeKey,
              contactId,
              conversationId,
              messageId,
              createdAt: now,
            })
            .returning({ id: intakeLeads.id });
          const recorded = await recordChanges(tx, organizationId, changes);
          await emitLeadCreated(tx, deps.jobs, {
            organizationId,
            leadId: row!.id,
            intake,
            contactId,
            conversationId,
            messageId,
            lead,
            changeSeq: recorded?.seq ?? null,
            now,
          });
          return ok({ contactId, conversationId, messageId, replayed: false });
        }),
      );
      if (outcome.ok && outcome.value.messageId && !outcome.value.replayed) deps.onQueued?.();
      return outcome;
    } catch (e) {
      if (e instanceof Refused) return e.outcome;
      throw e;
    }
  };

  return {
    /**
     * A lead signed with the intake's secret (`X-Signature-256: sha256=<hex HMAC-SHA256 of the raw
     * body>`, compared in constant time). Unknown or disabled intake → 404; bad signature → 401.
     */
    receiveSigned: async (
      intakeId: string,
      rawBody: Buffer,
      signature: string | string[] | undefined,
      lead: LeadBody,
      idempotencyKey: string | undefined,
    ): Promise<Result<LeadOutcome>> => {
      const [intake] = await db.select().from(intakes).where(eq(intakes.id, intakeId));
      if (!intake) return notFound('Intake');
      const checked = verifyWebhookSignature(
        rawBody,
        signature,
        box.open(intake.secretEnc, 'intake_secret'),
        'X-Signature-256',
      );
      if (!checked.ok)
        return fail(
          'unauthorized',
          `${checked.error.message}: sign the raw request body with the intake's secret (X-Signature-256: sha256=<hex HMAC-SHA256>), or send an API key with the intake:write scope`,
        );
      if (!intake.enabled) return notFound('Intake');
      const actor: Principal = {
        userId: intake.id,
        organizationId: intake.organizationId,
        // Organization-wide, like a key: the lead's conversation may be anyone's.
        role: KEY_ROLE,
        sessionId: '',
        intakeId: intake.id,
      };
      return accept(intake, actor, lead, idempotencyKey);
    },

    /** A lead from a principal: an API key with `intake:write` (checked by the route) or an admin. */
    receive: async (
      organizationId: string,
      actor: Principal,
      intakeId: string,
      lead: LeadBody,
      idempotencyKey: string | undefined,
    ): Promise<Result<LeadOutcome>> => {
      if (!actor.apiKey && !atLeast(actor.role, 'admin'))
        return fail('forbidden', 'Only admins or an API key with the intake:write scope can post leads');
      const [intake] = await db
        .select()
        .from(intakes)
        .where(and(eq(intakes.organizationId, organizationId), eq(intakes.id, intakeId)));
      if (!intake || !intake.enabled) return notFound('Intake');
      return accept(intake, actor, lead, idempotencyKey);
    },
  };
}

/** Sets the name (when the lead gives one) and merges the lead's fields into the attributes. */
async function updateContact(tx: Tx, organizationId: string, contactId: string, lead: LeadBody, now: Date) {
  const [c] = await tx
    .select({ customAttributes: contacts.customAttributes })
    .from(contacts)
    .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, contactId)));
  const attrs = { ...((c?.customAttributes ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(attributesOf(lead)))
    if (k in attrs || Object.keys(attrs).length < MAX_ATTRIBUTES) attrs[k] = v;
  await tx
    .update(contacts)
    .set({ ...(lead.name && { name: lead.name }), customAttributes: attrs, updatedAt: now })
    .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, contactId)));
}

/** A failure that must roll its transaction back. */
class Refused extends Error {
  constructor(readonly outcome: Result<never>) {
    super('refused');
  }
}
