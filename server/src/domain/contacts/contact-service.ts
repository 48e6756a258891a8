import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type {
  Contact,
  ContactPage,
  CreateContactBody,
  ListContactsQuery,
  UpdateContactBody,
} from '#contract/api/contacts';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { escapeLike } from '../templates/template-service';
import { mayDeleteContact } from '../visibility/capabilities';
import { visibleContactSql } from '../visibility/queries';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { contacts, conversations } from '../../storage/schema/index';

// Contacts of an organization. Who reads and edits which is the visibility module's rule, the same
// over REST as over sync (`visibleContactSql`; issue 9 finding 4: agents could read and opt out
// customers of conversations they cannot see); deleting is for managers and admins, and only for a contact no conversation references — the history of a conversation must keep its customer, so such a contact is
// kept (mark it opted out to stop messages). Every write logs its change.

/** A contacts row. */
export type ContactRow = typeof contacts.$inferSelect;

/**
 * A row as the contract's Contact (REST, and the sync projection and bootstrap). Custom
 * attributes are strings by contract; anything else in the JSON column is left out.
 */
export const toContact = (row: ContactRow): Contact => ({
  id: row.id,
  name: row.name ?? row.profileName,
  profileName: row.profileName,
  phone: row.phoneE164,
  waId: row.waId,
  userId: row.bsuid,
  username: row.username,
  tags: row.tags,
  optedOut: row.optedOut,
  customAttributes: Object.fromEntries(
    Object.entries((row.customAttributes ?? {}) as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  ),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** [createdAt ISO, id]. */
const Cursor = z.tuple([cursorIsoTime, z.uuid()]);
const duplicate = (id: string) =>
  fail('conflict', 'A contact with this number already exists.', { contactId: id });

/** Contacts: list/search, read, create, update, delete. */
export type ContactService = ReturnType<typeof createContactService>;

/** Creates the contact service. Every method takes the organization and the acting principal. */
export function createContactService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  /** The contact when it exists in the organization and `actor` may see it. */
  const byId = async (exec: Db, organizationId: string, actor: Principal, id: string) =>
    (
      await exec
        .select()
        .from(contacts)
        .where(
          and(
            eq(contacts.organizationId, organizationId),
            eq(contacts.id, id),
            visibleContactSql(organizationId, actor),
          ),
        )
    )[0];

  return {
    /**
     * Newest first, keyset paged. `q` matches the name (given or profile), the phone number
     * (with or without `+`), the WhatsApp id, the business-scoped user id and the username.
     */
    list: async (
      organizationId: string,
      actor: Principal,
      q: ListContactsQuery,
    ): Promise<Result<ContactPage>> => {
      const cursor = parseCursor(q.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value;
      let search: SQL | undefined;
      const term = q.q?.trim();
      if (term) {
        const like = `%${escapeLike(term)}%`;
        const digits = term.replace(/[\s\-().+]/g, '');
        search = or(
          sql`${contacts.name} ilike ${like}`,
          sql`${contacts.profileName} ilike ${like}`,
          sql`${contacts.username} ilike ${like}`,
          sql`${contacts.bsuid} ilike ${like}`,
          ...(/^\d+$/.test(digits)
            ? [sql`${contacts.phoneE164} like ${`%${digits}%`}`, sql`${contacts.waId} like ${`%${digits}%`}`]
            : []),
        );
      }
      const rows = await db
        .select()
        .from(contacts)
        .where(
          and(
            eq(contacts.organizationId, organizationId),
            visibleContactSql(organizationId, actor),
            search,
            after
              ? or(
                  lt(contacts.createdAt, after[0]),
                  and(eq(contacts.createdAt, after[0]), lt(contacts.id, after[1])),
                )
              : undefined,
          ),
        )
        .orderBy(desc(contacts.createdAt), desc(contacts.id))
        .limit(q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toContact),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },

    /** One contact; 404 for other organizations' ids. */
    get: async (organizationId: string, actor: Principal, id: string): Promise<Result<Contact>> => {
      const row = await byId(db, organizationId, actor, id);
      return row ? ok(toContact(row)) : notFound('Contact');
    },

    /** Creates a contact by phone number (E.164); 409 when the number already has a contact. */
    create: async (
      organizationId: string,
      _actor: Principal,
      body: CreateContactBody,
    ): Promise<Result<Contact>> => {
      const digits = body.phone.replace(/\D/g, '');
      const phone = `+${digits}`;
      const now = clock.now();
      return db.transaction(async (tx) => {
        // Serialises concurrent creations of one number (phone numbers are not a unique index).
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${organizationId}:${digits}`}))`);
        const [existing] = await tx
          .select({ id: contacts.id })
          .from(contacts)
          .where(
            and(
              eq(contacts.organizationId, organizationId),
              or(eq(contacts.phoneE164, phone), eq(contacts.waId, digits)),
            ),
          )
          .limit(1);
        if (existing) return duplicate(existing.id);
        const [row] = await tx
          .insert(contacts)
          .values({
            organizationId,
            name: body.name ?? null,
            phoneE164: phone,
            tags: [...new Set(body.tags ?? [])],
            optedOut: body.optedOut ?? false,
            customAttributes: body.customAttributes ?? {},
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await recordChanges(tx, organizationId, [{ entity: 'contact', entityId: row!.id }]);
        return ok(toContact(row!));
      });
    },

    /** Field-level update (name, tags, opt-out, custom attributes). */
    update: async (
      organizationId: string,
      actor: Principal,
      id: string,
      body: UpdateContactBody,
    ): Promise<Result<Contact>> => {
      const now = clock.now();
      return db.transaction(async (tx) => {
        if (!(await byId(tx, organizationId, actor, id))) return notFound('Contact');
        const [row] = await tx
          .update(contacts)
          .set({
            ...(body.name !== undefined && { name: body.name }),
            ...(body.tags !== undefined && { tags: [...new Set(body.tags)] }),
            ...(body.optedOut !== undefined && { optedOut: body.optedOut }),
            ...(body.customAttributes !== undefined && { customAttributes: body.customAttributes }),
            updatedAt: now,
          })
          .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, id)))
          .returning();
        if (!row) return notFound('Contact');
        await recordChanges(tx, organizationId, [{ entity: 'contact', entityId: id }]);
        return ok(toContact(row));
      });
    },

    /** Deletes a contact no conversation references (managers and admins); else 409. */
    remove: async (organizationId: string, actor: Principal, id: string): Promise<Result<null>> =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .select({ id: contacts.id })
          .from(contacts)
          .where(
            and(
              eq(contacts.organizationId, organizationId),
              eq(contacts.id, id),
              visibleContactSql(organizationId, actor),
            ),
          )
          .for('update');
        if (!row) return notFound('Contact');
        if (!mayDeleteContact(actor.role))
          return fail('forbidden', 'Only managers and admins can delete contacts');
        const [used] = await tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(and(eq(conversations.organizationId, organizationId), eq(conversations.contactId, id)))
          .limit(1);
        if (used)
          return fail(
            'conflict',
            'This contact has conversations, so it is kept with their history. Mark it opted out to stop messages.',
          );
        await tx
          .delete(contacts)
          .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, id)));
        await recordChanges(tx, organizationId, [{ entity: 'contact', entityId: id, op: 'del' }]);
        return ok(null);
      }),
  };
}
