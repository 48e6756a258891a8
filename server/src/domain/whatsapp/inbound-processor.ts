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
   * On PGlite (one engine for everything) acknowledging comes first. A drain that finds the
   * processor idle (its previous drain ended over 250 ms ago) only waits while receipt writes are
   * in flight, woken by `settled` when they end: a webhook arriving alone is processed at once
   * (issue 15, no batching window at low load). Otherwise (webhooks keep coming, or receipts
   * arrived while a batch was processed) it waits for a quiet moment — no receipt asked for in
   * the last `quietMs` (default 25), a timer set to it, never polling — at most `maxYieldMs`
   * (default 1 s), then takes a batch of at most `busyBatchSize` (default 100) so the stall it
   * causes stays short. Under a sustained burst the backlog grows and is worked off in those
   * batches and after.
   */
  yieldTo?: { quietIn: (gapMs: number) => number; settled: (ms: number) => Promise<void> };
  quietMs?: number;
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

/**
 * A drain starting this long after the previous one ended finds the processor idle: on PGlite it
 * does not wait for a quiet moment (see `yieldTo`). Measured on a starved core, processing every
 * webhook at once at 20/s queued the acknowledgements for seconds; below ~4 webhooks/s each is
 * processed as soon as its receipt is written.
 */
const IDLE_MS = 250;

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
  /** When the last drain ended (ms since epoch); see `yieldTo`. */
  let lastDrainEnd = 0;

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

  /**
   * Waits for the receipt writes to end and, when `behind`, for a gap in them (see `yieldTo`);
   * true when it gave up waiting.
   */
  const yieldToAcks = async (behind: boolean): Promise<boolean> => {
    const y = deps.yieldTo;
    if (!y) return false;
    const gap = behind ? (deps.quietMs ?? 25) : 0;
    const until = Date.now() + (deps.maxYieldMs ?? 1000);
    for (let wait = y.quietIn(gap); wait > 0; wait = y.quietIn(gap)) {
      const left = until - Date.now();
      if (!running || left <= 0) return true;
      if (wait === Infinity) await y.settled(left);
      else await new Promise((r) => setTimeout(r, Math.min(wait, left)));
    }
    return false;
  };

  /**
   * One batch; returns whether another may find work: its claim came back full (more may wait),
   * or a failure was isolated. A short claim saw every receipt committed before it (bar those
   * backing off or locked by another process's drain), and one committed since has called
   * `notify` (the drain then runs again), so no empty transaction follows each message.
   */
  const drainBatch = async (behind: boolean): Promise<boolean> => {
    let ids: number[] = [];
    try {
      let media = false;
      const busy = await yieldToAcks(behind);
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
      return n >= limit;
    } catch (e) {
      if (ids.length === 0) throw e;
      // Isolate the failure: each receipt alone.
      for (const id of ids) await drainOne(id);
      return true;
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
    // Behind: receipts arrived while a batch was being processed (a further batch or pass), or
    // the previous drain ended less than IDLE_MS ago (webhooks keep coming: batch them).
    let behind = Date.now() - lastDrainEnd < IDLE_MS;
    do {
      again = false;
      try {
        while (running && (await drainBatch(behind))) behind = true;
      } catch (e) {
        deps.log?.error({ err: e }, 'webhook processing stopped on an error; retrying on the next sweep');
      }
      behind = true;
    } while (running && again);
    lastDrainEnd = Date.now();
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
