import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import { ListMessagesQuery, Message, MessagePage, SearchMessagesQuery } from '#contract/api/messages';
import type { MessageService } from '../../domain/messages/message-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap, keyOr } from '../responses';

/**
 * Message reads: `GET /conversations/:id/messages` (newest first, keyset by conversation
 * sequence) and `GET /messages/:id` (with reactions). Registered under `/api/v1`.
 */
export const messageRoutes: FastifyPluginAsyncZod<{ messages: MessageService }> = async (
  app,
  { messages },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['messages'], security: bearer };
  app.get(
    '/conversations/:id/messages',
    {
      config: { scope: 'messages:read' },
      schema: {
        ...common,
        security: keyOr('messages:read'),
        summary: 'Messages of a conversation, newest first',
        params: IdParams,
        querystring: ListMessagesQuery,
        response: { 200: MessagePage, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await messages.list(p.organizationId, p, req.params.id, req.query));
    },
  );
  app.get(
    '/messages',
    {
      config: { scope: 'messages:read' },
      schema: {
        ...common,
        security: keyOr('messages:read'),
        summary: 'Messages across the organization, newest first',
        description:
          'Every message the caller may see (an API key: the whole organization), newest first, keyset ' +
          'paged (`nextCursor`), narrowed by `conversationId`, `contactId`, `direction`, `status`, `type`, ' +
          '`since` (inclusive) and `until` (exclusive). Requires `messages:read` for API keys.',
        querystring: SearchMessagesQuery,
        response: { 200: MessagePage, ...errors(...AUTHED, 403, 429) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await messages.search(p.organizationId, p, req.query));
    },
  );
  app.get(
    '/messages/:id',
    {
      config: { scope: 'messages:read' },
      schema: {
        ...common,
        security: keyOr('messages:read'),
        summary: 'One message with its status and reactions',
        description:
          "The message with its delivery status and, when it failed, Meta's error in words. Requires " +
          '`messages:read` for API keys.',
        params: IdParams,
        response: { 200: Message, ...errors(...AUTHED, 403, 404, 429) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await messages.get(p.organizationId, p, req.params.id));
    },
  );
};
