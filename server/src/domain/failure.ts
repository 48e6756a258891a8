import type { AppError, AppErrorCode, Result } from '#contract/result';

/** Builds a failed `Result` with an app error code and a human sentence. */
export const failure = (
  code: AppErrorCode,
  message: string,
  details?: unknown,
): { ok: false; error: AppError } => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Builds a successful `Result`. */
export const success = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** A service outcome: a value or an `AppError`. */
export type Outcome<T> = Result<T, AppError>;

/** The usual "not found" outcome; also used for other tenants' ids so existence never leaks. */
export const notFound = (what: string) => failure('not_found', `${what} not found`);
