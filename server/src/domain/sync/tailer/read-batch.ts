import { sql } from 'drizzle-orm';
import type { SyncEntity } from '#contract/sync/protocol';
import { rowsOf } from '../../../storage/change-log';
import type { Db } from '../../../storage/db';
import type { ConversationFacts } from '../../visibility/rule';
import { isRowOp, type LogEntry } from '../log';
import { loadRows, type Loaded, type ToAccount } from '../projection';
import { isWireEntity } from '../wire';
import type { AclCache } from './acl-cache';
import type { UserResults } from './packets';

// The tailer's input side: for one batch of log entries, the current rows they name (one query
// per entity type, whoever will receive them) and the mutation results their pushers are owed.

/**
 * Reads the current rows of a batch's entries. Conversations the ACL cache meets for the first
 * time start from their current facts (rows are read with their conversation's team and
 * assignee), so the stream is routed from there on.
 */
export async function readBatchRows(
  db: Db,
  organizationId: string,
  acl: AclCache,
  entries: readonly LogEntry[],
  toAccount: ToAccount,
): Promise<Loaded> {
  const wanted: Partial<Record<SyncEntity, Set<string>>> = {};
  const want = (e: SyncEntity, id: string) => (wanted[e] ??= new Set()).add(id);
  for (const e of entries) {
    if (isRowOp(e.op) && isWireEntity(e.entity)) want(e.entity, e.entityId);
    else if (e.op === 'grant' || e.op === 'revoke') want('conversation', e.entityId);
  }
  const loaded = await loadSideBySide(db, organizationId, wanted, toAccount);
  const meet = (id: string, facts: ConversationFacts) => {
    if (!acl.facts(id)) acl.setFacts(id, facts);
  };
  for (const [id, c] of loaded.conversation) meet(id, c.facts);
  for (const m of [loaded.messageMeta, loaded.note, loaded.reaction])
    for (const x of m.values()) meet(x.conversationId, x.facts);
  return loaded;
}

/**
 * `loadRows` with each entity type read on its own (issue 15): on PostgreSQL the pool runs the
 * reads side by side, so a batch of an inbound message (conversation, message, contact) costs
 * one round trip of latency instead of one per type; on PGlite they queue as before. Every type
 * fills its own maps, so the results merge without overlap.
 */
async function loadSideBySide(
  db: Db,
  organizationId: string,
  wanted: Partial<Record<SyncEntity, Set<string>>>,
  toAccount: ToAccount,
): Promise<Loaded> {
  const parts = await Promise.all(
    Object.entries(wanted).map(([entity, ids]) =>
      loadRows(db, organizationId, { [entity]: ids }, { toAccount }),
    ),
  );
  if (parts.length === 1) return parts[0]!;
  const [first, ...rest] = parts;
  const out = first ?? (await loadRows(db, organizationId, {}, { toAccount }));
  for (const part of rest)
    for (const key of Object.keys(part) as (keyof Loaded)[]) {
      const into = out[key] as Map<string, unknown>;
      for (const [k, v] of part[key] as Map<string, unknown>) into.set(k, v);
    }
  return out;
}

/**
 * Mutation provenance: for every client whose mutations wrote entries of this batch, its user
 * learns the client's newest `lmid` and the applied results with the packet (one query).
 */
export async function readProvenance(
  db: Db,
  organizationId: string,
  entries: readonly LogEntry[],
): Promise<Map<string, UserResults>> {
  const results = new Map<string, UserResults>();
  const provenance = new Map<string, number>();
  for (const e of entries)
    if (e.clientId && e.mutationId !== null)
      provenance.set(e.clientId, Math.max(provenance.get(e.clientId) ?? 0, e.mutationId));
  if (provenance.size === 0) return results;
  const pairs = JSON.stringify([...provenance].map(([c, m]) => ({ c, m })));
  const rows = rowsOf<{
    client_id: string;
    mutation_id: string | number;
    seq: string | number | null;
    status: string;
    user_id: string;
  }>(
    await db.execute(sql`
      select r.client_id, r.mutation_id, r.seq, r.status, c.user_id
      from json_to_recordset(${pairs}::json) as p(c uuid, m bigint)
      join sync_mutation_results r on r.client_id = p.c and r.mutation_id = p.m
      join sync_clients c on c.client_id = r.client_id and c.organization_id = ${organizationId}`),
  );
  for (const r of rows) {
    const mine = results.get(r.user_id) ?? { lmid: {}, results: [] };
    mine.lmid[r.client_id] = Number(r.mutation_id);
    if (r.status === 'applied')
      mine.results.push({
        clientId: r.client_id,
        mid: Number(r.mutation_id),
        status: 'applied',
        seq: Number(r.seq ?? 0),
      });
    results.set(r.user_id, mine);
  }
  return results;
}
