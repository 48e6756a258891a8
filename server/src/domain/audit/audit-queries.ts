import { and, desc, eq, gte, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../storage/db';
import { auditEvents, users } from '../../storage/schema/index';

/** An audit event as read from the database. */
export type AuditRow = typeof auditEvents.$inferSelect;

/**
 * A row to insert; every string already cleaned (`domain/audit/sanitize.ts`). A user actor
 * without a label gets the user's current name, read in the same statement.
 */
export type NewAuditRow = Omit<typeof auditEvents.$inferInsert, 'id' | 'seq' | 'actorLabel'> & {
  actorLabel: string | { userNameOf: string };
};

/** Narrowing of the audit list; every present filter applies. */
export type AuditFilter = {
  /** An exact action, or a prefix such as `member.` (matched literally, `_` included). */
  action?: { exact: string } | { prefix: string };
  actorId?: string;
  targetType?: string;
  targetId?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
};

/** Keyset position in the newest-first list. */
/**
 * Keyset position in the newest-first list: the last event's time and id. The id stands for its
 * `seq` (looked up within the organization), so cursors never reveal the global sequence.
 */
export type AuditCursor = { occurredAt: Date; id: string };

/** `LIKE` pattern matching strings that start with `prefix` literally. */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The `seq` of one of the organization's events (null, so nothing follows, for any other id). */
const seqOf = (organizationId: string, id: string) =>
  sql`(select ${auditEvents.seq} from ${auditEvents} where ${auditEvents.organizationId} = ${organizationId} and ${auditEvents.id} = ${id})`;

/** The audit log's statements (one caller: `audit-log.ts`). Every method takes organizationId first. */
export function createAuditQueries(db: Db) {
  return {
    /** Inserts one event (in the caller's transaction when `db` is one). */
    insert: async (row: NewAuditRow): Promise<void> => {
      const { actorLabel, ...rest } = row;
      const label: string | SQL =
        typeof actorLabel === 'string'
          ? actorLabel
          : // The name as it is now, in this transaction (a user created by it included).
            sql`coalesce((select ${users.name} from ${users} where ${users.id} = ${actorLabel.userNameOf}), 'Unknown user')`;
      await db.insert(auditEvents).values({ ...rest, actorLabel: label });
    },

    /** Inserts events of any organizations in one statement (seqs in the order given). */
    insertMany: async (rows: NewAuditRow[]): Promise<void> => {
      if (rows.length === 0) return;
      await db.insert(auditEvents).values(
        rows.map(({ actorLabel, ...rest }) => ({
          ...rest,
          actorLabel:
            typeof actorLabel === 'string'
              ? actorLabel
              : sql`coalesce((select ${users.name} from ${users} where ${users.id} = ${actorLabel.userNameOf}), 'Unknown user')`,
        })),
      );
    },

    /** Newest first: up to `limit` events after `after`, matching `filter`. */
    page: (
      organizationId: string,
      filter: AuditFilter,
      after: AuditCursor | undefined,
      limit: number,
    ): Promise<AuditRow[]> => {
      const t = auditEvents;
      const action = filter.action;
      return db
        .select()
        .from(t)
        .where(
          and(
            eq(t.organizationId, organizationId),
            action &&
              ('exact' in action ? eq(t.action, action.exact) : like(t.action, startsWith(action.prefix))),
            filter.actorId !== undefined ? eq(t.actorId, filter.actorId) : undefined,
            filter.targetType !== undefined ? eq(t.targetType, filter.targetType) : undefined,
            filter.targetId !== undefined ? eq(t.targetId, filter.targetId) : undefined,
            filter.since ? gte(t.occurredAt, filter.since) : undefined,
            filter.until ? lt(t.occurredAt, filter.until) : undefined,
            after
              ? or(
                  lt(t.occurredAt, after.occurredAt),
                  and(eq(t.occurredAt, after.occurredAt), lt(t.seq, seqOf(organizationId, after.id))),
                )
              : undefined,
          ),
        )
        .orderBy(desc(t.occurredAt), desc(t.seq))
        .limit(limit);
    },
  };
}
