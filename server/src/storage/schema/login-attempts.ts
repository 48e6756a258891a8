import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './columns';

/**
 * Failed sign-ins per (account, client IP) pair (`domain/auth/login-throttle.ts`): in the
 * database so every server process sees the same counts and a restart forgets nothing. Keyed by
 * the pair, never the account alone, so nobody can lock a victim out from their own address.
 * Rows expire a window after their last failure (deleted lazily).
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    /** The normalised e-mail tried (known or not: unknown ones are throttled alike). */
    account: text('account').notNull(),
    /** `request.ip` (honours TRUST_PROXY). */
    ip: text('ip').notNull(),
    failures: integer('failures').notNull(),
    lastFailureAt: ts('last_failure_at').notNull(),
    /** No attempt for this pair is checked before this time. */
    blockedUntil: ts('blocked_until'),
  },
  (t) => [primaryKey({ columns: [t.account, t.ip] })],
);
