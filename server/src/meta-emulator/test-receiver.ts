import Fastify, { type FastifyInstance } from 'fastify';
import { normalizeWebhook, type WebhookEvent } from '../meta/normalize';
import { parseWebhookBody } from '../meta/webhook-payload';
import { findSignatureHeader, verifyWebhookSignature } from '../meta/webhook-signature';

/** What the receiver saw for one POST. */
export interface ReceivedPost {
  raw: Buffer;
  signatureOk: boolean;
  events: WebhookEvent[];
  status: number;
}

/**
 * A minimal stand-in for Parley's `/webhooks/whatsapp/:accountId` used by emulator tests and
 * benchmarks: raw-body signature check, parse, normalise, record. `failNext(n, status)` makes
 * it refuse the next n POSTs to exercise Meta-like retries.
 */
export interface TestReceiver {
  app: FastifyInstance;
  url: string;
  posts: ReceivedPost[];
  events(): WebhookEvent[];
  failNext(n: number, status?: number): void;
  /** Resolves once at least `n` events were recorded (or rejects after `timeoutMs`). */
  waitForEvents(n: number, timeoutMs?: number): Promise<WebhookEvent[]>;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1:0. */
export async function startTestReceiver(appSecret: string, verifyToken = 'verify'): Promise<TestReceiver> {
  const app = Fastify({ bodyLimit: 4 * 1024 * 1024 });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const posts: ReceivedPost[] = [];
  let failing = 0;
  let failStatus = 500;
  const waiters: (() => void)[] = [];
  const allEvents = () => posts.filter((p) => p.status === 200).flatMap((p) => p.events);

  app.get('/webhooks/whatsapp/:accountId', async (req, reply) => {
    const q = req.query as Record<string, string>;
    if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === verifyToken)
      return reply.type('text/plain').send(q['hub.challenge']);
    return reply.code(403).send();
  });
  app.post('/webhooks/whatsapp/:accountId', async (req, reply) => {
    const raw = req.body as Buffer;
    const sig = verifyWebhookSignature(raw, findSignatureHeader(req.headers), appSecret);
    const post: ReceivedPost = { raw, signatureOk: sig.ok, events: [], status: 200 };
    posts.push(post);
    if (!sig.ok) post.status = 401;
    else if (failing > 0) {
      failing--;
      post.status = failStatus;
    } else {
      const parsed = parseWebhookBody(raw);
      if (!parsed.ok) post.status = 400;
      else post.events = normalizeWebhook(parsed.value);
    }
    waiters.splice(0).forEach((w) => w());
    return reply.code(post.status).send(post.status === 200 ? 'ok' : 'no');
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url: `${address}/webhooks/whatsapp/acc-1`,
    posts,
    events: allEvents,
    failNext(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    async waitForEvents(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (allEvents().length < n) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${n} events, have ${allEvents().length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return allEvents();
    },
    close: () => app.close(),
  };
}
