import { eq } from 'drizzle-orm';
import type { Role } from '#contract/domain/roles';
import type { ScopeReason } from '#contract/sync/protocol';
import type { Db } from '../../../storage/db';
import { memberships, teamMembers } from '../../../storage/schema/index';
import { readSeeAll } from '../../visibility/queries';
import {
  audienceOf,
  contactAudienceOf,
  scopeReasons,
  seesEverything,
  type ConversationFacts,
  type MemberIndex,
  type Viewer,
} from '../../visibility/rule';

// The tailer's in-memory view of one organization's scope (sync-protocol §2.6): members with
// their role and teams, the team policy, and conversation → (team, assignee). Loaded once when
// the tailer starts, then moved forward by the log itself, entry by entry, so each entry is
// routed with the scope in force at that point of the stream. The rule itself (who sees what) is
// `domain/visibility`'s; this class only keeps its inputs current.

type Member = { role: Role; active: boolean; teams: Set<string> };

/** Conversations remembered at most (least recently used out); a miss reads the row again. */
const MAX_CONVERSATIONS = 50_000;

/** One organization's scope, as the tailer sees it. */
export class AclCache implements MemberIndex {
  private members = new Map<string, Member>();
  private teamIndex = new Map<string, Set<string>>();
  /** Active managers and admins. */
  readonly managers = new Set<string>();
  private convs = new Map<string, ConversationFacts>();
  seeAll = false;

  /** Reads members, team memberships and the policy (current state) for `organizationId`. */
  static async load(db: Db, organizationId: string): Promise<AclCache> {
    const acl = new AclCache();
    const rows = await db
      .select({
        userId: memberships.userId,
        role: memberships.role,
        deactivatedAt: memberships.deactivatedAt,
      })
      .from(memberships)
      .where(eq(memberships.organizationId, organizationId));
    for (const r of rows)
      acl.members.set(r.userId, { role: r.role, active: r.deactivatedAt === null, teams: new Set() });
    const links = await db
      .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
      .from(teamMembers)
      .where(eq(teamMembers.organizationId, organizationId));
    for (const l of links) acl.members.get(l.userId)?.teams.add(l.teamId);
    acl.seeAll = await readSeeAll(db, organizationId);
    acl.reindex();
    return acl;
  }

  private reindex(): void {
    this.teamIndex.clear();
    this.managers.clear();
    for (const [id, m] of this.members) {
      if (!m.active) continue;
      if (seesEverything(m.role)) this.managers.add(id);
      for (const t of m.teams) {
        let set = this.teamIndex.get(t);
        if (!set) this.teamIndex.set(t, (set = new Set()));
        set.add(id);
      }
    }
  }

  /** Active members (tenant-public entities go to all of them). */
  activeMembers(): string[] {
    return [...this.members].filter(([, m]) => m.active).map(([id]) => id);
  }

  isActive(userId: string): boolean {
    return this.members.get(userId)?.active ?? false;
  }

  /** A member as a scope {@link Viewer}. */
  viewer(userId: string): Viewer {
    const m = this.members.get(userId);
    return {
      userId,
      role: m?.role ?? 'agent',
      active: m?.active ?? false,
      teamIds: m?.teams ?? new Set(),
      seeAll: this.seeAll,
    };
  }

  /** Active members of a team. */
  teamMembers(teamId: string): Iterable<string> {
    return this.teamIndex.get(teamId) ?? [];
  }

  /** Who sees a conversation with these facts now (by the cache). */
  whoSees(facts: ConversationFacts): Set<string> {
    return audienceOf(facts, this);
  }

  /** Who sees a contact referenced by conversations with these facts (managers always). */
  whoSeesContact(refs: readonly ConversationFacts[]): Set<string> {
    return contactAudienceOf(refs, this);
  }

  /** Why `userId` sees a conversation with these facts. */
  reasons(facts: ConversationFacts, userId: string): ScopeReason[] {
    return scopeReasons(facts, this.viewer(userId));
  }

  /** The cached facts of a conversation (the scope in force at the current stream point). */
  facts(conversationId: string): ConversationFacts | undefined {
    const f = this.convs.get(conversationId);
    if (f) {
      this.convs.delete(conversationId);
      this.convs.set(conversationId, f);
    }
    return f;
  }

  setFacts(conversationId: string, facts: ConversationFacts): void {
    this.convs.delete(conversationId);
    this.convs.set(conversationId, facts);
    if (this.convs.size > MAX_CONVERSATIONS) this.convs.delete(this.convs.keys().next().value!);
  }

  forget(conversationId: string): void {
    this.convs.delete(conversationId);
  }

  /** A member's current role and state (from a `member` entry's row); undefined = removed. */
  setMember(userId: string, m: { role: Role; active: boolean } | undefined): void {
    if (!m) this.members.delete(userId);
    else {
      const cur = this.members.get(userId);
      this.members.set(userId, { role: m.role, active: m.active, teams: cur?.teams ?? new Set() });
    }
    this.reindex();
  }

  /** A team's current member list (from a `team` entry's row); undefined = deleted. */
  setTeam(teamId: string, memberIds: readonly string[] | undefined): void {
    const keep = new Set(memberIds ?? []);
    for (const [id, m] of this.members) {
      if (keep.has(id)) m.teams.add(teamId);
      else m.teams.delete(teamId);
    }
    this.reindex();
  }

  /** A `group_join`/`group_leave` entry for a team. */
  joinTeam(userId: string, teamId: string, joined: boolean): void {
    const m = this.members.get(userId);
    if (!m) return;
    if (joined) m.teams.add(teamId);
    else m.teams.delete(teamId);
    this.reindex();
  }
}
