import { sql } from 'drizzle-orm';
import { rowsOf } from '../../storage/change-log';
import type { Tx } from '../../storage/db';

// The conversation side of renaming and deleting a label: ONE statement each over every
// conversation of the organization that carries the name (compared case-insensitively, as
// label names are unique case-insensitively), keeping the order of the other labels and never
// leaving a duplicate. Conversations keep label NAMES (contract `Conversation.labels`), so this
// is what keeps them in step with the label entity. Returns the ids touched, for the sync log.

/** Replaces `from` with `to` on every conversation carrying `from`; the ids changed. */
export async function renameLabelOnConversations(
  tx: Tx,
  organizationId: string,
  from: string,
  to: string,
  now: Date,
): Promise<string[]> {
  const result = await tx.execute(sql`
    update conversations c set updated_at = ${now.toISOString()}::timestamptz, labels = array(
      select x from (
        select case when lower(u.x) = lower(${from}) then ${to}::text else u.x end as x, min(u.n) as n
        from unnest(c.labels) with ordinality as u(x, n) group by 1
      ) s order by s.n
    )
    where c.organization_id = ${organizationId}
      and exists (select 1 from unnest(c.labels) as l(x) where lower(l.x) = lower(${from}))
    returning c.id`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** Removes `name` from every conversation carrying it; the ids changed. */
export async function removeLabelFromConversations(
  tx: Tx,
  organizationId: string,
  name: string,
  now: Date,
): Promise<string[]> {
  const result = await tx.execute(sql`
    update conversations c set updated_at = ${now.toISOString()}::timestamptz, labels = array(
      select u.x from unnest(c.labels) with ordinality as u(x, n) where lower(u.x) <> lower(${name}) order by u.n
    )
    where c.organization_id = ${organizationId}
      and exists (select 1 from unnest(c.labels) as l(x) where lower(l.x) = lower(${name}))
    returning c.id`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}
