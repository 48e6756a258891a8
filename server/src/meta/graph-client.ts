import sjson from 'secure-json-parse';
import { z } from 'zod';
import { err, ok, type Result } from '#contract/result';
import { lookupMetaError, type ErrorCatalogEntry } from './error-catalog';
import type { OutboundMessageBody } from './outbound-messages';

export * from './outbound-messages';

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

/** Dependencies and settings of the client. */
export interface GraphClientOptions {
  /** `https://graph.facebook.com` in production, the emulator's URL in tests/demo. */
  baseUrl: string;
  /** Graph version, e.g. `v25.0` (digest §0). */
  version: string;
  fetch?: typeof globalThis.fetch;
  /** Whole-request timeout, default 15 s. */
  timeoutMs?: number;
  /** Largest media download accepted, default 100 MB (Meta's document limit). */
  maxDownloadBytes?: number;
}

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

/** Send response (digest §4.1). */
export const SendResponse = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z
    .array(z.object({ input: z.string(), wa_id: z.string().optional(), user_id: z.string().optional() }))
    .default([]),
  messages: z
    .array(
      z.object({
        id: z.string().min(1),
        message_status: z.string().optional(),
        group_id: z.string().optional(),
      }),
    )
    .min(1),
});

/** What a successful send returns. */
export interface SendResult {
  wamid: string;
  /** The recipient as we sent it. */
  input: string | null;
  /** WhatsApp id of the recipient; may differ from the input (digest §4.1). */
  waId: string | null;
  userId: string | null;
  /** Template pacing: accepted | held_for_quality_assessment | paused. */
  messageStatus: string | null;
}

const PhoneNumberResponse = z.object({
  id: z.string(),
  verified_name: z.string().optional(),
  display_phone_number: z.string(),
  quality_rating: z.string().optional(),
  code_verification_status: z.string().optional(),
  platform_type: z.string().optional(),
  throughput: z.object({ level: z.string() }).optional(),
});

/** A business phone number as Parley uses it. */
export interface PhoneNumberInfo {
  id: string;
  verifiedName: string | null;
  displayPhoneNumber: string;
  qualityRating: string | null;
  codeVerificationStatus: string | null;
  platformType: string | null;
  throughputLevel: string | null;
}

/** A template component, kept in Meta's shape (HEADER/BODY/FOOTER/BUTTONS) for storage. */
export const TemplateComponent = z
  .object({
    type: z.string(),
    format: z.string().optional(),
    text: z.string().optional(),
    buttons: z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()).optional(),
  })
  .loose();
export type TemplateComponent = z.infer<typeof TemplateComponent>;

/** One message template (digest §7). */
export const Template = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string(),
  sub_category: z.string().optional(),
  parameter_format: z.string().optional(),
  components: z.array(TemplateComponent).default([]),
});
export type Template = z.infer<typeof Template>;

const TemplatePage = z.object({
  data: z.array(Template),
  paging: z
    .object({
      cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});

const MediaInfoResponse = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  url: z.string().min(1),
  mime_type: z.string(),
  sha256: z.string(),
  // A string in Meta's docs, a number in practice (digest §10.7).
  file_size: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number),
  id: z.string(),
});

/** Media metadata from GET /<media-id>. */
export interface MediaInfo {
  id: string;
  /** Download URL, valid about 5 minutes, needs the bearer token. */
  url: string;
  mimeType: string;
  sha256: string;
  fileSize: number;
}

const Success = z.object({ success: z.literal(true) });
const IdResponse = z.object({ id: z.string().min(1) });

/** The Graph API calls Parley makes. Every method takes the tenant's token explicitly. */
export interface GraphClient {
  getPhoneNumber(phoneNumberId: string, token: string): Promise<GraphResult<PhoneNumberInfo>>;
  listPhoneNumbers(wabaId: string, token: string): Promise<GraphResult<PhoneNumberInfo[]>>;
  /** Every template of the WABA, following the cursor through all pages. */
  listTemplates(
    wabaId: string,
    token: string,
    opts?: { pageSize?: number; maxPages?: number },
  ): Promise<GraphResult<Template[]>>;
  sendMessage(
    phoneNumberId: string,
    token: string,
    body: OutboundMessageBody,
  ): Promise<GraphResult<SendResult>>;
  /** Marks an inbound message (and earlier ones) read; `typing` also shows the typing indicator. */
  markRead(phoneNumberId: string, token: string, wamid: string, typing?: boolean): Promise<GraphResult<void>>;
  uploadMedia(
    phoneNumberId: string,
    token: string,
    file: { bytes: Uint8Array; mimeType: string; fileName: string },
  ): Promise<GraphResult<{ mediaId: string }>>;
  getMedia(mediaId: string, token: string, phoneNumberId?: string): Promise<GraphResult<MediaInfo>>;
  downloadMedia(url: string, token: string): Promise<GraphResult<{ bytes: Buffer; contentType: string }>>;
  deleteMedia(mediaId: string, token: string, phoneNumberId?: string): Promise<GraphResult<void>>;
  subscribeApp(wabaId: string, token: string): Promise<GraphResult<void>>;
}

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
function classifyFetchError(e: unknown, timedOut: boolean): GraphError {
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

function parseJson(text: string): unknown {
  try {
    return sjson.parse(text, null, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return undefined;
  }
}

function toMetaError(httpStatus: number, body: z.infer<typeof MetaErrorBody>): GraphError {
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
 * Builds the Graph API client. Time (timeout) and network (`fetch`) are injectable; nothing
 * here retries — retry policy belongs to the send queue, which reads `GraphError`.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxDownload = options.maxDownloadBytes ?? 100 * 1024 * 1024;
  const base = new URL(options.baseUrl);
  const root = `${base.origin}${base.pathname.replace(/\/$/, '')}/${options.version}`;

  async function raw(
    url: string,
    init: { method: string; token: string; json?: unknown; form?: FormData },
  ): Promise<Result<Response, GraphError> & { body?: Buffer }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${init.token}` };
      let body: string | FormData | undefined;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      } else if (init.form) body = init.form;
      const res = await doFetch(url, { method: init.method, headers, body, signal: controller.signal });
      const declared = Number(res.headers.get('content-length') ?? '0');
      if (declared > maxDownload) {
        controller.abort();
        return err({
          code: 'bad_response',
          kind: 'bad_response',
          message: 'Response too large',
          httpStatus: res.status,
        });
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length > maxDownload) {
        return err({
          code: 'bad_response',
          kind: 'bad_response',
          message: 'Response too large',
          httpStatus: res.status,
        });
      }
      return Object.assign(ok(res), { body: bytes });
    } catch (e) {
      return err(classifyFetchError(e, timedOut));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Performs a JSON call and validates the 2xx body with `schema`. */
  async function call<S extends z.ZodType>(
    url: string,
    init: { method: string; token: string; json?: unknown; form?: FormData },
    schema: S,
  ): Promise<GraphResult<z.output<S>>> {
    const r = await raw(url, init);
    if (!r.ok) return r;
    const res = r.value;
    const json = parseJson((r.body ?? Buffer.alloc(0)).toString('utf8'));
    if (!res.ok) {
      const e = MetaErrorBody.safeParse(json);
      if (!e.success) {
        return err({
          code: 'bad_response',
          kind: 'bad_response',
          message: `Graph API answered ${res.status} without an error object`,
          httpStatus: res.status,
        });
      }
      return err(toMetaError(res.status, e.data));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return err({
        code: 'bad_response',
        kind: 'bad_response',
        message: `Unexpected Graph API response: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        httpStatus: res.status,
      });
    }
    return ok(parsed.data);
  }

  const u = (path: string, query?: Record<string, string | undefined>) => {
    const url = new URL(`${root}/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  };
  const seg = encodeURIComponent;

  const toPhone = (p: z.infer<typeof PhoneNumberResponse>): PhoneNumberInfo => ({
    id: p.id,
    verifiedName: p.verified_name ?? null,
    displayPhoneNumber: p.display_phone_number,
    qualityRating: p.quality_rating ?? null,
    codeVerificationStatus: p.code_verification_status ?? null,
    platformType: p.platform_type ?? null,
    throughputLevel: p.throughput?.level ?? null,
  });

  return {
    async getPhoneNumber(phoneNumberId, token) {
      const r = await call(
        u(seg(phoneNumberId), {
          fields:
            'id,verified_name,display_phone_number,quality_rating,code_verification_status,platform_type,throughput',
        }),
        { method: 'GET', token },
        PhoneNumberResponse,
      );
      return r.ok ? ok(toPhone(r.value)) : r;
    },

    async listPhoneNumbers(wabaId, token) {
      const r = await call(
        u(`${seg(wabaId)}/phone_numbers`),
        { method: 'GET', token },
        z.object({ data: z.array(PhoneNumberResponse) }),
      );
      return r.ok ? ok(r.value.data.map(toPhone)) : r;
    },

    async listTemplates(wabaId, token, opts = {}) {
      const maxPages = opts.maxPages ?? 200;
      const all: Template[] = [];
      let url: string | null = u(`${seg(wabaId)}/message_templates`, {
        limit: String(opts.pageSize ?? 100),
      });
      for (let page = 0; url && page < maxPages; page++) {
        const r: GraphResult<z.infer<typeof TemplatePage>> = await call(
          url,
          { method: 'GET', token },
          TemplatePage,
        );
        if (!r.ok) return r;
        all.push(...r.value.data);
        const next: string | undefined = r.value.paging?.next;
        const after: string | undefined = r.value.paging?.cursors?.after;
        url = null;
        if (next) {
          // Only follow `next` to the API we were configured with: the token must not leak to
          // another host, whatever the response says.
          const n: URL = new URL(next);
          if (n.origin === base.origin) url = n.toString();
          else if (after)
            url = u(`${seg(wabaId)}/message_templates`, { limit: String(opts.pageSize ?? 100), after });
        }
      }
      if (url) {
        return err({
          code: 'bad_response',
          kind: 'bad_response',
          message: `More than ${maxPages} template pages`,
          httpStatus: null,
        });
      }
      return ok(all);
    },

    async sendMessage(phoneNumberId, token, body) {
      const r = await call(
        u(`${seg(phoneNumberId)}/messages`),
        { method: 'POST', token, json: body },
        SendResponse,
      );
      if (!r.ok) return r;
      const [m] = r.value.messages;
      const c = r.value.contacts[0];
      return ok({
        wamid: m!.id,
        input: c?.input ?? null,
        waId: c?.wa_id ?? null,
        userId: c?.user_id ?? null,
        messageStatus: m!.message_status ?? null,
      });
    },

    async markRead(phoneNumberId, token, wamid, typing) {
      const json: Record<string, unknown> = {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: wamid,
      };
      if (typing) json.typing_indicator = { type: 'text' };
      const r = await call(u(`${seg(phoneNumberId)}/messages`), { method: 'POST', token, json }, Success);
      return r.ok ? ok(undefined) : r;
    },

    async uploadMedia(phoneNumberId, token, file) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', file.mimeType);
      // DOM's Blob typing (seen by the tools project) wants an ArrayBuffer-backed view; our bytes
      // always are (never a SharedArrayBuffer), so narrow the type instead of copying up to 100 MB.
      const bytes = file.bytes as Uint8Array<ArrayBuffer>;
      form.set('file', new Blob([bytes], { type: file.mimeType }), file.fileName);
      const r = await call(u(`${seg(phoneNumberId)}/media`), { method: 'POST', token, form }, IdResponse);
      return r.ok ? ok({ mediaId: r.value.id }) : r;
    },

    async getMedia(mediaId, token, phoneNumberId) {
      const r = await call(
        u(seg(mediaId), { phone_number_id: phoneNumberId }),
        { method: 'GET', token },
        MediaInfoResponse,
      );
      if (!r.ok) return r;
      const m = r.value;
      return ok({ id: m.id, url: m.url, mimeType: m.mime_type, sha256: m.sha256, fileSize: m.file_size });
    },

    async downloadMedia(url, token) {
      const r = await raw(url, { method: 'GET', token });
      if (!r.ok) return r;
      const res = r.value;
      const bytes = r.body ?? Buffer.alloc(0);
      if (!res.ok) {
        const e = MetaErrorBody.safeParse(parseJson(bytes.toString('utf8')));
        if (e.success) return err(toMetaError(res.status, e.data));
        // An expired lookaside URL answers 404 without Meta's error object: fetch a fresh URL.
        return err({
          code: 'bad_response',
          kind: 'bad_response',
          message: `Media download answered ${res.status}`,
          httpStatus: res.status,
        });
      }
      return ok({ bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' });
    },

    async deleteMedia(mediaId, token, phoneNumberId) {
      const r = await call(
        u(seg(mediaId), { phone_number_id: phoneNumberId }),
        { method: 'DELETE', token },
        Success,
      );
      return r.ok ? ok(undefined) : r;
    },

    async subscribeApp(wabaId, token) {
      const r = await call(u(`${seg(wabaId)}/subscribed_apps`), { method: 'POST', token }, Success);
      return r.ok ? ok(undefined) : r;
    },
  };
}
