import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import { ListMessagesQuery, Message, MessagePage } from '#contract/api/messages';
import type { MessageService } from '../../domain/messages/message-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap } from '../responses';

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
      schema: {
        ...common,
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
    '/messages/:id',
    {
      schema: {
        ...common,
        summary: 'One message with its status and reactions',
        params: IdParams,
        response: { 200: Message, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await messages.get(p.organizationId, p, req.params.id));
    },
  );
};
