import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiScope } from '#contract/api/api-keys';
import { IdParams } from '#contract/api/common';
import { LeadBody, LeadResult } from '#contract/api/intakes';
import { LEAD_SIGNATURE_HEADER, type LeadService } from '../../domain/intakes/lead-service';
import { sendAppError } from '../../plugins/error-handler';
import { errors, unwrap } from '../responses';

/** The API-key scope that may post leads (the route table carries it). */
export const INTAKE_SCOPE = 'intake:write' satisfies ApiScope;

/** Leads are small: a form's fields, not documents. */
export const LEAD_BODY_LIMIT = 64 * 1024;

const LeadHeaders = z.object({
  'x-signature-256': z
    .string()
    .max(200)
    .optional()
    .describe('`sha256=` + hex HMAC-SHA256 of the raw body with the intake’s secret'),
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, { message: 'Use printable ASCII without spaces' })
    .optional()
    .describe('A repeated key answers the first lead’s ids (200) instead of sending again'),
});

const SIGNING = `Authenticate EITHER with the intake's secret — header \`X-Signature-256: sha256=<hex
HMAC-SHA256 of the raw request body>\` — OR with an API key (or client-credentials token) holding
\`intake:write\` (\`Authorization: Bearer pk_live_…\`). Sign the exact bytes you send:

    body='{"phone":"+14155550123","name":"Ada","product":"Solar panels"}'
    sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$INTAKE_SECRET" | sed 's/^.* //')
    curl -X POST "$INTAKE_URL" -H 'content-type: application/json' \\
      -H "x-signature-256: sha256=$sig" -H 'idempotency-key: form-8731' -d "$body"

Node.js: \`'sha256=' + crypto.createHmac('sha256', secret).update(rawBody).digest('hex')\`.
Python: \`'sha256=' + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()\`.

Upserts the contact by number (\`name\` set when given; \`email\` and every extra field kept as
custom attributes), opens or reuses the conversation on the intake's number, assigns the intake's
team, adds its labels and queues its template with the mapped fields (like any send: queued,
threaded, counted). Answers 201 \`{contactId, conversationId, messageId}\`; a repeat with the same
\`Idempotency-Key\` or \`externalId\` answers 200 with the first lead's ids and sends nothing.
A field the template needs and the lead lacks → 422 naming it; bad signature → 401; unknown or
disabled intake → 404.`;

/**
 * `POST /api/v1/intakes/:id/leads`. Its JSON parser keeps the raw bytes (the signature covers
 * exactly them) and then parses them as every route does; authentication is the signature when
 * no bearer is sent, else the usual bearer check (API key with `intake:write`, or an admin).
 */
export const leadRoutes: FastifyPluginAsyncZod<{ leads: LeadService }> = async (app, { leads }) => {
  const raw = new WeakMap<FastifyRequest, Buffer>();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: LEAD_BODY_LIMIT },
    (req, body, done) => {
      raw.set(req, body as Buffer);
      parseJson(req, (body as Buffer).toString('utf8'), done);
    },
  );
  app.addHook('preHandler', async (req, reply) => {
    if (req.headers.authorization !== undefined) {
      await app.requireAuth(req, reply);
      return;
    }
    if (req.headers[LEAD_SIGNATURE_HEADER] === undefined) {
      await sendAppError(reply, {
        code: 'unauthorized',
        message:
          'Sign the lead with the intake’s secret (X-Signature-256: sha256=<hex HMAC-SHA256 of the body>) or send an API key with the intake:write scope',
      });
      return reply;
    }
  });

  app.post(
    '/:id/leads',
    {
      bodyLimit: LEAD_BODY_LIMIT,
      config: { scope: INTAKE_SCOPE },
      schema: {
        tags: ['intakes'],
        summary: 'Post a lead to an intake (signed with its secret, or an API key with intake:write)',
        description: SIGNING,
        security: [
          { intakeSignature: [] },
          { apiKey: [INTAKE_SCOPE] },
          { oauth2: [INTAKE_SCOPE] },
          { bearerAuth: [] },
        ],
        params: IdParams,
        headers: LeadHeaders,
        body: LeadBody,
        response: {
          201: LeadResult.describe('The lead was accepted and its template queued'),
          200: LeadResult.describe('A repeat of an earlier lead (same Idempotency-Key or externalId)'),
          ...errors(400, 401, 403, 404, 413, 415, 422, 429, 500),
        },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const p = req.principal;
      const outcome = unwrap(
        p
          ? await leads.receive(p.organizationId, p, req.params.id, req.body, key)
          : await leads.receiveSigned(
              req.params.id,
              raw.get(req) ?? Buffer.alloc(0),
              req.headers[LEAD_SIGNATURE_HEADER],
              req.body,
              key,
            ),
      );
      const { replayed, ...ids } = outcome;
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(ids);
    },
  );
};
