import { z } from 'zod';

/**
 * Every error code any Parley boundary (HTTP, Socket.IO, IPC) may return. A closed union, in
 * the spirit of Fastify's FST_ERR_* registry: adding a code means adding it here, and the
 * server's error handler maps each one to exactly one HTTP status.
 */
export const AppErrorCode = z.enum([
  'bad_request',
  'invalid_input',
  'unauthorized',
  'invalid_credentials',
  'token_expired',
  'session_revoked',
  'forbidden',
  /** An API key (or its token) lacks the scope a route needs; the message names it. */
  'insufficient_scope',
  /** An API key used from an address outside its allow-list; the message names the address. */
  'ip_not_allowed',
  'not_found',
  'conflict',
  'email_taken',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'window_closed',
  'invalid_template',
  'opted_out',
  'meta_token_invalid',
  /** The WhatsApp number is disconnected or its token is invalid (integrator sends). */
  'account_unavailable',
  'rate_limited',
  /** The organization's monthly quota of outbound messages is used up; the message names the reset date. */
  'quota_exceeded',
  'signup_disabled',
  'offline',
  'server_unreachable',
  /** The person stopped a long call (an upload) before it finished; the client's own code. */
  'cancelled',
  'update_required',
  'internal',
  'upstream_unavailable',
  'service_unavailable',
]);
export type AppErrorCode = z.infer<typeof AppErrorCode>;

/** A field-level problem, as listed in `details.fields` of validation errors. */
export const FieldIssue = z.object({
  /** Dotted path of the offending field, e.g. `body.email` or `parameters.0`. */
  path: z.string(),
  /** What is wrong with it, in a sentence a person understands. */
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

/** An error value that crosses a boundary: a code to branch on and a sentence to show. */
export const AppError = z.object({
  code: AppErrorCode,
  message: z.string(),
  /** Optional structured data: `{fields: FieldIssue[]}` for validation, `{retryAfter}` for 429. */
  details: z.unknown().optional(),
});
export type AppError = z.infer<typeof AppError>;

/** Expected outcomes travel as values; thrown errors are reserved for bugs. */
export type Result<T, E extends { code: string } = AppError> =
  { ok: true; value: T } | { ok: false; error: E };

/** Builds a successful Result. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** Builds a failed Result. */
export const err = <E extends { code: string }>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** Builds a failed Result with an app error code and a sentence a person understands. */
export const fail = (
  code: AppErrorCode,
  message: string,
  details?: unknown,
): { ok: false; error: AppError } => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** zod schema of a `Result<T, AppError>` for a given value schema, used by IPC and socket acks. */
export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppError }),
  ]);
