import { z } from 'zod';
import { err, ok, type Result } from '#contract/result';
import {
  classifyFetchError,
  graphAnswer,
  MetaErrorBody,
  parseJson,
  toMetaError,
  type GraphError,
  type GraphResult,
} from './graph-errors';
import {
  CreatedTemplateResponse,
  EditedTemplateResponse,
  IdResponse,
  MediaInfoResponse,
  PhoneNumberResponse,
  SendResponse,
  Success,
  TemplatePage,
  toPhone,
  type MediaInfo,
  type PhoneNumberInfo,
  type SendResult,
  type CreatedTemplate,
  type Template,
  type TemplateCreation,
  type TemplateEdit,
} from './graph-types';
import type { OutboundMessageBody } from './outbound-messages';

// The Graph API client: one method per call Parley makes, each answering a `GraphResult`.
// The module is the Graph surface the rest of the server imports: the error model
// (graph-errors.ts), the response shapes (graph-types.ts) and the message builders
// (outbound-messages.ts) are re-exported from here.

export * from './outbound-messages';
export * from './graph-types';
export type { GraphError, GraphErrorKind, GraphResult } from './graph-errors';

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
  /** Submits a template for review (`POST /{waba}/message_templates`); Meta answers PENDING. */
  createTemplate(
    wabaId: string,
    token: string,
    body: TemplateCreation,
  ): Promise<GraphResult<CreatedTemplate>>;
  /** Edits a template (`POST /{template-id}`); Meta reviews it again. */
  editTemplate(templateId: string, token: string, body: TemplateEdit): Promise<GraphResult<void>>;
  /** Deletes one template: `hsm_id` narrows Meta's by-name delete to this language's template. */
  deleteTemplate(
    wabaId: string,
    token: string,
    t: { name: string; metaTemplateId: string | null },
  ): Promise<GraphResult<void>>;
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
    return graphAnswer(r.value.status, parseJson((r.body ?? Buffer.alloc(0)).toString('utf8')), schema);
  }

  const u = (path: string, query?: Record<string, string | undefined>) => {
    const url = new URL(`${root}/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  };
  const seg = encodeURIComponent;

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

    async createTemplate(wabaId, token, body) {
      return call(
        u(`${seg(wabaId)}/message_templates`),
        { method: 'POST', token, json: body },
        CreatedTemplateResponse,
      );
    },

    async editTemplate(templateId, token, body) {
      const r = await call(u(seg(templateId)), { method: 'POST', token, json: body }, EditedTemplateResponse);
      return r.ok ? ok(undefined) : r;
    },

    async deleteTemplate(wabaId, token, t) {
      const r = await call(
        u(`${seg(wabaId)}/message_templates`, { name: t.name, hsm_id: t.metaTemplateId ?? undefined }),
        { method: 'DELETE', token },
        Success,
      );
      return r.ok ? ok(undefined) : r;
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
