import { and, eq, isNull } from 'drizzle-orm';
import type {
  CannedScope,
  CreateCannedResponseBody,
  UpdateCannedResponseBody,
} from '#contract/api/canned-responses';
import type { Role } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { mayManageOrganizationCannedResponses } from '../visibility/capabilities';
import { canSeeCannedResponse } from '../visibility/rule';
import type { Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { cannedResponses } from '../../storage/schema/index';

// The canned-response writes inside a caller's transaction, shared by REST (the service opens
// the transaction and logs the change) and sync (the mutation ledger's transaction logs it).
// Each decides who may do it with the visibility module, the same way for both.

/** A stored canned response. */
export type CannedRow = typeof cannedResponses.$inferSelect;

/** Who writes: the member and their current role. */
export type CannedActor = { userId: string; role: Role };

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

/** The refusal of an organization-wide write by an agent. */
export const orgOnly = () =>
  fail('forbidden', "Only admins and managers can manage the organization's canned responses");

/** The refusal of a shortcut the owner already uses. */
export const shortcutTaken = (scope: CannedScope) =>
  fail(
    'conflict',
    scope === 'organization'
      ? 'The organization already has a canned response with this shortcut'
      : 'You already have a canned response with this shortcut',
  );

const scopeOf = (row: Pick<CannedRow, 'ownerId'>): CannedScope =>
  row.ownerId === null ? 'organization' : 'personal';

/** A response the actor may see, or undefined (another member's personal one does not exist for them). */
export async function visibleCanned(
  exec: Db | Tx,
  organizationId: string,
  actor: Pick<CannedActor, 'userId'>,
  id: string,
): Promise<CannedRow | undefined> {
  const [row] = await exec
    .select()
    .from(cannedResponses)
    .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)));
  return row && canSeeCannedResponse(row, { userId: actor.userId, active: true }) ? row : undefined;
}

async function shortcutIsTaken(
  exec: Db | Tx,
  organizationId: string,
  ownerId: string | null,
  shortcut: string,
  exceptId?: string,
): Promise<boolean> {
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
}

/** Inserts a personal response (anyone) or one of the organization's (admins, managers). */
export async function insertCanned(
  tx: Tx,
  organizationId: string,
  actor: CannedActor,
  body: CreateCannedResponseBody,
  now: Date,
  id?: string,
): Promise<Result<CannedRow>> {
  if (body.scope === 'organization' && !mayManageOrganizationCannedResponses(actor.role)) return orgOnly();
  const ownerId = body.scope === 'organization' ? null : actor.userId;
  if (await shortcutIsTaken(tx, organizationId, ownerId, body.shortcut)) return shortcutTaken(body.scope);
  const [row] = await tx
    .insert(cannedResponses)
    .values({
      ...(id !== undefined && { id }),
      organizationId,
      ownerId,
      shortcut: body.shortcut,
      title: body.title,
      body: body.body,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return ok(row!);
}

/** Edits a response: the organization's by admins and managers, a personal one by its owner. */
export async function updateCanned(
  tx: Tx,
  organizationId: string,
  actor: CannedActor,
  id: string,
  body: UpdateCannedResponseBody,
  now: Date,
): Promise<Result<CannedRow>> {
  const before = await visibleCanned(tx, organizationId, actor, id);
  if (!before) return notFound('Canned response');
  const scope = scopeOf(before);
  if (scope === 'organization' && !mayManageOrganizationCannedResponses(actor.role)) return orgOnly();
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
      updatedAt: now,
    })
    .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)))
    .returning();
  return row ? ok(row) : notFound('Canned response');
}

/** Deletes a response: the organization's by admins and managers, a personal one by its owner. */
export async function deleteCanned(
  tx: Tx,
  organizationId: string,
  actor: CannedActor,
  id: string,
): Promise<Result<CannedRow>> {
  const before = await visibleCanned(tx, organizationId, actor, id);
  if (!before) return notFound('Canned response');
  if (before.ownerId === null && !mayManageOrganizationCannedResponses(actor.role)) return orgOnly();
  const gone = await tx
    .delete(cannedResponses)
    .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)))
    .returning({ id: cannedResponses.id });
  return gone.length > 0 ? ok(before) : notFound('Canned response');
}
