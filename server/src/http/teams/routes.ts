import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  CreateTeamBody,
  ListTeamsQuery,
  Team,
  TeamMemberParams,
  TeamPage,
  UpdateTeamBody,
} from '#contract/api/teams';
import type { TeamService } from '../../domain/teams/team-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap } from '../responses';

/** `/api/v1/teams`: teams and team membership. Writes are admin-only. */
export const teamRoutes: FastifyPluginAsyncZod<{ teams: TeamService }> = async (app, { teams }) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['teams'], security: bearer };
  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'List teams',
        querystring: ListTeamsQuery,
        response: { 200: TeamPage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await teams.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Create a team (admin)',
        body: CreateTeamBody,
        response: { 201: Team, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await teams.create(p.organizationId, p, req.body, req.ip)));
    },
  );
  app.get(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'One team',
        params: IdParams,
        response: { 200: Team, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await teams.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Rename a team (admin)',
        params: IdParams,
        body: UpdateTeamBody,
        response: { 200: Team, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await teams.update(p.organizationId, p, req.params.id, req.body, req.ip));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Delete a team (admin)',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await teams.remove(p.organizationId, p, req.params.id, req.ip));
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/:id/members/:userId',
    {
      schema: {
        ...common,
        summary: 'Add a member to a team (admin, idempotent)',
        params: TeamMemberParams,
        response: { 200: Team, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await teams.addMember(p.organizationId, p, req.params.id, req.params.userId, req.ip));
    },
  );
  app.delete(
    '/:id/members/:userId',
    {
      schema: {
        ...common,
        summary: 'Remove a member from a team (admin, idempotent)',
        params: TeamMemberParams,
        response: { 200: Team, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await teams.removeMember(p.organizationId, p, req.params.id, req.params.userId, req.ip));
    },
  );
};
