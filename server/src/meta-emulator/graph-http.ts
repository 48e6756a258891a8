// What every Graph route shares: the Fastify app with Meta's body handling, error object and
// version check (digest §0, §5), the bearer-token check against the WABA owning an object, and
// the 100/33 answer for objects a token cannot see.
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import type { EmulatorContext } from './context';
import { metaError } from './meta-errors';

/** Overrides of Meta's error object for one answer. */
export interface FailExtra {
  details?: string;
  subcode?: number;
  status?: number;
  title?: string;
}

/** The request helpers of the Graph routes. */
export interface GraphHttp {
  /** Answers Meta's error object for `code` (with its HTTP status unless overridden). */
  fail(reply: FastifyReply, code: number, extra?: FailExtra): FastifyReply;
  /** The access token from `Authorization: Bearer` or `?access_token=`. */
  bearer(req: FastifyRequest): string | null;
  /**
   * Checks the token against the WABA owning the object (`null`: no such object, so only the
   * token is checked); answers Meta's error and returns false when it fails.
   */
  authorize(req: FastifyRequest, reply: FastifyReply, wabaId: string | null): boolean;
  /** 100/33: the object does not exist or the token cannot see it. */
  objectMissing(reply: FastifyReply, id: string): void;
  /** The emulator's public URL, or the request's host before `listen()` set one. */
  baseUrlOf(req: FastifyRequest): string;
}

const VERSION = /^v\d{1,2}\.\d$/;

/** Creates the Graph request helpers over the emulator's tokens. */
export function createGraphHttp(ctx: EmulatorContext): GraphHttp {
  const { state } = ctx;

  const fail = (reply: FastifyReply, code: number, extra: FailExtra = {}) => {
    const e = metaError(code, { ...extra, traceId: ctx.traceId() });
    return reply.code(e.status).send(e.body);
  };

  function bearer(req: FastifyRequest): string | null {
    const h = req.headers.authorization;
    if (typeof h === 'string' && /^Bearer\s+\S+$/i.test(h)) return h.replace(/^Bearer\s+/i, '');
    const q = (req.query as Record<string, unknown> | undefined)?.access_token;
    return typeof q === 'string' && q ? q : null;
  }

  function objectMissing(reply: FastifyReply, id: string): void {
    fail(reply, 100, {
      title: 'Unsupported request - method type: get',
      details: `Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      subcode: 33,
    });
  }

  function authorize(req: FastifyRequest, reply: FastifyReply, wabaId: string | null): boolean {
    const token = bearer(req);
    if (!token) {
      fail(reply, 190, {
        title: 'An active access token must be used to query information about the current user.',
        status: 401,
      });
      return false;
    }
    const t = state.tokens.get(token);
    if (!t) {
      fail(reply, 190, { title: 'Invalid OAuth access token - Cannot parse access token', status: 401 });
      return false;
    }
    if (t.expired) {
      fail(reply, 190, {
        title: 'Error validating access token: Session has expired.',
        subcode: 463,
        status: 401,
      });
      return false;
    }
    if (wabaId !== null && !t.wabaIds.has(wabaId)) {
      objectMissing(reply, (req.params as { id?: string }).id ?? '');
      return false;
    }
    return true;
  }

  return {
    fail,
    bearer,
    authorize,
    objectMissing,
    baseUrlOf: (req) => ctx.publicUrl ?? `http://${req.headers.host ?? '127.0.0.1'}`,
  };
}

/**
 * The Fastify app before any route: JSON parsed safely (an unparsable body reaches the route
 * as `{ __invalidJson: true }`, which answers Meta's 100), multipart for uploads, framework
 * errors as Meta's error object, and an unknown `/:version` answered like Graph does.
 */
export function createGraphApp(graph: GraphHttp, opts: { logger?: boolean }): FastifyInstance {
  const { fail } = graph;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 10 * 1024 * 1024 });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(
        null,
        body === ''
          ? {}
          : sjson.parse(body as string, null, { protoAction: 'remove', constructorAction: 'remove' }),
      );
    } catch {
      done(null, { __invalidJson: true });
    }
  });
  // File bytes of the Resumable Upload API (`POST /upload:{id}`), whatever type they are sent as.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  void app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024 + 1, files: 1, fields: 10 } });

  app.setErrorHandler((error, _req, reply) => {
    const e = error as { statusCode?: number; message?: string };
    const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (status === 500) return fail(reply, 131000, { details: 'Internal error in the Meta emulator' });
    return fail(reply, 100, { details: e.message ?? 'Invalid request', status });
  });

  app.addHook('preHandler', async (req, reply) => {
    const v = (req.params as { version?: string } | undefined)?.version;
    if (v !== undefined && !VERSION.test(v)) {
      return fail(reply, 100, { title: 'Unknown path components', details: `Unknown version ${v}` });
    }
  });
  return app;
}
