import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import { Message, SendMessageBody, SendToNumberBody } from '#contract/api/messages';
import type { SendService } from '../../domain/messages/send-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap, keyOr } from '../responses';

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
  const SEND_ERRORS = errors(...AUTHED, 404, 409, 422);

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
          "`whatsappAccountId` or the organization's only connected number. Takes every message type " +
          'of the conversation route. Answers 202 with the queued message; its status moves on as ' +
          'Meta reports (`GET /api/v1/messages/{id}`). A repeated `Idempotency-Key` returns the first ' +
          'result. Errors: `window_closed` (send an approved template), `opted_out`, ' +
          '`account_unavailable` (number disconnected or its token invalid), `invalid_input`. Requires ' +
          '`messages:send` for API keys; the message is attributed to the key (`apiKeyId`).',
        headers: IdempotencyHeaders,
        body: SendToNumberBody,
        response: { 202: Message, ...SEND_ERRORS, ...errors(403, 429) },
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
