import sjson from 'secure-json-parse';
import { z } from 'zod';
import { lookupMetaError, type ErrorCatalogEntry } from './error-catalog';
import { err, ok, type Result } from '#contract/result';

// What a failed Graph call means, decided once here: Meta's error object (with the error
// catalog's entry), or what the transport proves about whether the request reached Meta.

/** Discriminant of {@link GraphError}. */
export type GraphErrorKind = 'meta' | 'timeout_before_send' | 'ambiguous' | 'network' | 'bad_response';

/**
 * Why a Graph call failed. `code` mirrors `kind` so the error fits the project's `Result`.
 *
 * - `meta`: Meta answered with its error object; branch on `metaCode` / `catalog`.
 * - `timeout_before_send`: no connection could be made in time; nothing reached Meta.
 * - `ambiguous`: the request may have reached Meta (timeout or connection loss after the body
 *   was written). A send must NOT be resent blindly: wait for a status webhook carrying its
 *   `biz_opaque_callback_data`.
 * - `network`: refused/unresolvable before anything was sent; safe to retry.
 * - `bad_response`: Meta answered but not with the expected shape (e.g. an HTML 502).
 */
export type GraphError =
  | {
      code: 'meta';
      kind: 'meta';
      metaCode: number;
      subcode: number | null;
      title: string;
      message: string;
      details: string | null;
      httpStatus: number;
      fbtraceId: string | null;
      catalog: ErrorCatalogEntry;
    }
  | { code: 'timeout_before_send'; kind: 'timeout_before_send'; message: string }
  | { code: 'ambiguous'; kind: 'ambiguous'; message: string }
  | { code: 'network'; kind: 'network'; message: string }
  | { code: 'bad_response'; kind: 'bad_response'; message: string; httpStatus: number | null };

/** Result of every Graph call. */
export type GraphResult<T> = Result<T, GraphError>;

/** Meta's synchronous error body (digest §5.1). */
export const MetaErrorBody = z.object({
  error: z.object({
    message: z.string().default(''),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_user_title: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

// Failures where the connection never carried our request (safe to retry).
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);
const CONNECT_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function causeCode(e: unknown): string | null {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

/** Classifies a thrown fetch error. Anything we cannot prove harmless is ambiguous. */
export function classifyFetchError(e: unknown, timedOut: boolean): GraphError {
  const code = causeCode(e);
  if (code && BEFORE_SEND_CODES.has(code)) {
    return { code: 'network', kind: 'network', message: `Could not connect to the Graph API (${code})` };
  }
  if (code && CONNECT_TIMEOUT_CODES.has(code)) {
    return {
      code: 'timeout_before_send',
      kind: 'timeout_before_send',
      message: `Connecting to the Graph API timed out (${code})`,
    };
  }
  return {
    code: 'ambiguous',
    kind: 'ambiguous',
    message: timedOut
      ? 'The Graph API did not answer in time; the request may have been processed'
      : `The connection to the Graph API failed mid-request (${code ?? 'unknown'}); the request may have been processed`,
  };
}

/** Parses a response body with prototype pollution stripped; undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return sjson.parse(text, null, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return undefined;
  }
}

/** Meta's error object as a {@link GraphError}, with the catalog's meaning. */
export function toMetaError(httpStatus: number, body: z.infer<typeof MetaErrorBody>): GraphError {
  const me = body.error;
  // Meta's message is "(#code) title"; keep the title part for display and for unknown codes.
  const title = me.message.replace(/^\(#\d+\)\s*/, '') || (me.error_user_title ?? '');
  const catalog = lookupMetaError(me.code, title);
  return {
    code: 'meta',
    kind: 'meta',
    metaCode: me.code,
    subcode: me.error_subcode ?? null,
    title: title || catalog.title,
    message: me.message,
    details: me.error_data?.details ?? null,
    httpStatus,
    fbtraceId: me.fbtrace_id ?? null,
    catalog,
  };
}

/**
 * A Graph answer as a result: a non-2xx is Meta's error object (or `bad_response` without one);
 * a 2xx body is checked against `schema`. Shared by the Graph client and the resumable uploader.
 */
export function graphAnswer<S extends z.ZodType>(
  status: number,
  json: unknown,
  schema: S,
): GraphResult<z.output<S>> {
  if (status < 200 || status > 299) {
    const e = MetaErrorBody.safeParse(json);
    return err(
      e.success
        ? toMetaError(status, e.data)
        : {
            code: 'bad_response',
            kind: 'bad_response',
            message: `Graph API answered ${status} without an error object`,
            httpStatus: status,
          },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return err({
      code: 'bad_response',
      kind: 'bad_response',
      message: `Unexpected Graph API response: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      httpStatus: status,
    });
  return ok(parsed.data);
}
