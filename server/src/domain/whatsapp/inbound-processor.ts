import { sql } from 'drizzle-orm';
import type { Clock } from '../../lib/clock';
import { normalizeWebhook, type WebhookEvent } from '../../meta/normalize';
import { parseWebhookBody } from '../../meta/webhook-payload';
import { recordChanges, rowsOf } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import type { StageTimings } from '../../lib/stage-timings';
import type { IngestResult, RoutedEvent } from '../messages/inbound-ingest';
import type { WebhookAccount, WebhookAccounts } from './webhook-accounts';
import { ingestIsolated, sanitizeRouted } from './inbound-isolation';
import { createInboundRouter, type Dropped } from './inbound-routing';
import type { QuarantineInput, WebhookQuarantine } from './webhook-quarantine';

/** Logger subset used here (pino-compatible). */
type Log = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
};

/** Options of {@link createInboundProcessor}. */
export type InboundProcessorDeps = {
  db: Db;
  clock: Clock;
  accounts: Pick<WebhookAccounts, 'get' | 'trusts' | 'ownersOfNumbers' | 'ownersOfWabas'>;
  ingest: (tx: Tx, routed: readonly RoutedEvent[], now: Date) => Promise<IngestResult>;
  log?: Log;
  /** Receipts per transaction (group commit), default 200. */
  batchSize?: number;
  /** Attempts before a receipt is given up (kept with its last error), default 8. */
  maxAttempts?: number;
  /** Safety-net sweep for receipts stored by processes that died, default 5 s. */
  sweepMs?: number;
  /** Where events that cannot be stored as sent go (flagged or quarantined, never dropped silently). */
  quarantine?: Pick<WebhookQuarantine, 'record'>;
  /** After a batch that stored media rows (wakes the media worker). */
  onMediaQueued?: () => void;
  /** The stage clock (issue 15): each committed batch reports its receipts' times and log seqs. */
  timings?: Pick<StageTimings, 'committed' | 'active'> | undefined;
  /**
   * On PGlite (one engine for everything) acknowledging comes first: while this says webhooks
   * are arriving, a drain waits for a quiet moment, at most `maxYieldMs` (default 1 s), then
   * takes a batch of at most `busyBatchSize` (default 100) so the stall it causes stays short.
   * Under a sustained burst the backlog grows and is worked off in those batches and after.
   */
  yieldTo?: () => boolean;
  maxYieldMs?: number;
  busyBatchSize?: number;
};

type Receipt = {
  id: number;
  whatsapp_account_id: string | null;
  organization_id: string | null;
  body: Uint8Array | Buffer;
  attempts: number;
  received_at: Date | string;
};

/** One organization's log written by a batch: up to `seq`, for receipts stored at `receivedAt`. */
type Committed = { org: string; seq: number; receivedAt: number[] };

export type { Dropped } from './inbound-routing';

/** Drains webhook receipts into the database, in batches, after Meta got its 200. */
export type InboundProcessor = ReturnType<typeof createInboundProcessor>;

/**
 * The asynchronous half of webhook ingest. `notify()` after a receipt is stored; `start()`
 * also replays what an earlier process stored and never processed (crash between 200 and
 * processing). Each drain claims up to `batchSize` receipts with `FOR UPDATE SKIP LOCKED` (several
 * processes can drain side by side), parses and routes their events, applies them in ONE
 * transaction with the receipts marked processed and the sync log written last. A failing batch
 * is retried receipt by receipt, and a receipt alone event by event (a savepoint each), so one
 * poison event never takes its neighbours with it: it goes to the quarantine. Strings PostgreSQL
 * cannot hold are replaced before ingest and the event is flagged `sanitized` there. A receipt
 * that keeps failing as a whole backs off and after `maxAttempts` is quarantined (never silently).
 */
export function createInboundProcessor(deps: InboundProcessorDeps) {
  const { db, clock, accounts } = deps;
  const batchSize = deps.batchSize ?? 200;
  const maxAttempts = deps.maxAttempts ?? 8;
  const dropped: Dropped[] = [];
  /** Receipt id → earliest retry time (ms) after a failure. */
  const backoff = new Map<number, number>();
  let running = false;
  let draining: Promise<void> | null = null;
  let again = false;
  let sweep: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const drop = (d: Dropped) => {
    if (dropped.length >= 1000) dropped.shift();
    dropped.push(d);
    deps.log?.info(d, 'webhook event acknowledged but not applied');
  };

  const { ownersOf, route } = createInboundRouter({ accounts, log: deps.log, drop });

  /**
   * Processes `receipts` (already locked by `tx`); returns whether media was queued. `isolate`:
   * each event in its own savepoint, a failing one quarantined (the retry of a failed batch).
   */
  const processIn = async (
    tx: Tx,
    receipts: Receipt[],
    isolate = false,
    committed?: Committed[],
  ): Promise<boolean> => {
    const now = clock.now();
    const routed: RoutedEvent[] = [];
    const failed: { id: number; error: string }[] = [];
    const quarantined: QuarantineInput[] = [];
    const receiptOf = new Map<RoutedEvent, number>();
    const urlAccounts = new Map<string, WebhookAccount | null>();
    const parsed: { receipt: Receipt; events: WebhookEvent[] }[] = [];
    for (const r of receipts) {
      const body = parseWebhookBody(Buffer.from(r.body));
      if (!body.ok) {
        // Signed with the app secret but unreadable: kept for inspection, never retried.
        failed.push({ id: r.id, error: `${body.error.code}: ${body.error.message}` });
        quarantined.push({
          organizationId: r.organization_id,
          whatsappAccountId: r.whatsapp_account_id,
          receiptId: r.id,
          outcome: 'receipt_failed',
          error: `${body.error.code}: ${body.error.message}`,
        });
        continue;
      }
      parsed.push({ receipt: r, events: normalizeWebhook(body.value) });
      const accountId = r.whatsapp_account_id;
      if (accountId && !urlAccounts.has(accountId))
        urlAccounts.set(accountId, await accounts.get(accountId, tx));
    }
    const owners = await ownersOf(
      tx,
      parsed.flatMap((p) => p.events),
    );
    for (const { receipt, events } of parsed) {
      const urlAccount = receipt.whatsapp_account_id
        ? (urlAccounts.get(receipt.whatsapp_account_id) ?? null)
        : null;
      for (const r of route(receipt.id, events, urlAccount, owners)) {
        const clean = sanitizeRouted(r, receipt.id, quarantined);
        receiptOf.set(clean, receipt.id);
        routed.push(clean);
      }
    }
    const result = isolate
      ? await ingestIsolated(tx, routed, now, deps.ingest, receiptOf, quarantined)
      : await deps.ingest(tx, routed, now);
    for (const id of result.orphanReactions)
      deps.log?.info({ wamid: id }, 'reaction to a message Parley does not have: ignored');
    for (const id of result.unknownTemplates)
      deps.log?.info(
        { templateId: id },
        'status of a template Parley has not synced: its account’s templates will be synced',
      );
    const ok = receipts.filter((r) => !failed.some((f) => f.id === r.id)).map((r) => r.id);
    await tx.execute(sql`
      update webhook_receipts set processed_at = ${now}, attempts = attempts + 1, last_error = null
      where id in (select value::bigint from json_array_elements_text(${JSON.stringify(ok)}::json))`);
    if (failed.length > 0)
      await tx.execute(sql`
        update webhook_receipts r set processed_at = ${now}, attempts = r.attempts + 1, last_error = v.e
        from json_to_recordset(${JSON.stringify(failed.map((f) => ({ id: f.id, e: f.error })))}::json) as v(id bigint, e text)
        where r.id = v.id`);
    await deps.quarantine?.record(tx, quarantined);
    // The sync log last: one clock row lock per organization, taken in a stable order.
    for (const org of [...result.changes.keys()].sort()) {
      const recorded = await recordChanges(tx, org, result.changes.get(org)!);
      if (recorded && committed)
        committed.push({
          org,
          seq: recorded.seq,
          receivedAt: receipts
            .filter((r) => r.organization_id === org)
            .map((r) => new Date(r.received_at).getTime()),
        });
    }
    return routed.some((r) => r.event.kind === 'message' && 'mediaId' in r.event.content);
  };

  const claim = async (tx: Tx, limit: number, onlyId?: number): Promise<Receipt[]> => {
    const now = Date.now();
    const skip = [...backoff].filter(([, at]) => at > now).map(([id]) => id);
    const rows = rowsOf<Receipt & { id: string | number }>(
      await tx.execute(sql`
        select id, whatsapp_account_id, organization_id, body, attempts, received_at from webhook_receipts
        where processed_at is null
          ${onlyId === undefined ? sql`` : sql`and id = ${onlyId}`}
          ${skip.length > 0 ? sql`and id not in (select value::bigint from json_array_elements_text(${JSON.stringify(skip)}::json))` : sql``}
        order by id limit ${limit}
        for update skip locked`),
    );
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  };

  /** Waits for a gap in receipt writes (see `yieldTo`); true when it gave up waiting. */
  const yieldToAcks = async (): Promise<boolean> => {
    if (!deps.yieldTo?.()) return false;
    const until = Date.now() + (deps.maxYieldMs ?? 1000);
    while (running && deps.yieldTo() && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
    return deps.yieldTo();
  };

  /** One batch; returns how many receipts it settled (0 = nothing to do). */
  const drainBatch = async (): Promise<number> => {
    let ids: number[] = [];
    try {
      let media = false;
      const busy = await yieldToAcks();
      const limit = busy ? Math.min(batchSize, deps.busyBatchSize ?? 100) : batchSize;
      const committed: Committed[] | undefined = deps.timings?.active() ? [] : undefined;
      const n = await db.transaction(async (tx) => {
        const receipts = await claim(tx, limit);
        ids = receipts.map((r) => r.id);
        if (receipts.length === 0) return 0;
        media = await processIn(tx, receipts, false, committed);
        return receipts.length;
      });
      for (const c of committed ?? []) deps.timings?.committed(c.org, c.seq, c.receivedAt);
      for (const id of ids) backoff.delete(id);
      if (media) deps.onMediaQueued?.();
      return n;
    } catch (e) {
      if (ids.length === 0) throw e;
      // Isolate the failure: each receipt alone.
      let settled = 0;
      for (const id of ids) settled += await drainOne(id);
      return Math.max(settled, 1);
    }
  };

  const drainOne = async (id: number): Promise<number> => {
    try {
      let media = false;
      const n = await db.transaction(async (tx) => {
        const receipts = await claim(tx, 1, id);
        if (receipts.length === 0) return 0;
        // Alone, event by event: what still fails is quarantined and the rest applied.
        media = await processIn(tx, receipts, true);
        return 1;
      });
      backoff.delete(id);
      if (media) deps.onMediaQueued?.();
      return n;
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      deps.log?.error({ receiptId: id, err: e }, 'webhook receipt processing failed');
      try {
        const attempts = await db.transaction(async (tx) => {
          const [row] = rowsOf<{
            attempts: number;
            organization_id: string | null;
            whatsapp_account_id: string | null;
          }>(
            await tx.execute(sql`
              update webhook_receipts set attempts = attempts + 1, last_error = ${error.slice(0, 2000)},
                processed_at = case when attempts + 1 >= ${maxAttempts} then ${clock.now()}::timestamptz else null end
              where id = ${id} and processed_at is null
              returning attempts, organization_id, whatsapp_account_id`),
          );
          if (row && row.attempts >= maxAttempts)
            // Never given up silently: the receipt goes where its organization's admins see it.
            await deps.quarantine?.record(tx, [
              {
                organizationId: row.organization_id,
                whatsappAccountId: row.whatsapp_account_id,
                receiptId: id,
                outcome: 'receipt_failed',
                error,
              },
            ]);
          return row?.attempts ?? maxAttempts;
        });
        if (attempts >= maxAttempts) {
          backoff.delete(id);
          deps.log?.error({ receiptId: id }, 'webhook receipt quarantined after repeated failures');
        } else backoff.set(id, Date.now() + Math.min(60_000, 1000 * 2 ** attempts));
      } catch {
        backoff.set(id, Date.now() + 5_000);
      }
      return 1;
    }
  };

  const drain = async () => {
    do {
      again = false;
      try {
        while (running && (await drainBatch()) > 0) {
          /* keep draining while there is work */
        }
      } catch (e) {
        deps.log?.error({ err: e }, 'webhook processing stopped on an error; retrying on the next sweep');
      }
    } while (running && again);
    draining = null;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((w) => w());
  };

  const notify = () => {
    if (!running) return;
    if (draining) again = true;
    else draining = drain();
  };

  return {
    notify,
    /** Starts processing, beginning with receipts left unprocessed by an earlier run. */
    start: () => {
      if (running) return;
      running = true;
      notify();
      sweep = setInterval(notify, deps.sweepMs ?? 5_000);
      sweep.unref();
    },
    /** Stops after the batch in progress. */
    stop: async () => {
      running = false;
      if (sweep) clearInterval(sweep);
      await draining;
    },
    /**
     * Resolves when every receipt stored before the call is processed (tests, benchmarks); by
     * whichever process drained it, so it also holds when several processes share the database.
     */
    idle: async () => {
      const [top] = rowsOf<{ m: string | number | null }>(
        await db.execute(sql`select max(id) as m from webhook_receipts`),
      );
      const upTo = Number(top?.m ?? 0);
      for (;;) {
        if (draining) await new Promise<void>((r) => idleWaiters.push(r));
        const waiting = rowsOf<{ id: string | number }>(
          await db.execute(sql`select id from webhook_receipts where processed_at is null and id <= ${upTo}`),
        ).filter((r) => !((backoff.get(Number(r.id)) ?? 0) > Date.now()));
        if (waiting.length === 0 || !running) return;
        notify();
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** Recently dropped events (unknown numbers, untrusted owners), newest last. */
    dropped: () => dropped as readonly Dropped[],
  };
}
