import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';
import { users } from './users';

/**
 * A sign-in session, i.e. one refresh-token family. Access tokens carry its id (`sid`), and every
 * authenticated request checks it is not revoked, so revocation takes effect immediately.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Absolute end of the family: refreshing never extends a session past this. */
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    /** Why it was revoked: logout, reuse, password_changed, deactivated, removed. */
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    uniqueIndex('sessions_org_id_key').on(t.organizationId, t.id),
    index('sessions_org_user_idx').on(t.organizationId, t.userId),
    index('sessions_user_idx').on(t.userId),
  ],
);

/** One refresh token of a family; only its SHA-256 is stored. Each is single-use. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    /** hex SHA-256 of the token. */
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    /** Set when exchanged for a successor; presenting it again is reuse and revokes the family. */
    rotatedAt: ts('rotated_at'),
  },
  (t) => [
    // The refresh call knows only the token, so its hash is the (global, unguessable) lookup key.
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_org_session_idx').on(t.organizationId, t.sessionId),
  ],
);
