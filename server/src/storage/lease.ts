import { sql } from 'drizzle-orm';
import type { Clock } from '../lib/clock';
import { rowsOf } from './change-log';
import type { Db } from './db';

// Named leases for "exactly one process does X" (one sender per WhatsApp number; the sync
// tailer per tenant may reuse it). A lease is a row of the `jobs` table in the reserved queue
// `_lease` with state `lease` — a state no claim, recovery or prune statement touches — so no
// extra table or dedicated connection is needed, and it works the same on PGlite and
// PostgreSQL. Taking or renewing it is one compare-and-set statement on `locked_by` /
// `locked_until`; a holder that dies simply stops renewing and the lease expires.
//
// Optionally a lease also ends when its holder's process does (`presence`): the holder keeps one
// long-lived connection named `presence + holder` (application_name; the sync listener's), and a
// taker treats a lease whose holder has no such session in pg_stat_activity as expired. A process
// killed with -9 closes its sockets in the kernel, so PostgreSQL ends its sessions within
// milliseconds and another process takes over at once instead of after the lease's length (the
// cluster fault suite once measured 5.2 s of convergence after a kill, most of it that wait).
// A live holder whose named session is briefly gone (the listener reconnecting) may lose the
// lease early; that is an ordinary handover, the same as an expiry.
//
// A lease is not a fence: a holder stalled past its expiry (GC pause, lost network) may still
// act briefly after another process took over. Holders renew well before expiry and check
// `heldUntil` before each unit of work, which keeps that window small.

/** The queue name that marks lease rows. */
const LEASE = '_lease';

/** Named leases over the jobs table. */
export type Leases = ReturnType<typeof createLeases>;

/** Creates the lease helper. Times come from the injected clock. */
export function createLeases(deps: {
  db: Db;
  clock: Clock;
  namespace?: string | undefined;
  /** PostgreSQL only: the application_name prefix of holders' presence sessions (see above). */
  presence?: string | undefined;
}) {
  const { db, clock } = deps;
  const gone = deps.presence
    ? sql` or not exists (select 1 from pg_stat_activity a
          where a.application_name = ${deps.presence} || jobs.locked_by)`
    : sql``;
  // Same namespace rule as the job queue: apps sharing a database keep separate leases.
  const LEASE_QUEUE = deps.namespace ? `${deps.namespace}:${LEASE}` : LEASE;
  return {
    /**
     * Takes `name` for `holder` (or renews it when `holder` already has it) until now + `ms`.
     * Returns the expiry, or null when another holder's lease is still valid.
     */
    acquire: async (name: string, holder: string, ms: number): Promise<Date | null> => {
      const now = clock.now();
      const until = new Date(now.getTime() + ms);
      const res = await db.execute(sql`
        insert into jobs (queue, dedupe_key, state, locked_by, locked_until, payload, created_at, updated_at)
        values (${LEASE_QUEUE}, ${name}, 'lease', ${holder}, ${until}, '{}', ${now}, ${now})
        on conflict (queue, dedupe_key) do update set locked_by = excluded.locked_by,
          locked_until = excluded.locked_until, updated_at = excluded.updated_at
        where jobs.locked_by = excluded.locked_by or jobs.locked_by is null or jobs.locked_until < ${now}${gone}
        returning id`);
      return rowsOf(res).length > 0 ? until : null;
    },

    /**
     * Renews, in one statement, every lease of `names` that `holder` still has (expired ones
     * nobody took included, as `acquire` would). A process holding many leases pays one round
     * trip per renewal period, which lets leases be short. Returns the names still held.
     */
    renewAll: async (names: readonly string[], holder: string, ms: number): Promise<Set<string>> => {
      if (names.length === 0) return new Set();
      const now = clock.now();
      const until = new Date(now.getTime() + ms);
      const res = await db.execute(sql`
        update jobs set locked_until = ${until}, updated_at = ${now}
        where queue = ${LEASE_QUEUE} and locked_by = ${holder}
          and dedupe_key in (${sql.join(
            names.map((n) => sql`${n}`),
            sql`, `,
          )})
        returning dedupe_key`);
      return new Set(rowsOf<{ dedupe_key: string }>(res).map((r) => r.dedupe_key));
    },

    /** Gives `name` up if `holder` has it (another process may take it at once). */
    release: async (name: string, holder: string): Promise<void> => {
      await db.execute(sql`
        update jobs set locked_by = null, locked_until = null, updated_at = ${clock.now()}
        where queue = ${LEASE_QUEUE} and dedupe_key = ${name} and locked_by = ${holder}`);
    },

    /** Who holds `name` now (null when free or expired). */
    holder: async (name: string): Promise<string | null> => {
      const res = await db.execute(sql`
        select locked_by from jobs where queue = ${LEASE_QUEUE} and dedupe_key = ${name}
          and locked_until >= ${clock.now()}`);
      return rowsOf<{ locked_by: string | null }>(res)[0]?.locked_by ?? null;
    },
  };
}
