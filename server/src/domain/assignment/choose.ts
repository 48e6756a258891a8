// The auto-assignment rule as a pure function (no database), so its properties are tested
// directly (choose.test.ts, fast-check) and the transactional code only feeds it facts.

/** A member who may receive conversations now (active, Available, connected). */
export type Candidate = {
  userId: string;
  name: string;
  /** Open conversations assigned to the member now. */
  open: number;
  /** Null = unlimited. */
  capacity: number | null;
  /** Epoch ms of the last auto-assignment to the member; null = never (first in line). */
  lastAssignedAt: number | null;
};

/** A conversation waiting in the queue. `teamId` null: the whole organization is its pool. */
export type Waiting = { conversationId: string; teamId: string | null };

/** One decision, with what the log line says about it. */
export type Decision = {
  conversationId: string;
  userId: string;
  name: string;
  /** Open conversations of the member after this assignment. */
  open: number;
  capacity: number | null;
};

/** Whether the member can take one more conversation. */
export const hasRoom = (c: Pick<Candidate, 'open' | 'capacity'>): boolean =>
  c.capacity === null || c.open < c.capacity;

/** Fewest open first, then longest since the last assignment (never first), then id (stable). */
const before = (a: Candidate, b: Candidate): number =>
  a.open - b.open ||
  (a.lastAssignedAt ?? -Infinity) - (b.lastAssignedAt ?? -Infinity) ||
  (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

/**
 * Assigns the waiting conversations in order (oldest waiting first, as given): each goes to the
 * member of its pool (its team's members, or everyone for a conversation without a team) with
 * the fewest open conversations under their capacity, ties to the one assigned longest ago. A
 * member's count and last-assignment time move with every decision, so one batch spreads its
 * conversations as single arrivals would. A conversation whose pool has no room stays waiting.
 */
export function chooseAssignees(
  waiting: readonly Waiting[],
  candidates: readonly Candidate[],
  teamMembers: ReadonlyMap<string, ReadonlySet<string>>,
  now: number,
): Decision[] {
  const state = new Map(candidates.map((c) => [c.userId, { ...c }]));
  const decisions: Decision[] = [];
  let tick = 0;
  for (const w of waiting) {
    const pool = w.teamId === null ? null : (teamMembers.get(w.teamId) ?? new Set<string>());
    let best: Candidate | undefined;
    for (const c of state.values()) {
      if (pool && !pool.has(c.userId)) continue;
      if (!hasRoom(c)) continue;
      if (!best || before(c, best) < 0) best = c;
    }
    if (!best) continue;
    best.open += 1;
    // Later in the same batch than any earlier decision, so ties rotate through the team.
    best.lastAssignedAt = now + tick++ / 1000;
    decisions.push({
      conversationId: w.conversationId,
      userId: best.userId,
      name: best.name,
      open: best.open,
      capacity: best.capacity,
    });
  }
  return decisions;
}

/** The log line of a decision: "Auto-assigned to Ana: fewest open, 3 of 5". */
export const decisionSummary = (d: Pick<Decision, 'name' | 'open' | 'capacity'>): string =>
  `Auto-assigned to ${d.name}: fewest open, ${d.open} of ${d.capacity ?? 'unlimited'}`;
