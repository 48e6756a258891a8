import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import type {
  CannedResponse,
  CannedResponsePage,
  CannedScope,
  CreateCannedResponseBody,
  UpdateCannedResponseBody,
} from '#contract/api/canned-responses';
import { ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { encodeCursor, parseCursor } from '../cursor';
import { notFound } from '../failure';
import { visibleCannedResponseSql } from '../visibility/queries';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { cannedResponses } from '../../storage/schema/index';
import {
  cannedChange,
  deleteCanned,
  insertCanned,
  shortcutTaken,
  updateCanned,
  visibleCanned,
  type CannedRow,
} from './canned-writes';

/** Dependencies of {@link createCannedResponseService}. */
export type CannedResponseServiceDeps = { db: Db; clock: Clock };

/** Canned responses: the organization's and each member's personal ones. */
export type CannedResponseService = ReturnType<typeof createCannedResponseService>;

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

export { cannedChange };

/** [shortcut, id]. */
const CannedCursor = z.tuple([z.string(), z.uuid()]);

/**
 * Creates the canned-response service. What a member sees is decided by the visibility module
 * (`canSeeCannedResponse`, `visibleCannedResponseSql`): another member's personal response does
 * not exist for them (404, never 403). Writing the organization's needs an admin or a manager.
 */
export function createCannedResponseService(deps: CannedResponseServiceDeps) {
  const { db, clock } = deps;

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
      const row = await visibleCanned(db, organizationId, actor, id);
      return row ? ok(toCannedResponse(row)) : notFound('Canned response');
    },

    /** Creates a personal response (anyone) or one of the organization's (admins, managers). */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateCannedResponseBody,
    ): Promise<Result<CannedResponse>> => {
      return guarded(body.scope, () =>
        db.transaction(async (tx): Promise<Result<CannedResponse>> => {
          const row = await insertCanned(tx, organizationId, actor, body, clock.now());
          if (!row.ok) return row;
          await recordChanges(tx, organizationId, [cannedChange(row.value)]);
          return ok(toCannedResponse(row.value));
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
      const before = await visibleCanned(db, organizationId, actor, id);
      if (!before) return notFound('Canned response');
      const scope: CannedScope = before.ownerId === null ? 'organization' : 'personal';
      return guarded(scope, () =>
        db.transaction(async (tx): Promise<Result<CannedResponse>> => {
          const row = await updateCanned(tx, organizationId, actor, id, body, clock.now());
          if (!row.ok) return row;
          await recordChanges(tx, organizationId, [cannedChange(row.value)]);
          return ok(toCannedResponse(row.value));
        }),
      );
    },

    /** Deletes a response: the organization's by admins and managers, a personal one by its owner. */
    remove: async (organizationId: string, actor: Principal, id: string): Promise<Result<null>> => {
      return db.transaction(async (tx): Promise<Result<null>> => {
        const gone = await deleteCanned(tx, organizationId, actor, id);
        if (!gone.ok) return gone;
        await recordChanges(tx, organizationId, [cannedChange(gone.value, 'del')]);
        return ok(null);
      });
    },
  };
}
