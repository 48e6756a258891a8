import { eq } from 'drizzle-orm';
import type { AppError } from '#contract/result';
import type { CannedCreateArgs, CannedDeleteArgs, CannedUpdateArgs } from '#contract/sync/protocol';
import {
  cannedChange,
  deleteCanned,
  insertCanned,
  shortcutTaken,
  updateCanned,
} from '../canned-responses/canned-writes';
import { isUniqueViolation } from '../../storage/errors';
import { cannedResponses } from '../../storage/schema/index';
import type { MutatorContext, MutatorOutcome } from './mutators';

// The canned-response mutators (issue 12: canned responses work offline). They write through
// the same functions as REST (`canned-writes.ts`: who may, shortcut uniqueness), inside the
// ledger's transaction; a refusal becomes the rejection the author sees in the outbox tray.
// Another member's personal response does not exist for the actor (`not_found`, as on REST).

const reject = (code: string, message: string): MutatorOutcome => ({ ok: false, error: { code, message } });

/** REST's refusal as a mutation rejection (same code: forbidden, not_found, conflict). */
const rejected = (e: AppError): MutatorOutcome => reject(e.code, e.message);

const actorOf = (ctx: MutatorContext) => ({ userId: ctx.actor.userId, role: ctx.viewer.role });

/** The canned-response mutators, by name. */
export const cannedMutators = {
  'canned.create': async (ctx: MutatorContext, args: CannedCreateArgs): Promise<MutatorOutcome> => {
    const { id, ...body } = args;
    const [existing] = await ctx.tx.select().from(cannedResponses).where(eq(cannedResponses.id, id));
    if (existing) {
      // The same response again (a replay after a lost ack) is applied; an id clash is the client's bug.
      const ownerId = body.scope === 'organization' ? null : ctx.actor.userId;
      if (existing.organizationId === ctx.organizationId && existing.ownerId === ownerId)
        return { ok: true, value: { changes: [], existingVersion: existing.version } };
      return reject('invalid', 'This canned response id is already used.');
    }
    try {
      // A savepoint: a shortcut taken by a concurrent write (the unique index) is a rejection,
      // not an aborted ledger transaction.
      const row = await ctx.tx.transaction((sp) =>
        insertCanned(sp, ctx.organizationId, actorOf(ctx), body, ctx.now, id),
      );
      if (!row.ok) return rejected(row.error);
      return { ok: true, value: { changes: [cannedChange(row.value)] } };
    } catch (e) {
      if (isUniqueViolation(e)) return rejected(shortcutTaken(body.scope).error);
      throw e;
    }
  },

  'canned.update': async (ctx: MutatorContext, args: CannedUpdateArgs): Promise<MutatorOutcome> => {
    try {
      const row = await ctx.tx.transaction((sp) =>
        updateCanned(sp, ctx.organizationId, actorOf(ctx), args.id, args.patch, ctx.now),
      );
      if (!row.ok) return rejected(row.error);
      return { ok: true, value: { changes: [cannedChange(row.value)] } };
    } catch (e) {
      if (isUniqueViolation(e)) return reject('conflict', 'This shortcut is already used.');
      throw e;
    }
  },

  'canned.delete': async (ctx: MutatorContext, args: CannedDeleteArgs): Promise<MutatorOutcome> => {
    const gone = await deleteCanned(ctx.tx, ctx.organizationId, actorOf(ctx), args.id);
    if (gone.ok) return { ok: true, value: { changes: [cannedChange(gone.value, 'del')] } };
    if (gone.error.code !== 'not_found') return rejected(gone.error);
    // Gone already (deleted twice, or by someone else): what the author wanted is true. Another
    // organization's id, or another member's personal one, is refused as if it did not exist.
    const [row] = await ctx.tx
      .select({ id: cannedResponses.id })
      .from(cannedResponses)
      .where(eq(cannedResponses.id, args.id));
    return row ? rejected(gone.error) : { ok: true, value: { changes: [] } };
  },
};
