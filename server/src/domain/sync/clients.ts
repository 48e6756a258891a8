import { sql } from 'drizzle-orm';
import { rowsOf } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';

// A sync client is one replica's engine (sync-protocol §2.13). Its id is chosen by the client,
// so the server binds it to the first (organization, user) that presents it and refuses it to
// anyone else: a spoofed client id cannot read another user's mutation results or push as them.

type Exec = Pick<Db | Tx, 'execute'>;

/** The server's view of a client that belongs to the caller. */
export type OwnedClient = { lastMutationId: number };

/**
 * Registers `clientId` for (organization, user) on first use and records when it was seen (and
 * the cursor it reported, for lag metrics). Returns null when the id belongs to someone else.
 */
export async function claimClient(
  exec: Exec,
  organizationId: string,
  userId: string,
  clientId: string,
  now: Date,
  cursor?: number,
): Promise<OwnedClient | null> {
  const rows = rowsOf<{ last_mutation_id: string | number }>(
    await exec.execute(sql`
      insert into sync_clients as c (client_id, organization_id, user_id, last_seen_at, last_cursor)
      values (${clientId}, ${organizationId}, ${userId}, ${now}, ${cursor ?? null})
      on conflict (client_id) do update set last_seen_at = excluded.last_seen_at,
        last_cursor = coalesce(excluded.last_cursor, c.last_cursor)
      where c.organization_id = excluded.organization_id and c.user_id = excluded.user_id
      returning c.last_mutation_id`),
  );
  const row = rows[0];
  return row ? { lastMutationId: Number(row.last_mutation_id) } : null;
}

/** Records a client's periodic report (cursor for lag graphs). Ignored for clients not the caller's. */
export async function recordReport(
  exec: Exec,
  organizationId: string,
  userId: string,
  clientId: string,
  now: Date,
  cursor: number,
): Promise<void> {
  await exec.execute(sql`
    update sync_clients set last_seen_at = ${now}, last_cursor = ${cursor}
    where client_id = ${clientId} and organization_id = ${organizationId} and user_id = ${userId}`);
}

/** The tenant's clock: newest seq and retention floor (0, 0 before its first change). */
export async function readClock(
  exec: Exec,
  organizationId: string,
): Promise<{ seq: number; floorSeq: number }> {
  const [row] = rowsOf<{ seq: string | number; floor_seq: string | number }>(
    await exec.execute(sql`select seq, floor_seq from sync_clock where organization_id = ${organizationId}`),
  );
  return row ? { seq: Number(row.seq), floorSeq: Number(row.floor_seq) } : { seq: 0, floorSeq: 0 };
}
