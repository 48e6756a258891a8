import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseAssignees, decisionSummary, hasRoom, type Candidate, type Waiting } from './choose';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const T = (n: number) => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const member = (n: number, over: Partial<Candidate> = {}): Candidate => ({
  userId: U(n),
  name: `M${n}`,
  open: 0,
  capacity: null,
  lastAssignedAt: null,
  ...over,
});

describe('chooseAssignees', () => {
  it('gives a conversation to the member with the fewest open conversations', () => {
    const d = chooseAssignees(
      [{ conversationId: 'c1', teamId: null }],
      [member(1, { open: 3 }), member(2, { open: 1 }), member(3, { open: 2 })],
      new Map(),
      1000,
    );
    expect(d).toEqual([{ conversationId: 'c1', userId: U(2), name: 'M2', open: 2, capacity: null }]);
  });

  it('breaks ties by the longest since the last assignment, never-assigned first', () => {
    const d = chooseAssignees(
      [{ conversationId: 'c1', teamId: null }],
      [
        member(1, { lastAssignedAt: 500 }),
        member(2, { lastAssignedAt: 100 }),
        member(3, { lastAssignedAt: null }),
      ],
      new Map(),
      1000,
    );
    expect(d[0]!.userId).toBe(U(3));
  });

  it('skips members at capacity and leaves a conversation waiting when nobody has room', () => {
    const d = chooseAssignees(
      [
        { conversationId: 'c1', teamId: null },
        { conversationId: 'c2', teamId: null },
      ],
      [member(1, { open: 0, capacity: 1 }), member(2, { open: 5, capacity: 5 })],
      new Map(),
      1000,
    );
    expect(d.map((x) => [x.conversationId, x.userId])).toEqual([['c1', U(1)]]);
  });

  it("keeps a team's conversation inside the team", () => {
    const d = chooseAssignees(
      [{ conversationId: 'c1', teamId: T(1) }],
      [member(1, { open: 0 }), member(2, { open: 4 })],
      new Map([[T(1), new Set([U(2)])]]),
      1000,
    );
    expect(d[0]!.userId).toBe(U(2));
    // A team with no available member: it waits.
    expect(chooseAssignees([{ conversationId: 'c1', teamId: T(9) }], [member(1)], new Map(), 1000)).toEqual(
      [],
    );
  });

  it('spreads one batch across equal members instead of piling onto one', () => {
    const d = chooseAssignees(
      Array.from({ length: 4 }, (_, i) => ({ conversationId: `c${i}`, teamId: null })),
      [member(1), member(2)],
      new Map(),
      1000,
    );
    expect(d.map((x) => x.userId)).toEqual([U(1), U(2), U(1), U(2)]);
  });

  it('says what it decided', () => {
    expect(decisionSummary({ name: 'Ana', open: 3, capacity: 5 })).toBe(
      'Auto-assigned to Ana: fewest open, 3 of 5',
    );
    expect(decisionSummary({ name: 'Ana', open: 1, capacity: null })).toBe(
      'Auto-assigned to Ana: fewest open, 1 of unlimited',
    );
  });

  // Properties over random teams, loads, capacities and queues.
  const world = fc
    .record({
      members: fc.array(
        fc.record({
          open: fc.nat(6),
          capacity: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
          lastAssignedAt: fc.option(fc.nat(1000), { nil: null }),
          teams: fc.subarray([0, 1, 2]),
        }),
        { maxLength: 8 },
      ),
      waiting: fc.array(fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }), { maxLength: 30 }),
    })
    .map(({ members, waiting }) => {
      const candidates = members.map((m, i) => member(i, m));
      const teamMembers = new Map<string, Set<string>>();
      members.forEach((m, i) =>
        m.teams.forEach((t) => teamMembers.set(T(t), (teamMembers.get(T(t)) ?? new Set()).add(U(i)))),
      );
      const queue: Waiting[] = waiting.map((t, i) => ({
        conversationId: `c${i}`,
        teamId: t === null ? null : T(t),
      }));
      return { candidates, teamMembers, queue };
    });

  it('never exceeds a capacity, assigns each conversation at most once, and only inside its pool', () => {
    fc.assert(
      fc.property(world, ({ candidates, teamMembers, queue }) => {
        const decisions = chooseAssignees(queue, candidates, teamMembers, 2000);
        const ids = decisions.map((d) => d.conversationId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of candidates) {
          const got = decisions.filter((d) => d.userId === c.userId).length;
          // A member already over capacity (assigned by hand) gets nothing more.
          if (c.capacity !== null) expect(c.open + got <= Math.max(c.capacity, c.open)).toBe(true);
          if (c.capacity !== null && c.open >= c.capacity) expect(got).toBe(0);
        }
        for (const d of decisions) {
          const w = queue.find((q) => q.conversationId === d.conversationId)!;
          if (w.teamId !== null) expect(teamMembers.get(w.teamId)?.has(d.userId)).toBe(true);
        }
      }),
    );
  });

  it('picks, at each step, a member with the fewest open among those with room, and leaves none waiting that fit', () => {
    fc.assert(
      fc.property(world, ({ candidates, teamMembers, queue }) => {
        const decisions = chooseAssignees(queue, candidates, teamMembers, 2000);
        const open = new Map(candidates.map((c) => [c.userId, c.open]));
        for (const w of queue) {
          const pool = candidates.filter(
            (c) =>
              (w.teamId === null || teamMembers.get(w.teamId)?.has(c.userId)) &&
              hasRoom({ open: open.get(c.userId)!, capacity: c.capacity }),
          );
          const d = decisions.find((x) => x.conversationId === w.conversationId);
          if (pool.length === 0) {
            expect(d).toBeUndefined();
            continue;
          }
          expect(d).toBeDefined();
          const least = Math.min(...pool.map((c) => open.get(c.userId)!));
          expect(open.get(d!.userId)).toBe(least);
          open.set(d!.userId, open.get(d!.userId)! + 1);
          expect(d!.open).toBe(open.get(d!.userId));
        }
      }),
    );
  });
});
