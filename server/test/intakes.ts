import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { messages } from '../src/storage/schema/index';
import type { LoggedIn } from './factories';
import type { OutboundWorld } from './outbound';

/** `X-Signature-256` of `body` with an intake's secret, as integrators compute it. */
export const signLead = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Calls for the lead-intake tests against an {@link OutboundWorld}. */
export function intakeKit(world: () => OutboundWorld) {
  return {
    /** POSTs a lead (exact bytes when a string), signed with `secret` unless a bearer is given. */
    postLead: async (
      id: string,
      lead: object | string,
      opts: { secret?: string; bearer?: string; headers?: Record<string, string> } = {},
    ) => {
      const body = typeof lead === 'string' ? lead : JSON.stringify(lead);
      const res = await world().t.app.inject({
        method: 'POST',
        url: `/api/v1/intakes/${id}/leads`,
        headers: {
          'content-type': 'application/json',
          ...(opts.secret !== undefined && { 'x-signature-256': signLead(opts.secret, body) }),
          ...(opts.bearer && { authorization: `Bearer ${opts.bearer}` }),
          ...opts.headers,
        },
        payload: body,
      });
      return { status: res.statusCode, body: res.json(), headers: res.headers };
    },
    /** POST /api/v1/intakes as `who`. */
    createIntake: async (who: LoggedIn, payload: object) =>
      world().t.app.inject({ method: 'POST', url: '/api/v1/intakes', headers: who.headers, payload }),
    /** A new API key of the world's organization with `scopes`. */
    newKey: async (scopes: string[]) => {
      const w = world();
      const res = await w.t.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: w.org.admin.headers,
        payload: { name: 'CRM', scopes },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string; key: string }>();
    },
    /** Messages of the world's organization. */
    messageCount: async () => {
      const w = world();
      return (
        await w.t.database.db.select().from(messages).where(eq(messages.organizationId, w.org.organizationId))
      ).length;
    },
  };
}
