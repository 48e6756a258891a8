import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import { Message, SendMessageBody, SendToNumberBody } from '#contract/api/messages';
import { INTERACTIVE_LIMITS as IL } from '#contract/api/interactive';
import type { SendService } from '../../domain/messages/send-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap, keyOr } from '../responses';

/** Request examples of `POST /messages`, one per kind of content (shown in the API reference). */
const SEND_EXAMPLES = [
  { to: '+14155550123', message: { type: 'text', text: 'Your order #1042 has shipped.' } },
  {
    to: '+14155550123',
    message: {
      type: 'template',
      templateName: 'order_update',
      language: 'en',
      parameters: { body: ['#1042'] },
    },
  },
  {
    to: '+14155550123',
    message: {
      type: 'interactive',
      interactive: {
        kind: 'buttons',
        body: 'When should we deliver order #1042?',
        buttons: [
          { id: 'today', title: 'Today' },
          { id: 'tomorrow', title: 'Tomorrow' },
        ],
      },
    },
  },
  {
    to: '+14155550123',
    message: {
      type: 'interactive',
      interactive: {
        kind: 'list',
        body: 'Pick a delivery slot',
        button: 'Slots',
        sections: [
          { title: 'Morning', rows: [{ id: 'am', title: '8–12', description: 'Before noon' }] },
          { title: 'Afternoon', rows: [{ id: 'pm', title: '12–18' }] },
        ],
      },
    },
  },
  {
    to: '+14155550123',
    message: {
      type: 'interactive',
      interactive: {
        kind: 'cta_url',
        body: 'Your parcel is on its way.',
        displayText: 'Track parcel',
        url: 'https://shop.example.com/track/1042',
      },
    },
  },
  {
    to: '+14155550123',
    media: {
      url: 'https://shop.example.com/invoices/1042.pdf',
      type: 'document',
      fileName: 'Invoice 1042.pdf',
      caption: 'Your invoice',
    },
  },
] satisfies SendToNumberBody[];

/** `Idempotency-Key`: a repeated POST with the same key returns the first result (≥ 24 h). */
const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, { message: 'Use printable ASCII without spaces' })
    .optional(),
});

/**
 * The outbound routes, registered under `/api/v1`: send in a conversation, send to a number,
 * and mark a conversation read. Sends answer 202 with the queued Message: Meta has not seen it
 * yet; its status moves on as the queue and Meta's webhooks report.
 */
export const sendRoutes: FastifyPluginAsyncZod<{ sends: SendService }> = async (app, { sends }) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['messages'], security: bearer };
  const SEND_ERRORS = errors(...AUTHED, 404, 409, 422, 429);

  app.post(
    '/conversations/:id/messages',
    {
      config: { scope: 'messages:send' },
      schema: {
        ...common,
        security: keyOr('messages:send'),
        summary: 'Send a message in a conversation (queued; honours Idempotency-Key)',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: SendMessageBody,
        response: { 202: Message, ...SEND_ERRORS },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const r = unwrap(
        await sends.send(p.organizationId, p, req.params.id, req.body, req.headers['idempotency-key']),
      );
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(r.message);
    },
  );

  app.post(
    '/messages',
    {
      config: { scope: 'messages:send' },
      schema: {
        ...common,
        security: keyOr('messages:send'),
        summary: 'Send to a phone number or contact, creating the contact and conversation as needed',
        description:
          "The integrator's send: to `to` (E.164 number or WhatsApp id) or `contactId`, from " +
          "`whatsappAccountId`, else the organization's default number, else its only connected number " +
          '(422 `unprocessable` naming the choice when there are several and no default). Takes every message type ' +
          'of the conversation route, and two more. **Interactive** (`message.type: "interactive"`): ' +
          `reply buttons (${IL.buttons.min}–${IL.buttons.max}, titles ≤ ${IL.buttons.titleMaxChars} characters, ` +
          `unique), a list (≤ ${IL.list.sectionsMax} sections, ≤ ${IL.list.rowsMax} rows in all, section and ` +
          `row titles ≤ ${IL.list.rowTitleMaxChars}, row descriptions ≤ ${IL.list.rowDescriptionMaxChars}, ` +
          `button ≤ ${IL.list.buttonMaxChars}) or a call-to-action URL button (label ≤ ` +
          `${IL.ctaDisplayTextMaxChars}); header and footer ≤ ${IL.headerMaxChars}. Meta's limits are ` +
          'checked before anything is queued (400 `invalid_input` naming the field). **Media by URL** ' +
          '(`media: {url, type, fileName?, caption?}` instead of `message`): Meta is given the https ' +
          'link and fetches the file; Parley fetches its own copy for the thread in the background. A ' +
          'URL whose host resolves to a private, loopback or link-local address is refused (400). If ' +
          "Parley's copy fails (unreachable, too large for the type, wrong content type) the message is " +
          'still sent; its `media.state` becomes `failed`. Over the monthly quota: 429 `quota_exceeded`. ' +
          'Answers 202 with the queued message; its status moves on as ' +
          'Meta reports (`GET /api/v1/messages/{id}`). A repeated `Idempotency-Key` returns the first ' +
          'result. Errors: `window_closed` (send an approved template), `opted_out`, ' +
          '`account_unavailable` (number disconnected or its token invalid), `invalid_input`, 429 ' +
          '`quota_exceeded` (the monthly quota is used up; the message names the reset date). Requires ' +
          '`messages:send` for API keys; the message is attributed to the key (`apiKeyId`).',
        headers: IdempotencyHeaders,
        body: SendToNumberBody.meta({ examples: SEND_EXAMPLES }),
        response: { 202: Message, ...SEND_ERRORS, ...errors(403) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const r = unwrap(
        await sends.sendToNumber(p.organizationId, p, req.body, req.headers['idempotency-key']),
      );
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(r.message);
    },
  );

  app.post(
    '/conversations/:id/read',
    {
      config: { scope: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        security: keyOr('conversations:write'),
        summary: 'Mark a conversation read (unread count to zero; read receipt to the customer)',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await sends.markRead(p.organizationId, p, req.params.id));
      return reply.code(204).send(null);
    },
  );
};
