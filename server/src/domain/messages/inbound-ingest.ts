import { sql } from 'drizzle-orm';
import type {
  AccountEvent,
  InboundMessageEvent,
  PhoneQualityEvent,
  StatusEvent,
  TemplateStatusEvent,
} from '../../meta/normalize';
import type { MonthlyQuota } from './message-quota';
import type { JobQueue } from '../../storage/job-queue';
import type { Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import { applyTemplateStatusEvents } from '../templates/template-service';
import { templateSyncJob } from '../templates/template-sync-job';
import type { InboundItem, LogChanges } from './ingest-batch';
import { resolveContacts } from './ingest-contacts';
import { sendAwayMessages } from './away-message';
import { applyNewMessages, lockConversations } from './ingest-conversations';
import { insertMessages, knownMessages } from './ingest-messages';
import { applyReactions } from './ingest-reactions';
import { autoAssign } from '../assignment/auto-assign';
import type { AuditRecorder } from '../audit/audit-log';
import { applyStatuses } from './message-status';

/** An event after routing: the account (and so the organization) that owns it. */
export type RoutedEvent =
  | { organizationId: string; accountId: string; event: InboundMessageEvent }
  | { organizationId: string; accountId: string; event: StatusEvent }
  | { organizationId: string; accountId: string; event: TemplateStatusEvent }
  | { organizationId: string; accountId: string; event: AccountEvent }
  | { organizationId: string; accountId: string; event: PhoneQualityEvent };

/** What ingest needs: the job queue, and the audit log auto-assignment writes to. */
export type IngestDeps = {
  jobs: Pick<JobQueue, 'enqueueMany' | 'enqueue'>;
  audit: AuditRecorder;
  /** The monthly quota the away message counts against (issue 10). */
  quota?: MonthlyQuota | undefined;
};

/** What one ingest did, per organization, for recordChanges and for logs. */
export type IngestResult = {
  changes: Map<string, Change[]>;
  /** Reactions whose target message Parley does not have (ignored). */
  orphanReactions: string[];
  /** Template events for templates Parley has not synced (each account's templates get synced). */
  unknownTemplates: string[];
  /** Template sync jobs this batch queued (one per account; none while one already waits). */
  templateSyncsQueued: number;
  /** Number of new messages stored. */
  inserted: number;
};

/**
 * Applies routed webhook events in the caller's transaction with a fixed number of batched
 * statements, whatever the batch size (group commit): contacts, conversations, messages,
 * reactions (the steps in ingest-*.ts), statuses, template and account changes, media rows and
 * their fetch jobs.
 * Inbound messages are deduplicated by (organization, wamid); conversation sequence numbers
 * stay gap-free because duplicates are filtered under the conversation row locks before seqs
 * are allocated. The caller logs the returned changes with recordChanges as the last statement.
 */
export function createInboundIngest(deps: IngestDeps) {
  return async (tx: Tx, routed: readonly RoutedEvent[], now: Date): Promise<IngestResult> => {
    const result: IngestResult = {
      changes: new Map(),
      orphanReactions: [],
      unknownTemplates: [],
      templateSyncsQueued: 0,
      inserted: 0,
    };
    const log = (org: string, ...c: Change[]) => {
      let list = result.changes.get(org);
      if (!list) result.changes.set(org, (list = []));
      list.push(...c);
    };

    // Inbound messages, first occurrence of each (organization, wamid) only.
    const seen = new Set<string>();
    const inbound: InboundItem[] = [];
    for (const r of routed) {
      if (r.event.kind !== 'message') continue;
      const key = `${r.organizationId}\0${r.event.wamid}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inbound.push({ org: r.organizationId, account: r.accountId, e: r.event });
    }
    if (inbound.length > 0) await ingestMessages(tx, deps, inbound, now, result, log);

    // Statuses, per organization.
    const statusesByOrg = new Map<string, StatusEvent[]>();
    for (const r of routed)
      if (r.event.kind === 'status') {
        const list = statusesByOrg.get(r.organizationId) ?? [];
        list.push(r.event);
        statusesByOrg.set(r.organizationId, list);
      }
    for (const [org, list] of statusesByOrg) {
      const changes = await applyStatuses(
        tx,
        org,
        list.map((s) => ({
          wamid: s.wamid,
          status: s.status,
          timestamp: s.timestamp,
          callbackData: s.bizOpaqueCallbackData,
          errors: s.errors,
        })),
        now,
      );
      log(org, ...changes);
    }

    // Template status updates, per account.
    const syncAccounts = new Map<string, string>();
    for (const r of routed) {
      if (r.event.kind !== 'template_status') continue;
      const { changes, unknown } = await applyTemplateStatusEvents(
        tx,
        r.organizationId,
        r.accountId,
        [r.event],
        now,
      );
      log(r.organizationId, ...changes);
      result.unknownTemplates.push(...unknown);
      if (unknown.length > 0) syncAccounts.set(r.accountId, r.organizationId);
    }
    // A template Meta knows and Parley does not (created or approved at Meta since the last
    // sync): sync that account's templates soon, once per account however many events named one.
    if (syncAccounts.size > 0)
      result.templateSyncsQueued = (
        await deps.jobs.enqueueMany(
          tx,
          [...syncAccounts].map(([accountId, org]) => templateSyncJob(org, accountId, now)),
        )
      ).length;

    // Account-level notices.
    for (const r of routed) {
      if (r.event.kind === 'account') {
        const reason = accountReason(r.event);
        if (reason === undefined) continue;
        await tx.execute(sql`
          update whatsapp_accounts set status_reason = ${reason}, updated_at = ${now}
          where organization_id = ${r.organizationId} and id = ${r.accountId}`);
        log(r.organizationId, { entity: 'whatsapp_account', entityId: r.accountId });
      } else if (r.event.kind === 'phone_quality' && r.event.event === 'THROUGHPUT_UPGRADE') {
        // Meta raised the number to its high tier (1,000 mps, digest §9).
        await tx.execute(sql`
          update whatsapp_accounts set throughput_mps = greatest(throughput_mps, 1000), updated_at = ${now}
          where organization_id = ${r.organizationId} and id = ${r.accountId}`);
        log(r.organizationId, { entity: 'whatsapp_account', entityId: r.accountId });
      }
    }
    return result;
  };
}

/** The sentence an account_update leaves on the account; undefined = nothing to show. */
function accountReason(e: AccountEvent): string | null | undefined {
  switch (e.event) {
    case 'ACCOUNT_RESTRICTION':
      return 'Meta restricted this WhatsApp Business Account. Check Business Support Home.';
    case 'ACCOUNT_VIOLATION':
      return 'Meta reported a policy violation on this WhatsApp Business Account.';
    case 'DISABLED_UPDATE':
      return 'Meta disabled this WhatsApp Business Account.';
    case 'ACCOUNT_DELETED':
      return 'Meta deleted this WhatsApp Business Account.';
    case 'ACCOUNT_OFFBOARDED':
      return 'This WhatsApp Business Account was offboarded from the app.';
    case 'ACCOUNT_RECONNECTED':
      return null;
    default:
      return undefined;
  }
}

/**
 * The message steps, in lock order: contacts (1), conversations found or opened and locked (2),
 * the wamids the batch names (3), the new messages (4), their conversations moved on (5), and
 * reactions on their targets (6).
 */
async function ingestMessages(
  tx: Tx,
  deps: IngestDeps,
  inbound: InboundItem[],
  now: Date,
  result: IngestResult,
  log: LogChanges,
) {
  const contactOf = await resolveContacts(tx, inbound, now, log);
  const reactions = inbound.filter((m) => m.e.content.type === 'reaction');
  const messages = inbound.filter((m) => m.e.content.type !== 'reaction');
  const conversations = await lockConversations(tx, messages, contactOf, now);
  const known = await knownMessages(tx, inbound);
  const { inserted, lastSeq } = await insertMessages(
    tx,
    deps.jobs,
    { messages, contactOf, conversations, known },
    now,
    log,
  );
  if (inserted.length > 0) {
    result.inserted = inserted.length;
    const pending = await applyNewMessages(tx, inserted, lastSeq, now, log);
    // New or reopened conversations in an auto-assigned team or number: decided here, in the
    // transaction that opened them (their rows are locked by step 2).
    const byOrg = new Map<string, string[]>();
    for (const p of pending)
      byOrg.set(p.organizationId, [...(byOrg.get(p.organizationId) ?? []), p.conversationId]);
    for (const [org, ids] of byOrg) log(org, ...(await autoAssign(tx, deps.audit, org, now, ids)).changes);
    await sendAwayMessages(tx, deps, inserted, now, log);
  }
  if (reactions.length > 0) result.orphanReactions.push(...(await applyReactions(tx, reactions, known, log)));
}
