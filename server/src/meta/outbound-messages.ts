// Typed builders for the JSON bodies of POST /<phone-number-id>/messages (digest §4). They only
// shape the body; Meta (or the emulator) enforces the limits. Each builder accepts reply
// context (`replyTo`) and `bizOpaqueCallbackData`, the value Meta echoes in status webhooks,
// which is how the send queue reconciles an ambiguous send.

/** Who to send to: a phone number (with + and country code) or a business-scoped user id. */
export type Recipient = string | { userId: string };

/** Options every message type accepts. */
export interface SendOptions {
  /** wamid being replied to (`context.message_id`); ignored for reactions. */
  replyTo?: string;
  /** Up to 512 chars echoed back in every status webhook for this message. */
  bizOpaqueCallbackData?: string;
}

/** A media reference: an uploaded media id (preferred) or a public link. */
export type MediaRef = { id: string } | { link: string };

/** The JSON body of a send request. `type` plus the object named after it. */
export interface OutboundMessageBody {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to?: string;
  recipient?: string;
  context?: { message_id: string };
  biz_opaque_callback_data?: string;
  type: string;
  [typeObject: string]: unknown;
}

function envelope(to: Recipient, type: string, object: unknown, opts: SendOptions = {}): OutboundMessageBody {
  const body: OutboundMessageBody = { messaging_product: 'whatsapp', recipient_type: 'individual', type };
  if (typeof to === 'string') body.to = to;
  else body.recipient = to.userId;
  if (opts.replyTo && type !== 'reaction') body.context = { message_id: opts.replyTo };
  if (opts.bizOpaqueCallbackData !== undefined) body.biz_opaque_callback_data = opts.bizOpaqueCallbackData;
  body[type] = object;
  return body;
}

/** Text message; `previewUrl` renders the first http(s) link. Body ≤ 4096 chars. */
export function textMessage(to: Recipient, text: { body: string; previewUrl?: boolean }, opts?: SendOptions) {
  return envelope(to, 'text', { preview_url: text.previewUrl ?? false, body: text.body }, opts);
}

/** Image (JPEG/PNG ≤ 5 MB), caption ≤ 1024. */
export function imageMessage(to: Recipient, media: MediaRef & { caption?: string }, opts?: SendOptions) {
  return envelope(to, 'image', media, opts);
}

/** Video (MP4/3GPP ≤ 16 MB), caption ≤ 1024. */
export function videoMessage(to: Recipient, media: MediaRef & { caption?: string }, opts?: SendOptions) {
  return envelope(to, 'video', media, opts);
}

/** Audio; `voice: true` sends a voice note (needs OGG/OPUS). No caption. */
export function audioMessage(to: Recipient, media: MediaRef & { voice?: boolean }, opts?: SendOptions) {
  return envelope(to, 'audio', media, opts);
}

/** Document ≤ 100 MB with an optional displayed file name and caption. */
export function documentMessage(
  to: Recipient,
  media: MediaRef & { caption?: string; filename?: string },
  opts?: SendOptions,
) {
  return envelope(to, 'document', media, opts);
}

/** Sticker (WebP, ≤ 100 KB static / 500 KB animated). */
export function stickerMessage(to: Recipient, media: MediaRef, opts?: SendOptions) {
  return envelope(to, 'sticker', media, opts);
}

/** Location pin. */
export function locationMessage(
  to: Recipient,
  loc: { latitude: number; longitude: number; name?: string; address?: string },
  opts?: SendOptions,
) {
  return envelope(to, 'location', loc, opts);
}

/** Optional header of interactive messages. */
export type InteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } };

/** Up to 3 reply buttons (title ≤ 20, unique; id ≤ 256). */
export function buttonsMessage(
  to: Recipient,
  m: { body: string; buttons: { id: string; title: string }[]; header?: InteractiveHeader; footer?: string },
  opts?: SendOptions,
) {
  return envelope(
    to,
    'interactive',
    {
      type: 'button',
      ...(m.header ? { header: m.header } : {}),
      body: { text: m.body },
      ...(m.footer ? { footer: { text: m.footer } } : {}),
      action: { buttons: m.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
    },
    opts,
  );
}

/** A list: ≤ 10 sections, ≤ 10 rows in total. */
export function listMessage(
  to: Recipient,
  m: {
    body: string;
    button: string;
    sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    headerText?: string;
    footer?: string;
  },
  opts?: SendOptions,
) {
  return envelope(
    to,
    'interactive',
    {
      type: 'list',
      ...(m.headerText ? { header: { type: 'text', text: m.headerText } } : {}),
      body: { text: m.body },
      ...(m.footer ? { footer: { text: m.footer } } : {}),
      action: { button: m.button, sections: m.sections },
    },
    opts,
  );
}

/** One call-to-action button opening `url` (label ≤ 20), so the body need not show the link. */
export function ctaUrlMessage(
  to: Recipient,
  m: { body: string; displayText: string; url: string; headerText?: string; footer?: string },
  opts?: SendOptions,
) {
  return envelope(
    to,
    'interactive',
    {
      type: 'cta_url',
      ...(m.headerText ? { header: { type: 'text', text: m.headerText } } : {}),
      body: { text: m.body },
      ...(m.footer ? { footer: { text: m.footer } } : {}),
      action: { name: 'cta_url', parameters: { display_text: m.displayText, url: m.url } },
    },
    opts,
  );
}

/** React to a message; an empty emoji removes our reaction. Reactions only get a `sent` status. */
export function reactionMessage(
  to: Recipient,
  r: { messageId: string; emoji: string },
  opts?: Pick<SendOptions, 'bizOpaqueCallbackData'>,
) {
  return envelope(to, 'reaction', { message_id: r.messageId, emoji: r.emoji }, opts);
}

/** A template parameter (body/header). `name` is set for NAMED templates. */
export type TemplateParam =
  | { type: 'text'; text: string; name?: string }
  | { type: 'currency'; fallback: string; code: string; amount1000: number; name?: string }
  | { type: 'date_time'; fallback: string; name?: string };

/** Header parameter of a template. */
export type TemplateHeaderParam =
  | TemplateParam
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } }
  | { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string } };

/** Per-button parameter: quick-reply payload or URL suffix. `index` is the button's position. */
export type TemplateButtonParam =
  | { subType: 'quick_reply'; index: number; payload: string }
  | { subType: 'url'; index: number; text: string };

function param(p: TemplateParam | TemplateHeaderParam): Record<string, unknown> {
  const named = 'name' in p && p.name ? { parameter_name: p.name } : {};
  switch (p.type) {
    case 'text':
      return { type: 'text', ...named, text: p.text };
    case 'currency':
      return {
        type: 'currency',
        ...named,
        currency: { fallback_value: p.fallback, code: p.code, amount_1000: p.amount1000 },
      };
    case 'date_time':
      return { type: 'date_time', ...named, date_time: { fallback_value: p.fallback } };
    case 'image':
      return { type: 'image', image: p.image };
    case 'video':
      return { type: 'video', video: p.video };
    case 'document':
      return { type: 'document', document: p.document };
    case 'location':
      return { type: 'location', location: p.location };
  }
}

/** Approved template with header/body/button parameters (positional or named). */
export function templateMessage(
  to: Recipient,
  t: {
    name: string;
    language: string;
    header?: TemplateHeaderParam[];
    body?: TemplateParam[];
    buttons?: TemplateButtonParam[];
  },
  opts?: SendOptions,
) {
  const components: Record<string, unknown>[] = [];
  if (t.header?.length) components.push({ type: 'header', parameters: t.header.map(param) });
  if (t.body?.length) components.push({ type: 'body', parameters: t.body.map(param) });
  for (const b of t.buttons ?? []) {
    components.push({
      type: 'button',
      sub_type: b.subType,
      index: String(b.index),
      parameters: [
        b.subType === 'quick_reply'
          ? { type: 'payload', payload: b.payload }
          : { type: 'text', text: b.text },
      ],
    });
  }
  return envelope(
    to,
    'template',
    {
      name: t.name,
      language: { policy: 'deterministic', code: t.language },
      ...(components.length ? { components } : {}),
    },
    opts,
  );
}
