import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../lib/clock';
import type { MediaStore } from '../domain/media/media-store';
import type { MessageContent } from '../domain/messages/message-content';
import { attachWamid, reconcileByCallbackData } from '../domain/messages/message-status';
import { buildOutboundBody, type OutboundContext } from '../domain/messages/outbound-body';
import {
  MARK_READ_QUEUE,
  SEND_QUEUE_PREFIX,
  sendQueueOf,
  type MarkReadPayload,
} from '../domain/messages/send-queue';
import type { AccountCredentials } from '../domain/whatsapp/account-service';
import type { GraphClient, GraphError } from '../meta/graph-client';
import { recordChanges, rowsOf, type Change } from '../storage/change-log';
import type { Db, Tx } from '../storage/db';
import type { JobQueue } from '../storage/job-queue';
import { createLeases } from '../storage/lease';
import { RecipientPacer, ThroughputGate, type PairRate } from './pacing';
import { createWorker, type JobOutcome, type Worker } from './worker';

// The send worker: drains the per-number send queues (`send:<accountId>`, filled by
// domain/messages/send-service.ts) into the Graph API.
//
// - One process sends for a number at a time: it holds the lease `send:<accountId>`
//   (jobs/lease.ts), renewed every lease/3; pacing state is therefore in memory and exact.
// - Per-conversation order: jobs carry ordering_key = conversation id and the claim skips a job
//   while an earlier job of its conversation is pending or running, so a conversation has at
//   most one send in flight and Meta receives its messages in conv_seq order.
// - Throughput: ThroughputGate (jobs/pacing.ts) never lets Meta count more than the number's
//   `throughput_mps` in any one-second window. Recipient pacing: RecipientPacer (Meta's pair
//   rate), and 4^X s backoff for that recipient only after a 131056.
// - Results are written in batches (one transaction per flush: message rows, job states,
//   account status, media upload ids, change log last), so the database is not the bottleneck
//   at 1,000 messages/s.
// - Meta's 200 means "accepted", not "sent": the message keeps status `queued` with its wamid
//   set, and only status webhooks move it to sent/delivered/read/failed (message-status.ts).
// - Ambiguous outcomes (timeout or connection lost after the request left, or a job found
//   `running` after a crash) are NEVER resent: the job waits in `awaiting_status` and a
//   `send_reconcile` job checks after `reconcileAfterMs` whether a status webhook carrying our
//   id (biz_opaque_callback_data) arrived; if not, the message fails "may not have been sent".
// - Auth failures (190 and the other `auth` codes): the number is flagged `token_invalid` with a
//   reason, its jobs stay pending and its queue stops until an admin reconnects it; other
//   numbers carry on.

/** Queue of the checks that follow an ambiguous send. */
export const RECONCILE_QUEUE = 'send_reconcile';
/** Payload of a reconcile job. */
export type ReconcilePayload = { messageId: string; sendJobId: number };

/** The code and sentence of a message whose send could not be confirmed (sync-protocol decision 2). */
export const MAY_NOT_HAVE_BEEN_SENT = {
  code: 'may_not_have_been_sent',
  message:
    'This message may not have been sent: WhatsApp did not confirm it. Check with the customer before sending again.',
} as const;

/** Uploaded media ids live 30 days at Meta (digest §6); reuse them for a day less. */
const MEDIA_REUSE_MS = 29 * 24 * 3600_000;

/** Settings of {@link createSendWorker} (all optional; tests shorten the waits). */
export type SendWorkerOptions = {
  workerId?: string;
  /** Lease on a number's queue (default 15 s, renewed every third). */
  leaseMs?: number;
  /** Per-recipient pacing; false turns it off (default 1 message / 6 s, burst 45). */
  pairRate?: PairRate | false;
  /** First backoff after a 131056 (then ×4 per strike); default 1 s as Meta prescribes. */
  pairRateBackoffMs?: number;
  /** Backoff of transient failures: base·2^(attempt−1) with jitter, capped (default 1 s → 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long an ambiguous send waits for a status webhook (default 60 s, decision 2). */
  reconcileAfterMs?: number;
  /** How often idle numbers are looked for (default 250 ms; `wake()` shortcuts it). */
  scanMs?: number;
  /** A number's dispatcher gives its lease up after this long without work (default 10 s). */
  releaseAfterIdleMs?: number;
  /** Jobs claimed per statement, and results written per transaction at most (default 500). */
  maxBatch?: number;
  /**
   * Results are batched for at most this long while sends are in flight (default 50 ms); the
   * last result of a burst is written at once.
   */
  flushMs?: number;
  /** Lease of each claimed job (default 60 s): after a crash, jobs are retaken this late. */
  jobLeaseMs?: number;
  random?: () => number;
};

/** Logger subset the worker uses. */
export type SendWorkerLog = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
};

/** Dependencies of {@link createSendWorker}. */
export type SendWorkerDeps = {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  jobs: JobQueue;
  mediaStore: MediaStore;
  /** Decrypted credentials of an account (account-service `credentials`). */
  credentials: (organizationId: string, accountId: string) => Promise<AccountCredentials | undefined>;
  log?: SendWorkerLog;
  /**
   * The job queue's namespace (`createJobQueue({namespace})`): the worker's own statements on the
   * jobs table (claim, scan, settle, leases) must see the same queue names as `jobs`.
   */
  namespace?: string | undefined;
};

/** The running send machinery: per-number dispatchers plus the reconcile and mark-read workers. */
export type SendWorker = {
  readonly workerId: string;
  start: () => void;
  stop: () => Promise<void>;
  /** Look for work now (after a send was committed). */
  wake: () => void;
  /** Resolves when no send, reconcile or mark-read job is due and nothing is in flight. */
  idle: () => Promise<void>;
  /** Counters for tests and benchmarks. */
  stats: () => { sent: number; rejected130429: number; ambiguous: number; claims: number };
};

type Claimed = {
  id: number;
  organizationId: string;
  messageId: string;
  conversationId: string;
  attempts: number;
  maxAttempts: number;
  /** `running` when the job was taken back from a holder whose lease expired (a crash). */
  prevState: string;
};

type MediaInfo = {
  id: string;
  mimeType: string;
  fileName: string | null;
  storageKey: string | null;
  metaUploadedId: string | null;
  metaUploadedAt: Date | null;
  accountId: string | null;
};

type Item = {
  job: Claimed;
  ctx: (OutboundContext & { status: string; waMessageId: string | null; contactId: string }) | null;
  media: MediaInfo | null;
};

type Failure = { code: string; title: string | null; message: string };

/** What one send attempt came to. */
type Outcome =
  | { kind: 'accepted'; item: Item; wamid: string; waId: string | null }
  | { kind: 'failed'; item: Item; failure: Failure; error: string }
  | { kind: 'retry'; item: Item; afterMs: number; error: string; failure: Failure }
  | { kind: 'reschedule'; item: Item; at: Date }
  | { kind: 'ambiguous'; item: Item; error: string }
  | { kind: 'skip'; item: Item }
  | { kind: 'auth'; item: Item; reason: string };

class Signal {
  private waiters: (() => void)[] = [];
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters = this.waiters.filter((f) => f !== done);
        resolve();
      };
      const t = setTimeout(done, Number.isFinite(ms) ? Math.max(0, ms) : 1000);
      this.waiters.push(done);
    });
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const json = (v: unknown) => JSON.stringify(v);

/** Creates the send worker (not started). */
export function createSendWorker(deps: SendWorkerDeps, options: SendWorkerOptions = {}): SendWorker {
  const { db, clock, graph, jobs, mediaStore } = deps;
  const workerId = options.workerId ?? `send:${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 15_000;
  const pairRate = options.pairRate === false ? null : (options.pairRate ?? { intervalMs: 6000, burst: 45 });
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
  const reconcileAfterMs = options.reconcileAfterMs ?? 60_000;
  const scanMs = options.scanMs ?? 250;
  const releaseAfterIdleMs = options.releaseAfterIdleMs ?? 10_000;
  const maxBatch = options.maxBatch ?? 500;
  const flushMs = options.flushMs ?? 50;
  const jobLeaseMs = options.jobLeaseMs ?? 60_000;
  const random = options.random ?? Math.random;
  const prefix = deps.namespace ? `${deps.namespace}:` : '';
  /** The stored name of a queue (with the namespace). */
  const qn = (queue: string) => prefix + queue;
  const SEND_FROM = qn(SEND_QUEUE_PREFIX);
  const SEND_TO = qn('send;'); // the first name after every `send:…` queue
  const leases = createLeases({ db, clock, namespace: deps.namespace });
  const mono = () => performance.now();
  const counters = { sent: 0, rejected130429: 0, ambiguous: 0, claims: 0 };
  const dispatchers = new Map<string, { busy: () => boolean; done: Promise<void>; wake: () => void }>();
  const scanSignal = new Signal();
  let running = false;
  let scanLoop: Promise<void> | undefined;

  const backoff = (attempt: number) =>
    Math.min(retryMaxMs, retryBaseMs * 2 ** Math.max(0, attempt - 1)) * (0.5 + random() / 2);

  // ------------------------------------------------------------------ classification

  /** What a Graph error means for this attempt (`upload`: a media upload, safe to repeat). */
  const classify = (item: Item, e: GraphError, pacer: RecipientPacer, upload = false): Outcome => {
    const attempt = item.job.attempts;
    if (e.kind === 'meta') {
      const c = e.catalog;
      const failure: Failure = { code: String(e.metaCode), title: e.title, message: c.agentMessage };
      if (c.kind === 'auth')
        return {
          kind: 'auth',
          item,
          reason: `WhatsApp rejected the access token (code ${e.metaCode}: ${e.title}). Reconnect the number with a new token; queued messages will then be sent.`,
        };
      if (e.metaCode === 130429) counters.rejected130429 += 1;
      if (c.retry === 'pair_rate')
        return {
          kind: 'retry',
          item,
          afterMs: pacer.penalize(item.job.conversationId),
          error: e.message,
          failure,
        };
      if (c.retry === 'backoff')
        return { kind: 'retry', item, afterMs: backoff(attempt), error: e.message, failure };
      if (c.retry === 'later')
        return {
          kind: 'retry',
          item,
          afterMs: e.metaCode === 131057 ? 60_000 : Math.max(backoff(attempt), 5 * 60_000),
          error: e.message,
          failure,
        };
      return { kind: 'failed', item, failure, error: e.message };
    }
    const transient: Failure = {
      code: e.kind,
      title: null,
      message: 'WhatsApp could not be reached. The message will be retried automatically.',
    };
    if (e.kind === 'network' || e.kind === 'timeout_before_send')
      return { kind: 'retry', item, afterMs: backoff(attempt), error: e.message, failure: transient };
    if (e.kind === 'ambiguous')
      return upload
        ? { kind: 'retry', item, afterMs: backoff(attempt), error: e.message, failure: transient }
        : { kind: 'ambiguous', item, error: e.message };
    // bad_response
    const status = e.httpStatus;
    if (status === null || status >= 500 || status === 429)
      return { kind: 'retry', item, afterMs: backoff(attempt), error: e.message, failure: transient };
    if (status >= 200 && status < 300 && !upload) return { kind: 'ambiguous', item, error: e.message };
    return {
      kind: 'failed',
      item,
      failure: {
        code: 'unexpected_response',
        title: null,
        message: `WhatsApp answered in an unexpected way (HTTP ${status}); the message was not sent.`,
      },
      error: e.message,
    };
  };

  // ------------------------------------------------------------------ claim and load

  const claim = async (accountId: string, limit: number): Promise<Claimed[]> => {
    const now = clock.now();
    const until = new Date(now.getTime() + jobLeaseMs);
    const queue = qn(sendQueueOf(accountId));
    const res = await db.execute(sql`
      with picked as (
        select j.id, j.state as prev_state from jobs j
        where j.queue = ${queue} and j.run_at <= ${now}
          and (j.state = 'pending' or (j.state = 'running' and j.locked_until < ${now}))
          and (j.ordering_key is null or not exists (
            select 1 from jobs e
            where e.queue = j.queue and e.ordering_key = j.ordering_key and e.id < j.id
              and e.state in ('pending', 'running')))
        order by j.run_at, j.id
        limit ${limit}
        for update skip locked
      )
      update jobs set state = 'running', locked_by = ${workerId}, locked_until = ${until},
        attempts = jobs.attempts + 1, updated_at = ${now}
      from picked where jobs.id = picked.id
      returning jobs.id, jobs.organization_id, jobs.payload, jobs.ordering_key, jobs.attempts, jobs.max_attempts,
        picked.prev_state`);
    return rowsOf<{
      id: string | number;
      organization_id: string;
      payload: { messageId: string };
      ordering_key: string;
      attempts: number;
      max_attempts: number;
      prev_state: string;
    }>(res)
      .map((r) => ({
        id: Number(r.id),
        organizationId: r.organization_id,
        messageId: r.payload.messageId,
        conversationId: r.ordering_key,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        prevState: r.prev_state,
      }))
      .sort((a, b) => a.id - b.id);
  };

  type ContextRow = {
    id: string;
    type: string;
    text: string | null;
    caption: string | null;
    content: MessageContent | null;
    status: string;
    wa_message_id: string | null;
    media_id: string | null;
    whatsapp_account_id: string;
    contact_id: string;
    phone_e164: string | null;
    wa_id: string | null;
    bsuid: string | null;
    reply_wamid: string | null;
    reaction_wamid: string | null;
  };
  type MediaRowRaw = {
    id: string;
    mime_type: string;
    file_name: string | null;
    storage_key: string | null;
    meta_uploaded_id: string | null;
    meta_uploaded_at: string | Date | null;
    whatsapp_account_id: string | null;
  };

  const load = async (organizationId: string, claimed: Claimed[]): Promise<Item[]> => {
    // Primary-key lookups only, whatever the planner believes: each message through its pkey
    // (the lateral `offset 0` keeps the planner from trading it for an organization-wide scan
    // when it has no statistics — PGlite has no autovacuum), then its conversation and contact.
    // Media and templates are read separately, and only when a message of the batch has them.
    const ids = `{${claimed.map((c) => c.messageId).join(',')}}`;
    const rows = rowsOf<ContextRow>(
      await db.execute(sql`
        select m.id, m.type, m.text, m.caption, m.content, m.status, m.wa_message_id, m.media_id,
          cv.whatsapp_account_id, ct.id as contact_id, ct.phone_e164, ct.wa_id, ct.bsuid,
          (select r.wa_message_id from messages r where r.id = m.reply_to_message_id
             and r.organization_id = m.organization_id) as reply_wamid,
          case when m.type = 'reaction' then (
            select rt.wa_message_id from messages rt
            where rt.id = (m.content -> 'reaction' ->> 'messageId')::uuid and rt.organization_id = m.organization_id
          ) end as reaction_wamid
        from unnest(${ids}::uuid[]) as k(id)
        cross join lateral (select * from messages x where x.id = k.id offset 0) m
        join conversations cv on cv.id = m.conversation_id and cv.organization_id = m.organization_id
        join contacts ct on ct.id = cv.contact_id and ct.organization_id = cv.organization_id
        where m.organization_id = ${organizationId}`),
    );
    const mediaIds = [...new Set(rows.flatMap((r) => (r.media_id ? [r.media_id] : [])))];
    const mediaRows = mediaIds.length
      ? rowsOf<MediaRowRaw>(
          await db.execute(sql`
            select id, mime_type, file_name, storage_key, meta_uploaded_id, meta_uploaded_at, whatsapp_account_id
            from media where organization_id = ${organizationId}
              and id = any(${`{${mediaIds.join(',')}}`}::uuid[])`),
        )
      : [];
    const mediaById = new Map(mediaRows.map((m) => [m.id, m]));
    const tplKeys = [
      ...new Set(
        rows.flatMap((r) =>
          r.type === 'template' && r.content?.template
            ? [JSON.stringify([r.whatsapp_account_id, r.content.template.name, r.content.template.language])]
            : [],
        ),
      ),
    ].map((k) => JSON.parse(k) as [string, string, string]);
    const tplRows = tplKeys.length
      ? rowsOf<{ a: string; name: string; language: string; components: unknown; parameter_format: string }>(
          await db.execute(sql`
            select t.whatsapp_account_id as a, t.name, t.language, t.components, t.parameter_format
            from templates t join json_to_recordset(${json(tplKeys.map(([a, n, l]) => ({ a, n, l })))}::json)
              as k(a uuid, n text, l text)
              on t.whatsapp_account_id = k.a and t.name = k.n and t.language = k.l
            where t.organization_id = ${organizationId}`),
        )
      : [];
    const tplOf = (r: ContextRow) =>
      r.type === 'template' && r.content?.template
        ? tplRows.find(
            (t) =>
              t.a === r.whatsapp_account_id &&
              t.name === r.content!.template!.name &&
              t.language === r.content!.template!.language,
          )
        : undefined;
    const byId = new Map(rows.map((r) => [r.id, r]));
    return claimed.map((job) => {
      const r = byId.get(job.messageId);
      if (!r) return { job, ctx: null, media: null };
      const md = r.media_id ? mediaById.get(r.media_id) : undefined;
      const tpl = tplOf(r);
      return {
        job,
        ctx: {
          messageId: r.id,
          type: r.type,
          text: r.text,
          caption: r.caption,
          content: r.content,
          status: r.status,
          waMessageId: r.wa_message_id,
          contactId: r.contact_id,
          phoneE164: r.phone_e164,
          waId: r.wa_id,
          bsuid: r.bsuid,
          replyToWamid: r.reply_wamid,
          reactionTargetWamid: r.reaction_wamid,
          mediaFileName: md?.file_name ?? null,
          templateComponents: tpl?.components ?? null,
          templateParameterFormat: tpl?.parameter_format ?? null,
        },
        media: md
          ? {
              id: md.id,
              mimeType: md.mime_type,
              fileName: md.file_name,
              storageKey: md.storage_key,
              metaUploadedId: md.meta_uploaded_id,
              metaUploadedAt: md.meta_uploaded_at ? new Date(md.meta_uploaded_at) : null,
              accountId: md.whatsapp_account_id,
            }
          : null,
      };
    });
  };

  // ------------------------------------------------------------------ one number

  type Dispatcher = { busy: () => boolean; wake: () => void; done: Promise<void> };

  const driveAccount = async (
    accountId: string,
    organizationId: string,
    entry: Dispatcher,
  ): Promise<void> => {
    const leaseName = sendQueueOf(accountId);
    if (!(await leases.acquire(leaseName, workerId, leaseMs))) return;
    let lost = false;
    const signal = new Signal();
    const renew = setInterval(() => {
      leases.acquire(leaseName, workerId, leaseMs).then(
        (until) => {
          if (!until) {
            lost = true;
            signal.notify();
          }
        },
        (e: unknown) => deps.log?.warn({ err: e, accountId }, 'send lease renewal failed'),
      );
    }, leaseMs / 3);

    let creds: AccountCredentials | undefined;
    let credsAt = -Infinity;
    const refresh = async () => {
      if (mono() - credsAt < 2000) return;
      creds = await deps.credentials(organizationId, accountId);
      credsAt = mono();
    };
    // The cap is set from the account on each loop turn (it may be edited while we send).
    const gate = new ThroughputGate(80, mono);
    const pacer = new RecipientPacer(pairRate, mono, options.pairRateBackoffMs ?? 1000);
    const uploadCache = new Map<
      string,
      Promise<{ ok: true; id: string } | { ok: false; outcome: Outcome }>
    >();
    const uploads: { mediaId: string; metaId: string; at: Date }[] = [];
    let results: Outcome[] = [];
    let inFlight = 0;
    let authStopped = false;
    let flushing: Promise<void> = Promise.resolve();
    let flushTimer: NodeJS.Timeout | undefined;
    let lastWork = mono();

    const ensureUploaded = (item: Item, c: AccountCredentials) => {
      const m = item.media!;
      if (m.metaUploadedId && m.accountId === accountId && m.metaUploadedAt)
        if (clock.now().getTime() - m.metaUploadedAt.getTime() < MEDIA_REUSE_MS)
          return Promise.resolve({ ok: true as const, id: m.metaUploadedId });
      let p = uploadCache.get(m.id);
      if (!p) {
        p = (async () => {
          const opened = m.storageKey ? await mediaStore.open(m.storageKey) : null;
          if (!opened)
            return {
              ok: false as const,
              outcome: {
                kind: 'failed' as const,
                item,
                failure: {
                  code: 'media_missing',
                  title: null,
                  message: 'The file of this message is no longer available.',
                },
                error: 'media bytes missing',
              },
            };
          const chunks: Buffer[] = [];
          for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
          const r = await graph.uploadMedia(c.phoneNumberId, c.accessToken, {
            bytes: Buffer.concat(chunks),
            mimeType: m.mimeType,
            fileName: m.fileName ?? 'file',
          });
          if (!r.ok) {
            uploadCache.delete(m.id);
            return { ok: false as const, outcome: classify(item, r.error, pacer, true) };
          }
          uploads.push({ mediaId: m.id, metaId: r.value.mediaId, at: clock.now() });
          return { ok: true as const, id: r.value.mediaId };
        })();
        uploadCache.set(m.id, p);
      }
      return p.then((r) => (r.ok ? r : { ok: false as const, outcome: { ...r.outcome, item } as Outcome }));
    };

    const sendOne = async (item: Item, c: AccountCredentials): Promise<Outcome> => {
      const ctx = item.ctx!;
      let mediaId: string | null = null;
      if (item.media) {
        const up = await ensureUploaded(item, c);
        if (!up.ok) return up.outcome;
        mediaId = up.id;
      }
      const built = buildOutboundBody(ctx, mediaId);
      if (!built.ok)
        return {
          kind: 'failed',
          item,
          failure: { code: built.problem.code, title: null, message: built.problem.message },
          error: built.problem.message,
        };
      const r = await graph.sendMessage(c.phoneNumberId, c.accessToken, built.body);
      if (r.ok) {
        pacer.succeeded(item.job.conversationId);
        counters.sent += 1;
        return { kind: 'accepted', item, wamid: r.value.wamid, waId: r.value.waId };
      }
      return classify(item, r.error, pacer);
    };

    const scheduleFlush = () => {
      if (flushTimer) return;
      flushTimer = setTimeout(
        () => {
          flushTimer = undefined;
          flushing = flushing.then(flush);
        },
        inFlight > 0 ? flushMs : 0,
      );
    };

    const flush = async (): Promise<void> => {
      const batch = results;
      const ups = uploads.splice(0);
      results = [];
      if (batch.length === 0 && ups.length === 0) return;
      try {
        await writeResults(organizationId, accountId, batch, ups);
      } catch (e) {
        deps.log?.error({ err: e, accountId }, 'writing send results failed; retrying');
        results = [...batch, ...results];
        uploads.unshift(...ups);
        await sleep(500);
        if (running) scheduleFlush();
      }
      signal.notify();
    };

    const push = (o: Outcome) => {
      results.push(o);
      if (o.kind === 'auth') authStopped = true;
      if (o.kind === 'ambiguous') counters.ambiguous += 1;
      if (results.length >= maxBatch) {
        clearTimeout(flushTimer);
        flushTimer = undefined;
        flushing = flushing.then(flush);
      } else scheduleFlush();
    };

    let buffer: Item[] = [];
    // The next batch is claimed while the current one is still being sent (prefetch), so a
    // claim's round trip never leaves free slots unused.
    let prefetch: Promise<void> | null = null;
    let prefetchError: unknown = null;
    // Set when a claim came back empty: no claim is made again before the loop has waited for a
    // signal (a send answered, results were written, `wake()`: new work was committed) or a
    // short poll. Claiming again at once would spin, and on PGlite a statement resolves without
    // ever returning to the event loop, so a spinning claim loop starves every timer, socket and
    // request of the process (the demo hang): this wait is the loop's only yield when it is idle.
    let claimedNothing = false;
    const fill = () => {
      const limit = Math.min(maxBatch, gate.room() - buffer.length);
      if (prefetch || claimedNothing || limit <= 0) return;
      prefetch = (async () => {
        try {
          counters.claims += 1;
          const claimed = await claim(accountId, limit);
          if (claimed.length > 0) buffer.push(...(await load(organizationId, claimed)));
          else claimedNothing = true;
        } catch (e) {
          prefetchError = e;
        } finally {
          prefetch = null;
          signal.notify();
        }
      })();
    };
    entry.busy = () => inFlight > 0 || results.length > 0 || buffer.length > 0 || prefetch !== null;
    entry.wake = () => signal.notify();
    try {
      while (running && !lost && !authStopped) {
        await refresh();
        if (!creds || creds.status !== 'connected') break;
        gate.setCap(creds.throughputMps);
        if (prefetchError) throw prefetchError;
        if (buffer.length <= Math.ceil(creds.throughputMps / 10)) fill();
        if (buffer.length === 0) {
          if (prefetch) {
            await prefetch;
            continue;
          }
          if (claimedNothing && inFlight === 0 && results.length === 0) {
            // Nothing due and nothing pending here: poll gently, give the number up when idle.
            if (mono() - lastWork > releaseAfterIdleMs) break;
            await signal.wait(Math.min(scanMs, 100));
          } else {
            // Sends in flight or results unwritten (their settling may free a conversation's next
            // job), or no room in the throughput window: wait for them, or a short poll.
            await signal.wait(50);
          }
          claimedNothing = false;
          continue;
        }
        lastWork = mono();
        const item = buffer[0]!;
        const ctx = item.ctx;
        // Nothing to send: the message vanished, or already has a wamid / a final status.
        if (!ctx || ctx.waMessageId || ctx.status !== 'queued') {
          buffer.shift();
          push({ kind: 'skip', item });
          continue;
        }
        // Taken back after a crash: it may have reached Meta. Never resend blindly.
        if (item.job.prevState === 'running') {
          buffer.shift();
          push({ kind: 'ambiguous', item, error: 'send interrupted (lease expired); outcome unknown' });
          continue;
        }
        const pace = pacer.waitMs(item.job.conversationId);
        if (pace > 0) {
          buffer.shift();
          push({ kind: 'reschedule', item, at: new Date(clock.now().getTime() + pace) });
          continue;
        }
        const wait = gate.waitMs();
        if (wait > 0) {
          await signal.wait(wait);
          continue;
        }
        buffer.shift();
        gate.take();
        pacer.take(item.job.conversationId);
        inFlight += 1;
        const c = creds;
        void sendOne(item, c)
          .catch((e: unknown): Outcome => ({
            kind: 'retry',
            item,
            afterMs: backoff(item.job.attempts),
            error: e instanceof Error ? e.message : String(e),
            failure: { code: 'internal', title: null, message: 'Sending failed; it will be retried.' },
          }))
          .then((o) => {
            gate.done();
            inFlight -= 1;
            push(o);
            signal.notify();
          });
      }
    } catch (e) {
      deps.log?.error({ err: e, accountId }, 'send dispatcher failed');
    } finally {
      clearInterval(renew);
      await prefetch;
      // Claimed but not started: back to pending, not counted as an attempt.
      for (const item of buffer) push({ kind: 'reschedule', item, at: clock.now() });
      buffer = [];
      while (inFlight > 0) await signal.wait(50);
      clearTimeout(flushTimer);
      flushTimer = undefined;
      for (let i = 0; i < 5 && (results.length > 0 || uploads.length > 0); i++) {
        flushing = flushing.then(flush);
        await flushing;
      }
      await flushing;
      await leases.release(leaseName, workerId).catch(() => undefined);
      pacer.prune();
    }
  };

  // ------------------------------------------------------------------ writing results

  const writeResults = async (
    organizationId: string,
    accountId: string,
    batch: Outcome[],
    ups: { mediaId: string; metaId: string; at: Date }[],
  ) => {
    const now = clock.now();
    await db.transaction(async (tx) => {
      const changes: Change[] = [];
      const settle: { id: number; s: string; r: string | null; e: string | null; d: number }[] = [];
      const failed: { id: string; c: string; t: string | null; m: string }[] = [];
      const accepted: { id: string; w: string }[] = [];
      const learn: { cid: string; wa: string }[] = [];
      const reconcile: { messageId: string; sendJobId: number }[] = [];
      let authReason: string | null = null;

      for (const o of batch) {
        const job = o.item.job;
        switch (o.kind) {
          case 'accepted':
            accepted.push({ id: job.messageId, w: o.wamid });
            if (o.waId && o.item.ctx && !o.item.ctx.waId)
              learn.push({ cid: o.item.ctx.contactId, wa: o.waId });
            settle.push({ id: job.id, s: 'done', r: null, e: null, d: 0 });
            break;
          case 'skip':
            settle.push({ id: job.id, s: 'done', r: null, e: null, d: 0 });
            break;
          case 'failed':
            failed.push({ id: job.messageId, c: o.failure.code, t: o.failure.title, m: o.failure.message });
            settle.push({ id: job.id, s: 'failed', r: null, e: o.error, d: 0 });
            break;
          case 'retry':
            if (job.attempts >= job.maxAttempts) {
              failed.push({
                id: job.messageId,
                c: o.failure.code,
                t: o.failure.title,
                m: `WhatsApp kept refusing this message${o.failure.title ? ` (${o.failure.title})` : ''}; it was not sent. Try again later.`,
              });
              settle.push({ id: job.id, s: 'failed', r: null, e: o.error, d: 0 });
            } else
              settle.push({
                id: job.id,
                s: 'pending',
                r: new Date(now.getTime() + o.afterMs).toISOString(),
                e: o.error,
                d: 0,
              });
            break;
          case 'reschedule':
            settle.push({ id: job.id, s: 'pending', r: o.at.toISOString(), e: null, d: -1 });
            break;
          case 'auth':
            authReason = o.reason;
            // Not an attempt: the job waits, pending, until the number is reconnected.
            settle.push({ id: job.id, s: 'pending', r: now.toISOString(), e: o.reason, d: -1 });
            break;
          case 'ambiguous':
            settle.push({ id: job.id, s: 'awaiting_status', r: null, e: o.error, d: 0 });
            reconcile.push({ messageId: job.messageId, sendJobId: job.id });
            break;
        }
      }

      if (ups.length > 0) {
        const rows = rowsOf<{ id: string }>(
          await tx.execute(sql`
            update media m set meta_uploaded_id = v.m, meta_uploaded_at = v.at, whatsapp_account_id = ${accountId},
              updated_at = ${now}
            from json_to_recordset(${json(ups.map((u) => ({ id: u.mediaId, m: u.metaId, at: u.at })))}::json)
              as v(id uuid, m text, at timestamptz)
            where m.id = v.id and ${sameOrg(sql`m.organization_id`, organizationId)}
            returning m.id`),
        );
        for (const r of rows) changes.push({ entity: 'media', entityId: r.id });
      }

      if (accepted.length > 0) {
        const rows = rowsOf<{ id: string; conversation_id: string; wa_message_id: string }>(
          await tx.execute(sql`
            update messages m set wa_message_id = v.w, updated_at = ${now}
            from json_to_recordset(${json(accepted)}::json) as v(id uuid, w text)
            where m.id = v.id and ${sameOrg(sql`m.organization_id`, organizationId)}
              and (m.wa_message_id is null or m.wa_message_id = v.w)
            returning m.id, m.conversation_id, m.wa_message_id`),
        );
        for (const r of rows)
          changes.push({ entity: 'message', entityId: r.id, conversationId: r.conversation_id });
        // Status webhooks that beat the response were recorded by wamid: apply them now.
        const early = new Set(
          rowsOf<{ wa_message_id: string }>(
            await tx.execute(sql`
              select distinct wa_message_id from message_status_events
              where organization_id = ${organizationId}
                and wa_message_id in (select value from json_array_elements_text(${json(rows.map((r) => r.wa_message_id))}::json))`),
          ).map((r) => r.wa_message_id),
        );
        for (const r of rows)
          if (early.has(r.wa_message_id))
            changes.push(...(await attachWamid(tx, organizationId, r.id, r.wa_message_id, now)));
      }
      if (learn.length > 0) {
        // The WhatsApp id Meta resolved the number to: later webhooks from this user match the contact.
        const rows = rowsOf<{ id: string }>(
          await tx.execute(sql`
            update contacts c set wa_id = v.wa, updated_at = ${now}
            from json_to_recordset(${json(learn)}::json) as v(cid uuid, wa text)
            where c.id = v.cid and ${sameOrg(sql`c.organization_id`, organizationId)} and c.wa_id is null
              and not exists (select 1 from contacts o where o.organization_id = ${organizationId} and o.wa_id = v.wa)
            returning c.id`),
        );
        for (const r of rows) changes.push({ entity: 'contact', entityId: r.id });
      }

      if (failed.length > 0) changes.push(...(await failMessages(tx, organizationId, failed, now)));

      if (settle.length > 0)
        await tx.execute(sql`
          update jobs j set state = v.s, run_at = coalesce(v.r, j.run_at), last_error = v.e,
            attempts = greatest(j.attempts + v.d, 0), locked_by = null, locked_until = null, updated_at = ${now}
          from json_to_recordset(${json(settle)}::json) as v(id bigint, s text, r timestamptz, e text, d int)
          where j.id = v.id and j.locked_by = ${workerId}`);

      if (reconcile.length > 0)
        await jobs.enqueueMany(
          tx,
          reconcile.map((r) => ({
            queue: RECONCILE_QUEUE,
            organizationId,
            dedupeKey: r.messageId,
            payload: r satisfies ReconcilePayload,
            runAt: new Date(now.getTime() + reconcileAfterMs),
          })),
        );

      if (authReason) {
        const rows = rowsOf<{ id: string }>(
          await tx.execute(sql`
            update whatsapp_accounts set status = 'token_invalid', status_reason = ${authReason}, updated_at = ${now}
            where organization_id = ${organizationId} and id = ${accountId} and status = 'connected'
            returning id`),
        );
        for (const r of rows) changes.push({ entity: 'whatsapp_account', entityId: r.id });
        if (rows.length > 0) deps.log?.warn({ accountId }, 'send queue stopped: access token rejected');
      }

      await recordChanges(tx, organizationId, changes);
    });
  };

  // ------------------------------------------------------------------ reconcile and mark read

  const reconcileWorker: Worker = createWorker<ReconcilePayload>({
    queue: RECONCILE_QUEUE,
    jobs,
    maxIdleMs: 1000,
    handler: async (job, { workerId: wid }): Promise<JobOutcome> => {
      const organizationId = job.organizationId!;
      const { messageId, sendJobId } = job.payload;
      const now = clock.now();
      await db.transaction(async (tx) => {
        const changes: Change[] = [];
        const hit = await reconcileByCallbackData(tx, organizationId, messageId, now);
        let settled: 'done' | 'failed' = 'done';
        if (hit) changes.push(...hit.changes);
        else {
          const [m] = rowsOf<{ status: string; wa_message_id: string | null }>(
            await tx.execute(sql`
              select status, wa_message_id from messages where organization_id = ${organizationId} and id = ${messageId}
              for update`),
          );
          if (m && m.status === 'queued' && !m.wa_message_id) {
            changes.push(
              ...(await failMessages(
                tx,
                organizationId,
                [
                  {
                    id: messageId,
                    c: MAY_NOT_HAVE_BEEN_SENT.code,
                    t: null,
                    m: MAY_NOT_HAVE_BEEN_SENT.message,
                  },
                ],
                now,
              )),
            );
            settled = 'failed';
          }
        }
        await tx.execute(sql`
          update jobs set state = ${settled}, updated_at = ${now},
            last_error = ${settled === 'failed' ? 'no status webhook within the reconcile window' : null}
          where id = ${sendJobId} and state = 'awaiting_status'`);
        await jobs.complete(job, wid, tx);
        await recordChanges(tx, organizationId, changes);
      });
      return { kind: 'settled' };
    },
    onError: (e) => deps.log?.error({ err: e }, 'reconcile worker error'),
  });

  const markReadWorker: Worker = createWorker<MarkReadPayload>({
    queue: MARK_READ_QUEUE,
    jobs,
    maxIdleMs: 1000,
    handler: async (job): Promise<JobOutcome> => {
      const c = await deps.credentials(job.organizationId!, job.payload.whatsappAccountId);
      if (!c) return { kind: 'fail', error: 'account gone' };
      if (c.status !== 'connected') return { kind: 'fail', error: `account ${c.status}` };
      const r = await graph.markRead(c.phoneNumberId, c.accessToken, job.payload.wamid);
      if (r.ok) return;
      const e = r.error;
      if (e.kind === 'meta')
        return e.catalog.retry === 'no'
          ? { kind: 'fail', error: e.message }
          : { kind: 'retry', error: e.message, afterMs: backoff(job.attempts) };
      // Marking read is idempotent: even an ambiguous failure may be repeated.
      return { kind: 'retry', error: e.message, afterMs: backoff(job.attempts) };
    },
    onError: (e) => deps.log?.error({ err: e }, 'mark-read worker error'),
  });

  // ------------------------------------------------------------------ scanning for numbers with work

  /** Numbers (connected) with due send jobs: one loose index scan over the send queues. */
  const accountsWithWork = async (): Promise<{ id: string; organizationId: string }[]> => {
    const now = clock.now();
    const queues = rowsOf<{ queue: string }>(
      await db.execute(sql`
        with recursive q as (
          (select queue from jobs where queue > ${SEND_FROM} and queue < ${SEND_TO}
             and state in ('pending', 'running') and run_at <= ${now} order by queue limit 1)
          union all
          select (select queue from jobs where queue > q.queue and queue < ${SEND_TO}
                    and state in ('pending', 'running') and run_at <= ${now} order by queue limit 1)
          from q where q.queue is not null
        )
        select queue from q where queue is not null`),
    );
    if (queues.length === 0) return [];
    const ids = json(queues.map((q) => q.queue.slice(SEND_FROM.length)));
    return rowsOf<{ id: string; organization_id: string }>(
      await db.execute(sql`
        select id, organization_id from whatsapp_accounts
        where status = 'connected' and id::text in (select value from json_array_elements_text(${ids}::json))`),
    ).map((r) => ({ id: r.id, organizationId: r.organization_id }));
  };

  const scan = async () => {
    while (running) {
      try {
        for (const a of await accountsWithWork()) {
          const existing = dispatchers.get(a.id);
          if (existing) {
            existing.wake();
            continue;
          }
          const entry: Dispatcher = { busy: () => true, wake: () => undefined, done: Promise.resolve() };
          dispatchers.set(a.id, entry);
          entry.done = driveAccount(a.id, a.organizationId, entry)
            .catch((e: unknown) => deps.log?.error({ err: e, accountId: a.id }, 'send dispatcher crashed'))
            .finally(() => {
              if (dispatchers.get(a.id) === entry) dispatchers.delete(a.id);
            });
        }
      } catch (e) {
        deps.log?.error({ err: e }, 'send scan failed');
      }
      await scanSignal.wait(scanMs);
    }
  };

  const dueCount = async (): Promise<number> => {
    const now = clock.now();
    const [r] = rowsOf<{ n: string | number }>(
      await db.execute(sql`
        select count(*) as n from jobs j
        where j.state in ('pending', 'running') and j.run_at <= ${now}
          and (j.queue in (${qn(RECONCILE_QUEUE)}, ${qn(MARK_READ_QUEUE)})
            or (j.queue > ${SEND_FROM} and j.queue < ${SEND_TO} and exists (
              select 1 from whatsapp_accounts a where a.status = 'connected'
                and ${SEND_FROM} || a.id::text = j.queue)))`),
    );
    return Number(r?.n ?? 0);
  };

  return {
    workerId,
    start: () => {
      if (running) return;
      running = true;
      scanLoop = scan();
      reconcileWorker.start();
      markReadWorker.start();
    },
    stop: async () => {
      running = false;
      scanSignal.notify();
      for (const d of dispatchers.values()) d.wake();
      await scanLoop;
      await Promise.all([...dispatchers.values()].map((d) => d.done));
      await Promise.all([reconcileWorker.stop(), markReadWorker.stop()]);
    },
    wake: () => {
      scanSignal.notify();
      reconcileWorker.wake();
      markReadWorker.wake();
    },
    idle: async () => {
      for (;;) {
        const busy = [...dispatchers.values()].some((d) => d.busy());
        if (!busy && (await dueCount()) === 0) {
          await Promise.all([reconcileWorker.idle(), markReadWorker.idle()]);
          if ((await dueCount()) === 0 && ![...dispatchers.values()].some((d) => d.busy())) return;
        }
        scanSignal.notify();
        await sleep(20);
      }
    },
    stats: () => ({ ...counters }),
  };
}

/**
 * `column = organizationId` as a filter only. Statements that find rows by primary key also
 * check the tenant; written plainly, a planner without statistics (PGlite never analyzes)
 * prefers the `(organization_id, …)` indexes and scans the whole tenant instead of the keys.
 */
const sameOrg = (column: SQL, organizationId: string): SQL => sql`(${column} = ${organizationId}) is true`;

/**
 * Marks queued messages failed (Meta's code and title, or Parley's, plus the sentence for the
 * agent) and mirrors the status onto conversations whose last message they are. Returns the
 * changes to log. Messages that already moved past `queued` (a status webhook won) are left alone.
 */
async function failMessages(
  tx: Tx,
  organizationId: string,
  failed: { id: string; c: string; t: string | null; m: string }[],
  now: Date,
): Promise<Change[]> {
  const rows = rowsOf<{ id: string; conversation_id: string }>(
    await tx.execute(sql`
      update messages m set status = 'failed', status_at = ${now}, error_code = v.c, error_title = v.t,
        error_message = v.m, updated_at = ${now}
      from json_to_recordset(${json(failed)}::json) as v(id uuid, c text, t text, m text)
      where m.id = v.id and ${sameOrg(sql`m.organization_id`, organizationId)} and m.status = 'queued'
      returning m.id, m.conversation_id`),
  );
  if (rows.length === 0) return [];
  const convs = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update conversations c set last_message_status = 'failed', updated_at = ${now}
      from json_to_recordset(${json(rows.map((r) => ({ c: r.conversation_id, m: r.id })))}::json) as v(c uuid, m uuid)
      where c.id = v.c and c.last_message_id = v.m and ${sameOrg(sql`c.organization_id`, organizationId)}
      returning c.id`),
  );
  return [
    ...rows.map((r) => ({ entity: 'message', entityId: r.id, conversationId: r.conversation_id })),
    ...convs.map((c) => ({ entity: 'conversation', entityId: c.id, conversationId: c.id })),
  ];
}
