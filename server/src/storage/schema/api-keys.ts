import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';
import { users } from './users';

/**
 * API keys of an organization (`domain/api-keys/`): what integrators authenticate with. The
 * secret is never stored: `secret_hash` is HMAC-SHA-256 of the key under a pepper derived from
 * SECRET_KEY (the key has 256 random bits, so a slow hash buys nothing), unique across tenants so
 * a presented key finds exactly one row. Revoked keys are kept (the audit log and messages name
 * them).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** `pk_live_` and the first characters of the secret, for recognition. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    /** Allowed callers as normalised addresses/CIDRs; empty = any address. */
    allowedIps: text('allowed_ips').array().notNull().default([]),
    /** Per-key override of API_RATE_LIMIT_PER_MINUTE; null = the configured default. */
    rateLimitPerMinute: integer('rate_limit_per_minute'),
    expiresAt: ts('expires_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    revokedAt: ts('revoked_at'),
    /** Written coalesced (at most about once a minute per key and process), not per request. */
    lastUsedAt: ts('last_used_at'),
    lastUsedIp: text('last_used_ip'),
  },
  (t) => [
    uniqueIndex('api_keys_secret_hash_key').on(t.secretHash),
    index('api_keys_org_created_idx').on(t.organizationId, t.createdAt),
  ],
);
