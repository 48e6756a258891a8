import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import type {
  CannedResponse,
  CannedResponsePage,
  CannedScope,
  CreateCannedResponseBody,
  UpdateCannedResponseBody,
} from '#contract/api/canned-responses';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { encodeCursor, parseCursor } from '../cursor';
import { notFound } from '../failure';
import { mayManageOrganizationCannedResponses } from '../visibility/capabilities';
import { visibleCannedResponseSql } from '../visibility/queries';
import { canSeeCannedResponse } from '../visibility/rule';
import { recordChanges, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { cannedResponses } from '../../storage/schema/index';

/** Dependencies of {@link createCannedResponseService}. */
export type CannedResponseServiceDeps = { db: Db; clock: Clock };

/** Canned responses: the organization's and each member's personal ones. */
export type CannedResponseService = ReturnType<typeof createCannedResponseService>;

type CannedRow = typeof cannedResponses.$inferSelect;

/** A row as the contract's CannedResponse (REST, sync projection and bootstrap). */
export const toCannedResponse = (row: CannedRow): CannedResponse => ({
  id: row.id,
  scope: row.ownerId === null ? 'organization' : 'personal',
  ownerId: row.ownerId,
  shortcut: row.shortcut,
  title: row.title,
  body: row.body,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * The log entry of a canned response. A personal one names its owner as the entry's subject:
 * pull and the tailer send it (put or del) to that member only (`canSeeCannedResponse`).
 */
export const cannedChange = (row: Pick<CannedRow, 'id' | 'ownerId'>, op: 'put' | 'del' = 'put'): Change => ({
  entity: 'canned_response',
  entityId: row.id,
  op,
  subjectUser: row.ownerId,
});

const orgOnly = () =>
  fail('forbidden', "Only admins and managers can manage the organization's canned responses");
const shortcutTaken = (scope: CannedScope) =>
  fail(
    'conflict',
    scope === 'organization'
      ? 'The organization already has a canned response with this shortcut'
      : 'You already have a canned response with this shortcut',
  );
/** [shortcut, id]. */
const CannedCursor = z.tuple([z.string(), z.uuid()]);

/**
 * Creates the canned-response service. What a member sees is decided by the visibility module
 * (`canSeeCannedResponse`, `visibleCannedResponseSql`): another member's personal response does
 * not exist for them (404, never 403). Writing the organization's needs an admin or a manager.
 */
export function createCannedResponseService(deps: CannedResponseServiceDeps) {
  const { db, clock } = deps;

  /** A response the actor may see, or undefined. */
  const visible = async (exec: Db | Tx, organizationId: string, actor: Principal, id: string) => {
    const [row] = await exec
      .select()
      .from(cannedResponses)
      .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)));
    return row && canSeeCannedResponse(row, { userId: actor.userId, active: true }) ? row : undefined;
  };

  const shortcutIsTaken = async (
    exec: Db | Tx,
    organizationId: string,
    ownerId: string | null,
    shortcut: string,
    exceptId?: string,
  ) => {
    const rows = await exec
      .select({ id: cannedResponses.id })
      .from(cannedResponses)
      .where(
        and(
          eq(cannedResponses.organizationId, organizationId),
          ownerId === null ? isNull(cannedResponses.ownerId) : eq(cannedResponses.ownerId, ownerId),
          eq(cannedResponses.shortcut, shortcut),
        ),
      );
    return rows.some((r) => r.id !== exceptId);
  };

  const guarded = async <T>(scope: CannedScope, work: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await work();
    } catch (e) {
      if (isUniqueViolation(e)) return shortcutTaken(scope);
      throw e;
    }
  };

  return {
    /** A page of the responses the actor sees (the organization's and their own), by shortcut. */
    list: async (
      organizationId: string,
      actor: Principal,
      q: { cursor?: string; limit: number; scope?: CannedScope },
    ): Promise<Result<CannedResponsePage>> => {
      const cursor = parseCursor(q.cursor, CannedCursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value;
      const rows = await db
        .select()
        .from(cannedResponses)
        .where(
          and(
            visibleCannedResponseSql(organizationId, actor.userId),
            q.scope === 'organization' ? isNull(cannedResponses.ownerId) : undefined,
            q.scope === 'personal' ? eq(cannedResponses.ownerId, actor.userId) : undefined,
            after
              ? or(
                  gt(cannedResponses.shortcut, after[0]),
                  and(eq(cannedResponses.shortcut, after[0]), gt(cannedResponses.id, after[1])),
                )
              : undefined,
          ),
        )
        .orderBy(asc(cannedResponses.shortcut), asc(cannedResponses.id))
        .limit(q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toCannedResponse),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.shortcut, last.id]) : null,
      });
    },

    /** One response the actor sees; 404 otherwise (another member's personal one, another organization's). */
    get: async (organizationId: string, actor: Principal, id: string): Promise<Result<CannedResponse>> => {
      const row = await visible(db, organizationId, actor, id);
      return row ? ok(toCannedResponse(row)) : notFound('Canned response');
    },

    /** Creates a personal response (anyone) or one of the organization's (admins, managers). */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateCannedResponseBody,
    ): Promise<Result<CannedResponse>> => {
      if (body.scope === 'organization' && !mayManageOrganizationCannedResponses(actor.role))
        return orgOnly();
      const ownerId = body.scope === 'organization' ? null : actor.userId;
      return guarded(body.scope, () =>
        db.transaction(async (tx): Promise<Result<CannedResponse>> => {
          if (await shortcutIsTaken(tx, organizationId, ownerId, body.shortcut))
            return shortcutTaken(body.scope);
          const now = clock.now();
          const [row] = await tx
            .insert(cannedResponses)
            .values({
              organizationId,
              ownerId,
              shortcut: body.shortcut,
              title: body.title,
              body: body.body,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          await recordChanges(tx, organizationId, [cannedChange(row!)]);
          return ok(toCannedResponse(row!));
        }),
      );
    },

    /** Edits a response: the organization's by admins and managers, a personal one by its owner. */
    update: async (
      organizationId: string,
      actor: Principal,
      id: string,
      body: UpdateCannedResponseBody,
    ): Promise<Result<CannedResponse>> => {
      const before = await visible(db, organizationId, actor, id);
      if (!before) return notFound('Canned response');
      const scope: CannedScope = before.ownerId === null ? 'organization' : 'personal';
      if (scope === 'organization' && !mayManageOrganizationCannedResponses(actor.role)) return orgOnly();
      return guarded(scope, () =>
        db.transaction(async (tx): Promise<Result<CannedResponse>> => {
          if (
            body.shortcut !== undefined &&
            (await shortcutIsTaken(tx, organizationId, before.ownerId, body.shortcut, id))
          )
            return shortcutTaken(scope);
          const [row] = await tx
            .update(cannedResponses)
            .set({
              ...(body.shortcut !== undefined ? { shortcut: body.shortcut } : {}),
              ...(body.title !== undefined ? { title: body.title } : {}),
              ...(body.body !== undefined ? { body: body.body } : {}),
              updatedAt: clock.now(),
            })
            .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)))
            .returning();
          if (!row) return notFound('Canned response');
          await recordChanges(tx, organizationId, [cannedChange(row)]);
          return ok(toCannedResponse(row));
        }),
      );
    },

    /** Deletes a response: the organization's by admins and managers, a personal one by its owner. */
    remove: async (organizationId: string, actor: Principal, id: string): Promise<Result<null>> => {
      const before = await visible(db, organizationId, actor, id);
      if (!before) return notFound('Canned response');
      if (before.ownerId === null && !mayManageOrganizationCannedResponses(actor.role)) return orgOnly();
      return db.transaction(async (tx): Promise<Result<null>> => {
        const gone = await tx
          .delete(cannedResponses)
          .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)))
          .returning({ id: cannedResponses.id });
        if (gone.length === 0) return notFound('Canned response');
        await recordChanges(tx, organizationId, [cannedChange(before, 'del')]);
        return ok(null);
      });
    },
  };
}
