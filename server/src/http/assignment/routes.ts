import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AutoAssignSettings, SetAutoAssignBody } from '#contract/api/assignment';
import { Member, SetAvailabilityBody, SetCapacityBody, UserIdParams } from '#contract/api/users';
import type { AvailabilityService } from '../../domain/assignment/availability-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap } from '../responses';

const IdParams = z.object({ id: z.uuid() });

/**
 * Availability, capacity and auto-assignment settings. Registered in the /api/v1 scope with full
 * paths, beside the resources they change (`/me`, `/users/:id`, `/teams/:id`,
 * `/whatsapp-accounts/:id`), so route tables and the cross-tenant matrix find them by prefix.
 */
export const assignmentRoutes: FastifyPluginAsyncZod<{ availability: AvailabilityService }> = async (
  app,
  { availability },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['assignment'], security: bearer };
  app.put(
    '/me/availability',
    {
      schema: {
        ...common,
        summary: 'Set yourself Available or Away',
        body: SetAvailabilityBody,
        response: { 200: Member, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await availability.setAvailability(p.organizationId, p, req.body.availability));
    },
  );
  app.put(
    '/users/:id/capacity',
    {
      schema: {
        ...common,
        summary: "Set a member's capacity for auto-assignment (managers, admins)",
        params: UserIdParams,
        body: SetCapacityBody,
        response: { 200: Member, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(
        await availability.setCapacity(p.organizationId, p, req.params.id, req.body.capacity, req.ip),
      );
    },
  );
  app.get(
    '/auto-assignment',
    {
      schema: {
        ...common,
        summary: 'Teams and numbers with auto-assignment on',
        response: { 200: AutoAssignSettings, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await availability.settings(p.organizationId, p));
    },
  );
  for (const [path, kind] of [
    ['/teams/:id/auto-assign', 'team'],
    ['/whatsapp-accounts/:id/auto-assign', 'number'],
  ] as const)
    app.put(
      path,
      {
        schema: {
          ...common,
          summary: `Turn auto-assignment on or off for a ${kind === 'team' ? 'team' : 'WhatsApp number'} (admin)`,
          params: IdParams,
          body: SetAutoAssignBody,
          response: { 200: AutoAssignSettings, ...errors(...AUTHED, 403, 404) },
        },
      },
      async (req) => {
        const p = principalOf(req);
        return unwrap(
          await availability.setAutoAssign(
            p.organizationId,
            p,
            kind,
            req.params.id,
            req.body.enabled,
            req.ip,
          ),
        );
      },
    );
};
