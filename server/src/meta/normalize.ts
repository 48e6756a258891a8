import {
  orNull as nn,
  toContent,
  toContext,
  toReferral,
  type InboundContent,
  type InboundContext,
  type InboundReferral,
  type InboundType,
} from './inbound-content';
import {
  AccountUpdateValue,
  MessagesValue,
  PhoneQualityValue,
  TemplateStatusValue,
  WebhookStatus,
  parseInboundMessage,
  type WebhookContact,
  type WebhookEnvelope,
  type WebhookErrorItem,
} from './webhook-payload';

// Pure mapping from Meta's webhook envelope to a flat list of domain events. Each event carries
// what routes it to a tenant: `phoneNumberId` for messages/statuses/value errors, `wabaId`
// (entry.id) for account-level changes. Nothing here touches storage or the clock. The content of
// an inbound message is mapped by inbound-content.ts.

/** A Meta error as carried by statuses, unsupported messages and value.errors. */
export interface MetaErrorDetail {
  code: number;
  title: string | null;
  message: string | null;
  details: string | null;
}

/** An inbound customer message. Dedupe key: `wamid`. */
export interface InboundMessageEvent {
  kind: 'message';
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wamid: string;
  /** Phone-based WhatsApp id; null when the user hides it behind a username (BSUID rollout). */
  waId: string | null;
  /** Business-scoped user id (e.g. `US.1349…`), null on pre-2026 payloads. */
  userId: string | null;
  parentUserId: string | null;
  /** Best available sender identity: waId, else userId (never empty). */
  from: string;
  profileName: string | null;
  username: string | null;
  /** Meta's timestamp (seconds → Date), not processing time. */
  timestamp: Date;
  type: InboundType;
  content: InboundContent;
  context: InboundContext | null;
  referral: InboundReferral | null;
}

/** Outbound message status values Parley understands. */
export type StatusValue = 'sent' | 'delivered' | 'read' | 'failed' | 'played';

/** A status update for one of our outbound messages. Dedupe key: (wamid, status). */
export interface StatusEvent {
  kind: 'status';
  wabaId: string;
  phoneNumberId: string;
  wamid: string;
  status: StatusValue;
  timestamp: Date;
  recipientId: string | null;
  recipientUserId: string | null;
  /** Echo of the value we set at send time: how an ambiguous send is reconciled. */
  bizOpaqueCallbackData: string | null;
  errors: MetaErrorDetail[];
  pricing: {
    billable: boolean | null;
    pricingModel: string | null;
    type: string | null;
    category: string | null;
  } | null;
  conversation: { id: string | null; originType: string | null; expiresAt: Date | null } | null;
}

/** A template was approved, rejected, paused… (`message_template_status_update`). */
export interface TemplateStatusEvent {
  kind: 'template_status';
  wabaId: string;
  /** Match templates by id: the language in this event may be `en-US` rather than `en_US` (digest §10.9). */
  templateId: string;
  templateName: string;
  language: string;
  event: string;
  reason: string | null;
  category: string | null;
  time: Date | null;
}

/** `account_update`: restrictions, bans, partner changes… */
export interface AccountEvent {
  kind: 'account';
  wabaId: string;
  event: string;
  phoneNumber: string | null;
  /** The whole value, for logging and for event-specific data (restriction_info, ban_info…). */
  raw: Record<string, unknown>;
  time: Date | null;
}

/** `phone_number_quality_update`: messaging-limit tier / throughput changes. */
export interface PhoneQualityEvent {
  kind: 'phone_quality';
  wabaId: string;
  displayPhoneNumber: string;
  event: string;
  limit: string | null;
  time: Date | null;
}

/** `value.errors[]` of a messages change: account/app-level errors for a number. */
export interface WebhookErrorEvent {
  kind: 'webhook_error';
  wabaId: string;
  phoneNumberId: string;
  errors: MetaErrorDetail[];
}

/** Something we received but do not act on; kept so it can be logged and counted. */
export interface IgnoredChange {
  kind: 'ignored';
  wabaId: string;
  field: string;
  phoneNumberId: string | null;
  reason: string;
}

/** An {@link IgnoredChange}: something received that Parley logs and counts but does not act on. */
const ignored = (
  wabaId: string,
  field: string,
  phoneNumberId: string | null,
  reason: string,
): IgnoredChange => ({ kind: 'ignored', wabaId, field, phoneNumberId, reason });

/** Every event normalisation can produce. */
export type WebhookEvent =
  | InboundMessageEvent
  | StatusEvent
  | TemplateStatusEvent
  | AccountEvent
  | PhoneQualityEvent
  | WebhookErrorEvent
  | IgnoredChange;

const STATUS_VALUES = new Set<string>(['sent', 'delivered', 'read', 'failed', 'played']);

const fromSeconds = (s: number): Date => new Date(s * 1000);

function toErrorDetail(e: WebhookErrorItem): MetaErrorDetail {
  return {
    code: e.code,
    title: nn(e.title),
    message: nn(e.message),
    details: nn(e.error_data?.details ?? e.details),
  };
}

function findContact(
  contacts: WebhookContact[] | undefined,
  m: { from?: string; from_user_id?: string },
): WebhookContact | undefined {
  if (!contacts || contacts.length === 0) return undefined;
  const match = contacts.find(
    (c) =>
      (m.from !== undefined && c.wa_id === m.from) ||
      (m.from_user_id !== undefined && c.user_id === m.from_user_id),
  );
  // Single-message notifications carry exactly one contact; if ids disagree (Brazil's 9th
  // digit, digest §2.1) that contact is still the sender.
  return match ?? (contacts.length === 1 ? contacts[0] : undefined);
}

function normalizeMessagesChange(wabaId: string, value: unknown, out: WebhookEvent[]): void {
  const parsed = MessagesValue.safeParse(value);
  if (!parsed.success) {
    out.push(ignored(wabaId, 'messages', null, 'malformed value'));
    return;
  }
  const v = parsed.data;
  const phoneNumberId = v.metadata.phone_number_id;
  const displayPhoneNumber = v.metadata.display_phone_number;

  for (const raw of v.messages ?? []) {
    const m = parseInboundMessage(raw);
    if (!m) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, 'message without id/timestamp/type'));
      continue;
    }
    const contact = findContact(v.contacts, m);
    const waId = m.from ?? contact?.wa_id ?? null;
    const userId = m.from_user_id ?? contact?.user_id ?? null;
    const from = waId ?? userId;
    if (!from) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, `message ${m.id} has no sender`));
      continue;
    }
    const content = toContent(m);
    out.push({
      kind: 'message',
      wabaId,
      phoneNumberId,
      displayPhoneNumber,
      wamid: m.id,
      waId,
      userId,
      parentUserId: m.from_parent_user_id ?? contact?.parent_user_id ?? null,
      from,
      profileName: nn(contact?.profile?.name),
      username: nn(contact?.profile?.username),
      timestamp: fromSeconds(m.timestamp),
      type: content.type,
      content,
      context: toContext(m.context),
      referral: toReferral(m.referral),
    });
  }

  for (const raw of v.statuses ?? []) {
    const s = WebhookStatus.safeParse(raw);
    if (!s.success) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, 'malformed status'));
      continue;
    }
    const st = s.data;
    if (!STATUS_VALUES.has(st.status)) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, `status "${st.status}"`));
      continue;
    }
    out.push({
      kind: 'status',
      wabaId,
      phoneNumberId,
      wamid: st.id,
      status: st.status as StatusValue,
      timestamp: fromSeconds(st.timestamp),
      recipientId: nn(st.recipient_id),
      recipientUserId: nn(st.recipient_user_id),
      bizOpaqueCallbackData: nn(st.biz_opaque_callback_data),
      errors: (st.errors ?? []).map(toErrorDetail),
      pricing: st.pricing
        ? {
            billable: nn(st.pricing.billable),
            pricingModel: nn(st.pricing.pricing_model),
            type: nn(st.pricing.type),
            category: nn(st.pricing.category),
          }
        : null,
      conversation: st.conversation
        ? {
            id: nn(st.conversation.id),
            originType: nn(st.conversation.origin?.type),
            expiresAt:
              st.conversation.expiration_timestamp === undefined
                ? null
                : fromSeconds(st.conversation.expiration_timestamp),
          }
        : null,
    });
  }

  if (v.errors && v.errors.length > 0) {
    out.push({ kind: 'webhook_error', wabaId, phoneNumberId, errors: v.errors.map(toErrorDetail) });
  }
}

/**
 * Flattens a parsed webhook envelope into domain events, in payload order: one per inbound
 * message, status, template/account/quality change or value-level error list. Unknown fields
 * and unreadable items become `ignored` events rather than failing the batch.
 */
export function normalizeWebhook(envelope: WebhookEnvelope): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  for (const entry of envelope.entry) {
    const wabaId = entry.id;
    const time = entry.time === undefined ? null : fromSeconds(entry.time);
    for (const change of entry.changes) {
      switch (change.field) {
        case 'messages':
          normalizeMessagesChange(wabaId, change.value, out);
          break;
        case 'message_template_status_update': {
          const t = TemplateStatusValue.safeParse(change.value);
          if (!t.success) {
            out.push(ignored(wabaId, change.field, null, 'malformed value'));
            break;
          }
          out.push({
            kind: 'template_status',
            wabaId,
            templateId: t.data.message_template_id,
            templateName: t.data.message_template_name,
            language: t.data.message_template_language,
            event: t.data.event,
            reason: t.data.reason ?? null,
            category: nn(t.data.message_template_category),
            time,
          });
          break;
        }
        case 'account_update': {
          const a = AccountUpdateValue.safeParse(change.value);
          if (!a.success) {
            out.push(ignored(wabaId, change.field, null, 'malformed value'));
            break;
          }
          out.push({
            kind: 'account',
            wabaId,
            event: a.data.event,
            phoneNumber: nn(a.data.phone_number),
            raw: a.data,
            time,
          });
          break;
        }
        case 'phone_number_quality_update': {
          const q = PhoneQualityValue.safeParse(change.value);
          if (!q.success) {
            out.push(ignored(wabaId, change.field, null, 'malformed value'));
            break;
          }
          out.push({
            kind: 'phone_quality',
            wabaId,
            displayPhoneNumber: q.data.display_phone_number,
            event: q.data.event,
            limit: nn(q.data.max_daily_conversations_per_business ?? q.data.current_limit),
            time,
          });
          break;
        }
        default:
          out.push(ignored(wabaId, change.field, null, 'field not handled'));
      }
    }
  }
  return out;
}
