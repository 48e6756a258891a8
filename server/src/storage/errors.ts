/** The SQLSTATE of a (possibly drizzle-wrapped) database error, if any. */
function sqlState(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    if (typeof cur === 'object' && 'code' in cur && typeof (cur as { code?: unknown }).code === 'string')
      return (cur as { code: string }).code;
    cur = typeof cur === 'object' && 'cause' in cur ? (cur as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

/** True when a (possibly drizzle-wrapped) database error is a unique-constraint violation. */
export function isUniqueViolation(e: unknown): boolean {
  return sqlState(e) === '23505';
}

/**
 * True when PostgreSQL aborted the transaction to break a deadlock (40P01) or a serialization
 * conflict (40001): nothing of it was applied, and running it again is the documented remedy.
 */
export function isTransientConflict(e: unknown): boolean {
  const code = sqlState(e);
  return code === '40P01' || code === '40001';
}

/**
 * Runs `work` (one whole transaction) again when PostgreSQL aborted it as a deadlock victim or a
 * serialization failure, up to `attempts` times with a short random pause; other errors, and the
 * last conflict, are thrown. Concurrent sends in one organization all end by bumping its change
 * counter row while holding their conversation's and message's rows, so under bursts PostgreSQL
 * may pick one as a victim; the retry makes that invisible to the caller instead of a 500.
 */
export async function retryTransientConflicts<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (e) {
      if (attempt >= attempts || !isTransientConflict(e)) throw e;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
