import { sql } from 'drizzle-orm';
import { fail, ok, type Result } from '#contract/result';
import { verifyWebhookSignature } from '../../meta/webhook-signature';
import type { Db } from '../../storage/db';
import { webhookReceipts } from '../../storage/schema/index';
import { safeEqual, type WebhookAccounts } from './webhook-accounts';

/**
 * A POST's outcome: `stored` false when it was acknowledged and dropped (a disconnected number).
 * Refusals are `unauthorized` (unknown account or bad signature, one answer for both: no oracle)
 * and `service_unavailable` (no app secret configured: fail closed); the detail goes to the log.
 */
export type ReceiveOutcome = Result<{ stored: boolean }>;

const refusedSignature = () => fail('unauthorized', 'Invalid webhook signature');

/** Counters for monitoring (quality bar 5.1: refused signatures are counted). */
export type WebhookCounters = { received: number; stored: number; refused: number; noSecret: number };

/** The acknowledgement path of Meta's webhooks: handshake, signature, durable receipt. */
export type WebhookReceiver = ReturnType<typeof createWebhookReceiver>;

type Row = { whatsappAccountId: string; organizationId: string; body: Buffer };
type Pending = Row & { resolve: () => void; reject: (e: unknown) => void };

/** Most receipts written by one statement. */
const MAX_GROUP = 256;

/**
 * Verifies and records webhook POSTs. Unknown account ids answer exactly like a bad
 * signature (401) and a bad verify token (403), so the endpoint is no oracle for which ids exist.
 * A valid POST costs one cached account lookup, one HMAC and its share of ONE insert: receipts
 * arriving while a write is in flight are written together by the next statement (group
 * commit), and each POST is answered only after the statement holding its body committed.
 * Processing happens after the 200 (`onStored` wakes the processor).
 */
export function createWebhookReceiver(deps: {
  db: Db;
  accounts: WebhookAccounts;
  onStored?: () => void;
  /** A handshake succeeded for this account (recorded for the "Verified" step). */
  onVerified?: (account: { id: string; organizationId: string }) => Promise<void>;
  /** Receipt writes in flight at once: 1 on PGlite (one engine), a few on PostgreSQL. */
  concurrentWrites?: number;
  log?: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
}) {
  const { db, accounts } = deps;
  const counters: WebhookCounters = { received: 0, stored: 0, refused: 0, noSecret: 0 };
  const maxInFlight = deps.concurrentWrites ?? 1;
  const insertOne = db
    .insert(webhookReceipts)
    .values({
      whatsappAccountId: sql.placeholder('accountId'),
      organizationId: sql.placeholder('organizationId'),
      body: sql.placeholder('body'),
    })
    .prepare('webhook_receipt_insert');
  const queue: Pending[] = [];
  let inFlight = 0;
  /** When the last receipt write was asked for (ms since epoch). */
  let lastStoreAt = 0;
  /** Called once no receipt write is queued or in flight (see `settled`). */
  let settledWaiters: (() => void)[] = [];

  const writeOne = (r: Row) =>
    insertOne.execute({ accountId: r.whatsappAccountId, organizationId: r.organizationId, body: r.body });
  const write = async (group: Pending[]) => {
    try {
      if (group.length === 1) await writeOne(group[0]!);
      else
        await db.insert(webhookReceipts).values(
          group.map((g) => ({
            whatsappAccountId: g.whatsappAccountId,
            organizationId: g.organizationId,
            body: g.body,
          })),
        );
      group.forEach((g) => g.resolve());
    } catch (e) {
      if (group.length === 1) return group[0]!.reject(e);
      // One row must not fail its neighbours: write them one by one.
      for (const g of group) await writeOne(g).then(g.resolve, g.reject);
    }
  };
  const pump = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const group = queue.splice(0, MAX_GROUP);
      inFlight++;
      void write(group).finally(() => {
        inFlight--;
        pump();
        if (inFlight === 0 && queue.length === 0 && settledWaiters.length > 0) {
          const w = settledWaiters;
          settledWaiters = [];
          w.forEach((f) => f());
        }
      });
    }
  };
  /** Resolves once the receipt is committed; rejects (→ 5xx, Meta retries) when it could not be. */
  const store = (row: Row) =>
    new Promise<void>((resolve, reject) => {
      lastStoreAt = Date.now();
      queue.push({ ...row, resolve, reject });
      pump();
    });

  return {
    counters,
    /**
     * How long until acknowledgements stop competing with processing (on PGlite the processor
     * yields to them; one engine serves both): Infinity while receipt writes are queued or in
     * flight (`settled` signals their end), else the ms until none has been asked for in the last
     * `gapMs` (0 = as soon as the writes are done).
     */
    quietIn: (gapMs: number): number => {
      if (inFlight > 0 || queue.length > 0) return Infinity;
      return Math.max(0, lastStoreAt + gapMs - Date.now());
    },

    /** Resolves once no receipt write is queued or in flight (at once when none is), or after `ms`. */
    settled: (ms: number): Promise<void> =>
      inFlight === 0 && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(done, ms);
            function done() {
              clearTimeout(timer);
              settledWaiters = settledWaiters.filter((w) => w !== done);
              resolve();
            }
            settledWaiters.push(done);
          }),

    /**
     * Meta's GET handshake: the challenge back only for `subscribe` with the right token; anything
     * else, unknown accounts included, is `forbidden`.
     */
    handshake: async (
      accountId: string,
      q: { mode?: string | undefined; token?: string | undefined; challenge?: string | undefined },
    ): Promise<Result<{ challenge: string }>> => {
      const refused = fail('forbidden', 'Verification failed');
      const account = await accounts.get(accountId);
      if (!account || account.status === 'disconnected') return refused;
      if (q.mode !== 'subscribe' || q.token === undefined || q.challenge === undefined) return refused;
      if (!safeEqual(q.token, account.verifyToken)) return refused;
      await deps.onVerified?.(account);
      return ok({ challenge: q.challenge });
    },

    /** Verifies the signature over the raw bytes, then stores them. Nothing is stored on refusal. */
    receive: async (
      accountId: string,
      rawBody: Buffer,
      signature: string | string[] | undefined,
    ): Promise<ReceiveOutcome> => {
      counters.received++;
      const account = await accounts.get(accountId);
      if (!account) {
        counters.refused++;
        deps.log?.warn({ accountId }, 'webhook refused: unknown account');
        return refusedSignature();
      }
      const verified = verifyWebhookSignature(rawBody, signature, account.appSecret);
      if (!verified.ok) {
        if (verified.error.code === 'no_secret') {
          counters.noSecret++;
          deps.log?.warn({ accountId }, 'webhook refused: no app secret configured (fail closed)');
          return fail('service_unavailable', 'This WhatsApp number has no app secret configured');
        }
        counters.refused++;
        deps.log?.warn(
          { accountId, code: verified.error.code, reason: verified.error.message },
          'webhook signature refused',
        );
        return refusedSignature();
      }
      if (account.status === 'disconnected') {
        // Acknowledged so Meta stops retrying; the number is no longer connected to Parley.
        deps.log?.info({ accountId }, 'webhook for a disconnected account acknowledged and dropped');
        return ok({ stored: false });
      }
      await store({ whatsappAccountId: account.id, organizationId: account.organizationId, body: rawBody });
      counters.stored++;
      deps.onStored?.();
      return ok({ stored: true });
    },
  };
}
