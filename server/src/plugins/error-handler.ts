import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type AppErrorCode, type FieldIssue } from '#contract/result';

/**
 * Every app error code → its one HTTP status. A total Record, so adding a code to the shared
 * union without deciding its status is a type error.
 */
export const statusOf: Record<AppErrorCode, number> = {
  bad_request: 400,
  invalid_input: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  token_expired: 401,
  session_revoked: 401,
  forbidden: 403,
  insufficient_scope: 403,
  ip_not_allowed: 403,
  signup_disabled: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  window_closed: 422,
  invalid_template: 422,
  opted_out: 422,
  meta_token_invalid: 422,
  account_unavailable: 422,
  update_required: 426,
  rate_limited: 429,
  quota_exceeded: 429,
  internal: 500,
  upstream_unavailable: 502,
  offline: 503,
  server_unreachable: 503,
  service_unavailable: 503,
  // Client-only (a person stopped an upload); the server never answers it. 499 as nginx's
  // "client closed request", should it ever be logged.
  cancelled: 499,
};

/** An expected failure carried through Fastify's error path; routes throw it via `unwrap`. */
export class HttpFailure extends Error {
  /** The error to answer with. */
  readonly appError: AppError;
  constructor(appError: AppError) {
    super(appError.message);
    this.name = 'HttpFailure';
    this.appError = appError;
  }
}

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const fastifyCodes: Record<string, AppErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'bad_request',
  FST_ERR_VALIDATION: 'invalid_input',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'bad_request',
};

/**
 * Our own sentence for each Fastify code: Fastify's messages quote the path, the content type or
 * the body, and an answer that reflects what the caller sent helps log injection and phishing.
 */
const fastifyMessages: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body',
  FST_ERR_CTP_INVALID_TYPE: 'The Content-Type header is not valid',
  FST_ERR_BAD_URL: 'The URL is not valid (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'A segment of the URL is too long',
};

/** Other 4xx statuses raised by Fastify or plugins without one of the codes above. */
const byStatus: Record<number, AppErrorCode> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const messages: Partial<Record<AppErrorCode, string>> = {
  bad_request: 'The request is not valid',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported content type',
  invalid_input: 'Some fields are invalid',
  internal: 'Something went wrong on our side',
};

type ValidationItem = { instancePath?: string; message?: string; params?: { issue?: { path?: unknown[] } } };

const fieldsOf = (error: FastifyError): FieldIssue[] => {
  const where = error.validationContext ?? 'body';
  return ((error.validation ?? []) as ValidationItem[]).map((v) => {
    const path = (v.instancePath ?? '').split('/').filter(Boolean);
    return { path: [where, ...path].join('.'), message: v.message ?? 'Invalid value' };
  });
};

/** Normalises anything thrown in a request into an `AppError`, and says whether it is a bug. */
export function toAppError(error: unknown): { appError: AppError; isBug: boolean } {
  // Expected failures carry their AppError (HttpFailure from routes, domain errors such as a full
  // hashing queue); re-validated so a malformed one is treated as the bug it is.
  const carried = AppError.safeParse((error as { appError?: unknown } | null)?.appError);
  if (carried.success) return { appError: carried.data, isBug: false };
  const e = error as Partial<FastifyError>;
  if (hasZodFastifySchemaValidationErrors(error) || (e.validation && e.code === 'FST_ERR_VALIDATION')) {
    const fields = fieldsOf(e as FastifyError);
    return {
      appError: { code: 'invalid_input', message: messages.invalid_input!, details: { fields } },
      isBug: false,
    };
  }
  const code =
    (e.code && fastifyCodes[e.code]) ||
    (e.statusCode && e.statusCode >= 400 && e.statusCode < 500
      ? (byStatus[e.statusCode] ?? 'bad_request')
      : undefined);
  if (code)
    return {
      appError: { code, message: (e.code && fastifyMessages[e.code]) ?? messages[code] ?? 'Bad request' },
      isBug: false,
    };
  return { appError: { code: 'internal', message: messages.internal! }, isBug: true };
}

/** Writes an AppError as `{"error":{...}}` with its status and the headers its code implies. */
export function sendAppError(reply: FastifyReply, appError: AppError) {
  const status = statusOf[appError.code];
  if (appError.code === 'rate_limited' || appError.code === 'quota_exceeded') {
    const retryAfter = (appError.details as { retryAfter?: number } | undefined)?.retryAfter;
    if (retryAfter) reply.header('retry-after', String(retryAfter));
  }
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(status).send({ error: appError });
}

/**
 * The one error handler and not-found handler: every failure leaves as
 * `{"error":{"code","message","details?"}}`; unexpected errors are logged with the request id
 * and answered 500 `internal` without internals.
 */
export const errorHandlerPlugin = fp(
  async (app) => {
    app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const { appError, isBug } = toAppError(error);
      if (isBug) request.log.error({ err: error }, 'unhandled error');
      else if (statusOf[appError.code] >= 500) request.log.warn({ code: appError.code }, appError.message);
      return sendAppError(reply, appError);
    });
    // The path is not echoed (see fastifyMessages).
    app.setNotFoundHandler((_request, reply) =>
      sendAppError(reply, { code: 'not_found', message: 'There is no such route; see /docs for the API' }),
    );
  },
  { name: 'error-handler' },
);

/**
 * Fastify's `frameworkErrors` option: errors it raises before routing (bad percent-encoding, an
 * over-long path segment) would otherwise leave in Fastify's own format, quoting the path.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  return sendAppError(reply, toAppError(error).appError);
}
