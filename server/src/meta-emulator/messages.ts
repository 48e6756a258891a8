// `POST /{phone-number-id}/messages` (digest §4, §5, §9): mark as read, then every outbound type
// through send-validation.ts, the number's throughput (130429) and the pair rate (131056), the
// synchronous refusals (131021, 131062), and the asynchronous failures that get a 200 and a
// wamid followed by a `failed` status (131047 outside the 24 h window, 131026 for numbers not
// on WhatsApp, 131009 for unknown reaction targets). Send faults are injected here.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DAY, type EmulatorContext } from './context';
import type { GraphHttp } from './graph-http';
import type { MediaArea } from './media';
import { checkSend, type CheckedSend } from './send-validation';
import {
  PairBucket,
  SlidingWindow,
  phoneDigits,
  type EmulatorCustomer,
  type EmulatorPhoneNumber,
  type OutboundRecord,
} from './state';

/** A fault to apply to upcoming sends (POST …/messages). */
export type SendFault =
  /** Accept the send (wamid, statuses) but destroy the connection before answering: ambiguous. */
  | { kind: 'drop_response'; count: number }
  /** Answer with Meta's error for `code` (e.g. 130429, 131056, 190, 131000, 133004). */
  | { kind: 'error'; code: number; count: number; httpStatus?: number; subcode?: number }
  /** Answer a bare HTTP status without Meta's error object (e.g. a 502 from a proxy). */
  | { kind: 'http_status'; status: number; count: number };

/** The pair rate: a token bucket per business number and recipient (digest §9). */
export interface PairRate {
  enabled?: boolean;
  intervalMs?: number;
  burst?: number;
}

/** The sends part of the control API. */
export interface MessagesControl {
  injectSendFault(fault: SendFault): void;
  setPairRate(cfg: PairRate): void;
}

/** What the messages route needs besides the shared runtime. */
export interface MessagesDeps {
  media: Pick<MediaArea, 'live'>;
  /** Plans the status webhooks of an accepted send (status-webhooks.ts). */
  scheduleStatuses(rec: OutboundRecord, version: string, category: string): void;
  /** Called after each send accepted with outcome `ok` (simulated customers answer). */
  onAccepted(rec: OutboundRecord, checked: CheckedSend): void;
  /** Default 1 message / 6 s with a burst of 45. */
  pairRate?: PairRate;
  /** Sends to numbers that are not simulated customers succeed instead of failing with 131026. */
  acceptUnknownRecipients?: boolean;
}

/** Creates the messages area: its control methods and `register` for the send route. */
export function createMessages(
  ctx: EmulatorContext,
  graph: GraphHttp,
  deps: MessagesDeps,
): { control: MessagesControl; register(app: FastifyInstance): void } {
  const { state, now } = ctx;
  const { fail, authorize, objectMissing } = graph;
  const pair = { enabled: true, intervalMs: 6000, burst: 45, ...deps.pairRate };
  const sendFaults: SendFault[] = [];
  const windows = new Map<string, SlidingWindow>();
  const pairBuckets = new Map<string, PairBucket>();

  /** Mark as read (+ typing indicator): not a message, not rate-limited like one. */
  function markRead(phone: EmulatorPhoneNumber, body: Record<string, unknown>, reply: FastifyReply) {
    if (body.status !== 'read' || typeof body.message_id !== 'string') {
      return fail(reply, 100, {
        title: 'Invalid parameter',
        details: 'status must be "read" with a message_id',
      });
    }
    const inbound = state.inbound.get(body.message_id);
    if (!inbound || inbound.phoneNumberId !== phone.id) {
      return fail(reply, 100, {
        title: 'Invalid parameter',
        details: `Invalid message_id ${body.message_id}`,
      });
    }
    for (const m of state.inbound.values()) {
      if (m.customerPhone === inbound.customerPhone && m.phoneNumberId === phone.id && m.at <= inbound.at)
        m.read = true;
    }
    return reply.send({ success: true });
  }

  /** Whether the number's throughput still admits a send now (sliding 1 s window). */
  function admit(phone: EmulatorPhoneNumber): boolean {
    let window = windows.get(phone.id);
    if (!window) windows.set(phone.id, (window = new SlidingWindow()));
    return window.tryHit(now(), phone.mpsLimit);
  }

  /** Whether the pair rate admits one more send from this number to this customer. */
  function admitPair(phone: EmulatorPhoneNumber, customer: EmulatorCustomer): boolean {
    const key = `${phone.id}:${customer.phone}`;
    let bucket = pairBuckets.get(key);
    if (!bucket) pairBuckets.set(key, (bucket = new PairBucket(pair.burst, pair.intervalMs, now())));
    return bucket.tryTake(now());
  }

  /** What happens to an accepted send: delivered, or one of the asynchronous failures. */
  function outcomeOf(
    phone: EmulatorPhoneNumber,
    customer: EmulatorCustomer | undefined,
    c: CheckedSend,
  ): OutboundRecord['outcome'] {
    let outcome: OutboundRecord['outcome'] = 'ok';
    if (!customer && !deps.acceptUnknownRecipients) outcome = { failedCode: 131026 };
    else if (customer && !c.isTemplate) {
      const last = customer.lastInboundAt.get(phone.id);
      if (last === undefined || now() - last > DAY) outcome = { failedCode: 131047 };
    }
    if (outcome === 'ok' && c.reactionTarget) {
      const target = state.inbound.get(c.reactionTarget) ?? state.outbound.get(c.reactionTarget);
      const targetAt = target ? ('at' in target ? target.at : target.acceptedAt) : undefined;
      if (targetAt === undefined || now() - targetAt > 30 * DAY) outcome = { failedCode: 131009 };
    }
    return outcome;
  }

  function register(app: FastifyInstance): void {
    app.post<{ Params: { version: string; id: string } }>('/:version/:id/messages', async (req, reply) => {
      const phone = state.phoneNumbers.get(req.params.id);
      if (!authorize(req, reply, phone ? phone.wabaId : null)) return reply;
      if (!phone) return objectMissing(reply, req.params.id);

      // Injected send faults hit message sends only: a mark-as-read that happens to arrive first
      // (the agent opened the chat just before the test's send) must not take the fault meant
      // for the message.
      const isMarkRead = (req.body as { status?: unknown } | undefined)?.status !== undefined;
      const fault = isMarkRead ? undefined : sendFaults[0];
      let dropResponse = false;
      if (fault) {
        if (--fault.count <= 0) sendFaults.shift();
        if (fault.kind === 'error')
          return fail(reply, fault.code, {
            status: fault.httpStatus,
            subcode: fault.subcode,
            details: 'Injected by the emulator',
          });
        if (fault.kind === 'http_status')
          return reply.code(fault.status).type('text/html').send('<html><body>Bad Gateway</body></html>');
        dropResponse = true;
      }

      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || body.__invalidJson) {
        return fail(reply, 100, {
          title: 'Invalid parameter',
          details: 'Request body must be a JSON object',
        });
      }
      if (body.messaging_product !== 'whatsapp') {
        // Meta returns this one without error_data (digest §5.2).
        return fail(reply, 100, { title: 'The parameter messaging_product is required.' });
      }
      if (body.status !== undefined) return markRead(phone, body, reply);

      if (!admit(phone)) {
        return fail(reply, 130429, {
          details: `Message failed to send because there were too many messages sent from this phone number in a short period of time (${phone.mpsLimit} mps).`,
        });
      }

      const to = typeof body.to === 'string' ? body.to : null;
      const recipient = typeof body.recipient === 'string' ? body.recipient : null;
      if (!to && !recipient)
        return fail(reply, 100, { title: 'Invalid parameter', details: 'The parameter to is required.' });

      const waba = state.wabas.get(phone.wabaId)!;
      const checked = checkSend(body, {
        findTemplates: (name) => waba.templates.filter((t) => t.name === name),
        mediaExists: (id) => deps.media.live(id) !== null,
      });
      if ('violation' in checked) {
        const code = checked.violation.code;
        return fail(reply, code, {
          details: checked.violation.details,
          title: code === 100 ? 'Invalid parameter' : undefined,
        });
      }
      const c = checked.checked;
      if (typeof body.biz_opaque_callback_data === 'string' && body.biz_opaque_callback_data.length > 512) {
        return fail(reply, 100, {
          title: 'Invalid parameter',
          details: 'biz_opaque_callback_data must be at most 512 characters',
        });
      }

      // `to` wins when both are given (digest §2.4).
      const customer = to ? ctx.findCustomer(to) : ctx.findCustomer(recipient!);
      if (to && phoneDigits(to) === phone.displayDigits) {
        return fail(reply, 131021, { details: 'Recipient phone number cannot be the sender phone number' });
      }
      if (!to && c.template?.category === 'AUTHENTICATION') {
        return fail(reply, 131062, {
          details: 'Authentication templates cannot be sent to a business-scoped user id',
        });
      }
      if (customer && pair.enabled && !admitPair(phone, customer)) {
        return fail(reply, 131056, {
          details:
            'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
        });
      }

      const outcome = outcomeOf(phone, customer, c);
      const rec: OutboundRecord = {
        wamid: ctx.newWamid(),
        phoneNumberId: phone.id,
        customerPhone: customer?.phone ?? null,
        to: to ?? recipient!,
        type: c.type,
        body,
        bizOpaqueCallbackData:
          typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : null,
        acceptedAt: now(),
        outcome,
        responseDropped: dropResponse,
      };
      state.outbound.set(rec.wamid, rec);
      const category = c.template ? c.template.category.toLowerCase() : 'service';
      deps.scheduleStatuses(rec, req.params.version, category);
      if (outcome === 'ok') deps.onAccepted(rec, c);

      if (dropResponse) {
        // The request was accepted; the caller never learns it. Its only way to find out is the
        // status webhook carrying biz_opaque_callback_data.
        reply.hijack();
        req.raw.socket.destroy();
        return reply;
      }
      const contact: Record<string, string> = { input: to ?? recipient! };
      if (to) contact.wa_id = customer?.waId ?? phoneDigits(to);
      else if (customer?.userId) contact.user_id = customer.userId;
      const message: Record<string, string> = { id: rec.wamid };
      if (c.isTemplate) message.message_status = 'accepted';
      return reply.send({ messaging_product: 'whatsapp', contacts: [contact], messages: [message] });
    });
  }

  return {
    control: {
      injectSendFault(fault) {
        if (fault.count > 0) sendFaults.push({ ...fault });
      },
      setPairRate(cfg) {
        Object.assign(pair, cfg);
        pairBuckets.clear();
      },
    },
    register,
  };
}
