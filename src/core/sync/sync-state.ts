import type Database from 'better-sqlite3';
import { UpdateRequired } from '#contract/sync/protocol';

/** The engine's durable state (the single `sync_state` row), parsed. */
export interface SyncState {
  cursor: number;
  lmid: number;
  tenantSeq: number;
  floorSeq: number;
  /** Bootstrap phases completed, 0–3. */
  bootstrapPhase: number;
  /** Smallest snapshot seq among completed phases. */
  snapshotSeq: number | null;
  updateRequired: (UpdateRequired & { build: BuildVersions }) | null;
  backfillPaused: boolean;
  /** Groups whose partial bootstrap is owed. */
  pendingGroups: string[];
  /** Conversations dropped on a group_leave, owed a re-check. */
  rechecks: string[];
}

/** The versions of this build, stored with an update_required so a newer build retries. */
export interface BuildVersions {
  protocol: number;
  schema: number;
  mutator: number;
}

interface Raw {
  cursor: number;
  lmid: number;
  tenant_seq: number;
  floor_seq: number;
  bootstrap_phase: number;
  snapshot_seq: number | null;
  update_required: string | null;
  backfill_paused: number;
  pending_groups: string | null;
  rechecks: string | null;
}

/** Server-truth tables a re-bootstrap empties (the outbox, overlays and drafts stay). */
const SERVER_TABLES = [
  'conversations',
  'messages',
  'contacts',
  'notes',
  'reactions',
  'templates',
  'members',
  'teams',
  'whatsapp_accounts',
  'tombstones',
  'history_floor',
  'deferred_fields',
];

const parseUpdate = (raw: string | null): SyncState['updateRequired'] => {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { build?: BuildVersions };
    const u = UpdateRequired.safeParse(v);
    return u.success && v.build ? { ...u.data, build: v.build } : null;
  } catch {
    return null;
  }
};

/** Reads and writes the `sync_state` row. Writers run inside the caller's transaction. */
export function createSyncStateStore(db: Database.Database) {
  db.prepare('INSERT OR IGNORE INTO sync_state (id) VALUES (1)').run();
  const s = {
    get: db.prepare('SELECT * FROM sync_state WHERE id = 1'),
    cursor: db.prepare('SELECT cursor FROM sync_state WHERE id = 1').pluck(),
    setCursor: db.prepare('UPDATE sync_state SET cursor = max(cursor, ?) WHERE id = 1'),
    setTenant: db.prepare(
      'UPDATE sync_state SET tenant_seq = max(tenant_seq, ?), floor_seq = max(floor_seq, ?) WHERE id = 1',
    ),
    phase: db.prepare(
      `UPDATE sync_state SET bootstrap_phase = max(bootstrap_phase, ?),
         snapshot_seq = min(coalesce(snapshot_seq, ?), ?) WHERE id = 1`,
    ),
    finish: db.prepare(
      'UPDATE sync_state SET bootstrap_phase = 3, cursor = max(cursor, coalesce(snapshot_seq, 0)) WHERE id = 1',
    ),
    reset: db.prepare(
      `UPDATE sync_state SET bootstrap_phase = 0, snapshot_seq = NULL, pending_groups = NULL, rechecks = NULL WHERE id = 1`,
    ),
    update: db.prepare('UPDATE sync_state SET update_required = ? WHERE id = 1'),
    paused: db.prepare('UPDATE sync_state SET backfill_paused = ? WHERE id = 1'),
    groups: db.prepare('UPDATE sync_state SET pending_groups = ? WHERE id = 1'),
    rechecks: db.prepare('UPDATE sync_state SET rechecks = ? WHERE id = 1'),
    prune: db.prepare('DELETE FROM tombstones WHERE version <= ?'),
    wipe: SERVER_TABLES.map((t) => db.prepare(`DELETE FROM ${t}`)),
    wipeCounts: db.prepare('DELETE FROM inbox_counts'),
  };
  const get = (): SyncState => {
    const r = s.get.get() as Raw;
    return {
      cursor: r.cursor,
      lmid: r.lmid,
      tenantSeq: r.tenant_seq,
      floorSeq: r.floor_seq,
      bootstrapPhase: r.bootstrap_phase,
      snapshotSeq: r.snapshot_seq,
      updateRequired: parseUpdate(r.update_required),
      backfillPaused: r.backfill_paused === 1,
      pendingGroups: r.pending_groups ? (JSON.parse(r.pending_groups) as string[]) : [],
      rechecks: r.rechecks ? (JSON.parse(r.rechecks) as string[]) : [],
    };
  };
  return {
    get,
    cursor: (): number => s.cursor.get() as number,
    /** Moves the cursor forward only (never back). */
    advance(cursor: number): void {
      s.setCursor.run(cursor);
    },
    /** Records what the server said about its log. */
    heard(tenantSeq: number, floorSeq: number): void {
      s.setTenant.run(tenantSeq, floorSeq);
    },
    /** A bootstrap phase completed at `snapshotSeq`. */
    completePhase(phase: number, snapshotSeq: number): void {
      s.phase.run(phase + 1, snapshotSeq, snapshotSeq);
      if (phase >= 2) s.finish.run();
    },
    /** Empties the server-truth tables for a re-bootstrap; outbox, overlays and drafts stay. */
    wipeForRebootstrap(): void {
      for (const w of s.wipe) w.run();
      s.wipeCounts.run();
      s.reset.run();
    },
    setUpdateRequired(u: (UpdateRequired & { build: BuildVersions }) | null): void {
      s.update.run(u ? JSON.stringify(u) : null);
    },
    setBackfillPaused(paused: boolean): void {
      s.paused.run(paused ? 1 : 0);
    },
    /** Drops a conversation from the owed re-checks. */
    recheckDone(conversationId: string): void {
      const left = get().rechecks.filter((id) => id !== conversationId);
      s.rechecks.run(left.length ? JSON.stringify(left) : null);
    },
    /**
     * Forgets tombstones the cursor has passed. Only safe when no snapshot fetch that started
     * earlier is still in flight (the caller checks): any later snapshot is read at a seq ≥ the
     * cursor, so nothing it brings can be older than these tombstones.
     */
    pruneTombstones(cursor: number): void {
      s.prune.run(cursor);
    },
    /** Drops a group from the owed partial bootstraps. */
    groupDone(group: string): void {
      const left = get().pendingGroups.filter((g) => g !== group);
      s.groups.run(left.length ? JSON.stringify(left) : null);
    },
  };
}

/** The store's type. */
export type SyncStateStore = ReturnType<typeof createSyncStateStore>;
