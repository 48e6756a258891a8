import { and, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type {
  BootstrapLine,
  BootstrapQuery,
  GroupRef,
  HistoryQuery,
  HistoryResponse,
  PutEntry,
  SyncEntity,
} from '#contract/sync/protocol';
import { SYNC_LIMITS } from '#contract/sync/protocol';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { toConversation } from '../conversations/conversation-service';
import { toMember } from '../members/member-service';
import { toTeam } from '../teams/team-service';
import { toTemplate } from '../templates/template-service';
import { ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import type { Db } from '../../storage/db';
import { selectMemberRows } from '../../storage/queries/members';
import { selectTeamRows, withMemberIds } from '../../storage/queries/teams';
import {
  contacts,
  conversationReads,
  conversations,
  memberships,
  teams,
  templates,
  whatsappAccounts,
  labels,
  cannedResponses,
} from '../../storage/schema/index';
import { bundlePuts, loadBundles } from './bundles';
import { readClock } from './clients';
import { toContact } from '../contacts/contact-service';
import type { ToAccount } from './projection';
import { viewerRow } from './wire';
import {
  groupConversationsSql,
  loadViewer,
  visibleCannedResponseSql,
  visibleConversationSql,
} from '../visibility/queries';
import { toLabel } from '../labels/label-service';
import { businessHoursRow, readHoursSettings } from '../organization/business-hours';
import { toCannedResponse } from '../canned-responses/canned-response-service';
import { scopeReasons, type Viewer } from '../visibility/rule';

// The phased snapshot of sync-protocol §2.11 and the history pages of one conversation. Each
// phase reads the tenant seq BEFORE its first row (its `snapshotSeq`): rows read later may be
// newer, which is harmless because the client's applies are version-guarded and its catch-up
// starts from the smallest snapshot seq. Pages are keyset-paged, never OFFSET.

/** Dependencies of {@link createBootstrapService}. */
export type BootstrapDeps = { db: Db; clock: Clock; toAccount: ToAccount };

/** Conversations per phase-1 page, and per phase-2 message batch. */
const PAGE = 500;
const RECENT_BATCH = 100;
/** Phase 2 covers at most this many recent conversations (the rest load lazily). */
const RECENT_MAX = 2_000;
/** "Recent": open or pending, or active in the last 7 days. */
const RECENT_MS = 7 * 24 * 3600_000;

/** Creates the bootstrap and history service. */
export function createBootstrapService(deps: BootstrapDeps) {
  const { db, clock } = deps;

  /**
   * Phase 0: members, teams, templates, WhatsApp accounts, labels, the canned responses the
   * viewer sees (the organization's and their own, `visibleCannedResponseSql`) and the
   * organization's business hours.
   */
  async function* metadata(
    organizationId: string,
    snapshotSeq: number,
    viewer: Viewer,
  ): AsyncGenerator<PutEntry> {
    const members = await selectMemberRows(db)
      .where(eq(memberships.organizationId, organizationId))
      .orderBy(memberships.createdAt, memberships.userId);
    for (const m of members) yield { e: 'member', id: m.id, v: snapshotSeq, op: 'put', row: toMember(m) };
    const teamRows = await selectTeamRows(db)
      .where(eq(teams.organizationId, organizationId))
      .orderBy(teams.name, teams.id);
    for (const t of await withMemberIds(db, organizationId, teamRows))
      yield { e: 'team', id: t.id, v: snapshotSeq, op: 'put', row: toTeam(t) };
    for (const a of await db
      .select()
      .from(whatsappAccounts)
      .where(eq(whatsappAccounts.organizationId, organizationId))
      .orderBy(whatsappAccounts.createdAt, whatsappAccounts.id))
      yield { e: 'whatsapp_account', id: a.id, v: a.version, op: 'put', row: deps.toAccount(a) };
    for (const t of await db
      .select()
      .from(templates)
      .where(eq(templates.organizationId, organizationId))
      .orderBy(templates.name, templates.language, templates.id))
      yield { e: 'template', id: t.id, v: t.version, op: 'put', row: toTemplate(t) };
    for (const l of await db
      .select()
      .from(labels)
      .where(eq(labels.organizationId, organizationId))
      .orderBy(labels.name, labels.id))
      yield { e: 'label', id: l.id, v: l.version, op: 'put', row: toLabel(l) };
    for (const c of await db
      .select()
      .from(cannedResponses)
      .where(visibleCannedResponseSql(organizationId, viewer.userId))
      .orderBy(cannedResponses.shortcut, cannedResponses.id))
      yield { e: 'canned_response', id: c.id, v: c.version, op: 'put', row: toCannedResponse(c) };
    const hours = businessHoursRow(organizationId, await readHoursSettings(db, organizationId));
    yield { e: 'business_hours', id: organizationId, v: snapshotSeq, op: 'put', row: hours };
  }

  /** One keyset page of visible conversations, newest activity first, with their contacts. */
  const conversationPage = async (
    organizationId: string,
    viewer: Viewer,
    where: SQL | undefined,
    after: { at: Date | null; id: string } | null,
    limit: number,
  ) => {
    const rows = await db
      .select({
        c: conversations,
        contact: contacts,
        readUpTo: conversationReads.readUpToConvSeq,
        markedUnread: conversationReads.markedUnread,
      })
      .from(conversations)
      .innerJoin(
        contacts,
        and(
          eq(contacts.organizationId, conversations.organizationId),
          eq(contacts.id, conversations.contactId),
        ),
      )
      .leftJoin(
        conversationReads,
        and(
          eq(conversationReads.organizationId, conversations.organizationId),
          eq(conversationReads.conversationId, conversations.id),
          eq(conversationReads.userId, viewer.userId),
        ),
      )
      .where(
        and(
          eq(conversations.organizationId, organizationId),
          visibleConversationSql(organizationId, viewer),
          where,
          after
            ? after.at
              ? or(
                  lt(conversations.lastMessageAt, after.at),
                  and(eq(conversations.lastMessageAt, after.at), lt(conversations.id, after.id)),
                  isNull(conversations.lastMessageAt),
                )
              : and(isNull(conversations.lastMessageAt), lt(conversations.id, after.id))
            : undefined,
        ),
      )
      .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id))
      .limit(limit);
    return rows;
  };

  const conversationPut = (
    r: Awaited<ReturnType<typeof conversationPage>>[number],
    viewer: Viewer,
  ): PutEntry | null => {
    const scope = scopeReasons(r.c, viewer);
    if (scope.length === 0) return null;
    return {
      e: 'conversation',
      id: r.c.id,
      v: r.c.version,
      op: 'put',
      scope,
      row: viewerRow(
        {
          ...toConversation({
            c: r.c,
            contactId: r.contact.id,
            contactName: r.contact.name ?? r.contact.profileName,
            contactPhone: r.contact.phoneE164,
            contactWaId: r.contact.waId,
          }),
          readUpToConvSeq: r.readUpTo ?? 0,
          lastConvSeq: r.c.lastConvSeq,
        },
        r.readUpTo ?? 0,
        r.markedUnread ?? false,
      ),
    };
  };

  /** Phase 1: conversations in scope (optionally one group's), each followed by its contact. */
  async function* inScope(
    organizationId: string,
    viewer: Viewer,
    group: GroupRef | undefined,
  ): AsyncGenerator<PutEntry> {
    const where = groupConversationsSql(group, viewer);
    const sentContacts = new Set<string>();
    let after: { at: Date | null; id: string } | null = null;
    for (;;) {
      const rows = await conversationPage(organizationId, viewer, where, after, PAGE);
      for (const r of rows) {
        const put = conversationPut(r, viewer);
        if (!put) continue;
        yield put;
        if (!sentContacts.has(r.contact.id)) {
          sentContacts.add(r.contact.id);
          yield {
            e: 'contact',
            id: r.contact.id,
            v: r.contact.version,
            op: 'put',
            row: toContact(r.contact),
          };
        }
      }
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { at: last.c.lastMessageAt, id: last.c.id };
    }
  }

  /** Phase 2: the newest messages (with reactions) and the notes of recent conversations, then floors. */
  async function* recent(organizationId: string, viewer: Viewer): AsyncGenerator<BootstrapLine> {
    const since = new Date(clock.now().getTime() - RECENT_MS);
    const ids = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.organizationId, organizationId),
          visibleConversationSql(organizationId, viewer),
          or(inArray(conversations.status, ['open', 'pending']), gte(conversations.lastMessageAt, since)),
        ),
      )
      .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id))
      .limit(RECENT_MAX);
    for (let i = 0; i < ids.length; i += RECENT_BATCH) {
      const batch = ids.slice(i, i + RECENT_BATCH).map((r) => r.id);
      const bundles = await loadBundles(db, organizationId, batch, {
        messages: SYNC_LIMITS.bootstrapRecentMessages,
        contact: false,
      });
      for (const id of batch) {
        const b = bundles.get(id)!;
        yield* bundlePuts(b);
        yield { floor: { conversationId: id, convSeq: b.hasOlder ? b.lowestConvSeq! : 1 } };
      }
    }
  }

  return {
    /**
     * One phase as a stream of lines, the trailer last. The tenant seq is read before anything
     * else; the counts are the put lines sent per entity.
     */
    bootstrap: async function* (principal: Principal, q: BootstrapQuery): AsyncGenerator<BootstrapLine> {
      const org = principal.organizationId;
      const { seq: snapshotSeq } = await readClock(db, org);
      const viewer = await loadViewer(db, org, principal.userId);
      const counts: Partial<Record<SyncEntity, number>> = {};
      const lines: AsyncGenerator<BootstrapLine> = !viewer.active
        ? (async function* () {})()
        : q.phase === 0
          ? metadata(org, snapshotSeq, viewer)
          : q.phase === 1
            ? inScope(org, viewer, q.group)
            : recent(org, viewer);
      for await (const line of lines) {
        if ('op' in line) counts[line.e] = (counts[line.e] ?? 0) + 1;
        yield line;
      }
      yield { snapshotSeq, counts };
    },

    /**
     * Older messages of one visible conversation, keyset by `convSeq` (newest first). The
     * newest page also carries the conversation, its contact and its notes.
     */
    history: async (principal: Principal, q: HistoryQuery): Promise<Result<HistoryResponse>> => {
      const org = principal.organizationId;
      const { seq: snapshotSeq } = await readClock(db, org);
      const viewer = await loadViewer(db, org, principal.userId);
      const newest = q.beforeConvSeq === undefined;
      const [conv] = viewer.active
        ? await conversationPage(org, viewer, eq(conversations.id, q.conversationId), null, 1)
        : [];
      if (!conv) return notFound('Conversation');
      const bundles = await loadBundles(db, org, [q.conversationId], {
        messages: q.limit,
        beforeConvSeq: q.beforeConvSeq,
        contact: newest,
        notes: newest,
      });
      const b = bundles.get(q.conversationId)!;
      const head = newest ? [conversationPut(conv, viewer)].filter((x): x is PutEntry => x !== null) : [];
      return ok({
        snapshotSeq,
        conversationId: q.conversationId,
        changes: [...head, ...bundlePuts(b)],
        lowestConvSeq: b.lowestConvSeq,
        hasMore: b.hasOlder,
      });
    },
  };
}

/** The bootstrap and history service. */
export type BootstrapService = ReturnType<typeof createBootstrapService>;
