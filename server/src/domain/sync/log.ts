import { sql } from 'drizzle-orm';
import type { GrantEntry, PutEntry } from '#contract/sync/protocol';
import { GRANT_INLINE_MAX_BYTES, GRANT_INLINE_MESSAGES } from '#contract/sync/protocol';
import { rowsOf, SyncOp, type SyncOpName } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { bundlePuts, loadBundles } from './bundles';
import type { Loaded } from './projection';
import { conversationFor } from './wire';
import type { ScopeReason } from '#contract/sync/protocol';

/** One `sync_log` row as read. */
export type LogEntry = {
  seq: number;
  entity: string;
  entityId: string;
  op: SyncOpName;
  conversationId: string | null;
  subjectUser: string | null;
  clientId: string | null;
  mutationId: number | null;
};

const OP_NAMES = Object.fromEntries(Object.entries(SyncOp).map(([k, v]) => [v, k])) as Record<
  number,
  SyncOpName
>;

type LogRow = {
  seq: string | number;
  entity: string;
  entity_id: string;
  op: number;
  conversation_id: string | null;
  subject_user: string | null;
  client_id: string | null;
  mutation_id: string | number | null;
};

/** Reads log entries `(after, upTo]` of one organization in seq order, at most `limit`. */
export async function readLog(
  exec: Pick<Db | Tx, 'execute'>,
  organizationId: string,
  after: number,
  upTo: number,
  limit: number,
): Promise<LogEntry[]> {
  const rows = rowsOf<LogRow>(
    await exec.execute(sql`
      select seq, entity, entity_id, op, conversation_id, subject_user, client_id, mutation_id
      from sync_log where organization_id = ${organizationId} and seq > ${after} and seq <= ${upTo}
      order by seq limit ${limit}`),
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    entity: r.entity,
    entityId: r.entity_id,
    op: OP_NAMES[r.op] ?? 'put',
    conversationId: r.conversation_id,
    subjectUser: r.subject_user,
    clientId: r.client_id,
    mutationId: r.mutation_id === null ? null : Number(r.mutation_id),
  }));
}

/** Whether an entry is a row change (put/del) rather than a scope entry. */
export const isRowOp = (op: SyncOpName): op is 'put' | 'del' => op === 'put' || op === 'del';

/**
 * Builds grant entries for conversations a user just gained: the row always, and `related`
 * (contact, the last {@link GRANT_INLINE_MESSAGES} messages, their reactions, the notes) when
 * it fits in about {@link GRANT_INLINE_MAX_BYTES} of JSON; otherwise a pointer (no `related`)
 * and the client fetches the history endpoint's newest page.
 */
export async function buildGrants(
  exec: Db | Tx,
  organizationId: string,
  loaded: Loaded,
  grants: ReadonlyArray<{ conversationId: string; seq: number; userId: string; scope: ScopeReason[] }>,
): Promise<Map<string, GrantEntry>> {
  const out = new Map<string, GrantEntry>();
  if (grants.length === 0) return out;
  const bundles = await loadBundles(
    exec,
    organizationId,
    grants.map((g) => g.conversationId),
    { messages: GRANT_INLINE_MESSAGES },
  );
  const inline = new Map<string, { related: PutEntry[]; floor: number | null } | null>();
  for (const [id, b] of bundles) {
    const related = bundlePuts(b);
    const fits = Buffer.byteLength(JSON.stringify(related)) <= GRANT_INLINE_MAX_BYTES;
    // A complete history (nothing older) gives floor 1: the client holds everything.
    const floor = b.messages.length === 0 ? null : b.hasOlder ? b.lowestConvSeq : 1;
    inline.set(id, fits ? { related, floor } : null);
  }
  for (const g of grants) {
    const c = loaded.conversation.get(g.conversationId);
    if (!c) continue;
    const rel = inline.get(g.conversationId);
    out.set(`${g.userId}:${g.conversationId}:${g.seq}`, {
      e: 'conversation',
      id: g.conversationId,
      v: g.seq,
      op: 'grant',
      row: conversationFor(loaded, c, g.userId),
      rowVersion: c.version,
      scope: g.scope,
      ...(rel && { related: rel.related, floorConvSeq: rel.floor }),
    });
  }
  return out;
}
