import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, unique, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';
import { users } from './users';

/** admin | manager | agent, mirrored from `#contract/domain/roles`. */
export const roleEnum = pgEnum('member_role', ['admin', 'manager', 'agent']);

/** What a member said about themselves (`away` by hand); `offline` is derived from `online`. */
export const availabilityEnum = pgEnum('member_availability', ['available', 'away']);

/** A user's membership of one organization, with the role the user has there. */
export const memberships = pgTable(
  'memberships',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: roleEnum('role').notNull(),
    /** Set when an admin deactivates the member; their sessions stop working at once. */
    deactivatedAt: ts('deactivated_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Set by the member (user menu, command palette): `away` keeps auto-assignment off them. */
    availability: availabilityEnum('availability').notNull().default('available'),
    /**
     * Whether a client of the member is connected. Set on socket connect; cleared by the presence
     * sweep once `last_seen_at` is older than `OFFLINE_AFTER_SECONDS` (every process heartbeats
     * its connected users), so the flag is right across processes and restarts.
     */
    online: boolean('online').notNull().default(false),
    lastSeenAt: ts('last_seen_at'),
    /** Open conversations auto-assignment may give the member; null = unlimited. */
    capacity: integer('capacity'),
    /** When auto-assignment last gave the member a conversation (the tie-break: longest ago first). */
    lastAssignedAt: ts('last_assigned_at'),
  },
  (t) => [
    // A constraint (not just an index) so team_members can reference it; created with the table.
    unique('memberships_org_user_key').on(t.organizationId, t.userId),
    // Keyset order of the member list.
    index('memberships_org_created_idx').on(t.organizationId, t.createdAt, t.userId),
    // "Which organizations does this user belong to" at login; users are global, so user_id leads.
    index('memberships_user_idx').on(t.userId),
    // The presence sweep: online members whose heartbeat is old.
    index('memberships_online_seen_idx')
      .on(t.lastSeenAt)
      .where(sql`${t.online}`),
  ],
);
