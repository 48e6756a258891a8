import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { CreateLabelBody, Label, LabelColor, LabelPage, UpdateLabelBody } from '#contract/api/labels';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import { encodeCursor, parseCursor } from '../cursor';
import { notFound } from '../failure';
import { mayManageLabels } from '../visibility/capabilities';
import { recordChanges } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { labels } from '../../storage/schema/index';
import { removeLabelFromConversations, renameLabelOnConversations } from './label-conversations';

/** Dependencies of {@link createLabelService}. */
export type LabelServiceDeps = { db: Db; clock: Clock; audit: AuditRecorder };

/** The organization's labels (names with colours). */
export type LabelService = ReturnType<typeof createLabelService>;

type LabelRow = typeof labels.$inferSelect;

/** A labels row as the contract's Label (REST, sync projection and bootstrap). */
export const toLabel = (row: LabelRow): Label => ({
  id: row.id,
  name: row.name,
  color: row.color as LabelColor,
  createdAt: row.createdAt.toISOString(),
});

const forbidden = () => fail('forbidden', 'Only admins and managers can manage labels');
const nameTaken = () => fail('conflict', 'A label with this name already exists');
/** [name, id]. */
const LabelCursor = z.tuple([z.string(), z.uuid()]);
const target = (id: string, name: string) => ({ type: 'label', id, label: name });

/**
 * Creates the label service. Every member reads labels; admins and managers write them
 * (`mayManageLabels`). A rename or delete also rewrites `labels` on every conversation of the
 * organization carrying the name, in the same transaction, and logs those conversations, so
 * replicas change label and conversations together.
 */
export function createLabelService(deps: LabelServiceDeps) {
  const { db, clock, audit } = deps;

  const byId = async (exec: Db | Tx, organizationId: string, id: string, lock = false) => {
    const q = exec
      .select()
      .from(labels)
      .where(and(eq(labels.organizationId, organizationId), eq(labels.id, id)));
    const rows = lock ? await q.for('update') : await q;
    return rows[0];
  };

  const nameIsTaken = async (exec: Db | Tx, organizationId: string, name: string, exceptId?: string) => {
    const rows = await exec
      .select({ id: labels.id })
      .from(labels)
      .where(
        and(eq(labels.organizationId, organizationId), eq(sql`lower(${labels.name})`, name.toLowerCase())),
      );
    return rows.some((r) => r.id !== exceptId);
  };

  /** Runs a write, turning a lost race on the unique name into the usual conflict. */
  const guarded = async <T>(work: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await work();
    } catch (e) {
      if (isUniqueViolation(e)) return nameTaken();
      throw e;
    }
  };

  return {
    /** A page of labels by name; every member may list. */
    list: async (
      organizationId: string,
      _actor: Principal,
      q: { cursor?: string; limit: number },
    ): Promise<Result<LabelPage>> => {
      const cursor = parseCursor(q.cursor, LabelCursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value;
      const rows = await db
        .select()
        .from(labels)
        .where(
          and(
            eq(labels.organizationId, organizationId),
            after
              ? or(gt(labels.name, after[0]), and(eq(labels.name, after[0]), gt(labels.id, after[1])))
              : undefined,
          ),
        )
        .orderBy(asc(labels.name), asc(labels.id))
        .limit(q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toLabel),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null,
      });
    },

    /** One label; 404 for other organizations' ids. */
    get: async (organizationId: string, _actor: Principal, id: string): Promise<Result<Label>> => {
      const row = await byId(db, organizationId, id);
      return row ? ok(toLabel(row)) : notFound('Label');
    },

    /** Creates a label (admins, managers). */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateLabelBody,
      ip: string | undefined,
    ): Promise<Result<Label>> => {
      if (!mayManageLabels(actor.role)) return forbidden();
      return guarded(() =>
        db.transaction(async (tx): Promise<Result<Label>> => {
          if (await nameIsTaken(tx, organizationId, body.name)) return nameTaken();
          const [row] = await tx
            .insert(labels)
            .values({ organizationId, name: body.name, color: body.color, createdAt: clock.now() })
            .returning();
          await audit.record(tx, organizationId, actorOf(actor, ip), {
            action: 'label.created',
            target: target(row!.id, body.name),
            summary: `Created label "${body.name}"`,
            details: { after: { name: body.name, color: body.color } },
          });
          await recordChanges(tx, organizationId, [{ entity: 'label', entityId: row!.id }]);
          return ok(toLabel(row!));
        }),
      );
    },

    /**
     * Renames and/or recolours a label (admins, managers). A rename renames it on every
     * conversation carrying the old name (case-insensitively), in the same transaction.
     */
    update: async (
      organizationId: string,
      actor: Principal,
      id: string,
      body: UpdateLabelBody,
      ip: string | undefined,
    ): Promise<Result<Label>> => {
      if (!mayManageLabels(actor.role)) return forbidden();
      return guarded(() =>
        db.transaction(async (tx): Promise<Result<Label>> => {
          const before = await byId(tx, organizationId, id, true);
          if (!before) return notFound('Label');
          const name = body.name ?? before.name;
          const color = body.color ?? before.color;
          if (name === before.name && color === before.color) return ok(toLabel(before));
          if (name !== before.name && (await nameIsTaken(tx, organizationId, name, id))) return nameTaken();
          const [row] = await tx
            .update(labels)
            .set({ name, color })
            .where(and(eq(labels.organizationId, organizationId), eq(labels.id, id)))
            .returning();
          const by = actorOf(actor, ip);
          const touched =
            name !== before.name
              ? await renameLabelOnConversations(tx, organizationId, before.name, name, clock.now())
              : [];
          if (name !== before.name)
            await audit.record(tx, organizationId, by, {
              action: 'label.renamed',
              target: target(id, name),
              summary: `Renamed label "${before.name}" to "${name}" on ${touched.length} conversation${touched.length === 1 ? '' : 's'}`,
              details: { before: { name: before.name }, after: { name }, conversations: touched.length },
            });
          if (color !== before.color)
            await audit.record(tx, organizationId, by, {
              action: 'label.recoloured',
              target: target(id, name),
              summary: `Changed the colour of label "${name}" from ${before.color} to ${color}`,
              details: { before: { color: before.color }, after: { color } },
            });
          await recordChanges(tx, organizationId, [
            ...touched.map((c) => ({ entity: 'conversation', entityId: c, conversationId: c })),
            { entity: 'label', entityId: id },
          ]);
          return ok(toLabel(row!));
        }),
      );
    },

    /**
     * Deletes a label (admins, managers) and removes its name from every conversation carrying
     * it, in the same transaction: a deleted label leaves no orphan text behind that the filters
     * and the picker would no longer offer.
     */
    remove: async (
      organizationId: string,
      actor: Principal,
      id: string,
      ip: string | undefined,
    ): Promise<Result<null>> => {
      if (!mayManageLabels(actor.role)) return forbidden();
      return db.transaction(async (tx): Promise<Result<null>> => {
        const before = await byId(tx, organizationId, id, true);
        if (!before) return notFound('Label');
        await tx.delete(labels).where(and(eq(labels.organizationId, organizationId), eq(labels.id, id)));
        const touched = await removeLabelFromConversations(tx, organizationId, before.name, clock.now());
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'label.deleted',
          target: target(id, before.name),
          summary: `Deleted label "${before.name}" (removed from ${touched.length} conversation${touched.length === 1 ? '' : 's'})`,
          details: { before: { name: before.name, color: before.color }, conversations: touched.length },
        });
        await recordChanges(tx, organizationId, [
          ...touched.map((c) => ({ entity: 'conversation', entityId: c, conversationId: c })),
          { entity: 'label', entityId: id, op: 'del' as const },
        ]);
        return ok(null);
      });
    },
  };
}
