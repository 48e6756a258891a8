import type { CannedResponse, CannedScope } from '#contract/api/canned-responses';
import { atLeast } from '#contract/domain/roles';
import type { Parsed } from '#contract/ipc/contract';
import { err, ok, type AppError, type Result } from '#contract/result';
import { mutationArgs, type MutationName } from '#contract/sync/protocol';
import { durable } from '../outbox/outbox-store';
import { createCannedView } from '../replica/canned-view';
import { emptySummary } from '../sync/apply/apply';
import { uuidv7 } from '../uuid';
import type { CommandDeps } from './commands';
import type { Overlays } from './overlays';

/**
 * Canned responses written on this device (issue 12: "available offline"): each write is a
 * `canned.*` mutation in the outbox with its overlay in `pending_patches` (`replica/canned-view.ts`
 * reads them), in one durable transaction like every command, pushed when the engine connects.
 * The checks the server makes are made here first against what the replica holds (who may write
 * the organization's, one shortcut per owner), so the form can say so at once; the server still
 * decides, and a refusal shows in the outbox tray.
 */

/** The tables a canned write touches (the Settings list and the composer's picker re-read). */
const TABLES = ['outbox', 'pending_patches', 'canned_responses'];

const shortcutTaken = (scope: CannedScope): AppError => ({
  code: 'conflict',
  message:
    scope === 'organization'
      ? 'The organization already has a canned response with this shortcut'
      : 'You already have a canned response with this shortcut',
});
const orgOnly: AppError = {
  code: 'forbidden',
  message: "Only admins and managers can manage the organization's canned responses",
};
const gone: AppError = { code: 'not_found', message: 'This canned response no longer exists.' };

/**
 * The overlay fields of a queued canned mutation, rebuilt from its args (a create's whole row, an
 * edit's fields, a delete's marker): written when it is queued, and again by the tray's Retry.
 */
export function cannedOverlayFields(
  name: MutationName,
  args: Record<string, unknown>,
  ownerId: string,
  at: string,
): Record<string, unknown> {
  switch (name) {
    case 'canned.create': {
      const scope = args.scope as CannedScope;
      const row: CannedResponse = {
        id: String(args.id),
        scope,
        ownerId: scope === 'organization' ? null : ownerId,
        shortcut: String(args.shortcut),
        title: String(args.title),
        body: String(args.body),
        createdAt: at,
        updatedAt: at,
      };
      return { row };
    }
    case 'canned.update':
      return Object.fromEntries(Object.entries(args.patch as object).filter(([, v]) => v !== undefined));
    case 'canned.delete':
      return { deleted: true };
    default:
      return {};
  }
}

/** Builds the canned-response commands over an open replica. */
export function createCannedCommands(deps: CommandDeps, overlays: Overlays) {
  const { db, outbox } = deps;
  const view = createCannedView(db);
  const iso = () => new Date(deps.now()).toISOString();
  const announce = () => {
    const sum = emptySummary();
    for (const t of TABLES) sum.tables.add(t);
    deps.changed(sum);
  };
  const mayOrganization = () => atLeast(deps.user().role, 'manager');
  const find = (id: string) => view.all().find((c) => c.id === id);
  /** Whether another response of the same owner already uses the shortcut. */
  const taken = (scope: CannedScope, shortcut: string, exceptId?: string) =>
    view.all().some((c) => c.scope === scope && c.shortcut === shortcut && c.id !== exceptId);

  /** Validates, then writes the outbox row and its overlay in one durable transaction. */
  const queue = <N extends 'canned.create' | 'canned.update' | 'canned.delete'>(
    name: N,
    args: unknown,
  ): Result<{ mutationId: number; args: Record<string, unknown>; at: string }> => {
    const parsed = mutationArgs[name].safeParse(args);
    if (!parsed.success)
      return err({ code: 'invalid_input', message: parsed.error.issues[0]?.message ?? 'Invalid' });
    const data = parsed.data as Record<string, unknown>;
    const at = iso();
    const mutationId = durable(db, () => {
      const mid = outbox.enqueue(name, data, at, null);
      for (const [field, value] of Object.entries(cannedOverlayFields(name, data, deps.user().id, at)))
        overlays.patch('canned_response', String(data.id), field, JSON.stringify(value), mid);
      return mid;
    });
    announce();
    return ok({ mutationId, args: data, at });
  };

  return {
    /** `admin:createCannedResponse`: the new response as the app shows it until the server's lands. */
    createCanned(i: Parsed<'admin:createCannedResponse'>): Result<CannedResponse> {
      if (i.scope === 'organization' && !mayOrganization()) return err(orgOnly);
      if (taken(i.scope, i.shortcut)) return err(shortcutTaken(i.scope));
      const q = queue('canned.create', { ...i, id: uuidv7(deps.now()) });
      if (!q.ok) return q;
      return ok(find(String(q.value.args.id))!);
    },

    /** `admin:updateCannedResponse`: field by field over what the replica holds. */
    updateCanned(i: Parsed<'admin:updateCannedResponse'>): Result<CannedResponse> {
      const cur = find(i.id);
      if (!cur) return err(gone);
      if (cur.scope === 'organization' && !mayOrganization()) return err(orgOnly);
      if (i.patch.shortcut !== undefined && taken(cur.scope, i.patch.shortcut, cur.id))
        return err(shortcutTaken(cur.scope));
      const q = queue('canned.update', { id: i.id, patch: i.patch });
      if (!q.ok) return q;
      return ok({ ...find(i.id)!, updatedAt: q.value.at });
    },

    /** `admin:deleteCannedResponse`: hidden at once, deleted on the server when pushed. */
    deleteCanned(i: Parsed<'admin:deleteCannedResponse'>): Result<{ done: true }> {
      const cur = find(i.id);
      if (!cur) return err(gone);
      if (cur.scope === 'organization' && !mayOrganization()) return err(orgOnly);
      const q = queue('canned.delete', { id: i.id });
      return q.ok ? ok({ done: true as const }) : q;
    },
  };
}
