import { sql } from 'drizzle-orm';
import { rowsOf } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import { orgKey, rowsJson as j, type InboundItem, type LogChanges } from './ingest-batch';
import type { KnownMessages } from './ingest-messages';

// Ingest step 6, reactions: they are not messages but land on their target, one row per
// reactor, in one upsert. The latest reaction per (target, reactor) wins, removal keeps a
// null-emoji tombstone so a late, older redelivery cannot resurrect it, and same-second ties go
// to the later arrival.

/**
 * Applies the customers' reactions to the messages they target (this batch's or stored ones).
 * Returns the wamids of reactions whose target Parley does not have (ignored, for the log).
 */
export async function applyReactions(
  tx: Tx,
  reactions: readonly InboundItem[],
  known: KnownMessages,
  log: LogChanges,
): Promise<string[]> {
  const orphans: string[] = [];
  const latest = new Map<string, Record<string, unknown>>();
  for (const { org, e } of reactions) {
    if (e.content.type !== 'reaction') continue;
    const target = known.get(orgKey(org, e.content.targetWamid));
    if (!target) {
      orphans.push(e.wamid);
      continue;
    }
    const key = orgKey(org, target.id);
    const prev = latest.get(key);
    if (prev && Date.parse(prev.at as string) > e.timestamp.getTime()) continue;
    latest.set(key, {
      o: org,
      m: target.id,
      c: target.conversation_id || null,
      em: e.content.emoji,
      w: e.wamid,
      at: e.timestamp.toISOString(),
    });
  }
  if (latest.size === 0) return orphans;
  const changed = rowsOf<{
    id: string;
    organization_id: string;
    conversation_id: string | null;
    emoji: string | null;
  }>(
    await tx.execute(sql`
      insert into reactions (organization_id, message_id, conversation_id, reactor, emoji, wa_message_id, reacted_at)
      select v.o, v.m, coalesce(v.c, (select conversation_id from messages where id = v.m)), 'customer', v.em, v.w, v.at
      from json_to_recordset(${j([...latest.values()])}::json) as v(o uuid, m uuid, c uuid, em text, w text, at timestamptz)
      on conflict (organization_id, message_id, reactor) do update set
        emoji = excluded.emoji, wa_message_id = excluded.wa_message_id, reacted_at = excluded.reacted_at
      where reactions.reacted_at <= excluded.reacted_at and reactions.emoji is distinct from excluded.emoji
      returning id, organization_id, conversation_id, emoji`),
  );
  for (const r of changed)
    log(r.organization_id, {
      entity: 'reaction',
      entityId: r.id,
      op: r.emoji === null ? 'del' : 'put',
      conversationId: r.conversation_id,
    });
  return orphans;
}
