import type Database from 'better-sqlite3';
import fc from 'fast-check';
import type { SessionUser } from '#contract/api/auth';
import { statusRank, type MessageStatus } from '#contract/domain/messaging';
import { ok } from '#contract/result';
import type { Logger } from '../../deps';
import { createCommands, type Commands } from '../../commands/commands';
import { createReplicaQueries, type ReplicaQueries } from '../../replica/queries';
import { memoryReplica } from '../replica-fixtures';
import { createSyncEngine, type SyncEngine } from '../../sync/engine/engine';
import { instrument, Killed, type KillSwitch } from '../faulty-db';
import { ids, ModelServer } from './model-server';
import { createSimTransport, SimNetwork } from './sim-network';
import { createPrng, createVirtualClock, settle, type VirtualClock } from '../virtual-time';

/**
 * The seeded, model-based simulation of design/sync-protocol.md §3.1 (layer 1): the model
 * server, N real client engines (each on its own in-memory better-sqlite3 replica, with the real
 * applier, outbox, commands and queries), a simulated network that drops, delays, duplicates,
 * reorders and partitions, client kills between any two SQL statements (the engine restarts on
 * the same database), server restarts, reassignments, team and role changes. fast-check
 * generates the command sequences and shrinks failures.
 *
 * Invariants (§3.2), checked after EVERY step: 2 no leak, 3 monotonic cursor / lmid / versions /
 * message status / read marker, 5 server-side mutation order (recorded by the model), 11 outbox
 * and overlay always together (crash atomicity itself is proven statement by statement in
 * crash.test.ts). At quiescence (faults healed, then at most {@link QUIESCE_BUDGET_MS} of virtual
 * time): 10 liveness (every outbox drained, nothing visible beyond any cursor), 1 convergence to
 * the projection field by field with only shown rejections left in the overlays, 4 exactly-once
 * sends (server by id, fake WhatsApp at most once), 6 per-conversation order (follows from 1 plus
 * the model's gap-free conv_seq), 8/9 (the network's duplicates, reorders and drops are part of
 * every run).
 */

/** Virtual time allowed after the network heals: a tick (10 s), the capped backoff (30 s), slack. */
export const QUIESCE_BUDGET_MS = 45_000;

type Action =
  'resolve' | 'open' | 'snooze' | 'claim' | 'assign' | 'star' | 'labels' | 'read' | 'note' | 'contact';

/** One client process (its database survives kills; its engine does not). */
class SimClient {
  readonly db: Database.Database;
  readonly kill: KillSwitch;
  engine!: SyncEngine;
  commands!: Commands;
  queries!: ReplicaQueries;
  private transport!: ReturnType<typeof createSimTransport>;
  /** Highest durable values seen, for the monotonicity checks. */
  seen = {
    cursor: 0,
    lmid: 0,
    versions: new Map<string, number>(),
    status: new Map<string, number>(),
    read: new Map<string, number>(),
  };
  /** Unconfirmed outbox rows at the last check (invariant 7). */
  outbox = new Map<number, { name: string; args: string }>();
  /** Mutation ids the person discarded or replaced by a retry. */
  withdrawnMids = new Set<number>();
  restarts = 0;

  constructor(
    readonly key: string,
    readonly clientId: string,
    readonly user: SessionUser,
    private readonly sim: Simulation,
  ) {
    this.db = memoryReplica();
    this.kill = instrument(this.db);
    this.boot();
  }

  /** Starts a process incarnation over the same database. */
  boot(): void {
    const { sim } = this;
    this.transport = createSimTransport(sim.net, sim.server, this.key, this.user.id);
    this.queries = createReplicaQueries(this.db, () => this.user.id);
    this.engine = createSyncEngine({
      db: this.db,
      transport: this.transport,
      queries: this.queries,
      clientId: this.clientId,
      replicaId: this.key,
      organizationId: ids.team(0),
      token: async () => ok(`tok:${this.user.id}`),
      clock: sim.clock,
      logger: sim.logger(this.key),
      random: sim.random,
      timing: { pushTimeoutMs: 3_000 },
      onStatus: () => undefined,
      onChanged: () => undefined,
      onRevoked: () => undefined,
      onSessionRevoked: () => undefined,
    });
    this.commands = createCommands({
      db: this.db,
      outbox: this.engine.outbox,
      user: () => this.user,
      now: () => sim.clock.now(),
      changed: (sum) => this.engine.committed(sum),
    });
    this.engine.start();
  }

  /** The process died (a kill fired): stop the incarnation and start a new one. */
  restart(): void {
    this.engine.stop();
    this.transport.dead();
    this.kill.revive();
    this.restarts += 1;
    this.boot();
  }

  conversationIds(): string[] {
    return this.q('SELECT id FROM conversations ORDER BY id').pluck().all() as string[];
  }

  /** The id the next enqueued mutation gets. */
  nextMutationId(): number {
    return this.q('SELECT next_mutation_id FROM sync_state WHERE id = 1').pluck().get() as number;
  }

  /** The pending message or note a mutation wrote, if that mutation committed. */
  pendingIdOf(mid: number): string | undefined {
    return this.q('SELECT id FROM pending_messages WHERE mutation_id = ?').pluck().get(mid) as
      string | undefined;
  }

  /** The harness's own reads: never counted towards a kill. */
  q(sql: string): Database.Statement {
    // The invariant checks run the same reads after every step: prepare each once (a cached
    // statement is reset to plain rows, since a caller may have switched it to pluck mode).
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.kill.raw(sql)));
    else if (st.reader) st.pluck(false);
    return st;
  }

  private readonly statements = new Map<string, Database.Statement>();
}

/** A whole world for one scenario. */
export class Simulation {
  readonly clock: VirtualClock = createVirtualClock();
  readonly random: () => number;
  readonly net: SimNetwork;
  readonly server: ModelServer;
  readonly clients: SimClient[] = [];
  readonly violations: string[] = [];
  /** Sends the UI accepted: message id → client key. */
  readonly accepted = new Map<string, string>();
  /** Message ids whose mutation the person discarded or replaced by a retry. */
  readonly withdrawn = new Set<string>();
  private textCounter = 0;

  constructor(readonly seed: number) {
    this.random = createPrng(seed);
    this.net = new SimNetwork(this.clock, this.random);
    const teamAll = this.random() < 0.3;
    this.server = new ModelServer(() => this.clock.now(), this.random, {
      teams: 2,
      teamAll,
      users: [
        { role: 'manager', teams: [1] },
        { role: 'agent', teams: [1] },
        { role: 'agent', teams: [1, 2] },
      ],
    });
    // Some history before anyone syncs, so bootstrap has work.
    for (let i = 0; i < 3; i++) this.server.inbound(null, 1 + (i % 2), `hello ${i}`);
    const users = [...this.server.users.values()];
    const devices = this.random() < 0.4 ? [0, 1, 2, 1] : [0, 1, 2];
    devices.forEach((u, i) => {
      const user = users[u]!;
      this.clients.push(
        new SimClient(
          `c${i}`,
          `0190a4b2-0000-7000-8888-${String(i + 1).padStart(12, '0')}`,
          {
            id: user.id,
            email: `u${u}@sim.test`,
            name: user.name,
            role: user.role === 'manager' ? 'manager' : 'agent',
            organizationId: ids.team(0),
            organizationName: 'Sim',
          },
          this,
        ),
      );
    });
    // Half of the worlds start on a lossy network, so live-packet loss and duplication are
    // the rule rather than the exception.
    if (this.random() < 0.5) {
      this.net.faults = {
        drop: 0.05 + this.random() * 0.2,
        dup: this.random() * 0.2,
        maxDelayMs: 120,
        httpDelayMs: Math.floor(this.random() * 4_000),
      };
      this.server.transientPushFailure = this.random() * 0.2;
    }
    this.scheduleTicks();
  }

  /** A logger that turns unexpected engine errors into violations (kills are expected). */
  logger(key: string): Logger {
    const fail = (msg: string, fields?: Record<string, unknown>) => {
      const text = `${msg} ${JSON.stringify(fields ?? {})}`;
      if (!text.includes('Killed')) this.violations.push(`${key}: engine error: ${text.slice(0, 300)}`);
    };
    return { debug() {}, info() {}, warn() {}, error: fail };
  }

  private scheduleTicks(): void {
    this.clock.setTimeout(() => {
      if (!this.server.isDown()) this.server.tick();
      this.scheduleTicks();
    }, 10_000);
  }

  nextText(): string {
    this.textCounter += 1;
    return `msg ${this.textCounter}`;
  }

  /** Runs the clock, restarting killed clients, then checks the safety invariants. */
  async step(ms: number): Promise<void> {
    const slice = 50;
    for (let t = 0; t < ms || t === 0; t += slice) {
      await this.clock.advance(Math.min(slice, Math.max(ms - t, 0)));
      for (const c of this.clients) if (c.kill.killed) c.restart();
      if (ms === 0) break;
    }
    this.checkSafety();
  }

  /** Runs a client action; a kill inside it is a crash, not a failure of the scenario. */
  act<T>(c: SimClient, fn: () => T): T | null {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Killed) return null;
      throw e;
    }
  }

  // ---- invariants --------------------------------------------------------------------------

  private fail(msg: string): void {
    if (this.violations.length < 20) this.violations.push(msg);
  }

  /** Invariants 2, 3, 5, 11, checked after every step. */
  checkSafety(): void {
    for (const v of this.server.violations.splice(0)) this.fail(v);
    for (const c of this.clients) {
      const st = c.q('SELECT cursor, lmid FROM sync_state WHERE id = 1').get() as
        { cursor: number; lmid: number } | undefined;
      if (!st) continue;
      const cursor = st.cursor;
      // 3. Durable cursor and lmid never decrease.
      if (cursor < c.seen.cursor) this.fail(`${c.key}: cursor went back ${c.seen.cursor} → ${cursor}`);
      if (st.lmid < c.seen.lmid) this.fail(`${c.key}: lmid went back ${c.seen.lmid} → ${st.lmid}`);
      c.seen.cursor = Math.max(c.seen.cursor, cursor);
      c.seen.lmid = Math.max(c.seen.lmid, st.lmid);
      // 2. No leak: every conversation-scoped row was visible at some seq ≥ the cursor.
      const rows = c
        .q(
          `SELECT 'conversation' AS t, id, id AS conv, version, NULL AS status, read_up_to_conv_seq AS rd FROM conversations
           UNION ALL SELECT 'message', id, conversation_id, version, json_extract(row, '$.status'), NULL FROM messages
           UNION ALL SELECT 'note', id, conversation_id, version, NULL, NULL FROM notes`,
        )
        .all() as {
        t: string;
        id: string;
        conv: string;
        version: number;
        status: MessageStatus | null;
        rd: number | null;
      }[];
      for (const r of rows) {
        const last = this.server.lastVisible.get(`${c.user.id}|${r.conv}`);
        if (last === undefined || last < cursor)
          this.fail(
            `${c.key}: leak: holds ${r.t} ${r.id} of ${r.conv} at cursor ${cursor} (visible until ${last ?? 'never'})`,
          );
        // 3. Versions, statuses and read markers never go back.
        const key = `${r.t}|${r.id}`;
        if (r.version < (c.seen.versions.get(key) ?? 0)) this.fail(`${c.key}: version of ${key} went back`);
        c.seen.versions.set(key, Math.max(r.version, c.seen.versions.get(key) ?? 0));
        if (r.status && r.status !== 'failed') {
          const rank = statusRank[r.status];
          if (rank < (c.seen.status.get(r.id) ?? -1))
            this.fail(`${c.key}: status of message ${r.id} regressed`);
          c.seen.status.set(r.id, Math.max(rank, c.seen.status.get(r.id) ?? -1));
        }
        if (r.rd !== null) {
          if (r.rd < (c.seen.read.get(r.id) ?? 0)) this.fail(`${c.key}: read marker of ${r.id} went back`);
          c.seen.read.set(r.id, Math.max(r.rd, c.seen.read.get(r.id) ?? 0));
        }
      }
      // 11. The outbox and its overlays always move together.
      const orphans = c
        .q(
          `SELECT 'pending message without outbox' AS what, id FROM pending_messages p
             WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.mutation_id = p.mutation_id)
           UNION ALL SELECT 'patch without outbox', entity_id FROM pending_patches p
             WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.mutation_id = p.mutation_id AND o.status != 'rejected')
           UNION ALL SELECT 'send without its pending row', CAST(mutation_id AS TEXT) FROM outbox o
             WHERE o.name IN ('message.send', 'note.add')
               AND NOT EXISTS (SELECT 1 FROM pending_messages p WHERE p.mutation_id = o.mutation_id)`,
        )
        .all() as { what: string; id: string }[];
      for (const o of orphans) this.fail(`${c.key}: ${o.what}: ${o.id}`);
      this.checkNoFlicker(c);
    }
  }

  /**
   * Invariant 7: an optimistic effect disappears only when the replica already shows the
   * server's result of it (the row at or after the mutation's commit), never before.
   */
  private checkNoFlicker(c: SimClient): void {
    const now = new Map(
      (
        c.q(`SELECT mutation_id, name, args FROM outbox WHERE status != 'rejected'`).all() as {
          mutation_id: number;
          name: string;
          args: string;
        }[]
      ).map((r) => [r.mutation_id, { name: r.name, args: r.args }]),
    );
    for (const [mid, m] of c.outbox) {
      if (now.has(mid) || c.withdrawnMids.has(mid)) continue;
      if (c.q('SELECT 1 FROM outbox WHERE mutation_id = ?').pluck().get(mid)) continue; // rejected: shown failed
      const result = this.server.clients.get(c.clientId)?.results.get(mid);
      if (!result || result.status !== 'applied') {
        this.fail(`${c.key}: mutation ${mid} left the outbox without an applied result`);
        continue;
      }
      const args = JSON.parse(m.args) as { conversationId?: string; contactId?: string; id?: string };
      // The version the mutation stamped on the row it changed (a commit may log scope entries after it).
      const stamped = this.server.mutationVersions.get(`${c.clientId}|${mid}`) ?? result.seq;
      const cursor = c.q('SELECT cursor FROM sync_state').pluck().get() as number;
      if (cursor < result.seq)
        this.fail(`${c.key}: mutation ${mid} confirmed at cursor ${cursor} < its seq ${result.seq}`);
      const row = (table: string, id: string | undefined) =>
        id
          ? (c.q(`SELECT version FROM ${table} WHERE id = ?`).pluck().get(id) as number | undefined)
          : undefined;
      const conv = row('conversations', args.conversationId);
      if (m.name === 'message.send' || m.name === 'note.add') {
        // A revoke after the row landed took the row away with the conversation; a re-grant
        // (a put, a partial bootstrap) brings the conversation back and its history on demand.
        // The overlay going then is no flicker (convergence still checks the history).
        const revoked = this.server.log.some(
          (e) =>
            e.op === 'revoke' &&
            e.subject === c.user.id &&
            e.id === args.conversationId &&
            e.seq > stamped &&
            e.seq <= cursor,
        );
        if (
          !revoked &&
          conv !== undefined &&
          row(m.name === 'note.add' ? 'notes' : 'messages', args.id) === undefined
        )
          this.fail(`${c.key}: ${m.name} ${mid} confirmed before its row arrived (flicker)`);
      } else if (m.name === 'contact.update') {
        const v = row('contacts', args.contactId);
        if (v !== undefined && v < stamped)
          this.fail(`${c.key}: contact edit ${mid} confirmed at version ${v} < ${stamped}`);
      } else if (conv !== undefined && conv < stamped) {
        this.fail(
          `${c.key}: ${m.name} ${mid} confirmed while the row is at version ${conv} < ${stamped} (flicker)`,
        );
      }
    }
    c.outbox = now;
  }

  /** Nothing visible to the client lies beyond its cursor, its outbox is empty, it is live, no repair is owed. */
  private settled(c: SimClient): boolean {
    const cursor = c.q('SELECT cursor FROM sync_state WHERE id = 1').pluck().get() as number;
    const st = c.engine.status();
    return (
      st.state === 'online' &&
      st.outboxSize === 0 &&
      this.server.project(this.server.log.slice(cursor), c.user.id).length === 0 &&
      !c.q('SELECT pending_groups FROM sync_state WHERE id = 1').pluck().get() &&
      // Self-repair still owed: a conversation that came through the log without its contact
      // gets its history page in the background (the engine is online meanwhile).
      !c
        .q(
          'SELECT 1 FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM contacts t WHERE t.id = c.contact_id)',
        )
        .pluck()
        .get()
    );
  }

  /** Heals every fault and runs until every client has settled (invariants 10, then 1, 4). */
  async quiesce(): Promise<void> {
    this.net.heal();
    this.server.transientPushFailure = 0;
    this.server.downUntil = 0;
    for (const c of this.clients) c.kill.disarm();
    const start = this.clock.now();
    for (;;) {
      this.server.deliverStatuses();
      await this.step(500);
      if (this.clients.every((c) => this.settled(c))) {
        await this.step(1_000);
        if (this.clients.every((c) => this.settled(c))) break;
      }
      if (this.clock.now() - start > QUIESCE_BUDGET_MS) {
        for (const c of this.clients)
          if (!this.settled(c))
            this.fail(
              `${c.key}: liveness: not settled ${QUIESCE_BUDGET_MS} ms after the heal (${JSON.stringify(c.engine.status())})`,
            );
        return;
      }
    }
    this.checkConvergence();
  }

  /** Invariant 1 (and 4, 6): every replica equals its user's projection. */
  private checkConvergence(): void {
    const s = this.server;
    for (const c of this.clients) {
      const u = c.user.id;
      const rows = (table: string) =>
        new Map(
          (
            c.q(`SELECT id, version, row FROM ${table}`).all() as {
              id: string;
              version: number;
              row: string;
            }[]
          ).map((r) => [r.id, r]),
        );
      const eq = (
        what: string,
        id: string,
        held: { version: number; row: string } | undefined,
        want: { v: number; row: unknown },
      ) => {
        if (!held) return this.fail(`${c.key}: missing ${what} ${id}`);
        if (held.version !== want.v)
          this.fail(`${c.key}: ${what} ${id} at version ${held.version}, server ${want.v}`);
        if (canon(JSON.parse(held.row)) !== canon(want.row))
          this.fail(
            `${c.key}: ${what} ${id} differs:\n  held ${held.row}\n  want ${JSON.stringify(want.row)}`,
          );
      };
      // Conversations: exactly the visible ones, with their scope reasons.
      const convs = rows('conversations');
      const visible = [...s.conversations.keys()].filter((id) => s.visible(u, id));
      if (convs.size !== visible.length)
        this.fail(`${c.key}: holds ${convs.size} conversations, sees ${visible.length}`);
      for (const id of visible) {
        const p = s.putFor('conversation', id, u)!;
        eq('conversation', id, convs.get(id), { v: p.v, row: p.row });
        const scope = c.q('SELECT _scope FROM conversations WHERE id = ?').pluck().get(id) as
          string | undefined;
        if (scope && p.e === 'conversation' && scope !== JSON.stringify(p.scope))
          this.fail(`${c.key}: scope of ${id} is ${scope}, server ${JSON.stringify(p.scope)}`);
      }
      // Contacts: exactly those of visible conversations.
      const contacts = rows('contacts');
      const wantContacts = new Set(visible.map((id) => s.conversations.get(id)!.row.contact.id));
      if (contacts.size !== wantContacts.size)
        this.fail(`${c.key}: holds ${contacts.size} contacts, sees ${wantContacts.size}`);
      for (const id of wantContacts) {
        const p = s.putFor('contact', id, u)!;
        eq('contact', id, contacts.get(id), { v: p.v, row: p.row });
      }
      // Messages: equal from the history floor up; anything held below is equal too.
      const messages = rows('messages');
      for (const [id, m] of messages) {
        const sm = s.messages.get(id);
        if (!sm || !s.visible(u, sm.row.conversationId)) {
          this.fail(`${c.key}: holds message ${id} the server does not show it`);
          continue;
        }
        eq('message', id, m, { v: sm.version, row: sm.row });
      }
      for (const conv of visible) {
        const floor = c
          .q('SELECT conv_seq FROM history_floor WHERE conversation_id = ?')
          .pluck()
          .get(conv) as number | undefined;
        if (floor === undefined) continue;
        for (const m of s.messagesOf(conv))
          if (m.convSeq >= floor && !messages.has(m.id))
            this.fail(`${c.key}: floor ${floor} of ${conv} but message ${m.convSeq} missing`);
      }
      // Notes: held ones equal and visible.
      for (const [id, n] of rows('notes')) {
        const sn = s.notes.get(id);
        if (!sn) this.fail(`${c.key}: holds unknown note ${id}`);
        else eq('note', id, n, { v: sn.version, row: sn.row });
      }
      // Tenant-public rows: all of them.
      for (const [table, entity, map] of [
        ['members', 'member', s.members],
        ['teams', 'team', s.teams],
      ] as const) {
        const held = rows(table);
        if (held.size !== map.size) this.fail(`${c.key}: holds ${held.size} ${table}, server ${map.size}`);
        for (const [id, r] of map) eq(entity, id, held.get(id), { v: r.version, row: r.row });
      }
      // Overlays: only rejections shown to the person remain.
      const left = c
        .q(
          `SELECT 'outbox ' || status AS what FROM outbox WHERE status != 'rejected'
           UNION ALL SELECT 'patch' FROM pending_patches
           UNION ALL SELECT 'pending message ' || state FROM pending_messages p
             WHERE state != 'failed' OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.mutation_id = p.mutation_id AND o.status = 'rejected')`,
        )
        .pluck()
        .all() as string[];
      for (const l of left) this.fail(`${c.key}: overlay left at quiescence: ${l}`);
      // lmid agrees with the server.
      const lmid = c.q('SELECT lmid FROM sync_state').pluck().get() as number;
      const server = s.clients.get(c.clientId)?.lmid ?? 0;
      if (lmid !== server) this.fail(`${c.key}: lmid ${lmid}, server ${server}`);
    }
    // 4. Exactly once: every accepted send is on the server once (by id), unless it was refused
    //    (and shown failed) or withdrawn before it was ever sent; WhatsApp got each at most once.
    for (const [id, key] of this.accepted) {
      const onServer = s.messages.has(id);
      const c = this.clients.find((x) => x.key === key)!;
      const failed =
        c.q(`SELECT 1 FROM pending_messages WHERE id = ? AND state = 'failed'`).pluck().get(id) !== undefined;
      if (onServer && failed) this.fail(`${key}: message ${id} is on the server but shown failed`);
      if (!onServer && !failed && !this.withdrawn.has(id))
        this.fail(`${key}: accepted message ${id} was lost`);
    }
    for (const [id, n] of s.whatsappSends) if (n > 1) this.fail(`WhatsApp received message ${id} ${n} times`);
    for (const [id, m] of s.messages)
      if (m.row.direction === 'outbound' && m.row.status !== 'queued' && s.whatsappSends.get(id) !== 1)
        this.fail(`message ${id} is ${m.row.status} but was sent ${s.whatsappSends.get(id) ?? 0} times`);
  }
}

/** JSON with sorted keys and no undefined fields: rows compared field by field. */
function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}

// ---- commands ---------------------------------------------------------------------------------

/**
 * One step of a scenario as plain data, so a failure prints as JSON and replays exactly with
 * {@link replayScenario}. `ms` is the virtual time that passes after the action.
 */
export type Step =
  | { k: 'inbound'; conv: number | null; team: number; ms: number }
  | { k: 'reassign'; conv: number; user: number; team: number; ms: number }
  | { k: 'team'; user: number; team: number; join: boolean; ms: number }
  | { k: 'role'; user: number; ms: number }
  | { k: 'statuses'; ms: number }
  | { k: 'expireWindow'; conv: number; ms: number }
  | { k: 'send'; client: number; conv: number; ms: number }
  | { k: 'act'; client: number; conv: number; action: Action; ms: number }
  | { k: 'openThread'; client: number; conv: number; ms: number }
  | { k: 'tray'; client: number; retry: boolean; ms: number }
  | { k: 'partition'; client: number; mode: 'none' | 'in' | 'out' | 'both'; ms: number }
  | { k: 'drop'; client: number; ms: number }
  | { k: 'kill'; client: number; at: number; ms: number }
  | { k: 'restartServer'; down: number; ms: number }
  | { k: 'faults'; drop: number; dup: number; pushFail: number; slowHttp: number; ms: number }
  | { k: 'wait'; ms: number };

type Cmd = fc.AsyncCommand<object, Simulation>;

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
const serverConv = (s: Simulation, i: number) => pick([...s.server.conversations.keys()], i);

/** Performs one step's action (not the time that follows it). */
async function perform(s: Simulation, d: Step): Promise<void> {
  const users = [...s.server.users.keys()];
  const client = 'client' in d ? pick(s.clients, d.client)! : null;
  const clientConv = () =>
    client && 'conv' in d && d.conv !== null ? pick(client.conversationIds(), d.conv) : undefined;
  switch (d.k) {
    case 'inbound':
      s.server.inbound(d.conv === null ? null : (serverConv(s, d.conv) ?? null), d.team, s.nextText());
      return;
    case 'reassign': {
      const id = serverConv(s, d.conv);
      if (id)
        s.server.reassign(
          id,
          d.user < 0 ? null : users[d.user]!,
          d.team < 0 ? undefined : d.team === 0 ? null : d.team,
        );
      return;
    }
    case 'team':
      s.server.setTeam(users[d.user]!, d.team, d.join);
      return;
    case 'role':
      s.server.toggleRole(users[d.user]!);
      return;
    case 'statuses':
      s.server.deliverStatuses();
      return;
    case 'expireWindow': {
      const id = serverConv(s, d.conv);
      if (id) s.server.expireWindow(id);
      return;
    }
    case 'send': {
      const conv = clientConv();
      if (!client || !conv) return;
      const mid = client.nextMutationId();
      s.act(client, () =>
        client.commands.sendMessage({ conversationId: conv, message: { type: 'text', text: s.nextText() } }),
      );
      // Accepted iff it committed: the process may die after the commit (while announcing it),
      // and the restarted app still shows and sends the message.
      const id = client.pendingIdOf(mid);
      if (id) s.accepted.set(id, client.key);
      return;
    }
    case 'act': {
      const conv = clientConv();
      if (!client || !conv) return;
      const c = client;
      s.act(c, () => {
        switch (d.action) {
          case 'resolve':
          case 'open':
            return c.commands.setStatus({
              conversationId: conv,
              status: d.action === 'resolve' ? 'resolved' : 'open',
            });
          case 'snooze':
            return c.commands.setStatus({ conversationId: conv, status: 'snoozed', snoozedUntil: null });
          case 'claim':
            return c.commands.claim({ conversationId: conv });
          case 'assign':
            return c.commands.assign({ conversationId: conv, assigneeId: pick(users, d.conv) ?? null });
          case 'star':
            return c.commands.setImportant({ conversationId: conv, important: d.conv % 2 === 0 });
          case 'labels':
            return c.commands.setLabels({ conversationId: conv, labels: d.conv % 3 ? ['vip'] : [] });
          case 'read': {
            const last = c
              .q('SELECT last_conv_seq FROM conversations WHERE id = ?')
              .pluck()
              .get(conv) as number;
            return c.commands.markRead({ conversationId: conv, readUpToConvSeq: last });
          }
          case 'note':
            return c.commands.addNote({ conversationId: conv, body: s.nextText() });
          case 'contact': {
            const contact = c
              .q('SELECT contact_id FROM conversations WHERE id = ?')
              .pluck()
              .get(conv) as string;
            return c.commands.updateContact({ contactId: contact, patch: { name: s.nextText() } });
          }
        }
      });
      return;
    }
    case 'openThread': {
      const conv = clientConv();
      if (!client || !conv) return;
      const page = s.act(client, () => client.engine.messages(conv, undefined, 3));
      if (page?.nextBeforeConvSeq)
        s.act(client, () => client.engine.messages(conv, page.nextBeforeConvSeq ?? undefined, 3));
      return;
    }
    case 'tray': {
      if (!client) return;
      const c = client;
      const items = s.act(c, () => c.commands.list(c.engine.inFlight())) ?? [];
      const item = items.find((x) => (d.retry ? x.canRetry : x.canDiscard));
      if (!item) return;
      const old = c
        .q('SELECT id FROM pending_messages WHERE mutation_id = ?')
        .pluck()
        .get(item.mutationId) as string | undefined;
      const next = c.nextMutationId();
      s.act(c, () =>
        d.retry
          ? c.commands.retry(item.mutationId)
          : c.commands.discard(item.mutationId, c.engine.inFlight()),
      );
      // What counts is what committed, not whether the call returned: a kill can land after the
      // commit (while the change is announced), and the restarted app no longer has the item.
      // Nothing else runs in between (confirmation is asynchronous), so a row gone is this action.
      if (c.q('SELECT 1 FROM outbox WHERE mutation_id = ?').pluck().get(item.mutationId) !== undefined)
        return;
      c.withdrawnMids.add(item.mutationId);
      if (old) s.withdrawn.add(old);
      const id = d.retry && item.name === 'message.send' ? c.pendingIdOf(next) : undefined;
      if (id) s.accepted.set(id, c.key);
      return;
    }
    case 'partition':
      s.net.partition(client!.key, {
        in: d.mode === 'in' || d.mode === 'both',
        out: d.mode === 'out' || d.mode === 'both',
      });
      return;
    case 'drop':
      s.server.dropClient(client!.clientId);
      return;
    case 'kill':
      client!.kill.arm(d.at);
      return;
    case 'restartServer':
      s.server.restart(d.down);
      return;
    case 'faults':
      s.net.faults = {
        drop: d.drop,
        dup: d.dup,
        maxDelayMs: 40 + Math.floor(d.drop * 400),
        httpDelayMs: d.slowHttp,
      };
      s.server.transientPushFailure = d.pushFail;
      return;
    case 'wait':
      return;
  }
}

/** A step as a fast-check command: act, let its time pass, fail on any violation. */
const toCmd = (d: Step): Cmd => ({
  check: () => true,
  async run(_m, s) {
    await perform(s, d);
    await s.step(d.ms);
    if (s.violations.length) throw new Error(s.violations.join('\n'));
  },
  toString: () => JSON.stringify(d),
});

/** Every step the fuzzer may generate. */
export function stepArbitraries(): fc.Arbitrary<Step>[] {
  const client = fc.nat(3);
  const conv = fc.nat(20);
  const ms = fc.integer({ min: 0, max: 600 });
  const action = fc.constantFrom<Action>(
    'resolve',
    'open',
    'snooze',
    'claim',
    'assign',
    'star',
    'labels',
    'read',
    'note',
    'contact',
  );
  return [
    fc.record({
      k: fc.constant('inbound' as const),
      conv: fc.option(conv, { nil: null }),
      team: fc.integer({ min: 1, max: 2 }),
      ms,
    }),
    fc.record({
      k: fc.constant('reassign' as const),
      conv,
      user: fc.integer({ min: -1, max: 2 }),
      team: fc.integer({ min: -1, max: 2 }),
      ms,
    }),
    fc.record({
      k: fc.constant('team' as const),
      user: fc.nat(2),
      team: fc.integer({ min: 1, max: 2 }),
      join: fc.boolean(),
      ms,
    }),
    fc.record({ k: fc.constant('role' as const), user: fc.integer({ min: 1, max: 2 }), ms }),
    fc.record({ k: fc.constant('statuses' as const), ms }),
    fc.record({ k: fc.constant('expireWindow' as const), conv, ms }),
    fc.record({ k: fc.constant('send' as const), client, conv, ms }),
    fc.record({ k: fc.constant('act' as const), client, conv, action, ms }),
    fc.record({ k: fc.constant('openThread' as const), client, conv, ms }),
    fc.record({ k: fc.constant('tray' as const), client, retry: fc.boolean(), ms }),
    fc.record({
      k: fc.constant('partition' as const),
      client,
      mode: fc.constantFrom('none' as const, 'in' as const, 'out' as const, 'both' as const),
      ms,
    }),
    fc.record({ k: fc.constant('drop' as const), client, ms }),
    fc.record({ k: fc.constant('kill' as const), client, at: fc.integer({ min: 1, max: 60 }), ms }),
    fc.record({ k: fc.constant('restartServer' as const), down: fc.integer({ min: 0, max: 3_000 }), ms }),
    fc.record({
      k: fc.constant('faults' as const),
      drop: fc.constantFrom(0, 0.05, 0.3),
      dup: fc.constantFrom(0, 0.2),
      pushFail: fc.constantFrom(0, 0.2),
      slowHttp: fc.constantFrom(40, 1_500, 4_000),
      ms,
    }),
    fc.record({ k: fc.constant('wait' as const), ms: fc.integer({ min: 500, max: 20_000 }) }),
  ];
}

/** One scenario: a world seed and a command sequence (fast-check's model-based commands). */
export const scenario = fc.tuple(
  fc.nat(),
  fc.commands(
    stepArbitraries().map((a) => a.map(toCmd)),
    { maxCommands: 40, size: 'medium' },
  ),
);

/** Runs one scenario; throws with the violations if any. */
export async function runScenario(seed: number, cmds: Iterable<Cmd>): Promise<Simulation> {
  const sim = new Simulation(seed);
  try {
    await sim.step(2_000); // bootstrap
    await fc.asyncModelRun(() => ({ model: {}, real: sim }), cmds);
    await sim.quiesce();
  } finally {
    for (const c of sim.clients) c.engine.stop();
  }
  if (sim.violations.length) throw new Error(sim.violations.join('\n'));
  return sim;
}

/** Replays a printed failure: `replayScenario(seed, [{"k":"send",…}, …])`. */
export function replayScenario(seed: number, steps: Step[]): Promise<Simulation> {
  return runScenario(seed, steps.map(toCmd));
}

/** The outcome of a fuzz run. */
export interface FuzzReport {
  runs: number;
  violations: number;
  failures: { seed: number; message: string }[];
}

/**
 * Runs one scenario per seed (fast-check generates it from the seed and shrinks a failure).
 * Each failure is reported with its seed, the world seed and the shrunk steps as JSON (replay
 * them with {@link replayScenario}), and the violated invariants.
 */
export async function runSyncFuzz(
  seeds: Iterable<number>,
  log: (line: string) => void = () => undefined,
): Promise<FuzzReport> {
  const report: FuzzReport = { runs: 0, violations: 0, failures: [] };
  const property = fc.asyncProperty(scenario, async ([seed, cmds]) => {
    await runScenario(seed, cmds);
  });
  for (const seed of seeds) {
    report.runs += 1;
    // Shrinking replays whole scenarios; a minute per failing seed is plenty.
    const details = await fc.check(property, { seed, numRuns: 1, interruptAfterTimeLimit: 60_000 });
    if (details.failed) {
      report.violations += 1;
      const [world, cmds] = (details.counterexample?.[0] ?? [0, []]) as [number, Iterable<Cmd>];
      const steps = [...cmds].map(String).join(',');
      const error =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      const message = `fuzz seed ${seed}: violated after shrinking ${details.numShrinks} times\n  replay: replayScenario(${world}, [${steps}])\n  ${error.replace(/\n/g, '\n  ')}`;
      report.failures.push({ seed, message });
      log(message);
    }
    await settle();
  }
  return report;
}
