import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { memberships } from './memberships';
import { organizations } from './organizations';

/** A group of members conversations can be routed to. */
export const teams = pgTable(
  'teams',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('teams_org_name_key').on(t.organizationId, sql`lower(${t.name})`),
    unique('teams_org_id_key').on(t.organizationId, t.id),
    index('teams_org_name_id_idx').on(t.organizationId, t.name, t.id),
  ],
);

/**
 * Team membership. The composite foreign keys include organization_id, so the database itself
 * refuses a row that joins a team of one organization with a member of another.
 */
export const teamMembers = pgTable(
  'team_members',
  {
    organizationId: organizationId(),
    teamId: uuid('team_id').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.teamId, t.userId] }),
    index('team_members_org_user_idx').on(t.organizationId, t.userId),
    foreignKey({
      name: 'team_members_team_fk',
      columns: [t.organizationId, t.teamId],
      foreignColumns: [teams.organizationId, teams.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'team_members_member_fk',
      columns: [t.organizationId, t.userId],
      foreignColumns: [memberships.organizationId, memberships.userId],
    }).onDelete('cascade'),
  ],
);
