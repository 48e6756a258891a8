import sjson from 'secure-json-parse';
import { z } from 'zod';
import { err, ok, type Result } from '#contract/result';

// Wire schemas for Meta's webhook POST bodies (digest §2, §3, §7, §8). They follow Meta's
// snake_case field names; normalize.ts turns them into camelCase domain events.
//
// Tolerance rules, because Meta adds fields and types without notice and one odd item must
// never make us refuse (and Meta retry) a batch of 1,000:
// - extra fields are stripped (z.object's default), never an error;
// - an unknown change `field` is kept as a raw change and ignored later;
// - a message of an unknown `type`, or of a known type whose object does not parse, becomes a
//   `malformed`/unknown-type item that normalize.ts turns into an `unsupported` message;
// - a status with an unknown `status` value is kept and ignored later.
//
// Over ~400 lines on purpose: one schema per Meta webhook shape, kept together so the whole
// wire format can be checked against Meta's reference in one read.

/** Unix seconds, sent by Meta as a decimal string (sometimes a number in older payloads). */
export const UnixSeconds = z
  .union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative().max(1e12)])
  .transform((v) => Number(v));

/** `{code, title, message, error_data.details, href}` as found in statuses[], messages[] and value.errors[]. */
export const WebhookErrorItem = z.object({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
  /** Legacy `unknown` messages put details at the top level. */
  details: z.string().optional(),
  href: z.string().optional(),
});
export type WebhookErrorItem = z.infer<typeof WebhookErrorItem>;

/** `value.contacts[]` of a messages change (absent for `system` messages). */
export const WebhookContact = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  identity_key_hash: z.string().optional(),
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
});
export type WebhookContact = z.infer<typeof WebhookContact>;

/** `messages[].context`: reply target, forwarding flags, product enquiry. */
export const MessageContext = z.object({
  from: z.string().optional(),
  id: z.string().optional(),
  forwarded: z.boolean().optional(),
  frequently_forwarded: z.boolean().optional(),
  referred_product: z.object({ catalog_id: z.string(), product_retailer_id: z.string() }).optional(),
});
export type MessageContext = z.infer<typeof MessageContext>;

/** `messages[].referral`: the customer came from a click-to-WhatsApp ad or post. */
export const MessageReferral = z.object({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  body: z.string().optional(),
  headline: z.string().optional(),
  media_type: z.string().optional(),
  image_url: z.string().optional(),
  video_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  ctwa_clid: z.string().optional(),
  welcome_message: z.object({ text: z.string().optional() }).optional(),
});
export type MessageReferral = z.infer<typeof MessageReferral>;

const mediaFields = {
  id: z.string().min(1),
  mime_type: z.string().default('application/octet-stream'),
  sha256: z.string().optional(),
  url: z.string().optional(),
};

/** Per-type objects of inbound messages (digest §2.2). */
export const InboundObjects = {
  text: z.object({ body: z.string() }),
  image: z.object({ ...mediaFields, caption: z.string().optional() }),
  video: z.object({ ...mediaFields, caption: z.string().optional() }),
  // Older payloads have no `voice` flag: treat it as an audio file (digest §10.12).
  audio: z.object({ ...mediaFields, voice: z.boolean().default(false) }),
  document: z.object({ ...mediaFields, caption: z.string().optional(), filename: z.string().optional() }),
  sticker: z.object({ ...mediaFields, animated: z.boolean().default(false) }),
  location: z.object({
    latitude: z.coerce.number(),
    longitude: z.coerce.number(),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
  contacts: z.array(
    z.object({
      name: z
        .object({
          formatted_name: z.string().optional(),
          first_name: z.string().optional(),
          last_name: z.string().optional(),
          middle_name: z.string().optional(),
          suffix: z.string().optional(),
          prefix: z.string().optional(),
        })
        .optional(),
      phones: z
        .array(
          z.object({
            phone: z.string().optional(),
            wa_id: z.string().optional(),
            type: z.string().optional(),
          }),
        )
        .optional(),
      emails: z.array(z.object({ email: z.string().optional(), type: z.string().optional() })).optional(),
      addresses: z
        .array(
          z.object({
            street: z.string().optional(),
            city: z.string().optional(),
            state: z.string().optional(),
            zip: z.string().optional(),
            country: z.string().optional(),
            country_code: z.string().optional(),
            type: z.string().optional(),
          }),
        )
        .optional(),
      org: z
        .object({
          company: z.string().optional(),
          department: z.string().optional(),
          title: z.string().optional(),
        })
        .optional(),
      urls: z.array(z.object({ url: z.string().optional(), type: z.string().optional() })).optional(),
      birthday: z.string().optional(),
      vcard: z.string().optional(),
      origin: z.string().optional(),
    }),
  ),
  interactive: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('button_reply'),
      button_reply: z.object({ id: z.string(), title: z.string() }),
    }),
    z.object({
      type: z.literal('list_reply'),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }),
    }),
    z.object({
      type: z.literal('nfm_reply'),
      nfm_reply: z.object({
        name: z.string().optional(),
        body: z.string().optional(),
        response_json: z.string().optional(),
      }),
    }),
  ]),
  button: z.object({ payload: z.string().optional(), text: z.string() }),
  // Removal: Meta omits `emoji`; some integrations observe "" (digest §10.4).
  reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }),
  order: z.object({
    catalog_id: z.string(),
    text: z.string().optional(),
    product_items: z.array(
      z.object({
        product_retailer_id: z.string(),
        quantity: z.coerce.number(),
        item_price: z.coerce.number(),
        currency: z.string(),
      }),
    ),
  }),
  // Current: {body, wa_id, type:"user_changed_number"}; 2026: user_id + "user_changed_user_id";
  // old: "customer_changed_number" / "customer_identity_changed" with new_wa_id (digest §10.5).
  system: z.object({
    body: z.string().optional(),
    wa_id: z.string().optional(),
    new_wa_id: z.string().optional(),
    user_id: z.string().optional(),
    type: z.string().optional(),
    identity: z.string().optional(),
    customer: z.string().optional(),
  }),
  unsupported: z.object({ type: z.string().optional() }),
  revoke: z.object({ original_message_id: z.string() }),
} as const;

/** A message type this parser understands (plus the legacy `unknown`). */
export type KnownInboundType = keyof typeof InboundObjects | 'unknown';

/** Fields every inbound message carries, whatever its type. */
export const InboundMessageBase = z.object({
  id: z.string().min(1),
  timestamp: UnixSeconds,
  type: z.string().min(1).max(64),
  /** Customer phone (no +); may be absent for username users (BSUID rollout, digest §2.4). */
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  from_parent_user_id: z.string().optional(),
  context: MessageContext.optional().catch(undefined),
  referral: MessageReferral.optional().catch(undefined),
  errors: z.array(WebhookErrorItem).optional().catch(undefined),
});
export type InboundMessageBase = z.infer<typeof InboundMessageBase>;

type ObjectOf<K extends keyof typeof InboundObjects> = z.infer<(typeof InboundObjects)[K]>;

/** A parsed inbound message: its common fields plus the typed object of its type. */
export type InboundMessage =
  | {
      [K in keyof typeof InboundObjects]: InboundMessageBase & { kind: K; object: ObjectOf<K> };
    }[keyof typeof InboundObjects]
  | (InboundMessageBase & { kind: 'unknown'; object: null })
  /** A type we do not know, or a known type whose object did not parse. */
  | (InboundMessageBase & { kind: 'unparsed'; object: null; reason: string });

function isKnownObjectType(type: string): type is keyof typeof InboundObjects {
  return Object.prototype.hasOwnProperty.call(InboundObjects, type);
}

/**
 * Parses one `messages[]` item. Returns null only when even the common fields (id, timestamp,
 * type) are unusable; anything else becomes a typed message or an `unparsed` one.
 */
export function parseInboundMessage(raw: unknown): InboundMessage | null {
  const base = InboundMessageBase.safeParse(raw);
  if (!base.success) return null;
  const b = base.data;
  if (b.type === 'unknown') return { ...b, kind: 'unknown', object: null };
  if (!isKnownObjectType(b.type)) {
    return { ...b, kind: 'unparsed', object: null, reason: `unknown message type "${b.type}"` };
  }
  // `raw` is an object here because the base schema parsed it.
  const rawObject = (raw as Record<string, unknown>)[b.type];
  // Unsupported messages may omit their object entirely.
  const parsed = InboundObjects[b.type].safeParse(b.type === 'unsupported' ? (rawObject ?? {}) : rawObject);
  if (!parsed.success) {
    return { ...b, kind: 'unparsed', object: null, reason: `malformed ${b.type} object` };
  }
  return { ...b, kind: b.type, object: parsed.data } as InboundMessage;
}

/** `value.statuses[]` item (digest §3). */
export const WebhookStatus = z.object({
  id: z.string().min(1),
  /** sent | delivered | read | failed | played; other values are kept and ignored by normalize. */
  status: z.string().min(1).max(64),
  timestamp: UnixSeconds,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  recipient_parent_user_id: z.string().optional(),
  recipient_type: z.string().optional(),
  recipient_participant_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  conversation: z
    .object({
      id: z.string().optional(),
      expiration_timestamp: UnixSeconds.optional(),
      origin: z.object({ type: z.string().optional() }).optional(),
    })
    .optional()
    .catch(undefined),
  pricing: z
    .object({
      billable: z.boolean().optional(),
      pricing_model: z.string().optional(),
      type: z.string().optional(),
      category: z.string().optional(),
    })
    .optional()
    .catch(undefined),
  errors: z.array(WebhookErrorItem).optional().catch(undefined),
});
export type WebhookStatus = z.infer<typeof WebhookStatus>;

/** `value` of a `messages` change, with items parsed one by one (see parseInboundMessage). */
export const MessagesValue = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string().min(1) }),
  contacts: z.array(WebhookContact).optional().catch(undefined),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(WebhookErrorItem).optional().catch(undefined),
});

/** `value` of a `message_template_status_update` change (digest §7). */
export const TemplateStatusValue = z.object({
  event: z.string(),
  message_template_id: z.union([z.number(), z.string()]).transform((v) => String(v)),
  message_template_name: z.string(),
  message_template_language: z.string(),
  reason: z.string().nullish(),
  message_template_category: z.string().optional(),
  disable_info: z.object({ disable_date: z.string().optional() }).optional().catch(undefined),
  other_info: z
    .object({ title: z.string().optional(), description: z.string().optional() })
    .optional()
    .catch(undefined),
  rejection_info: z
    .object({ reason: z.string().optional(), recommendation: z.string().optional() })
    .optional()
    .catch(undefined),
});
export type TemplateStatusValue = z.infer<typeof TemplateStatusValue>;

/** `value` of an `account_update` change (digest §8). Event-specific data is kept loosely. */
export const AccountUpdateValue = z.looseObject({
  event: z.string(),
  phone_number: z.string().optional(),
});
export type AccountUpdateValue = z.infer<typeof AccountUpdateValue>;

/** `value` of a `phone_number_quality_update` change (digest §8). */
export const PhoneQualityValue = z.object({
  display_phone_number: z.string(),
  event: z.string(),
  current_limit: z.string().optional(),
  old_limit: z.string().optional(),
  max_daily_conversations_per_business: z.string().optional(),
});
export type PhoneQualityValue = z.infer<typeof PhoneQualityValue>;

/** A change as it appears in `entry[].changes[]`; `value` is parsed per field by normalize. */
export const WebhookChange = z.object({ field: z.string().max(128), value: z.unknown() });
export type WebhookChange = z.infer<typeof WebhookChange>;

/** `entry[]`: the WABA id plus its changes. */
export const WebhookEntry = z.object({
  id: z.string(),
  time: z.number().optional(),
  changes: z.array(WebhookChange),
});
export type WebhookEntry = z.infer<typeof WebhookEntry>;

/** The envelope of every WhatsApp webhook POST. */
export const WebhookEnvelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(WebhookEntry),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

/** Why a webhook body could not be read at all (the whole POST is refused with 400/413). */
export type PayloadError =
  | { code: 'too_large'; message: string }
  | { code: 'invalid_utf8'; message: string }
  | { code: 'too_deep'; message: string }
  | { code: 'invalid_json'; message: string }
  | { code: 'invalid_envelope'; message: string };

/** Limits applied before JSON.parse ever runs. */
export interface PayloadLimits {
  /** Bytes; Meta's payloads are ≤ 3 MB (digest §1.3), default 3.5 MB. */
  maxBytes?: number;
  /** Nesting depth of objects/arrays; real payloads stay under 15, default 32. */
  maxDepth?: number;
}

const DEFAULT_MAX_BYTES = 3.5 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 32;

/**
 * Returns the deepest object/array nesting of a JSON text without parsing it, stopping early
 * once `limit` is exceeded, so a 10k-deep body costs a linear scan and no recursion.
 */
export function jsonNestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a raw webhook body (after the signature was verified) into the envelope. Hostile input
 * (invalid UTF-8, deep nesting, `__proto__`/`constructor.prototype` keys, oversized bodies)
 * yields an error value or has the dangerous keys removed; it never throws and never
 * pollutes prototypes.
 */
export function parseWebhookBody(
  raw: Buffer | string,
  limits: PayloadLimits = {},
): Result<WebhookEnvelope, PayloadError> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > maxBytes) return err({ code: 'too_large', message: `Body is ${size} bytes, limit ${maxBytes}` });
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    try {
      text = utf8.decode(raw);
    } catch {
      return err({ code: 'invalid_utf8', message: 'Body is not valid UTF-8' });
    }
  }
  if (jsonNestingExceeds(text, limits.maxDepth ?? DEFAULT_MAX_DEPTH)) {
    return err({ code: 'too_deep', message: 'JSON nesting is too deep' });
  }
  let json: unknown;
  try {
    json = sjson.parse(text, null, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return err({ code: 'invalid_json', message: 'Body is not valid JSON' });
  }
  const envelope = WebhookEnvelope.safeParse(json);
  if (!envelope.success) {
    return err({ code: 'invalid_envelope', message: 'Body is not a WhatsApp Business Account webhook' });
  }
  return ok(envelope.data);
}
