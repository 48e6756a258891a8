import { describe, expect, it, vi } from 'vitest';
import { err, ok, type Result } from '#contract/result';
import { createIntegrationsHandlers } from './integrations-handlers';

const SERVER = 'https://parley.example.com';
const ID = '0190a1b2-0000-7000-8000-000000000001';
const DELIVERY = '0190a1b2-0000-7000-8000-0000000000d1';
const key = {
  id: ID,
  name: 'CRM',
  prefix: 'pk_live_abcd',
  scopes: ['messages:send'],
  allowedIps: [],
  rateLimitPerMinute: null,
  expiresAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: null,
  lastUsedAt: null,
  lastUsedIp: null,
  revokedAt: null,
};
const delivery = {
  id: DELIVERY,
  eventId: ID,
  eventType: 'webhook.test',
  state: 'succeeded',
  attempts: [
    { at: '2026-01-01T00:00:00.000Z', durationMs: 12, responseStatus: 200, responseBody: 'ok', error: null },
  ],
  nextAttemptAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** Handlers over a scripted server: `answers` by "METHOD path", each call recorded. */
function setup(answers: Record<string, Result<unknown>>) {
  const calls: string[] = [];
  const send = vi.fn(async (_url: string, method: string, path: string): Promise<Result<unknown>> => {
    calls.push(`${method} ${path}`);
    const none: Result<unknown> = err({ code: 'not_found', message: `no answer for ${method} ${path}` });
    return answers[`${method} ${path}`] ?? none;
  });
  const handlers = createIntegrationsHandlers({
    session: { withToken: (call) => call(SERVER, 'token-1') },
    auth: { send },
  });
  return { handlers, calls };
}

describe('integrations handlers', () => {
  it('lists keys from the one unpaged answer and revokes with DELETE', async () => {
    const { handlers, calls } = setup({
      'GET /api/v1/api-keys': ok({ data: [key], nextCursor: null }),
      [`DELETE /api/v1/api-keys/${ID}`]: ok(null),
    });
    expect(await handlers['admin:listApiKeys'](undefined)).toEqual(ok([key]));
    expect(await handlers['admin:revokeApiKey']({ id: ID })).toEqual(ok({ done: true }));
    expect(calls).toEqual(['GET /api/v1/api-keys', `DELETE /api/v1/api-keys/${ID}`]);
  });

  it('reaches the test, deliveries and retry routes of an endpoint', async () => {
    const { handlers, calls } = setup({
      [`POST /api/v1/webhooks/${ID}/test`]: ok(delivery),
      [`GET /api/v1/webhooks/${ID}/deliveries?limit=20&cursor=c1`]: ok({
        data: [delivery],
        nextCursor: null,
      }),
      [`POST /api/v1/webhooks/${ID}/deliveries/${DELIVERY}/retry`]: ok({ ...delivery, state: 'pending' }),
    });
    expect(await handlers['admin:testWebhook']({ id: ID })).toEqual(ok(delivery));
    const page = await handlers['admin:listWebhookDeliveries']({ id: ID, cursor: 'c1', limit: 20 });
    expect(page).toEqual(ok({ data: [delivery], nextCursor: null }));
    const retried = await handlers['admin:retryWebhookDelivery']({ id: ID, deliveryId: DELIVERY });
    expect(retried.ok && retried.value.state).toBe('pending');
    expect(calls).toHaveLength(3);
  });

  it('refuses an answer of the wrong shape and passes refusals through', async () => {
    const refused = err({ code: 'forbidden' as const, message: 'Only admins can manage API keys' });
    const { handlers } = setup({
      'GET /api/v1/webhooks?limit=200': ok({ data: [{ id: 'nope' }], nextCursor: null }),
      'GET /api/v1/api-keys': refused,
    });
    const r = await handlers['admin:listWebhooks'](undefined);
    expect(!r.ok && r.error.code).toBe('internal');
    expect(await handlers['admin:listApiKeys'](undefined)).toEqual(refused);
  });
});
