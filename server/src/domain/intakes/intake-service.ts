import { and, asc, eq, gt, or } from 'drizzle-orm';
import { z } from 'zod';
import type {
  CreateIntakeBody,
  Intake,
  IntakePage,
  IntakeTemplate,
  IntakeWithSecret,
  ListIntakesQuery,
  UpdateIntakeBody,
} from '#contract/api/intakes';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import type { Db, Tx } from '../../storage/db';
import { intakes, teams, whatsappAccounts } from '../../storage/schema/index';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import { notFound } from '../failure';
import { newWebhookSecret } from '../webhooks/endpoint-view';
import type { SecretBox } from '../whatsapp/secret-box';
import { checkMapping } from './template-mapping';

// Lead intakes, as admins manage them (issue 10). Admins only: API keys never reach these
// routes (they declare no scope), and the service refuses anyone below admin. Secrets are
// sealed like webhook endpoint secrets and shown only when created or rotated.

/** Dependencies of {@link createIntakeService}. */
export type IntakeServiceDeps = {
  db: Db;
  clock: Clock;
  box: SecretBox;
  audit: AuditRecorder;
  /** `PUBLIC_URL`: intakes' `url` is built on it. */
  publicUrl: string;
};

type Row = typeof intakes.$inferSelect;

const Cursor = z.tuple([cursorIsoTime, z.uuid()]);
const adminOnly = () => fail('forbidden', 'Only admins can manage lead intakes');
const isAdmin = (actor: Principal) => !actor.apiKey && atLeast(actor.role, 'admin');

/** Lead intakes of an organization. */
export type IntakeService = ReturnType<typeof createIntakeService>;

/** Creates the service; every method takes the tenant, the acting principal and its address. */
export function createIntakeService(deps: IntakeServiceDeps) {
  const { db, clock, box, audit } = deps;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const toIntake = (r: Row): Intake => ({
    id: r.id,
    name: r.name,
    whatsappAccountId: r.whatsappAccountId,
    teamId: r.teamId,
    labels: r.labels,
    template: (r.template as IntakeTemplate | null) ?? null,
    enabled: r.enabled,
    url: `${base}/api/v1/intakes/${r.id}/leads`,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  });
  const ofOrg = (organizationId: string, id: string) =>
    and(eq(intakes.organizationId, organizationId), eq(intakes.id, id));
  const target = (r: Row) => ({ type: 'intake', id: r.id, label: r.name });

  /** The references of a create or update: the number and team are the organization's, the mapping fits. */
  const checkRefs = async (
    tx: Tx,
    organizationId: string,
    accountId: string,
    teamId: string | null,
    template: IntakeTemplate | null,
  ): Promise<Result<null>> => {
    const [account] = await tx
      .select({ id: whatsappAccounts.id })
      .from(whatsappAccounts)
      .where(and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, accountId)));
    if (!account) {
      const message = 'No WhatsApp number with this id in your organization';
      return fail('invalid_input', message, { fields: [{ path: 'body.whatsappAccountId', message }] });
    }
    if (teamId) {
      const [team] = await tx
        .select({ id: teams.id })
        .from(teams)
        .where(and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)));
      if (!team) {
        const message = 'No team with this id in your organization';
        return fail('invalid_input', message, { fields: [{ path: 'body.teamId', message }] });
      }
    }
    return template ? checkMapping(tx, organizationId, accountId, template) : ok(null);
  };

  /** Runs `fn` in a transaction that rolls back when it answers a failure. */
  const inTx = async <T>(fn: (tx: Tx) => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await db.transaction(async (tx) => {
        const r = await fn(tx);
        if (!r.ok) throw new Refused(r);
        return r;
      });
    } catch (e) {
      if (e instanceof Refused) return e.outcome as Result<T>;
      throw e;
    }
  };

  return {
    /** Creates an intake; the answer is the only time its secret is shown. */
    create: async (
      organizationId: string,
      actor: Principal,
      ip: string | undefined,
      body: CreateIntakeBody,
    ): Promise<Result<IntakeWithSecret>> => {
      if (!isAdmin(actor)) return adminOnly();
      const secret = newWebhookSecret();
      return inTx(async (tx) => {
        const refs = await checkRefs(
          tx,
          organizationId,
          body.whatsappAccountId,
          body.teamId ?? null,
          body.template ?? null,
        );
        if (!refs.ok) return refs;
        const now = clock.now();
        const [row] = await tx
          .insert(intakes)
          .values({
            organizationId,
            name: body.name,
            whatsappAccountId: body.whatsappAccountId,
            teamId: body.teamId ?? null,
            labels: body.labels ?? [],
            template: body.template ?? null,
            enabled: body.enabled,
            secretEnc: box.seal(secret, 'intake_secret'),
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'intake.created',
          target: target(row!),
          summary: `Created lead intake “${row!.name}”`,
          details: {
            whatsappAccountId: row!.whatsappAccountId,
            teamId: row!.teamId,
            labels: row!.labels,
            template: body.template ? `${body.template.name} (${body.template.language})` : null,
          },
        });
        return ok({ ...toIntake(row!), secret });
      });
    },

    /** Lists intakes, oldest first. */
    list: async (
      organizationId: string,
      actor: Principal,
      q: ListIntakesQuery,
    ): Promise<Result<IntakePage>> => {
      if (!isAdmin(actor)) return adminOnly();
      const cursor = parseCursor(q.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value;
      const rows = await db
        .select()
        .from(intakes)
        .where(
          and(
            eq(intakes.organizationId, organizationId),
            after &&
              or(
                gt(intakes.createdAt, after[0]),
                and(eq(intakes.createdAt, after[0]), gt(intakes.id, after[1])),
              ),
          ),
        )
        .orderBy(asc(intakes.createdAt), asc(intakes.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return ok({
        data: page.map(toIntake),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },

    get: async (organizationId: string, actor: Principal, id: string): Promise<Result<Intake>> => {
      if (!isAdmin(actor)) return adminOnly();
      const [row] = await db.select().from(intakes).where(ofOrg(organizationId, id));
      return row ? ok(toIntake(row)) : notFound('Intake');
    },

    /** Changes fields; the number, team and template mapping are checked again as a whole. */
    update: async (
      organizationId: string,
      actor: Principal,
      ip: string | undefined,
      id: string,
      body: UpdateIntakeBody,
    ): Promise<Result<Intake>> => {
      if (!isAdmin(actor)) return adminOnly();
      return inTx(async (tx) => {
        const [cur] = await tx.select().from(intakes).where(ofOrg(organizationId, id)).for('update');
        if (!cur) return notFound('Intake');
        const next = {
          name: body.name ?? cur.name,
          whatsappAccountId: body.whatsappAccountId ?? cur.whatsappAccountId,
          teamId: body.teamId !== undefined ? body.teamId : cur.teamId,
          labels: body.labels ?? cur.labels,
          template: body.template !== undefined ? body.template : (cur.template as IntakeTemplate | null),
          enabled: body.enabled ?? cur.enabled,
        };
        const refs = await checkRefs(tx, organizationId, next.whatsappAccountId, next.teamId, next.template);
        if (!refs.ok) return refs;
        const [row] = await tx
          .update(intakes)
          .set({ ...next, updatedAt: clock.now() })
          .where(ofOrg(organizationId, id))
          .returning();
        const changed = (Object.keys(next) as Array<keyof typeof next>).filter(
          (k) => JSON.stringify(next[k]) !== JSON.stringify(cur[k]),
        );
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'intake.updated',
          target: target(row!),
          summary: `Changed lead intake “${row!.name}” (${changed.join(', ') || 'nothing'})`,
          details: {
            before: Object.fromEntries(changed.map((k) => [k, cur[k]])),
            after: Object.fromEntries(changed.map((k) => [k, next[k]])),
          },
        });
        return ok(toIntake(row!));
      });
    },

    /** Deletes an intake (its lead records go with it; contacts and conversations stay). */
    remove: async (
      organizationId: string,
      actor: Principal,
      ip: string | undefined,
      id: string,
    ): Promise<Result<null>> => {
      if (!isAdmin(actor)) return adminOnly();
      return inTx(async (tx) => {
        const [row] = await tx.delete(intakes).where(ofOrg(organizationId, id)).returning();
        if (!row) return notFound('Intake');
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'intake.deleted',
          target: target(row),
          summary: `Deleted lead intake “${row.name}”`,
        });
        return ok(null);
      });
    },

    /** A new secret; the old one stops verifying at once (a leaked secret must die now). */
    rotateSecret: async (
      organizationId: string,
      actor: Principal,
      ip: string | undefined,
      id: string,
    ): Promise<Result<IntakeWithSecret>> => {
      if (!isAdmin(actor)) return adminOnly();
      const secret = newWebhookSecret();
      return inTx(async (tx) => {
        const [row] = await tx
          .update(intakes)
          .set({ secretEnc: box.seal(secret, 'intake_secret'), updatedAt: clock.now() })
          .where(ofOrg(organizationId, id))
          .returning();
        if (!row) return notFound('Intake');
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'intake.secret_rotated',
          target: target(row),
          summary: `Rotated the signing secret of lead intake “${row.name}”`,
        });
        return ok({ ...toIntake(row), secret });
      });
    },
  };
}

/** A failure that must roll its transaction back. */
class Refused extends Error {
  constructor(readonly outcome: Result<never>) {
    super('refused');
  }
}
