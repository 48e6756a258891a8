import { index, pgEnum, pgTable, unique, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';
import { users } from './users';

/** admin | manager | agent, mirrored from `#contract/domain/roles`. */
export const roleEnum = pgEnum('member_role', ['admin', 'manager', 'agent']);

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
  },
  (t) => [
    // A constraint (not just an index) so team_members can reference it; created with the table.
    unique('memberships_org_user_key').on(t.organizationId, t.userId),
    // Keyset order of the member list.
    index('memberships_org_created_idx').on(t.organizationId, t.createdAt, t.userId),
    // "Which organizations does this user belong to" at login; users are global, so user_id leads.
    index('memberships_user_idx').on(t.userId),
  ],
);
