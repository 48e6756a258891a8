import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { roleEnum } from './memberships';
import { organizations } from './organizations';
import { users } from './users';

/** A one-time invitation to join an organization; only the SHA-256 of the token is stored. */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: roleEnum('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
  },
  (t) => [
    // Accepting knows only the token, so its hash is the (global, unguessable) lookup key.
    uniqueIndex('invitations_hash_key').on(t.tokenHash),
    index('invitations_org_email_idx').on(t.organizationId, t.email),
  ],
);
