// Status callbacks of accepted sends (digest §3, §4.4): `sent`, then `delivered`, then `read` as
// separate POSTs (reactions get only `sent`), or one `failed` for the asynchronous failures,
// with pricing, `conversation` up to v23, `biz_opaque_callback_data` and BSUID `contacts[]`.
// Status faults duplicate, reorder, skip or delay them. Signing and retries are the sender's.
import type { EmulatorContext } from './context';
import { phoneDigits, type OutboundRecord } from './state';
import {
  buildEnvelope,
  buildMessagesEntry,
  buildStatus,
  buildWebhookContact,
  type StatusSpec,
} from './webhook-builders';

/** Delays (ms after the send was accepted) of the three status webhooks. */
export interface StatusDelays {
  sent: number;
  delivered: number;
  read: number;
}

/** Faults applied to status webhooks of subsequent sends. */
export interface StatusFaults {
  /** POST every status twice. */
  duplicate?: boolean;
  /** Send the statuses of a message in reverse order (read, delivered, sent). */
  reorder?: boolean;
  /** Do not send `delivered` (Meta may skip it when read immediately). */
  skipDelivered?: boolean;
  /** Extra delay added to every status webhook. */
  extraDelayMs?: number;
}

/** The status part of the control API. */
export interface StatusWebhooksControl {
  setStatusFaults(faults: StatusFaults): void;
}

/** Title and details of the `failed` status for each asynchronous failure. */
const FAILURES: Record<number, [string, string]> = {
  131047: [
    'Re-engagement message',
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  ],
  131026: ['Message undeliverable', 'Message Undeliverable.'],
  131009: ['Parameter value is not valid', 'The message you are reacting to does not exist or is too old.'],
};

/**
 * Creates the status callbacks. `schedule` plans the webhooks of one accepted send; `version`
 * is the Graph version of the send (it decides `conversation`), `category` its pricing category.
 */
export function createStatusWebhooks(
  ctx: EmulatorContext,
  opts: { statusDelays?: Partial<StatusDelays>; autoRead?: boolean },
): {
  control: StatusWebhooksControl;
  schedule(rec: OutboundRecord, version: string, category: string): void;
} {
  const { state } = ctx;
  const delays: StatusDelays = { sent: 200, delivered: 1000, read: 3000, ...opts.statusDelays };
  const autoRead = opts.autoRead ?? true;
  let statusFaults: StatusFaults = {};

  function schedule(rec: OutboundRecord, version: string, category: string) {
    const phone = ctx.mustPhone(rec.phoneNumberId);
    const customer = rec.customerPhone ? state.customers.get(rec.customerPhone) : undefined;
    const f = statusFaults;
    const base: Omit<StatusSpec, 'status' | 'timestampSeconds'> = {
      wamid: rec.wamid,
      recipientId: customer
        ? customer.hidePhone && rec.to.includes('.')
          ? undefined
          : customer.waId
        : phoneDigits(rec.to),
      recipientUserId: customer?.userId ?? undefined,
      bizOpaqueCallbackData: rec.bizOpaqueCallbackData ?? undefined,
    };
    const service = category === 'service';
    const pricing = {
      billable: !service,
      pricingModel: 'PMP',
      type: service ? 'free_customer_service' : 'regular',
      category,
    };
    const majorVersion = Number(version.slice(1).split('.')[0]);
    const conversation =
      majorVersion < 24
        ? { id: ctx.randomHex(16), originType: category, expirationSeconds: ctx.nowSeconds() + 86400 }
        : undefined;
    const plan: { status: StatusSpec['status']; at: number; extra: Partial<StatusSpec> }[] = [];
    if (rec.outcome !== 'ok') {
      const code = rec.outcome.failedCode;
      const [title, details] = FAILURES[code] ?? ['Something went wrong', 'Unknown error'];
      plan.push({ status: 'failed', at: delays.sent, extra: { errors: [{ code, title, details }] } });
    } else {
      plan.push({ status: 'sent', at: delays.sent, extra: { pricing, conversation } });
      if (rec.type !== 'reaction') {
        if (!f.skipDelivered)
          plan.push({ status: 'delivered', at: delays.delivered, extra: { pricing, conversation } });
        if (autoRead) plan.push({ status: 'read', at: delays.read, extra: {} });
      }
    }
    const acceptedSeconds = Math.floor(rec.acceptedAt / 1000);
    const ordered = f.reorder ? [...plan].reverse().map((p, i) => ({ ...p, at: plan[i]!.at })) : plan;
    for (const p of ordered) {
      const spec: StatusSpec = {
        ...base,
        ...p.extra,
        status: p.status,
        timestampSeconds: acceptedSeconds + Math.round(plan.find((x) => x.status === p.status)!.at / 1000),
      };
      const contacts =
        customer?.userId && p.status !== 'failed'
          ? [
              buildWebhookContact({
                waId: customer.hidePhone ? undefined : customer.waId,
                userId: customer.userId,
              }),
            ]
          : [];
      const payload = buildEnvelope([
        buildMessagesEntry(ctx.numberRef(phone), { contacts, statuses: [buildStatus(spec)] }),
      ]);
      const delay = p.at + (f.extraDelayMs ?? 0);
      void ctx.deliverTo(phone, payload, delay);
      if (f.duplicate) void ctx.deliverTo(phone, payload, delay + 1);
    }
  }

  return {
    control: {
      setStatusFaults(f) {
        statusFaults = { ...f };
      },
    },
    schedule,
  };
}
