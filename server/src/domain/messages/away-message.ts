import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/auth-service';
import { isOpenAt, readHoursSettings } from '../organization/business-hours';
import { rowsOf } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import type { MonthlyQuota } from './message-quota';
import type { JobQueue } from '../../storage/job-queue';
import type { StoredInbound } from './ingest-conversations';
import type { LogChanges } from './ingest-batch';
import { queueMessageSend } from './queue-send';

// The away message (issue 12): when a customer writes outside the organization's business hours,
// an automatic text goes back once, as the organization (no author), through the ordinary send
// path (queueMessageSend: the same checks, the same queue, shown in the thread like any reply).
// Off by default. Only inside the 24-hour window (the customer just wrote, so a free-form text is
// allowed) and never twice to one conversation within the gap: the mark is claimed with one
// conditional upsert in the ingest transaction, so two processes ingesting at once send one.

/**
 * The organization acting for itself: sees every conversation (a manager's visibility), and its
 * sends have no author (`asOrganization`).
 */
const organizationActor = (organizationId: string): Principal => ({
  userId: '00000000-0000-0000-0000-000000000000',
  organizationId,
  role: 'manager',
  sessionId: 'away-message',
});

/**
 * Queues the away message for each conversation of the batch whose customer wrote outside
 * business hours, when the organization turned it on. Runs in the ingest transaction after the
 * conversations moved on (their window is open by the new message).
 */
export async function sendAwayMessages(
  tx: Tx,
  deps: { jobs: Pick<JobQueue, 'enqueue'>; quota?: MonthlyQuota | undefined },
  inserted: readonly StoredInbound[],
  now: Date,
  log: LogChanges,
): Promise<void> {
  // The customer's latest message per conversation decides (older ones of a batch were earlier).
  const latest = new Map<string, StoredInbound>();
  for (const m of inserted)
    if ((latest.get(m.conv)?.e.timestamp.getTime() ?? -Infinity) <= m.e.timestamp.getTime())
      latest.set(m.conv, m);
  const settingsOf = new Map<string, Awaited<ReturnType<typeof readHoursSettings>>>();
  for (const m of latest.values()) {
    let settings = settingsOf.get(m.org);
    if (!settings) settingsOf.set(m.org, (settings = await readHoursSettings(tx, m.org)));
    const away = settings.awayMessage;
    if (!away.enabled || !away.text || !settings.businessHours) continue;
    if (isOpenAt(settings, m.e.timestamp)) continue;
    // A message delivered late, its window already closed, gets no automatic answer.
    if (m.e.timestamp.getTime() + 24 * 3_600_000 <= now.getTime()) continue;
    const cutoff = new Date(now.getTime() - away.gapMinutes * 60_000);
    const claimed = rowsOf<{ conversation_id: string }>(
      await tx.execute(sql`
        insert into away_message_marks (organization_id, conversation_id, sent_at) values (${m.org}, ${m.conv}, ${now})
        on conflict (conversation_id) do update set sent_at = excluded.sent_at
          where away_message_marks.sent_at <= ${cutoff}
        returning conversation_id`),
    );
    if (claimed.length === 0) continue;
    const sent = await queueMessageSend(
      tx,
      { clock: { now: () => now }, jobs: deps.jobs, quota: deps.quota },
      m.org,
      organizationActor(m.org),
      m.conv,
      { type: 'text', text: away.text },
      { asOrganization: true },
    );
    // A refusal (number disconnected, contact opted out) just means no away message.
    if (sent.ok) log(m.org, ...sent.value.changes);
  }
}
