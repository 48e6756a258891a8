import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts, version } from './columns';
import { memberships } from './memberships';
import { organizations } from './organizations';

/**
 * An organization's labels: a name (what `conversations.labels` carries) with a colour. The
 * name is unique per organization, case-insensitive, like team names.
 */
export const labels = pgTable(
  'labels',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** A Mantine palette name (`LabelColor` in the contract). */
    color: text('color').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    uniqueIndex('labels_org_name_key').on(t.organizationId, sql`lower(${t.name})`),
    index('labels_org_name_id_idx').on(t.organizationId, t.name, t.id),
  ],
);

/**
 * Canned responses: the organization's (`owner_id` null) and members' personal ones. Shortcuts
 * are unique per owner: once among the organization's, once among each member's. A member's
 * personal responses go with their membership.
 */
export const cannedResponses = pgTable(
  'canned_responses',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    /** Null: organization-wide. Otherwise the only member who sees it. */
    ownerId: uuid('owner_id'),
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    unique('canned_responses_org_id_key').on(t.organizationId, t.id),
    uniqueIndex('canned_responses_org_shortcut_key')
      .on(t.organizationId, t.shortcut)
      .where(sql`${t.ownerId} is null`),
    uniqueIndex('canned_responses_owner_shortcut_key')
      .on(t.organizationId, t.ownerId, t.shortcut)
      .where(sql`${t.ownerId} is not null`),
    foreignKey({
      name: 'canned_responses_owner_fk',
      columns: [t.organizationId, t.ownerId],
      foreignColumns: [memberships.organizationId, memberships.userId],
    }).onDelete('cascade'),
  ],
);
