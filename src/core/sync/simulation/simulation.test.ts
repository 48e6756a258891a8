import { describe, expect, it } from 'vitest';
import { replayScenario, runSyncFuzz } from './simulation';

// The seeded model-based simulation (design/sync-protocol.md §3): a few hundred seeds here,
// 10,000 in `npm run bench -- sync-fuzz`. A failure prints its seed and the shrunk steps as
// JSON; paste them into replayScenario to debug.

const SEEDS = Number(process.env.SYNC_FUZZ_SEEDS ?? 200);

describe('sync simulation', () => {
  it(`keeps invariants 1–11 over ${SEEDS} seeded scenarios`, async () => {
    const report = await runSyncFuzz(
      Array.from({ length: SEEDS }, (_, i) => i + 1),
      (line) => console.error(line),
    );
    expect(report.failures.map((f) => f.message)).toEqual([]);
    expect(report.runs).toBe(SEEDS);
  }, 120_000);

  it('replays a scenario from its printed steps: reassignment with a queued reply, kills and a server restart', async () => {
    const sim = await replayScenario(7, [
      { k: 'partition', client: 1, mode: 'both', ms: 100 },
      { k: 'send', client: 1, conv: 0, ms: 100 },
      { k: 'reassign', conv: 0, user: 2, team: 0, ms: 300 },
      { k: 'kill', client: 2, at: 5, ms: 200 },
      { k: 'restartServer', down: 500, ms: 300 },
      { k: 'partition', client: 1, mode: 'none', ms: 2_000 },
      { k: 'statuses', ms: 500 },
    ]);
    expect(sim.violations).toEqual([]);
    // Client 2's process died once and came back on the same database.
    expect(sim.clients[2]!.restarts).toBe(1);
    // The reply queued offline on a conversation reassigned meanwhile was refused by the server
    // (re-authorized at apply time) and kept as a failed item with its text (decision 1).
    const [id] = [...sim.accepted.keys()];
    expect(sim.server.messages.has(id!)).toBe(false);
    expect(sim.clients[1]!.q('SELECT state, error FROM pending_messages WHERE id = ?').get(id)).toMatchObject(
      {
        state: 'failed',
        error: expect.stringContaining('forbidden_scope') as unknown,
      },
    );
  });
});
