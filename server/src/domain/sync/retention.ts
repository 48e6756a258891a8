import { sql } from 'drizzle-orm';
import { SYNC_LIMITS } from '#contract/sync/protocol';
import type { Clock } from '../../lib/clock';
import { rowsOf } from '../../storage/change-log';
import type { Db } from '../../storage/db';

// Log retention (decision 5): the log keeps 30 days. Every run records where each tenant's log
// stands now (`sync_retention_marks`), moves `floor_seq` up to the newest mark at least 30 days
// old, deletes the log entries at or below it, and drops mutation results older than 30 days.
// A client whose cursor is below the floor gets `mustRebootstrap` (pull) or re-bootstraps on
// `hello`. Idempotent, so every process may run it.

/** Dependencies of {@link createRetention}. */
export type RetentionDeps = {
  db: Db;
  clock: Clock;
  /** Default 30 days. */
  retentionMs?: number;
  /** How often it runs (default hourly; the floor moves by at most this much late). */
  everyMs?: number;
};

/** Log entries deleted per statement (keeps each delete short on a busy tenant). */
const DELETE_CHUNK = 10_000;

/** Creates the retention job. */
export function createRetention(deps: RetentionDeps) {
  const { db, clock } = deps;
  const retentionMs = deps.retentionMs ?? SYNC_LIMITS.logRetentionDays * 24 * 3600_000;
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;

  /** One run; `only` restricts the marks written to these organizations (tests, tooling). */
  const runOnce = async (
    only?: readonly string[],
  ): Promise<{
    advanced: { organizationId: string; floorSeq: number }[];
    deleted: number;
  }> => {
    const now = clock.now();
    const cutoff = new Date(now.getTime() - retentionMs);
    const which = only
      ? sql`where organization_id in (select value::uuid from json_array_elements_text(${JSON.stringify(only)}::json))`
      : sql``;
    await db.execute(sql`
      insert into sync_retention_marks (organization_id, marked_at, seq)
      select organization_id, ${now}, seq from sync_clock ${which}
      on conflict do nothing`);
    const advanced = rowsOf<{ organization_id: string; floor_seq: string | number }>(
      await db.execute(sql`
        with f as (
          select organization_id, max(seq) as floor from sync_retention_marks
          where marked_at <= ${cutoff} group by organization_id
        )
        update sync_clock c set floor_seq = f.floor from f
        where c.organization_id = f.organization_id and f.floor > c.floor_seq
        returning c.organization_id, c.floor_seq`),
    ).map((r) => ({ organizationId: r.organization_id, floorSeq: Number(r.floor_seq) }));
    let deleted = 0;
    for (const { organizationId, floorSeq } of advanced) {
      for (;;) {
        const n = rowsOf<{ seq: unknown }>(
          await db.execute(sql`
            delete from sync_log where organization_id = ${organizationId} and seq in (
              select seq from sync_log where organization_id = ${organizationId} and seq <= ${floorSeq}
              order by seq limit ${DELETE_CHUNK})
            returning seq`),
        ).length;
        deleted += n;
        if (n < DELETE_CHUNK) break;
      }
    }
    // Marks older than the window are spent once the floor moved past them.
    await db.execute(sql`
      delete from sync_retention_marks m where m.marked_at < ${cutoff} and exists (
        select 1 from sync_retention_marks n where n.organization_id = m.organization_id
          and n.marked_at > m.marked_at and n.marked_at <= ${cutoff})`);
    await db.execute(sql`delete from sync_mutation_results where created_at < ${cutoff}`);
    return { advanced, deleted };
  };

  return {
    runOnce,
    start: (log?: (msg: string, err?: unknown) => void) => {
      const every = deps.everyMs ?? 3600_000;
      const run = () => void runOnce().catch((e) => log?.('sync log retention failed', e));
      timer = setInterval(run, every);
      timer.unref();
      first = setTimeout(run, Math.min(60_000, every));
      first.unref();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      if (first) clearTimeout(first);
    },
  };
}
