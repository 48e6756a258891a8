import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Contact } from '#contract/api/contacts';
import type { Member } from '#contract/api/users';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { Note } from '#contract/api/notes';
import type { Team } from '#contract/api/teams';
import type { Label } from '#contract/api/labels';
import type { CannedResponse } from '#contract/api/canned-responses';
import type { BusinessHoursRow } from '#contract/api/organization';
import { toLabel } from '../labels/label-service';
import { businessHoursRow, readHoursSettings } from '../organization/business-hours';
import { toCannedResponse } from '../canned-responses/canned-response-service';
import type { ConversationRow, MessageRow, ReactionRow, SyncEntity } from '#contract/sync/protocol';
import { toContact } from '../contacts/contact-service';
import { toConversation } from '../conversations/conversation-service';
import { toMember } from '../members/member-service';
import { toTeam } from '../teams/team-service';
import { toMessage } from '../messages/message-content';
import { toTemplate } from '../templates/template-service';
import type { Db, Tx } from '../../storage/db';
import { selectMemberRows } from '../../storage/queries/members';
import { selectTeamRows, withMemberIds } from '../../storage/queries/teams';
import {
  cannedResponses,
  contacts,
  conversationReads,
  conversations,
  media,
  memberships,
  messages,
  notes,
  reactions,
  labels,
  teams,
  templates,
  whatsappAccounts,
} from '../../storage/schema/index';
import { factsOf, type ConversationFacts } from '../visibility/rule';

// Current rows of synced entities, read in batches (one query per entity type, never per row)
// and mapped to the contract's row shapes (`wire.ts` makes change entries of them).
// Conversation-scoped rows come with the facts of their conversation (team, assignee) so
// visibility can be decided per viewer; callers that serve one viewer also pass that viewer's SQL
// scope predicate (`domain/visibility`), so rows outside it are never read at all.

type Exec = Db | Tx;

/** Maps a WhatsApp account row to its contract shape (the account service's, which knows the public URL). */
export type ToAccount = (row: typeof whatsappAccounts.$inferSelect) => WhatsAppAccount;

/** A conversation as read: its row (without the per-viewer read marker) and its facts. */
export type LoadedConversation = {
  facts: ConversationFacts;
  contactId: string;
  /** The row with `readUpToConvSeq` 0; {@link conversationFor} sets the viewer's marker. */
  row: ConversationRow;
  version: number;
};

/** A conversation-scoped row with the facts of its conversation. */
export type Scoped<T> = { conversationId: string; facts: ConversationFacts; row: T; version: number };

/** Everything read for one batch of ids. Missing ids are absent from the maps. */
export type Loaded = {
  conversation: Map<string, LoadedConversation>;
  message: Map<string, MessageRow>;
  messageMeta: Map<string, { conversationId: string; facts: ConversationFacts; version: number }>;
  /** Reactions; a removed one (`emoji` null) maps to null. */
  reaction: Map<string, Scoped<ReactionRow | null>>;
  note: Map<string, Scoped<Note>>;
  contact: Map<string, { row: Contact; version: number }>;
  /** The facts of the conversations that reference each loaded contact. */
  contactConversations: Map<string, ConversationFacts[]>;
  template: Map<string, { row: ReturnType<typeof toTemplate>; version: number }>;
  whatsapp_account: Map<string, { row: WhatsAppAccount; version: number }>;
  member: Map<string, Member>;
  team: Map<string, Team>;
  label: Map<string, { row: Label; version: number }>;
  /** Canned responses (all of them: who receives one is decided per viewer by `canSeeCannedResponse`). */
  canned_response: Map<string, { row: CannedResponse; version: number }>;
  /** The organization's business hours (one row, keyed by the organization id). */
  business_hours: Map<string, BusinessHoursRow>;
  /** Read markers: conversation id → user id → `read_up_to_conv_seq`. */
  reads: Map<string, Map<string, number>>;
  /** Marked unread by hand: conversation id → the users who did (`conversation.markUnread`). */
  markedUnread: Map<string, Set<string>>;
};

const emptyLoaded = (): Loaded => ({
  conversation: new Map(),
  message: new Map(),
  messageMeta: new Map(),
  reaction: new Map(),
  note: new Map(),
  contact: new Map(),
  contactConversations: new Map(),
  template: new Map(),
  whatsapp_account: new Map(),
  member: new Map(),
  team: new Map(),
  label: new Map(),
  canned_response: new Map(),
  business_hours: new Map(),
  reads: new Map(),
  markedUnread: new Map(),
});

/** What to read: ids per wire entity. */
export type Wanted = Partial<Record<SyncEntity, Iterable<string>>>;

/** Options of {@link loadRows}. */
export type LoadOptions = {
  toAccount: ToAccount;
  /**
   * A predicate over `conversations` (the viewer's scope): conversation-scoped rows outside it
   * are not read, contacts only count conversations inside it. Absent = read everything.
   */
  scope?: SQL | undefined;
  /** Read markers of these users only (absent = of every user, for the tailer). */
  readersOf?: readonly string[] | undefined;
};

const ids = (xs: Iterable<string> | undefined): string[] => (xs ? [...new Set(xs)] : []);

/** A notes row as the contract's Note. */
export const toNote = (n: typeof notes.$inferSelect): Note => ({
  id: n.id,
  conversationId: n.conversationId,
  authorId: n.authorId,
  body: n.body,
  createdAt: n.createdAt.toISOString(),
});

/** Reads the current rows of `wanted` for one organization (one query per entity type). */
export async function loadRows(
  exec: Exec,
  organizationId: string,
  wanted: Wanted,
  opts: LoadOptions,
): Promise<Loaded> {
  const out = emptyLoaded();
  const scope = opts.scope;
  const inOrg = (col: AnyPgColumn) => eq(col, organizationId);

  const convIds = ids(wanted.conversation);
  if (convIds.length > 0) {
    // The conversations and their read markers side by side (issue 15): both are keyed by the
    // ids asked for, so on a PostgreSQL pool the tailer pays one round trip of latency for them.
    const [rows, readRows] = await Promise.all([
      exec
        .select({
          c: conversations,
          contactId: contacts.id,
          contactName: sql<string | null>`coalesce(${contacts.name}, ${contacts.profileName})`,
          contactPhone: contacts.phoneE164,
          contactWaId: contacts.waId,
        })
        .from(conversations)
        .innerJoin(
          contacts,
          and(
            eq(contacts.organizationId, conversations.organizationId),
            eq(contacts.id, conversations.contactId),
          ),
        )
        .where(and(inOrg(conversations.organizationId), inArray(conversations.id, convIds), scope)),
      exec
        .select({
          conversationId: conversationReads.conversationId,
          userId: conversationReads.userId,
          n: conversationReads.readUpToConvSeq,
          markedUnread: conversationReads.markedUnread,
        })
        .from(conversationReads)
        .where(
          and(
            eq(conversationReads.organizationId, organizationId),
            inArray(conversationReads.conversationId, convIds),
            opts.readersOf ? inArray(conversationReads.userId, [...opts.readersOf]) : undefined,
          ),
        ),
    ]);
    for (const r of rows)
      out.conversation.set(r.c.id, {
        facts: factsOf(r.c),
        contactId: r.contactId,
        version: r.c.version,
        row: { ...toConversation(r), readUpToConvSeq: 0, lastConvSeq: r.c.lastConvSeq },
      });
    for (const r of readRows) {
      let m = out.reads.get(r.conversationId);
      if (!m) out.reads.set(r.conversationId, (m = new Map()));
      m.set(r.userId, r.n);
      if (r.markedUnread) {
        let u = out.markedUnread.get(r.conversationId);
        if (!u) out.markedUnread.set(r.conversationId, (u = new Set()));
        u.add(r.userId);
      }
    }
  }

  const messageIds = ids(wanted.message);
  if (messageIds.length > 0) {
    const rows = await exec
      .select({
        m: messages,
        media,
        assigneeId: conversations.assigneeId,
        teamId: conversations.teamId,
        ownerId: conversations.ownerId,
      })
      .from(messages)
      .innerJoin(
        conversations,
        and(
          eq(conversations.organizationId, messages.organizationId),
          eq(conversations.id, messages.conversationId),
        ),
      )
      .leftJoin(media, and(eq(media.organizationId, messages.organizationId), eq(media.id, messages.mediaId)))
      .where(and(inOrg(messages.organizationId), inArray(messages.id, messageIds), scope));
    for (const r of rows) {
      out.message.set(r.m.id, toMessage(r.m, { media: r.media }));
      out.messageMeta.set(r.m.id, {
        conversationId: r.m.conversationId,
        facts: factsOf(r),
        version: r.m.version,
      });
    }
  }

  const reactionIds = ids(wanted.reaction);
  if (reactionIds.length > 0) {
    const rows = await exec
      .select({
        r: reactions,
        conversationId: messages.conversationId,
        assigneeId: conversations.assigneeId,
        teamId: conversations.teamId,
        ownerId: conversations.ownerId,
      })
      .from(reactions)
      .innerJoin(
        messages,
        and(eq(messages.organizationId, reactions.organizationId), eq(messages.id, reactions.messageId)),
      )
      .innerJoin(
        conversations,
        and(
          eq(conversations.organizationId, messages.organizationId),
          eq(conversations.id, messages.conversationId),
        ),
      )
      .where(and(inOrg(reactions.organizationId), inArray(reactions.id, reactionIds), scope));
    for (const x of rows)
      out.reaction.set(x.r.id, {
        conversationId: x.conversationId,
        facts: factsOf(x),
        version: x.r.version,
        row:
          x.r.emoji === null
            ? null
            : {
                id: x.r.id,
                conversationId: x.conversationId,
                messageId: x.r.messageId,
                by: x.r.reactor,
                emoji: x.r.emoji,
                at: x.r.reactedAt.toISOString(),
              },
      });
  }

  const noteIds = ids(wanted.note);
  if (noteIds.length > 0) {
    const rows = await exec
      .select({
        n: notes,
        assigneeId: conversations.assigneeId,
        teamId: conversations.teamId,
        ownerId: conversations.ownerId,
      })
      .from(notes)
      .innerJoin(
        conversations,
        and(
          eq(conversations.organizationId, notes.organizationId),
          eq(conversations.id, notes.conversationId),
        ),
      )
      .where(and(inOrg(notes.organizationId), inArray(notes.id, noteIds), scope));
    for (const x of rows)
      out.note.set(x.n.id, {
        conversationId: x.n.conversationId,
        facts: factsOf(x),
        version: x.n.version,
        row: toNote(x.n),
      });
  }

  const contactIds = ids(wanted.contact);
  if (contactIds.length > 0) {
    const rows = await exec
      .select()
      .from(contacts)
      .where(and(inOrg(contacts.organizationId), inArray(contacts.id, contactIds)));
    for (const c of rows) out.contact.set(c.id, { row: toContact(c), version: c.version });
    const refs = await exec
      .select({
        contactId: conversations.contactId,
        assigneeId: conversations.assigneeId,
        teamId: conversations.teamId,
        ownerId: conversations.ownerId,
      })
      .from(conversations)
      .where(and(inOrg(conversations.organizationId), inArray(conversations.contactId, contactIds), scope));
    for (const r of refs) {
      const list = out.contactConversations.get(r.contactId) ?? [];
      list.push(factsOf(r));
      out.contactConversations.set(r.contactId, list);
    }
  }

  const templateIds = ids(wanted.template);
  if (templateIds.length > 0) {
    const rows = await exec
      .select()
      .from(templates)
      .where(and(inOrg(templates.organizationId), inArray(templates.id, templateIds)));
    for (const t of rows) out.template.set(t.id, { row: toTemplate(t), version: t.version });
  }

  const accountIds = ids(wanted.whatsapp_account);
  if (accountIds.length > 0) {
    const rows = await exec
      .select()
      .from(whatsappAccounts)
      .where(and(inOrg(whatsappAccounts.organizationId), inArray(whatsappAccounts.id, accountIds)));
    for (const a of rows) out.whatsapp_account.set(a.id, { row: opts.toAccount(a), version: a.version });
  }

  const memberIds = ids(wanted.member);
  if (memberIds.length > 0) {
    const rows = await selectMemberRows(exec).where(
      and(inOrg(memberships.organizationId), inArray(memberships.userId, memberIds)),
    );
    for (const m of rows) out.member.set(m.id, toMember(m));
  }

  const teamIds = ids(wanted.team);
  if (teamIds.length > 0) {
    const rows = await selectTeamRows(exec).where(
      and(inOrg(teams.organizationId), inArray(teams.id, teamIds)),
    );
    for (const t of await withMemberIds(exec, organizationId, rows)) out.team.set(t.id, toTeam(t));
  }

  const labelIds = ids(wanted.label);
  if (labelIds.length > 0)
    for (const l of await exec
      .select()
      .from(labels)
      .where(and(inOrg(labels.organizationId), inArray(labels.id, labelIds))))
      out.label.set(l.id, { row: toLabel(l), version: l.version });

  const cannedIds = ids(wanted.canned_response);
  if (cannedIds.length > 0)
    for (const c of await exec
      .select()
      .from(cannedResponses)
      .where(and(inOrg(cannedResponses.organizationId), inArray(cannedResponses.id, cannedIds))))
      out.canned_response.set(c.id, { row: toCannedResponse(c), version: c.version });

  // One row per organization: only this organization's id means anything.
  if (ids(wanted.business_hours).includes(organizationId))
    out.business_hours.set(
      organizationId,
      businessHoursRow(organizationId, await readHoursSettings(exec, organizationId)),
    );
  return out;
}
