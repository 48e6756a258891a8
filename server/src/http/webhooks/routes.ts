import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findSignatureHeader } from '../../meta/webhook-signature';
import type { WebhookReceiver } from '../../domain/whatsapp/webhook-receiver';
import type { StageTimings } from '../../lib/stage-timings';
import { unwrap } from '../responses';

/** Above Meta's 3 MB payload limit (digest §1.3), so a full batch always fits. */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

const Params = z.object({ accountId: z.uuid() });
const Handshake = z.object({
  'hub.mode': z.string().max(64).optional(),
  'hub.verify_token': z.string().max(512).optional(),
  'hub.challenge': z.string().max(512).optional(),
});

/**
 * `/webhooks/whatsapp/:accountId`: Meta's verification handshake and event POSTs. The JSON
 * parser of this context keeps the body as raw bytes: the signature covers exactly those bytes
 * (Meta signs its escaped-unicode serialisation), and the receipt stores them unchanged.
 */
export const webhookRoutes: FastifyPluginAsyncZod<{
  receiver: WebhookReceiver;
  timings?: StageTimings | undefined;
}> = async (app, { receiver, timings }) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );
  const common = { tags: ['webhooks'] };

  app.get(
    '/:accountId',
    {
      schema: {
        ...common,
        summary:
          'Meta verification handshake: the challenge back for subscribe + the right verify token, else 403',
        params: Params,
        querystring: Handshake,
      },
    },
    async (req, reply) => {
      const { challenge } = unwrap(
        await receiver.handshake(req.params.accountId, {
          mode: req.query['hub.mode'],
          token: req.query['hub.verify_token'],
          challenge: req.query['hub.challenge'],
        }),
      );
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .send(challenge);
    },
  );

  app.post(
    '/:accountId',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        ...common,
        summary: 'Meta events: X-Hub-Signature-256 checked over the raw body, stored, then 200',
        params: Params,
      },
    },
    async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // Refusals leave through the one error table (401 unauthorized, 503 service_unavailable).
      const { stored } = unwrap(
        await receiver.receive(req.params.accountId, raw, findSignatureHeader(req.headers)),
      );
      // Fastify's clock of this request starts when it was received (before the body was read).
      if (stored) timings?.receipt(reply.elapsedTime);
      return reply.type('text/plain; charset=utf-8').send('OK');
    },
  );
};
