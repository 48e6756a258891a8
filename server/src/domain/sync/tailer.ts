import { sql } from 'drizzle-orm';
import type {
  ChangeEntry,
  ClientMutationResult,
  LivePacket,
  ScopeReason,
  SyncEntity,
  Tick,
} from '#contract/sync/protocol';
import { SYNC_LIMITS } from '#contract/sync/protocol';
import type { Leases } from '../../storage/lease';
import { rowsOf } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { AclCache } from './acl-cache';
import { readClock } from './clients';
import { buildGrants, isRowOp, readLog, type LogEntry } from './log';
import { isWireEntity, loadRows, putOf, scopeOf, type Loaded, type ToAccount } from './projection';
import { groupOfEntry, readSeeAll, SETTINGS_ENTITY, type ConversationFacts } from './scope';

// The tailer (sync-protocol §2.6): exactly one per organization reads the log in seq order
// behind the NOTIFYs that `recordChanges` sends, routes each entry to the users who may see it
// at that point of the stream (AclCache, moved forward by the log itself), groups a batch's
// entries per user into ONE packet `{prev, seq, changes, tenantSeq, lmid?, mutationResults?}`
// and emits it to the user's room. `prev` is the seq of the previous packet this tailer
// delivered to that user — null after a (re)start, which makes clients pull. Users whose packets
// are identical share one emit (Socket.IO encodes it once for all their rooms).
//
// On PGlite the process is the database's only client and tails every organization. On
// PostgreSQL a lease per organization (a row of the jobs table, renewed while held) makes one
// process its tailer; the others only remember the last seq they were notified of, so a
// process that takes over starts exactly where the notifications it saw left off.

/** How packets and ticks leave the process (the gateway: Socket.IO rooms through the adapter). */
export type TailerEmitter = {
  changes: (rooms: string[], packet: LivePacket) => void;
  tick: (rooms: string[], tick: Tick) => void;
};

/** The room of one user of one organization — the only room a sync socket joins. */
export const userRoom = (organizationId: string, userId: string): string => `u:${organizationId}:${userId}`;

/** Dependencies of {@link createTailerHub}. */
export type TailerDeps = {
  db: Db;
  toAccount: ToAccount;
  emit: TailerEmitter;
  /** PostgreSQL only: leases make one process the tailer of each organization. */
  leases?: Pick<Leases, 'acquire' | 'release'> | undefined;
  /** This process's lease holder id. */
  holder: string;
  log?: (msg: string, err?: unknown) => void;
  /** Heartbeat period (default {@link SYNC_LIMITS.tickIntervalMs}). */
  tickMs?: number;
  /** Lease length (default 15 s; renewed every third of it). */
  leaseMs?: number;
  /** Log entries read per batch (default 2000). */
  batchSize?: number;
  /**
   * Whether a NOTIFY may make this process an organization's tailer: always on PGlite and when
   * emits reach every process (Redis adapter); without a shared adapter only for organizations
   * with sockets here (else a process without their sockets could take the lease and emit into
   * the void). Default: always.
   */
  mayTail?: (org: string) => boolean;
};

type OrgState = {
  holding: boolean;
  acl: AclCache | null;
  lastEmitted: number;
  notified: number;
  lastDelivered: Map<string, { seq: number; at: number }>;
  draining: Promise<void> | null;
  lastActivity: number;
  retry?: NodeJS.Timeout | undefined;
};

/** Users remembered for ticks after their last packet. */
const TICK_MEMORY_MS = 3_600_000;
/** A held organization without activity this long is released. */
const IDLE_RELEASE_MS = 10 * 60_000;

/** Creates the tailers of this process. */
export function createTailerHub(deps: TailerDeps) {
  const { db } = deps;
  const tickMs = deps.tickMs ?? SYNC_LIMITS.tickIntervalMs;
  const leaseMs = deps.leaseMs ?? 15_000;
  const batchSize = deps.batchSize ?? 2000;
  const orgs = new Map<string, OrgState>();
  /** The last seq each organization was notified of (every process listens to every org). */
  const seen = new Map<string, number>();
  const lastAttempt = new Map<string, number>();
  let running = false;
  let tickTimer: NodeJS.Timeout | undefined;
  let leaseTimer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const leaseName = (org: string) => `sync-tailer:${org}`;

  /** Takes (or confirms) the organization; resolves to its state when this process tails it. */
  const take = async (org: string, startAt: () => Promise<number>): Promise<OrgState | null> => {
    const existing = orgs.get(org);
    if (existing?.holding) return existing;
    if (deps.leases) {
      const now = Date.now();
      if (now - (lastAttempt.get(org) ?? 0) < 1_000) return null;
      lastAttempt.set(org, now);
      const got = await deps.leases.acquire(leaseName(org), deps.holder, leaseMs);
      if (!got) return null;
    }
    if (orgs.get(org)?.holding) return orgs.get(org)!;
    const start = await startAt();
    const state: OrgState = {
      holding: true,
      acl: null,
      lastEmitted: start,
      notified: Math.max(start, seen.get(org) ?? 0),
      lastDelivered: new Map(),
      draining: null,
      lastActivity: Date.now(),
    };
    orgs.set(org, state);
    return state;
  };

  const settleWaiters = () => {
    if ([...orgs.values()].some((s) => s.draining || (s.holding && s.lastEmitted < s.notified))) return;
    const w = idleWaiters;
    idleWaiters = [];
    w.forEach((f) => f());
  };

  const kick = (org: string, state: OrgState) => {
    state.lastActivity = Date.now();
    if (state.draining || !running) return;
    state.draining = drain(org, state).finally(() => {
      state.draining = null;
      if (state.holding && state.lastEmitted < state.notified && !state.retry) kick(org, state);
      else settleWaiters();
    });
  };

  const drain = async (org: string, state: OrgState): Promise<void> => {
    try {
      state.acl ??= await AclCache.load(db, org);
      while (running && state.holding && state.lastEmitted < state.notified) {
        const upTo = state.notified;
        const entries = await readLog(db, org, state.lastEmitted, upTo, batchSize);
        const end = entries.length < batchSize ? upTo : entries[entries.length - 1]!.seq;
        await route(org, state, entries, end);
        state.lastEmitted = end;
      }
    } catch (e) {
      deps.log?.('sync tailer failed a batch; retrying', e);
      state.retry = setTimeout(() => {
        state.retry = undefined;
        kick(org, state);
      }, 500);
      state.retry.unref();
    }
  };

  /** Routes one batch `(lastEmitted, end]` and emits one packet per user. */
  const route = async (org: string, state: OrgState, entries: readonly LogEntry[], end: number) => {
    const acl = state.acl!;
    // ---- read current rows: one query per entity type ----
    const wanted: Partial<Record<SyncEntity, Set<string>>> = {};
    const want = (e: SyncEntity, id: string) => (wanted[e] ??= new Set()).add(id);
    for (const e of entries) {
      if (isRowOp(e.op) && isWireEntity(e.entity)) want(e.entity, e.entityId);
      else if (e.op === 'grant' || e.op === 'revoke') want('conversation', e.entityId);
    }
    const loaded: Loaded = await loadRows(db, org, wanted, { toAccount: deps.toAccount });
    // Conversations first met in this batch start from their current facts (rows read with
    // their conversation's team and assignee).
    const meet = (id: string, facts: ConversationFacts) => {
      if (!acl.facts(id)) acl.setFacts(id, facts);
    };
    for (const [id, c] of loaded.conversation) meet(id, c.facts);
    for (const m of [loaded.messageMeta, loaded.note, loaded.reaction])
      for (const x of m.values()) meet(x.conversationId, x.facts);

    // ---- walk the stream ----
    /** A change for one user; a grant's entry is filled in once all grants of the batch are built. */
    type Slot = { change: ChangeEntry | null; grant?: string; dead?: boolean };
    const perUser = new Map<string, Slot[]>();
    /** Per user, the live slot of each row key (compaction without rescanning the list). */
    const latest = new Map<string, Map<string, Slot>>();
    const add = (userId: string, key: string | null, change: ChangeEntry | null, grant?: string) => {
      let list = perUser.get(userId);
      if (!list) perUser.set(userId, (list = []));
      const slot: Slot = grant === undefined ? { change } : { change, grant };
      if (key !== null) {
        // Compacted per row: the newest change of an entity replaces the older one.
        let keys = latest.get(userId);
        if (!keys) latest.set(userId, (keys = new Map()));
        const old = keys.get(key);
        if (old) old.dead = true;
        keys.set(key, slot);
      }
      list.push(slot);
    };
    // Identical changes are one object, so identical packets are recognised by identity.
    const interned = new Map<string, ChangeEntry>();
    const intern = (k: string, make: () => ChangeEntry | null): ChangeEntry | null => {
      const hit = interned.get(k);
      if (hit) return hit;
      const c = make();
      if (c) interned.set(k, c);
      return c;
    };
    const grants: { conversationId: string; seq: number; userId: string; scope: ScopeReason[] }[] = [];

    for (const e of entries) {
      if (isRowOp(e.op)) {
        if (e.entity === SETTINGS_ENTITY) acl.seeAll = await readSeeAll(db, org);
        if (!isWireEntity(e.entity)) continue;
        const entity = e.entity;
        const key = `${entity}\0${e.entityId}`;
        let recipients: Iterable<string>;
        if (entity === 'member') {
          const m = loaded.member.get(e.entityId);
          acl.setMember(e.entityId, m && { role: m.role, active: m.deactivatedAt === null });
          recipients = acl.activeMembers();
        } else if (entity === 'team') {
          acl.setTeam(e.entityId, loaded.team.get(e.entityId)?.memberIds);
          recipients = acl.activeMembers();
        } else if (entity === 'template' || entity === 'whatsapp_account') {
          recipients = acl.activeMembers();
        } else if (entity === 'contact') {
          const set = new Set<string>(acl.whoSees({ assigneeId: null, teamId: null }));
          for (const f of loaded.contactConversations.get(e.entityId) ?? [])
            for (const u of acl.whoSees(f)) set.add(u);
          recipients = set;
        } else if (entity === 'conversation') {
          const c = loaded.conversation.get(e.entityId);
          if (c) acl.setFacts(e.entityId, c.facts);
          const facts = c?.facts ?? acl.facts(e.entityId);
          recipients = facts ? acl.whoSees(facts) : acl.activeMembers();
          if (!c) acl.forget(e.entityId);
        } else {
          // Messages, notes, reactions: who saw the conversation at this point of the stream
          // AND sees it now (so no row reaches someone who just lost the conversation).
          const current = scopeOf(loaded, entity, e.entityId);
          const convId = e.conversationId ?? current?.conversationId ?? null;
          const point: ConversationFacts | undefined = (convId && acl.facts(convId)) || current?.facts;
          if (!point) continue;
          const now = current?.facts ?? point;
          const nowSet = acl.whoSees(now);
          recipients = [...acl.whoSees(point)].filter((u) => nowSet.has(u));
        }
        for (const u of recipients) {
          const change =
            entity === 'conversation'
              ? conversationChange(loaded, acl, e, u, intern)
              : (intern(`${key}\0${e.seq}`, () => putOf(loaded, entity, e.entityId, u, [], e.seq)) ??
                (e.op === 'del' || entity === 'reaction'
                  ? intern(`del\0${key}`, () => ({ e: entity, id: e.entityId, v: e.seq, op: 'del' }))
                  : null));
          if (change) add(u, key, change);
        }
        continue;
      }
      const subject = e.subjectUser;
      if (!subject) continue;
      if (e.op === 'group_join' || e.op === 'group_leave') {
        const group = groupOfEntry(e.entity, e.entityId);
        if (!group) continue;
        if (group !== 'role') acl.joinTeam(subject, e.entityId, e.op === 'group_join');
        if (acl.isActive(subject))
          add(subject, null, { e: 'group', id: e.entityId, v: e.seq, op: e.op, group });
      } else if (e.op === 'revoke') {
        if (!acl.isActive(subject)) continue;
        const assignee =
          loaded.conversation.get(e.entityId)?.facts.assigneeId ?? acl.facts(e.entityId)?.assigneeId;
        add(subject, `conversation\0${e.entityId}`, {
          e: 'conversation',
          id: e.entityId,
          v: e.seq,
          op: 'revoke',
          reassignedTo: assignee && assignee !== subject ? assignee : null,
        });
      } else if (e.op === 'grant') {
        const c = loaded.conversation.get(e.entityId);
        const scope = c ? acl.reasons(c.facts, subject) : [];
        if (scope.length === 0) continue; // lost again since: its revoke follows
        grants.push({ conversationId: e.entityId, seq: e.seq, userId: subject, scope });
        add(subject, `conversation\0${e.entityId}`, null, `${subject}:${e.entityId}:${e.seq}`);
      }
    }
    // Grants carry the conversation's newest rows: built once per batch for all of them.
    const built = await buildGrants(db, org, loaded, grants);
    for (const slots of perUser.values())
      for (const slot of slots)
        if (slot.grant !== undefined && !slot.dead) slot.change = built.get(slot.grant) ?? null;

    // ---- mutation provenance: the pushing user learns lmid and results with the packet ----
    const provenance = new Map<string, number>();
    for (const e of entries)
      if (e.clientId && e.mutationId !== null)
        provenance.set(e.clientId, Math.max(provenance.get(e.clientId) ?? 0, e.mutationId));
    const results = new Map<string, { lmid: Record<string, number>; results: ClientMutationResult[] }>();
    if (provenance.size > 0) {
      const pairs = JSON.stringify([...provenance].map(([c, m]) => ({ c, m })));
      const rows = rowsOf<{
        client_id: string;
        mutation_id: string | number;
        seq: string | number | null;
        status: string;
        user_id: string;
      }>(
        await db.execute(sql`
          select r.client_id, r.mutation_id, r.seq, r.status, c.user_id
          from json_to_recordset(${pairs}::json) as p(c uuid, m bigint)
          join sync_mutation_results r on r.client_id = p.c and r.mutation_id = p.m
          join sync_clients c on c.client_id = r.client_id and c.organization_id = ${org}`),
      );
      for (const r of rows) {
        const mine = results.get(r.user_id) ?? { lmid: {}, results: [] };
        mine.lmid[r.client_id] = Number(r.mutation_id);
        if (r.status === 'applied')
          mine.results.push({
            clientId: r.client_id,
            mid: Number(r.mutation_id),
            status: 'applied',
            seq: Number(r.seq ?? 0),
          });
        results.set(r.user_id, mine);
        if (!perUser.has(r.user_id) && acl.isActive(r.user_id)) perUser.set(r.user_id, []);
      }
    }

    // ---- one packet per user; identical packets share one emit ----
    const ids = new Map<ChangeEntry, number>();
    const idOf = (c: ChangeEntry) => {
      let n = ids.get(c);
      if (n === undefined) ids.set(c, (n = ids.size));
      return n;
    };
    const tenantSeq = Math.max(end, state.notified);
    const groups = new Map<string, { rooms: string[]; packet: LivePacket }>();
    const now = Date.now();
    for (const [userId, slots] of perUser) {
      const prev = state.lastDelivered.get(userId)?.seq ?? null;
      const mine = results.get(userId);
      const changes = slots.flatMap((x) => (x.change && !x.dead ? [x.change] : []));
      const signature = mine ? `u:${userId}` : `${prev}|${changes.map(idOf).join(',')}`;
      let group = groups.get(signature);
      if (!group) {
        const packet: LivePacket = { prev, seq: end, changes, tenantSeq };
        if (mine) {
          packet.lmid = mine.lmid;
          if (mine.results.length > 0) packet.mutationResults = mine.results;
        }
        groups.set(signature, (group = { rooms: [], packet }));
      }
      group.rooms.push(userRoom(org, userId));
      state.lastDelivered.set(userId, { seq: end, at: now });
    }
    for (const g of groups.values()) deps.emit.changes(g.rooms, g.packet);
  };

  /** A conversation put for one user: their read marker and scope reasons. */
  const conversationChange = (
    loaded: Loaded,
    acl: AclCache,
    e: LogEntry,
    userId: string,
    intern: (k: string, make: () => ChangeEntry | null) => ChangeEntry | null,
  ): ChangeEntry | null => {
    const c = loaded.conversation.get(e.entityId);
    if (!c)
      return intern(`del\0conversation\0${e.entityId}`, () => ({
        e: 'conversation',
        id: e.entityId,
        v: e.seq,
        op: 'del',
      }));
    const reasons = acl.reasons(c.facts, userId);
    if (reasons.length === 0) return null;
    const mark = loaded.reads.get(e.entityId)?.get(userId) ?? 0;
    return intern(`conversation\0${e.entityId}\0${reasons.join(',')}\0${mark}`, () =>
      putOf(loaded, 'conversation', e.entityId, userId, reasons, e.seq),
    );
  };

  const ticks = () => {
    const cutoff = Date.now() - TICK_MEMORY_MS;
    for (const [org, state] of orgs) {
      if (!state.holding) continue;
      const bySeq = new Map<number, string[]>();
      for (const [userId, d] of state.lastDelivered) {
        if (d.at < cutoff) {
          state.lastDelivered.delete(userId);
          continue;
        }
        bySeq.set(d.seq, [...(bySeq.get(d.seq) ?? []), userRoom(org, userId)]);
      }
      for (const [seq, rooms] of bySeq) deps.emit.tick(rooms, { seq });
    }
  };

  const renewLeases = async () => {
    if (!deps.leases) return;
    const now = Date.now();
    for (const [org, state] of orgs) {
      if (!state.holding) continue;
      if (now - state.lastActivity > IDLE_RELEASE_MS) {
        state.holding = false;
        orgs.delete(org);
        await deps.leases.release(leaseName(org), deps.holder).catch(() => undefined);
        continue;
      }
      const got = await deps.leases.acquire(leaseName(org), deps.holder, leaseMs).catch(() => null);
      if (!got) {
        // Another process took it over (this one stalled): stop emitting for it.
        state.holding = false;
        orgs.delete(org);
      }
    }
  };

  return {
    /** A NOTIFY `org:seq` arrived. */
    notified: (org: string, seq: number): void => {
      const known = seen.get(org);
      if (known === undefined || seq > known) seen.set(org, seq);
      const state = orgs.get(org);
      if (state?.holding) {
        if (seq > state.notified) state.notified = seq;
        kick(org, state);
        return;
      }
      if (!running || !(deps.mayTail?.(org) ?? true)) return;
      // Start right after the last notification this process saw, so a takeover misses nothing
      // (bounded: a far older start only re-sends what clients pull anyway). Never seen: on
      // PGlite the organization was created after boot (all others are tailed from boot), so
      // its log starts at 1; on PostgreSQL only this transaction's last entry is known.
      const from = known ?? (deps.leases ? seq - 1 : 0);
      void take(org, async () => Math.max(Math.min(from, seq - 1), seq - 5_000, 0))
        .then((s) => {
          if (s) {
            if (seq > s.notified) s.notified = seq;
            kick(org, s);
          }
        })
        .catch((e) => deps.log?.('sync tailer could not take an organization', e));
    },

    /** A socket of `org` connected here: make sure the organization is tailed (from now on). */
    ensure: async (org: string): Promise<void> => {
      if (!running || orgs.get(org)?.holding) return;
      await take(org, async () => (await readClock(db, org)).seq).catch((e) =>
        deps.log?.('sync tailer could not take an organization', e),
      );
    },

    /** The notification connection was re-established: re-read the clocks of tailed organizations. */
    resync: async (): Promise<void> => {
      for (const [org, state] of orgs)
        if (state.holding) {
          const { seq } = await readClock(db, org);
          if (seq > state.notified) state.notified = seq;
          kick(org, state);
        }
    },

    start: async (): Promise<void> => {
      running = true;
      if (!deps.leases) {
        // PGlite: this process tails every organization, from the current end of each log, so
        // even the first transaction after boot is delivered whole.
        const clocks = rowsOf<{ organization_id: string; seq: string | number }>(
          await db.execute(sql`select organization_id, seq from sync_clock`),
        );
        for (const c of clocks) await take(c.organization_id, async () => Number(c.seq));
      }
      tickTimer = setInterval(ticks, tickMs);
      tickTimer.unref();
      if (deps.leases) {
        leaseTimer = setInterval(() => void renewLeases().catch(() => undefined), leaseMs / 3);
        leaseTimer.unref();
      }
    },

    stop: async (): Promise<void> => {
      running = false;
      if (tickTimer) clearInterval(tickTimer);
      if (leaseTimer) clearInterval(leaseTimer);
      await Promise.all([...orgs.values()].map((s) => s.draining));
      for (const [org, state] of orgs) {
        if (state.retry) clearTimeout(state.retry);
        if (deps.leases && state.holding)
          await deps.leases.release(leaseName(org), deps.holder).catch(() => undefined);
      }
      orgs.clear();
      settleWaiters();
    },

    /** Resolves when every organization tailed here has emitted what it was notified of. */
    idle: (): Promise<void> =>
      new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleWaiters();
      }),

    /** Forgets an organization's state, as a restarted tailer would (its next packets have `prev` null). */
    restart: (org: string): void => {
      const state = orgs.get(org);
      if (!state) return;
      state.lastDelivered.clear();
      state.acl = null;
    },

    /** Sends the heartbeat now (tests). */
    tickNow: ticks,

    /** Whether this process tails `org`. */
    tails: (org: string): boolean => orgs.get(org)?.holding ?? false,
  };
}

/** The tailers of a process. */
export type TailerHub = ReturnType<typeof createTailerHub>;
