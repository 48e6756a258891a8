import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './db';

/** Log operations (sync-protocol §2.2), stored as smallint. */
export const SyncOp = { put: 1, del: 2, revoke: 3, grant: 4, group_join: 5, group_leave: 6 } as const;
export type SyncOpName = keyof typeof SyncOp;

/**
 * Synced entities whose table carries a `version` column that {@link recordChanges} stamps, keyed
 * by the log's entity name. Entities not listed (user, team, …) are logged without a stamp.
 * Later modules add theirs with {@link registerVersionedEntity}.
 */
const versionedTables = new Map<string, string>([
  ['conversation', 'conversations'],
  ['message', 'messages'],
  ['contact', 'contacts'],
  ['template', 'templates'],
  ['whatsapp_account', 'whatsapp_accounts'],
  ['media', 'media'],
  ['reaction', 'reactions'],
  ['label', 'labels'],
  ['canned_response', 'canned_responses'],
]);

/**
 * Entities whose changes feed outgoing webhooks (`domain/webhooks/fan-out.ts`), with their
 * table. Columns listed are left out of the outbox snapshot (sealed credentials).
 */
const webhookTables = new Map<string, { table: string; omit: string[] }>([
  ['conversation', { table: 'conversations', omit: [] }],
  ['message', { table: 'messages', omit: [] }],
  ['contact', { table: 'contacts', omit: [] }],
  ['template', { table: 'templates', omit: [] }],
  [
    'whatsapp_account',
    { table: 'whatsapp_accounts', omit: ['access_token_enc', 'verify_token_enc', 'app_secret_enc'] },
  ],
]);

/** The LISTEN channel told (payload: organization id) when changes reach the webhook outbox. */
export const WEBHOOK_CHANNEL = 'webhooks';

/** Declares that `entity` rows live in `table` (with `id uuid` and `version bigint` columns). */
export function registerVersionedEntity(entity: string, table: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`Bad table name ${table}`);
  versionedTables.set(entity, table);
}

/** One change to log. `op` defaults to `put`. */
export type Change = {
  entity: string;
  entityId: string;
  op?: SyncOpName;
  /** Scope key for conversation-scoped entities (the conversation itself for `conversation`). */
  conversationId?: string | null;
  /** Target user of revoke/grant/group_* entries. */
  subjectUser?: string | null;
  /** Provenance of a pushed mutation, for acks. */
  clientId?: string | null;
  mutationId?: number | null;
};

/** What {@link recordChanges} allocated: seqs `firstSeq … seq` (inclusive). */
export type RecordedChanges = { firstSeq: number; seq: number };

/** Anything that can run a statement: a transaction (normally) or the database. */
type Executor = Pick<Db | Tx, 'execute'>;

/**
 * Logs `changes` for one organization. Call it as the LAST statement of the write transaction
 * (sync-protocol §2.2): it takes the tenant's clock row lock, which is then held only until
 * commit, so seq order equals commit order and a rollback rolls the counter back (gap-free).
 *
 * One round trip: a single statement bumps (or creates) `sync_clock`, inserts the `sync_log` rows,
 * stamps `version` on the changed rows (one UPDATE per table), and `pg_notify('sync', 'org:seq')`.
 * Repeated (entity, id, op, subject) entries collapse to the last one. Returns null for no changes.
 */
export async function recordChanges(
  tx: Executor,
  organizationId: string,
  changes: readonly Change[],
): Promise<RecordedChanges | null> {
  const rows = compact(changes);
  const n = rows.length;
  if (n === 0) return null;

  // Latest ordinal per stamped row, grouped by table.
  const stamps = new Map<string, Map<string, number>>();
  rows.forEach((c, i) => {
    const table = versionedTables.get(c.entity);
    if (!table || c.op === 'del') return;
    let ids = stamps.get(table);
    if (!ids) stamps.set(table, (ids = new Map()));
    ids.set(c.entityId, i + 1);
  });

  const log = JSON.stringify(
    rows.map((c, i) => ({
      o: i + 1,
      e: c.entity,
      id: c.entityId,
      op: SyncOp[c.op ?? 'put'],
      c: c.conversationId ?? null,
      s: c.subjectUser ?? null,
      ci: c.clientId ?? null,
      m: c.mutationId ?? null,
    })),
  );
  // The webhook outbox (same statement, so same transaction): a snapshot of each changed row, for
  // organizations with an enabled endpoint only. CTEs read the statement's snapshot, i.e. the row
  // as this transaction left it but before the version stamp below, so version 0 means "created".
  const hookCtes: SQL[] = [...webhookTables].flatMap(([entity, { table, omit }], k) => {
    const ids = rows.flatMap((c, i) =>
      c.entity === entity && (c.op ?? 'put') === 'put' ? [{ id: c.entityId, o: i + 1 }] : [],
    );
    if (ids.length === 0) return [];
    const minus = omit.map((col) => sql` - ${col}::text`);
    return [
      sql`, ${sql.raw(`w${k}`)} as (
      insert into webhook_changes (organization_id, seq, entity, entity_id, op, created, snapshot)
      select ${organizationId}, clock.seq - ${n} + v.o, ${entity}, t.id, 1, t.version = 0, to_jsonb(t)${sql.join(minus, sql``)}
      from clock, hooked, json_to_recordset(${JSON.stringify(ids)}::json) as v(id uuid, o bigint)
      join ${sql.identifier(table)} t on t.organization_id = ${organizationId} and t.id = v.id
      where hooked.on
    )`,
    ];
  });
  const stampCtes: SQL[] = [...stamps].map(([table, ids], k) => {
    const json = JSON.stringify([...ids].map(([id, o]) => ({ id, o })));
    return sql`, ${sql.raw(`s${k}`)} as (
      update ${sql.identifier(table)} t set version = clock.seq - ${n} + v.o
      from clock, json_to_recordset(${json}::json) as v(id uuid, o bigint)
      where t.organization_id = ${organizationId} and t.id = v.id
    )`;
  });

  const result = await tx.execute(sql`
    with clock as (
      insert into sync_clock as c (organization_id, seq) values (${organizationId}, ${n})
      on conflict (organization_id) do update set seq = c.seq + ${n}
      returning c.seq
    ), logged as (
      insert into sync_log (organization_id, seq, entity, entity_id, op, conversation_id, subject_user, client_id, mutation_id)
      select ${organizationId}, clock.seq - ${n} + l.o, l.e, l.id, l.op, l.c, l.s, l.ci, l.m
      from clock, json_to_recordset(${log}::json) as l(o bigint, e text, id uuid, op smallint, c uuid, s uuid, ci uuid, m bigint)
    ), hooked as (
      select exists (
        select 1 from webhook_endpoints where organization_id = ${organizationId} and enabled
      ) as on
    )${sql.join(hookCtes, sql``)}${sql.join(stampCtes, sql``)}
    select clock.seq, pg_notify('sync', ${organizationId} || ':' || clock.seq),
      ${hookCtes.length > 0 ? sql`(select pg_notify(${WEBHOOK_CHANNEL}, ${organizationId}::text) from hooked where hooked.on)` : sql`null`} as hook
    from clock
  `);
  const seq = Number(rowsOf<{ seq: string | number }>(result)[0]!.seq);
  return { firstSeq: seq - n + 1, seq };
}

/** Drops earlier duplicates of the same (entity, id, op, subject), keeping order of last occurrence. */
function compact(changes: readonly Change[]): Change[] {
  const last = new Map<string, number>();
  changes.forEach((c, i) =>
    last.set(`${c.entity}\0${c.entityId}\0${c.op ?? 'put'}\0${c.subjectUser ?? ''}`, i),
  );
  return changes.filter(
    (c, i) => last.get(`${c.entity}\0${c.entityId}\0${c.op ?? 'put'}\0${c.subjectUser ?? ''}`) === i,
  );
}

/** `execute` answers `{rows}` on both engines (node-postgres QueryResult, PGlite Results). */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
