import { sql } from 'drizzle-orm';
import { fail, ok, type Result } from '#contract/result';
import { rowsOf } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { messageQuotaUsage, organizationSettings } from '../../storage/schema/index';

// The optional monthly quota of outbound messages (issue 10). Each accepted send increments the
// organization's row of `message_quota_usage` for the month (UTC) inside the send transaction,
// with one conditional upsert: the row lock orders concurrent sends of one organization across
// every server process, and the condition re-reads the latest count, so the quota is never
// overshot. The quota is the organization's own (`organization_settings.monthly_message_quota`)
// or the configured default (`MONTHLY_MESSAGE_QUOTA`); neither = unlimited, still counted.

/** `YYYY-MM` of `at` in UTC: the month a send counts in. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);

/** When the month of `at` ends and a new quota starts: the first of the next month, 00:00 UTC. */
export const quotaResetAt = (at: Date): Date =>
  new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));

/** The monthly quota: the configured default for organizations that set none. */
export type MonthlyQuota = {
  /** `MONTHLY_MESSAGE_QUOTA`; undefined = unlimited. */
  monthlyDefault: number | undefined;
};

/** SQL: the organization's quota now (its own, else the default; null = unlimited). */
const quotaSql = (organizationId: string, monthlyDefault: number | undefined) => sql`coalesce((
    select ${organizationSettings.monthlyMessageQuota} from ${organizationSettings}
    where ${organizationSettings.organizationId} = ${organizationId}), ${monthlyDefault ?? null}::int)`;

const fmtDay = (d: Date) =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * Counts `n` outbound messages against the organization's quota for the month of `now`, inside
 * the send transaction: ok when they fit (or there is no quota), else `quota_exceeded` naming the
 * reset date, with nothing written. One statement.
 */
export async function consumeQuota(
  tx: Tx,
  quota: MonthlyQuota,
  organizationId: string,
  now: Date,
  n = 1,
): Promise<Result<void>> {
  const limit = quotaSql(organizationId, quota.monthlyDefault);
  const month = monthOf(now);
  const counted = rowsOf<{ sent: number }>(
    await tx.execute(sql`
      insert into ${messageQuotaUsage} (organization_id, month, sent, updated_at)
      select ${organizationId}, ${month}, ${n}, ${now}
      where ${limit} is null or ${n} <= ${limit}
      on conflict (organization_id, month) do update
        set sent = ${messageQuotaUsage}.sent + ${n}, updated_at = ${now}
        where ${limit} is null or ${messageQuotaUsage}.sent + ${n} <= ${limit}
      returning sent`),
  );
  if (counted.length > 0) return ok(undefined);
  const reset = quotaResetAt(now);
  return fail(
    'quota_exceeded',
    `The organization has sent all the messages its monthly quota allows; sending resumes on ${fmtDay(reset)} (UTC), or an admin can raise the quota.`,
    { resetsAt: reset.toISOString(), retryAfter: Math.ceil((reset.getTime() - now.getTime()) / 1000) },
  );
}

/** The organization's use of its quota this month (admins: `GET /organization/usage`). */
export async function readQuotaUsage(
  exec: Db | Tx,
  quota: MonthlyQuota,
  organizationId: string,
  now: Date,
): Promise<{ month: string; sent: number; quota: number | null; resetsAt: string }> {
  const month = monthOf(now);
  const [row] = rowsOf<{ sent: number | null; quota: number | null }>(
    await exec.execute(sql`
      select (select sent from ${messageQuotaUsage}
          where organization_id = ${organizationId} and month = ${month}) as sent,
        ${quotaSql(organizationId, quota.monthlyDefault)} as quota`),
  );
  return {
    month,
    sent: Number(row?.sent ?? 0),
    quota: row?.quota === null || row?.quota === undefined ? null : Number(row.quota),
    resetsAt: quotaResetAt(now).toISOString(),
  };
}
