import { and, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type {
  ChangeEntry,
  MutationResult,
  PullQuery,
  PullResponse,
  SyncEntity,
} from '#contract/sync/protocol';
import { CONVERSATION_SCOPED } from '#contract/sync/protocol';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import type { Db } from '../../storage/db';
import { conversations, syncMutationResults } from '../../storage/schema/index';
import { claimClient, readClock } from './clients';
import { buildGrants, isRowOp, readLog, type LogEntry } from './log';
import { loadRows, type ToAccount, type Wanted } from './projection';
import { isWireEntity, putOf, scopeOf } from './wire';
import { loadViewer, visibleConversationSql } from '../visibility/queries';
import { canSeeCannedResponse, canSeeContact, scopeReasons } from '../visibility/rule';
import { groupOfEntry } from '../visibility/scope-changes';

/** Dependencies of {@link createPullService}. */
export type PullDeps = { db: Db; clock: Clock; toAccount: ToAccount };

/** Stored mutation results as the wire's {@link MutationResult}. */
export async function mutationResultsOf(
  db: Db,
  clientId: string,
  afterMid: number,
  upToMid: number,
): Promise<MutationResult[]> {
  if (upToMid <= afterMid) return [];
  const rows = await db
    .select()
    .from(syncMutationResults)
    .where(
      and(
        eq(syncMutationResults.clientId, clientId),
        gt(syncMutationResults.mutationId, afterMid),
        lte(syncMutationResults.mutationId, upToMid),
      ),
    )
    .orderBy(syncMutationResults.mutationId);
  return rows.map(toResult);
}

/** A `sync_mutation_results` row as the wire's result. */
export const toResult = (r: typeof syncMutationResults.$inferSelect): MutationResult => ({
  mid: r.mutationId,
  status: r.status === 'applied' ? 'applied' : 'rejected',
  seq: r.seq ?? 0,
  ...(r.error ? { error: r.error as { code: string; message: string } } : {}),
});

/**
 * Cursor-paged catch-up (sync-protocol §2.5). Reads the tenant seq S first: every seq ≤ S is
 * committed then (the clock row is the last write of every transaction), so the page scans
 * `(cursor, S]` without a transaction. Entries are compacted per (entity, id) keeping the
 * newest, current rows are read in one query per entity type restricted by the caller's scope
 * predicate, and scope entries (revoke, grant, group_*) addressed to the caller are included.
 */
export function createPullService(deps: PullDeps) {
  const { db } = deps;

  return {
    pull: async (principal: Principal, q: PullQuery): Promise<Result<PullResponse>> => {
      const org = principal.organizationId;
      const client = await claimClient(db, org, principal.userId, q.clientId, deps.clock.now(), q.cursor);
      // Someone else's client id: not found, like an id that does not exist.
      if (!client) return notFound('Sync client');
      const clock = await readClock(db, org);
      if (q.cursor < clock.floorSeq || q.cursor > clock.seq)
        // Below the retention floor, or from a future this server never had (restored database,
        // another organization's cursor): only a fresh bootstrap is safe.
        return ok({ mustRebootstrap: true, floorSeq: clock.floorSeq, tenantSeq: clock.seq });

      const entries = await readLog(db, org, q.cursor, clock.seq, q.limit);
      const full = entries.length === q.limit;
      const nextCursor = full ? entries[entries.length - 1]!.seq : clock.seq;
      const changes = await changesFor(deps, principal, entries);
      const lmid = client.lastMutationId;
      return ok({
        changes,
        nextCursor,
        hasMore: nextCursor < clock.seq,
        tenantSeq: clock.seq,
        lmid,
        mutationResults: await mutationResultsOf(db, q.clientId, q.lmid, lmid),
      });
    },
  };
}

/** The change entries one user receives for a run of log entries, current rows, in seq order. */
export async function changesFor(
  deps: Pick<PullDeps, 'db' | 'toAccount'>,
  principal: Principal,
  entries: readonly LogEntry[],
): Promise<ChangeEntry[]> {
  const { db } = deps;
  const org = principal.organizationId;
  const me = principal.userId;
  const viewer = await loadViewer(db, org, me);
  if (!viewer.active) return [];

  // Newest entry per row; scope entries addressed to me, in order.
  const latest = new Map<string, LogEntry>();
  const kept: LogEntry[] = [];
  for (const e of entries) {
    if (isRowOp(e.op)) {
      // A personal canned response's entries name its owner: nobody else hears of it, not even
      // its id (`canSeeCannedResponse`; the current row is checked again below).
      if (e.entity === 'canned_response' && !canSeeCannedResponse({ ownerId: e.subjectUser }, viewer))
        continue;
      if (isWireEntity(e.entity)) latest.set(`${e.entity}\0${e.entityId}`, e);
    } else if (e.subjectUser === me) kept.push(e);
  }
  const rowEntries = [...latest.values()];
  const ordered = [...rowEntries, ...kept].sort((a, b) => a.seq - b.seq);

  const wanted: Record<string, Set<string>> = {};
  const want = (entity: SyncEntity, id: string) => (wanted[entity] ??= new Set()).add(id);
  for (const e of rowEntries) want(e.entity as SyncEntity, e.entityId);
  const grants = kept.filter((e) => e.op === 'grant');
  const revokes = kept.filter((e) => e.op === 'revoke');
  for (const g of grants) want('conversation', g.entityId);

  const scope = visibleConversationSql(org, viewer);
  const loaded = await loadRows(db, org, wanted as Wanted, {
    toAccount: deps.toAccount,
    scope,
    readersOf: [me],
  });

  // Deletions of conversation-scoped rows go to those who see the conversation now (or to
  // everyone when the conversation itself is gone: then only an id travels).
  const delConvs = rowEntries
    .filter((e) => e.op === 'del' && CONVERSATION_SCOPED.has(e.entity as SyncEntity) && e.conversationId)
    .map((e) => e.conversationId!);
  const existing = new Map<string, boolean>();
  const facts = new Map<string, string | null>();
  const lookups = [...new Set([...delConvs, ...revokes.map((r) => r.entityId)])];
  if (lookups.length > 0) {
    const rows = await db
      .select({ id: conversations.id, assigneeId: conversations.assigneeId, visible: sql<boolean>`${scope}` })
      .from(conversations)
      .where(and(eq(conversations.organizationId, org), inArray(conversations.id, lookups)));
    for (const r of rows) {
      existing.set(r.id, Boolean(r.visible));
      facts.set(r.id, r.assigneeId);
    }
  }

  const grantEntries = await buildGrants(
    db,
    org,
    loaded,
    grants.flatMap((g) => {
      const c = loaded.conversation.get(g.entityId);
      const reasons = c ? scopeReasons(c.facts, viewer) : [];
      return reasons.length > 0
        ? [{ conversationId: g.entityId, seq: g.seq, userId: me, scope: reasons }]
        : [];
    }),
  );

  const out: ChangeEntry[] = [];
  for (const e of ordered) {
    switch (e.op) {
      case 'put':
      case 'del': {
        const entity = e.entity as SyncEntity;
        const conv = scopeOf(loaded, entity, e.entityId);
        // Conversation-scoped rows were read through the scope predicate: present = visible.
        const canned = entity === 'canned_response' ? loaded.canned_response.get(e.entityId) : undefined;
        const visible =
          entity === 'contact'
            ? canSeeContact(loaded.contactConversations.get(e.entityId) ?? [], viewer)
            : canned === undefined || canSeeCannedResponse(canned.row, viewer);
        const reasons = entity === 'conversation' && conv ? scopeReasons(conv.facts, viewer) : [];
        const put = visible ? putOf(loaded, entity, e.entityId, me, reasons, e.seq) : null;
        if (put) out.push(put);
        else if (e.op === 'del' || (entity === 'reaction' && loaded.reaction.get(e.entityId)?.row === null)) {
          // A deletion (or a removed reaction) goes to whoever sees where it was; when the
          // conversation itself is gone, only an id travels.
          const cid = e.conversationId ?? conv?.conversationId ?? null;
          const may = !CONVERSATION_SCOPED.has(entity) || cid === null || existing.get(cid) !== false;
          if (may) out.push({ e: entity, id: e.entityId, v: e.seq, op: 'del' });
        }
        break;
      }
      case 'revoke': {
        const assignee = facts.get(e.entityId) ?? null;
        out.push({
          e: 'conversation',
          id: e.entityId,
          v: e.seq,
          op: 'revoke',
          reassignedTo: assignee !== null && assignee !== me ? assignee : null,
        });
        break;
      }
      case 'grant': {
        const g = grantEntries.get(`${me}:${e.entityId}:${e.seq}`);
        if (g) out.push(g);
        break;
      }
      case 'group_join':
      case 'group_leave': {
        const group = groupOfEntry(e.entity, e.entityId);
        if (group) out.push({ e: 'group', id: e.entityId, v: e.seq, op: e.op, group });
        break;
      }
    }
  }
  return out;
}
