import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GroupRef } from '#contract/sync/protocol';
import type { Role } from '#contract/domain/roles';
import { testDatabase } from '../../../test/build-test-app';
import type { Db } from '../../storage/db';
import {
  contacts,
  conversations,
  memberships,
  organizations,
  organizationSettings,
  teamMembers,
  teams,
  users,
  whatsappAccounts,
} from '../../storage/schema/index';
import { assigneeChange, claimOutcome, mayEditContactOverSync } from './capabilities';
import {
  groupConversationsSql,
  loadViewer,
  loadViewers,
  membersWhoSee,
  viewerOf,
  visibleConversation,
  visibleConversationSql,
} from './queries';
import {
  audienceOf,
  canSeeContact,
  canSeeConversation,
  contactAudienceOf,
  groupCoverage,
  scopeReasons,
  type ConversationFacts,
  type MemberIndex,
  type Viewer,
} from './rule';

// The rule exists in three forms — in memory (`scopeReasons`), inverted over a member index
// (`audienceOf`, the tailer's) and in SQL (`visibleConversationSql`, `membersWhoSee`). These
// tests hold them to one another over every combination of role, membership state, teams,
// assignee and policy, so a change to one form that the others do not follow fails here.

type Member = { userId: string; role: Role; active: boolean; teams: string[] };

const T1 = 't1';
const T2 = 't2';
const MEMBERS: Member[] = [
  { userId: 'admin', role: 'admin', active: true, teams: [] },
  { userId: 'manager', role: 'manager', active: true, teams: [T1] },
  { userId: 'gone-manager', role: 'manager', active: false, teams: [] },
  { userId: 'a1', role: 'agent', active: true, teams: [T1] },
  { userId: 'a12', role: 'agent', active: true, teams: [T1, T2] },
  { userId: 'a2', role: 'agent', active: true, teams: [T2] },
  { userId: 'loner', role: 'agent', active: true, teams: [] },
  { userId: 'gone', role: 'agent', active: false, teams: [T1] },
];
const ASSIGNEES = [null, 'a1', 'a2', 'loner', 'gone', 'manager'];
const TEAMS = [null, T1, T2];
// Owners of the conversation's number (issue 10): the organization's, an agent's, a deactivated one's.
const OWNERS = [null, 'a1', 'loner', 'gone'];
const FACTS: ConversationFacts[] = ASSIGNEES.flatMap((assigneeId) =>
  TEAMS.flatMap((teamId) => OWNERS.map((ownerId) => ({ assigneeId, teamId, ownerId }))),
);

const viewerOfMember = (m: Member, seeAll: boolean): Viewer => ({
  userId: m.userId,
  role: m.role,
  active: m.active,
  teamIds: new Set(m.teams),
  seeAll,
});

const indexOf = (members: Member[], seeAll: boolean): MemberIndex => {
  const active = members.filter((m) => m.active);
  return {
    managers: active.filter((m) => m.role !== 'agent').map((m) => m.userId),
    teamMembers: (t) => active.filter((m) => m.teams.includes(t)).map((m) => m.userId),
    isActive: (u) => active.some((m) => m.userId === u),
    seeAll,
  };
};

describe('the rule in memory', () => {
  it('gives each reason for what it is', () => {
    const agent = viewerOfMember(MEMBERS[3]!, false);
    expect(scopeReasons({ assigneeId: 'a1', teamId: T1, ownerId: null }, agent)).toEqual(['assignee']);
    expect(scopeReasons({ assigneeId: null, teamId: T1, ownerId: null }, agent)).toEqual([`team:${T1}`]);
    expect(scopeReasons({ assigneeId: 'a12', teamId: T1, ownerId: null }, agent)).toEqual([]);
    expect(
      scopeReasons({ assigneeId: 'a12', teamId: T1, ownerId: null }, { ...agent, seeAll: true }),
    ).toEqual([`team:${T1}`]);
    expect(
      scopeReasons({ assigneeId: null, teamId: null, ownerId: null }, viewerOfMember(MEMBERS[1]!, false)),
    ).toEqual(['role']);
    expect(
      scopeReasons({ assigneeId: 'a1', teamId: T1, ownerId: null }, { ...agent, active: false }),
    ).toEqual([]);
  });

  it("keeps a member-owned number's conversations to its owner, its assignee and managers", () => {
    const a1 = viewerOfMember(MEMBERS[3]!, false);
    const a12 = viewerOfMember(MEMBERS[4]!, true);
    const owned = { assigneeId: null, teamId: T1, ownerId: 'a1' };
    expect(scopeReasons(owned, a1)).toEqual(['owner']);
    expect(scopeReasons({ ...owned, assigneeId: 'a1' }, a1)).toEqual(['assignee', 'owner']);
    // A team member does not see it, whatever the policy; an assignee a manager chose does.
    expect(scopeReasons(owned, a12)).toEqual([]);
    expect(scopeReasons({ ...owned, assigneeId: 'a12' }, a12)).toEqual(['assignee']);
    expect(scopeReasons(owned, viewerOfMember(MEMBERS[1]!, false))).toEqual(['role']);
    expect(claimOutcome(owned, a12)).toBe('out_of_scope');
    expect(claimOutcome(owned, a1)).toBe('allowed');
  });

  for (const seeAll of [false, true])
    it(`inverted (the tailer's audience) agrees with the per-viewer rule, policy ${seeAll ? 'on' : 'off'}`, () => {
      const index = indexOf(MEMBERS, seeAll);
      for (const facts of FACTS) {
        const expected = MEMBERS.filter((m) => canSeeConversation(facts, viewerOfMember(m, seeAll)))
          .map((m) => m.userId)
          .sort();
        expect([...audienceOf(facts, index)].sort(), JSON.stringify(facts)).toEqual(expected);
      }
      for (const refs of [
        [],
        FACTS.slice(0, 2),
        FACTS.slice(5, 9),
        [{ assigneeId: 'gone', teamId: null, ownerId: null }],
      ]) {
        const expected = MEMBERS.filter((m) => canSeeContact(refs, viewerOfMember(m, seeAll)))
          .map((m) => m.userId)
          .sort();
        expect([...contactAudienceOf(refs, index)].sort(), JSON.stringify(refs)).toEqual(expected);
      }
    });

  it('covers exactly the group a member is in', () => {
    const agent = viewerOfMember(MEMBERS[3]!, false);
    expect(groupCoverage('role', agent)).toEqual({ kind: 'none' });
    expect(groupCoverage('role', viewerOfMember(MEMBERS[1]!, false))).toEqual({ kind: 'all' });
    expect(groupCoverage(`team:${T1}`, agent)).toEqual({ kind: 'team', teamId: T1, unassignedOnly: true });
    expect(groupCoverage(`team_all:${T1}`, agent)).toEqual({
      kind: 'team',
      teamId: T1,
      unassignedOnly: false,
    });
    expect(groupCoverage(`team:${T2}`, agent)).toEqual({ kind: 'none' });
  });
});

describe('what an actor may do', () => {
  const a1 = viewerOfMember(MEMBERS[3]!, false);
  const manager = viewerOfMember(MEMBERS[1]!, false);

  it('lets agents take unassigned conversations of their queues, and hand back their own', () => {
    expect(claimOutcome({ assigneeId: null, teamId: T1, ownerId: null }, a1)).toBe('allowed');
    expect(claimOutcome({ assigneeId: null, teamId: T2, ownerId: null }, a1)).toBe('out_of_scope');
    expect(claimOutcome({ assigneeId: 'a2', teamId: T1, ownerId: null }, a1)).toBe('taken');
    expect(claimOutcome({ assigneeId: 'a1', teamId: T1, ownerId: null }, a1)).toBe('mine');
    expect(assigneeChange({ assigneeId: null, teamId: T1, ownerId: null }, a1, 'a1')).toBe('allowed');
    expect(assigneeChange({ assigneeId: 'a2', teamId: T1, ownerId: null }, a1, 'a1')).toBe('taken');
    expect(assigneeChange({ assigneeId: null, teamId: T1, ownerId: null }, a1, 'a2')).toBe('forbidden');
    expect(assigneeChange({ assigneeId: 'a1', teamId: T1, ownerId: null }, a1, null)).toBe('allowed');
    expect(assigneeChange({ assigneeId: 'a1', teamId: T1, ownerId: null }, a1, 'a2')).toBe('forbidden');
    expect(assigneeChange({ assigneeId: 'a2', teamId: T2, ownerId: null }, manager, 'a1')).toBe('allowed');
  });

  it('lets agents edit a contact over sync only through a conversation they see', () => {
    expect(mayEditContactOverSync([{ assigneeId: 'a2', teamId: T2, ownerId: null }], a1)).toBe(false);
    expect(
      mayEditContactOverSync(
        [
          { assigneeId: 'a2', teamId: T2, ownerId: null },
          { assigneeId: 'a1', teamId: null, ownerId: null },
        ],
        a1,
      ),
    ).toBe(true);
    expect(mayEditContactOverSync([], manager)).toBe(true);
  });
});

describe('the rule in SQL', () => {
  let db: Db;
  let org: string;
  /** Test member name → user id, and back. */
  const ids = new Map<string, string>();
  const names = new Map<string, string>();
  const teamIds = new Map<string, string>();
  /** Conversation id → its facts by member and team names. */
  const convs = new Map<string, ConversationFacts>();

  const realFacts = (f: ConversationFacts): ConversationFacts => ({
    assigneeId: f.assigneeId === null ? null : ids.get(f.assigneeId)!,
    teamId: f.teamId === null ? null : teamIds.get(f.teamId)!,
    ownerId: f.ownerId === null ? null : ids.get(f.ownerId)!,
  });

  beforeAll(async () => {
    db = (await testDatabase()).db;
    const [o] = await db.insert(organizations).values({ name: 'Visibility' }).returning();
    org = o!.id;
    for (const t of [T1, T2]) {
      const [row] = await db.insert(teams).values({ organizationId: org, name: t }).returning();
      teamIds.set(t, row!.id);
    }
    for (const m of MEMBERS) {
      const [u] = await db
        .insert(users)
        .values({ email: `${m.userId}-${randomUUID()}@example.test`, name: m.userId, passwordHash: 'x' })
        .returning();
      ids.set(m.userId, u!.id);
      names.set(u!.id, m.userId);
      await db.insert(memberships).values({
        organizationId: org,
        userId: u!.id,
        role: m.role,
        deactivatedAt: m.active ? null : new Date(),
      });
      for (const t of m.teams)
        await db.insert(teamMembers).values({ organizationId: org, teamId: teamIds.get(t)!, userId: u!.id });
    }
    const [account] = await db
      .insert(whatsappAccounts)
      .values({
        organizationId: org,
        name: 'Number',
        phoneNumberId: `pn-${randomUUID()}`,
        businessAccountId: 'waba',
        accessTokenEnc: 'x',
        verifyTokenEnc: 'x',
      })
      .returning();
    for (const f of FACTS) {
      const [contact] = await db
        .insert(contacts)
        .values({ organizationId: org, waId: String(Math.floor(Math.random() * 1e12)) })
        .returning();
      const [c] = await db
        .insert(conversations)
        .values({
          organizationId: org,
          whatsappAccountId: account!.id,
          contactId: contact!.id,
          ...realFacts(f),
        })
        .returning();
      convs.set(c!.id, f);
    }
  });

  const setPolicy = (seeAll: boolean) =>
    db
      .insert(organizationSettings)
      .values({ organizationId: org, agentsSeeAllTeamConversations: seeAll })
      .onConflictDoUpdate({
        target: organizationSettings.organizationId,
        set: { agentsSeeAllTeamConversations: seeAll },
      });

  for (const seeAll of [false, true])
    it(`selects what the in-memory rule sees, for every member, policy ${seeAll ? 'on' : 'off'}`, async () => {
      await setPolicy(seeAll);
      const viewers = await loadViewers(db, org, [...ids.values()]);
      for (const m of MEMBERS) {
        const viewer = viewers.get(ids.get(m.userId)!)!;
        expect(viewer).toEqual(await loadViewer(db, org, viewer.userId));
        expect(viewer.active).toBe(m.active);
        expect(viewer.seeAll).toBe(seeAll);
        const expected = [...convs]
          .filter(([, f]) => canSeeConversation(f, viewerOfMember(m, seeAll)))
          .map(([id]) => id)
          .sort();
        if (m.active) {
          // The SQL predicate serves authenticated (active) actors.
          const rows = await db
            .select({ id: conversations.id })
            .from(conversations)
            .where(and(eq(conversations.organizationId, org), visibleConversationSql(org, viewer)));
          expect(rows.map((r) => r.id).sort(), m.userId).toEqual(expected);
          const fromToken = await viewerOf(db, org, { userId: viewer.userId, role: viewer.role });
          if (viewer.role === 'agent') expect(fromToken).toEqual(viewer);
          else
            expect(canSeeConversation({ assigneeId: null, teamId: null, ownerId: null }, fromToken)).toBe(
              true,
            );
          for (const [id] of [...convs].slice(0, 6))
            expect(Boolean(await visibleConversation(db, org, viewer, id)), `${m.userId} ${id}`).toBe(
              expected.includes(id),
            );
        }
      }
      // And each conversation's audience (presence) is exactly the members who see it.
      for (const [id, f] of convs) {
        const who = (await membersWhoSee(db, org, id)).map((u) => names.get(u)).sort();
        const expectedWho = MEMBERS.filter((x) => canSeeConversation(f, viewerOfMember(x, seeAll)))
          .map((x) => x.userId)
          .sort();
        expect(who, JSON.stringify(f)).toEqual(expectedWho);
      }
    });

  it('restricts a partial bootstrap to the group joined', async () => {
    await setPolicy(false);
    const a12 = await loadViewer(db, org, ids.get('a12')!);
    const inGroup = async (group: GroupRef) =>
      (
        await db
          .select({ id: conversations.id })
          .from(conversations)
          .where(
            and(
              eq(conversations.organizationId, org),
              visibleConversationSql(org, a12),
              groupConversationsSql(group, a12),
            ),
          )
      )
        .map((r) => convs.get(r.id)!)
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(await inGroup(`team:${teamIds.get(T1)}`)).toEqual([
      { assigneeId: null, teamId: T1, ownerId: null },
    ]);
    expect(await inGroup('role')).toEqual([]);
    expect(await membersWhoSee(db, org, randomUUID())).toEqual([]);
  });
});
