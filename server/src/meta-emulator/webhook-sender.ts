import { signWebhookBody } from '../meta/webhook-signature';
import { serializeLikeMeta } from './webhook-builders';

/** Where and how to deliver: the callback configured for a business number. */
export interface WebhookTarget {
  callbackUrl: string;
  appSecret: string;
}

/** One delivery (one POST body, possibly attempted several times). */
export interface DeliveryRecord {
  id: number;
  url: string;
  /** Exact bytes POSTed (Meta's escaped serialisation). */
  body: string;
  signature: string;
  payload: unknown;
  attempts: number;
  /** HTTP status of each attempt, or 0 for a network error. */
  responses: number[];
  state: 'pending' | 'delivered' | 'expired';
  createdAt: number;
}

/** Settings of the sender; all delays are injectable so tests run in milliseconds. */
export interface WebhookSenderOptions {
  fetch?: typeof globalThis.fetch;
  now: () => number;
  /** First retry delay; doubles each attempt (Meta: immediately, then decreasing frequency). Default 1 s. */
  retryBaseMs?: number;
  /** Cap of one retry delay, default 15 min. */
  retryMaxDelayMs?: number;
  /** Give up after this age (Meta: 7 days, digest §1.3/§10.1). */
  maxAgeMs?: number;
  /** Per-attempt timeout, default 10 s. */
  attemptTimeoutMs?: number;
}

/** Meta-like webhook sender: signed POSTs, retried until 2xx or too old. */
export interface WebhookSender {
  /** Queues a POST of `payload` after `delayMs`; resolves when delivered or expired. */
  deliver(target: WebhookTarget, payload: unknown, delayMs?: number): Promise<DeliveryRecord>;
  /** Resolves once nothing is pending (scheduled or in flight). */
  idle(): Promise<void>;
  /** Recent deliveries, oldest first. */
  log(): readonly DeliveryRecord[];
  /** Cancels pending timers; pending deliveries resolve as expired. */
  close(): void;
}

/** Deliveries kept for inspection (`log()`); older ones are forgotten. */
const LOG_LIMIT = 10_000;

/** Creates the webhook sender. */
export function createWebhookSender(opts: WebhookSenderOptions): WebhookSender {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const base = opts.retryBaseMs ?? 1000;
  const maxDelay = opts.retryMaxDelayMs ?? 15 * 60_000;
  const maxAge = opts.maxAgeMs ?? 7 * 24 * 3600_000;
  const attemptTimeout = opts.attemptTimeoutMs ?? 10_000;
  const records: DeliveryRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const finishers = new Set<() => void>();
  let pending = 0;
  let nextId = 1;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const settle = () => {
    pending--;
    if (pending === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      w.forEach((f) => f());
    }
  };

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  async function attempt(rec: DeliveryRecord): Promise<boolean> {
    rec.attempts++;
    const controller = new AbortController();
    const t = setTimeout(() => controller.abort(), attemptTimeout);
    try {
      const res = await doFetch(rec.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': rec.signature },
        body: rec.body,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      rec.responses.push(res.status);
      return res.status >= 200 && res.status < 300;
    } catch {
      rec.responses.push(0);
      return false;
    } finally {
      clearTimeout(t);
    }
  }

  return {
    deliver(target, payload, delayMs = 0) {
      const body = serializeLikeMeta(payload);
      const rec: DeliveryRecord = {
        id: nextId++,
        url: target.callbackUrl,
        body,
        signature: signWebhookBody(body, target.appSecret),
        payload,
        attempts: 0,
        responses: [],
        state: 'pending',
        createdAt: opts.now(),
      };
      records.push(rec);
      if (records.length > LOG_LIMIT) records.splice(0, records.length - LOG_LIMIT);
      pending++;
      return new Promise<DeliveryRecord>((resolve) => {
        const finish = (state: DeliveryRecord['state']) => {
          finishers.delete(expire);
          rec.state = state;
          settle();
          resolve(rec);
        };
        const expire = () => finish('expired');
        finishers.add(expire);
        const run = async (retry: number): Promise<void> => {
          if (closed) return;
          if (await attempt(rec)) return finish('delivered');
          if (closed) return;
          const delay = Math.min(maxDelay, base * 2 ** retry);
          if (opts.now() + delay - rec.createdAt > maxAge) return finish('expired');
          later(delay, () => void run(retry + 1));
        };
        later(delayMs, () => void run(0));
      });
    },
    idle() {
      return pending === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));
    },
    log: () => records,
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const f of [...finishers]) f();
    },
  };
}
