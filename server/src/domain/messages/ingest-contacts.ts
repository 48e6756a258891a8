import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { InboundMessageEvent } from '../../meta/normalize';
import { rowsOf } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import { orgKey, rowsJson as j, type InboundItem, type LogChanges } from './ingest-batch';

// Ingest step 1, contacts: one lookup, one multi-row insert, one multi-row update (plus one
// read-back when another processor created some of the same contacts concurrently). Senders are
// matched by WhatsApp id, then BSUID, then phone (contacts created by sending to a number, which
// have no WhatsApp id yet); username-only users are first-class contacts.

/** A contact row as the ingest steps use it. */
export type IngestContact = {
  id: string;
  organization_id: string;
  wa_id: string | null;
  bsuid: string | null;
  phone_e164: string | null;
};

/** The contact of an inbound message's sender (every sender has one after {@link resolveContacts}). */
export type ContactOf = (organizationId: string, e: InboundMessageEvent) => IngestContact;

type Json = Record<string, unknown>;

/**
 * Finds or creates the contact of every sender in `inbound` and refreshes what Meta tells about
 * known ones (profile name, username, identities they did not have yet). Logs created and
 * changed contacts; returns the lookup the next steps use.
 */
export async function resolveContacts(
  tx: Tx,
  inbound: readonly InboundItem[],
  now: Date,
  log: LogChanges,
): Promise<ContactOf> {
  const idKeys = inbound.map(({ org, e }) => ({
    o: org,
    wa: e.waId,
    bs: e.userId,
    ph: e.waId ? `+${e.waId}` : null,
  }));
  const existing = rowsOf<IngestContact>(
    await tx.execute(sql`
      select c.id, c.organization_id, c.wa_id, c.bsuid, c.phone_e164 from contacts c
      join json_to_recordset(${j(idKeys)}::json) as k(o uuid, wa text, bs text, ph text)
        on c.organization_id = k.o and (c.wa_id = k.wa or c.bsuid = k.bs or (c.wa_id is null and c.phone_e164 = k.ph))`),
  );
  const byWa = new Map<string, IngestContact>();
  const byBs = new Map<string, IngestContact>();
  const byPhone = new Map<string, IngestContact>();
  const index = (c: IngestContact) => {
    if (c.wa_id) byWa.set(orgKey(c.organization_id, c.wa_id), c);
    if (c.bsuid) byBs.set(orgKey(c.organization_id, c.bsuid), c);
    if (!c.wa_id && c.phone_e164) byPhone.set(orgKey(c.organization_id, c.phone_e164), c);
  };
  existing.forEach(index);
  const find = (org: string, e: InboundMessageEvent) =>
    (e.waId ? byWa.get(orgKey(org, e.waId)) : undefined) ??
    (e.userId ? byBs.get(orgKey(org, e.userId)) : undefined) ??
    (e.waId ? byPhone.get(orgKey(org, `+${e.waId}`)) : undefined);

  // New contacts, one per sender identity.
  const toCreate = new Map<string, Json>();
  for (const { org, e } of inbound) {
    if (find(org, e)) continue;
    const key = orgKey(org, e.waId ?? `bs:${e.userId}`);
    if (!toCreate.has(key))
      toCreate.set(key, {
        id: randomUUID(),
        o: org,
        wa: e.waId,
        bs: e.userId,
        ph: e.waId ? `+${e.waId}` : null,
        pn: e.profileName,
        un: e.username,
      });
  }
  if (toCreate.size > 0) {
    const created = rowsOf<IngestContact>(
      await tx.execute(sql`
        insert into contacts (id, organization_id, wa_id, bsuid, phone_e164, profile_name, username, created_at, updated_at)
        select v.id, v.o, v.wa, v.bs, v.ph, v.pn, v.un, ${now}, ${now}
        from json_to_recordset(${j([...toCreate.values()])}::json) as v(id uuid, o uuid, wa text, bs text, ph text, pn text, un text)
        on conflict do nothing
        returning id, organization_id, wa_id, bsuid, phone_e164`),
    );
    created.forEach(index);
    for (const c of created) log(c.organization_id, { entity: 'contact', entityId: c.id });
    if (created.length < toCreate.size) {
      // Another processor created some of them concurrently: read them back.
      const missing = [...toCreate.values()].filter((v) => !created.some((c) => c.id === v.id));
      rowsOf<IngestContact>(
        await tx.execute(sql`
          select c.id, c.organization_id, c.wa_id, c.bsuid, c.phone_e164 from contacts c
          join json_to_recordset(${j(missing)}::json) as k(o uuid, wa text, bs text)
            on c.organization_id = k.o and (c.wa_id = k.wa or c.bsuid = k.bs)`),
      ).forEach(index);
    }
  }

  // Refresh known contacts: profile name, username, and identities they did not have yet.
  const createdIds = new Set([...toCreate.values()].map((v) => v.id as string));
  const updates = new Map<string, Json>();
  for (const { org, e } of inbound) {
    const c = find(org, e);
    if (!c) throw new Error(`contact for ${e.from} not resolved`);
    if (createdIds.has(c.id)) continue;
    const addBs = e.userId && !c.bsuid && !byBs.has(orgKey(org, e.userId)) ? e.userId : null;
    const addWa = e.waId && !c.wa_id && !byWa.has(orgKey(org, e.waId)) ? e.waId : null;
    if (addBs) byBs.set(orgKey(org, addBs), c);
    if (addWa) byWa.set(orgKey(org, addWa), c);
    const prev = updates.get(c.id);
    updates.set(c.id, {
      id: c.id,
      o: org,
      pn: e.profileName ?? prev?.pn ?? null,
      un: e.username ?? prev?.un ?? null,
      bs: addBs ?? prev?.bs ?? null,
      wa: addWa ?? prev?.wa ?? null,
    });
  }
  if (updates.size > 0) {
    const changed = rowsOf<{ id: string; organization_id: string }>(
      await tx.execute(sql`
        update contacts c set
          profile_name = coalesce(v.pn, c.profile_name), username = coalesce(v.un, c.username),
          bsuid = coalesce(c.bsuid, v.bs), wa_id = coalesce(c.wa_id, v.wa),
          phone_e164 = coalesce(c.phone_e164, '+' || v.wa), updated_at = ${now}
        from json_to_recordset(${j([...updates.values()])}::json) as v(id uuid, o uuid, pn text, un text, bs text, wa text)
        where c.organization_id = v.o and c.id = v.id
          and (c.profile_name is distinct from coalesce(v.pn, c.profile_name)
            or c.username is distinct from coalesce(v.un, c.username)
            or (c.bsuid is null and v.bs is not null) or (c.wa_id is null and v.wa is not null))
        returning c.id, c.organization_id`),
    );
    for (const c of changed) log(c.organization_id, { entity: 'contact', entityId: c.id });
  }

  // Every sender was resolved above (or the batch threw).
  return (org, e) => find(org, e)!;
}
