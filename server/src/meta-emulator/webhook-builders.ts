// Builders for Meta-shaped webhook payloads (digest §2, §3, §7, §8): the envelope, `messages`
// entries, `contacts[]` and `statuses[]` items, template and account events, and Meta's byte
// serialisation. The emulator's webhook sender uses them, and so do the parser tests in
// server/test/meta-webhooks.ts, so the emulator and the parser cannot silently disagree about a
// shape. Inbound `messages[]` items are built in inbound-builders.ts.

/** Sender identity of an inbound message. */
export interface InboundSender {
  /** Phone-based id; omit to simulate a username user whose phone is hidden. */
  waId?: string;
  userId?: string;
  parentUserId?: string;
  profileName?: string;
  username?: string;
}

/** A JSON object as the builders produce it. */
export type Json = Record<string, unknown>;

/** The object without its `undefined` fields: Meta omits absent fields rather than sending null. */
export const dropUndefined = <T extends Json>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
/** Builds a `contacts[]` item for the sender of inbound messages. */
export function buildWebhookContact(sender: InboundSender): Json {
  return dropUndefined({
    profile: dropUndefined({ name: sender.profileName, username: sender.username }),
    wa_id: sender.waId,
    user_id: sender.userId,
    parent_user_id: sender.parentUserId,
  });
}

/** Error item of a `failed` status (title == message, digest §3). */
export interface StatusErrorSpec {
  code: number;
  title: string;
  details: string;
}

/** One outbound status update, in Meta's wire shape. */
export interface StatusSpec {
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'played';
  timestampSeconds: number;
  recipientId?: string;
  recipientUserId?: string;
  bizOpaqueCallbackData?: string;
  errors?: StatusErrorSpec[];
  pricing?: { billable: boolean; pricingModel: string; type: string; category: string };
  /** Only for webhook versions ≤ v23 (the object is dropped from v24.0). */
  conversation?: { id: string; originType: string; expirationSeconds?: number };
}

/** Builds a `statuses[]` item. */
export function buildStatus(s: StatusSpec): Json {
  return dropUndefined({
    id: s.wamid,
    status: s.status,
    timestamp: String(s.timestampSeconds),
    recipient_id: s.recipientId,
    recipient_user_id: s.recipientUserId,
    biz_opaque_callback_data: s.bizOpaqueCallbackData,
    conversation: s.conversation
      ? dropUndefined({
          id: s.conversation.id,
          expiration_timestamp:
            s.conversation.expirationSeconds === undefined
              ? undefined
              : String(s.conversation.expirationSeconds),
          origin: { type: s.conversation.originType },
        })
      : undefined,
    pricing: s.pricing
      ? {
          billable: s.pricing.billable,
          pricing_model: s.pricing.pricingModel,
          type: s.pricing.type,
          category: s.pricing.category,
        }
      : undefined,
    errors: s.errors?.map((e) => ({
      code: e.code,
      title: e.title,
      message: e.title,
      error_data: { details: e.details },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    })),
  });
}

/** The business number a `messages` change is addressed to. */
export interface BusinessNumberRef {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** One `entry[]` item with a single `messages` change. */
export function buildMessagesEntry(
  to: BusinessNumberRef,
  value: { contacts?: Json[]; messages?: Json[]; statuses?: Json[]; errors?: Json[] },
): Json {
  return {
    id: to.wabaId,
    changes: [
      {
        value: dropUndefined({
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: to.displayPhoneNumber, phone_number_id: to.phoneNumberId },
          contacts: value.contacts?.length ? value.contacts : undefined,
          messages: value.messages?.length ? value.messages : undefined,
          statuses: value.statuses?.length ? value.statuses : undefined,
          errors: value.errors?.length ? value.errors : undefined,
        }),
        field: 'messages',
      },
    ],
  };
}

/** Wraps entries into the webhook envelope (several entries = a batched POST). */
export function buildEnvelope(entries: Json[]): Json {
  return { object: 'whatsapp_business_account', entry: entries };
}

/** `message_template_status_update` entry (digest §7). */
export function buildTemplateStatusEntry(
  wabaId: string,
  t: {
    event: string;
    templateId: number;
    name: string;
    language: string;
    reason?: string | null;
    category?: string;
    timeSeconds: number;
  },
): Json {
  return {
    id: wabaId,
    time: t.timeSeconds,
    changes: [
      {
        value: dropUndefined({
          event: t.event,
          message_template_id: t.templateId,
          message_template_name: t.name,
          message_template_language: t.language,
          reason: t.reason === undefined ? 'NONE' : t.reason,
          message_template_category: t.category,
        }),
        field: 'message_template_status_update',
      },
    ],
  };
}

/** `account_update` entry (digest §8). */
export function buildAccountUpdateEntry(
  wabaId: string,
  value: Json & { event: string },
  timeSeconds: number,
): Json {
  return { id: wabaId, time: timeSeconds, changes: [{ value, field: 'account_update' }] };
}

/** `phone_number_quality_update` entry (digest §8). */
export function buildPhoneQualityEntry(
  wabaId: string,
  v: { displayPhoneNumber: string; event: string; limit: string },
  timeSeconds: number,
): Json {
  return {
    id: wabaId,
    time: timeSeconds,
    changes: [
      {
        value: {
          display_phone_number: v.displayPhoneNumber,
          event: v.event,
          max_daily_conversations_per_business: v.limit,
        },
        field: 'phone_number_quality_update',
      },
    ],
  };
}

/**
 * Serialises a payload the way Meta puts it on the wire: non-ASCII characters escaped as
 * `\uXXXX` (UTF-16 code units, so emoji become surrogate pairs) and `/` escaped as `\/`.
 * The signature is computed over these exact bytes, so receivers that hash a re-serialised
 * object fail — as they do against Meta (digest §1.2).
 */
export function serializeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}
