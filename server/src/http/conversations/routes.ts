import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  Conversation,
  ConversationPage,
  ListConversationsQuery,
  UpdateConversationBody,
} from '#contract/api/conversations';
import type { ConversationService } from '../../domain/conversations/conversation-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, nonEmpty, unwrap, keyOr } from '../responses';

/**
 * `/api/v1/conversations`: the inbox (filters and keyset paging), one conversation, and workflow
 * changes. Agents see what is assigned to them and their teams' unassigned queue; others 404.
 */
export const conversationRoutes: FastifyPluginAsyncZod<{ conversations: ConversationService }> = async (
  app,
  { conversations },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['conversations'], security: bearer };
  app.get(
    '/',
    {
      config: { scope: 'conversations:read' },
      schema: {
        ...common,
        security: keyOr('conversations:read'),
        summary: 'List conversations, newest activity first',
        querystring: ListConversationsQuery,
        response: { 200: ConversationPage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await conversations.list(p.organizationId, p, req.query));
    },
  );
  app.get(
    '/:id',
    {
      config: { scope: 'conversations:read' },
      schema: {
        ...common,
        security: keyOr('conversations:read'),
        summary: 'One conversation',
        params: IdParams,
        response: { 200: Conversation, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await conversations.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      config: { scope: 'conversations:write' },
      schema: {
        ...common,
        security: keyOr('conversations:write'),
        summary: 'Change status (and snooze), assignee, team, important flag or labels',
        params: IdParams,
        body: nonEmpty(UpdateConversationBody),
        response: { 200: Conversation, ...errors(...AUTHED, 403, 404, 409, 422) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await conversations.update(p.organizationId, p, req.params.id, req.body));
    },
  );
};
