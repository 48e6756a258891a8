import type { Contact } from '#contract/api/contacts';
import type { Note } from '#contract/api/notes';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import { statusRank, type ConversationStatus, type MessageStatus } from '#contract/domain/messaging';
import {
  HandshakeAuth,
  Mutation,
  PROTOCOL_VERSION,
  SCHEMA_RANGE,
  type BootstrapLine,
  type BootstrapQuery,
  type ChangeEntry,
  type ClientMutationResult,
  type ConversationRow,
  type HandshakeRejection,
  type Hello,
  type HistoryQuery,
  type HistoryResponse,
  type LivePacket,
  type MessageRow,
  type MutationResult,
  type PullQuery,
  type PullResponse,
  type PushAck,
  type PushFrame,
  type PutEntry,
  type SyncEntity,
  type Tick,
} from '#contract/sync/protocol';

/**
 * The MODEL SERVER: an in-memory implementation of the sync protocol, used as the test oracle
 * of the simulation (never shipped; the real gateway is tested against real clients). It keeps
 * what design/sync-protocol.md asks of the server, literally:
 * - one gap-free seq per tenant, allocated at commit, stamped as each changed row's `version`,
 *   and a `sync_log` entry per change;
 * - scope per §2.3: managers see everything; an agent sees what is assigned to them and the
 *   unassigned conversations of their teams (all of their teams' when `teamAll`); contacts
 *   through a visible conversation; members and teams are tenant-public;
 * - pull: scan the log after the cursor, compact per (entity, id), current rows filtered by
 *   current scope, revoke/grant/group entries of the subject user, mutation results;
 * - live fan-out per user room with `(prev, seq)`, ticks, and lost `lastDelivered` on restart;
 * - mutations idempotent per (clientId, mutationId), re-authorized against current state, claim
 *   as compare-and-set, the 24-hour window, permanent rejections recorded and returned;
 * - revoke/grant entries when a reassignment changes who may see a conversation, group entries
 *   when a team membership or role changes.
 * It also records what the invariants need: per-(user, conversation) visibility history, the
 * order mutations were applied in, and the fake WhatsApp API's sends.
 */

const HEX = (n: number) => n.toString(16).padStart(12, '0');
/** Deterministic ids per kind. */
export const ids = {
  user: (n: number) => `0190a4b2-0001-7000-8000-${HEX(n)}`,
  team: (n: number) => `0190a4b2-0002-7000-8000-${HEX(n)}`,
  conversation: (n: number) => `0190a4b2-0003-7000-8000-${HEX(n)}`,
  contact: (n: number) => `0190a4b2-0004-7000-8000-${HEX(n)}`,
  message: (n: number) => `0190a4b2-0005-7000-8000-${HEX(n)}`,
  note: (n: number) => `0190a4b2-0006-7000-8000-${HEX(n)}`,
  account: '0190a4b2-0007-7000-8000-000000000001',
};

/** A member of the simulated organization. */
export interface ModelUser {
  id: string;
  name: string;
  role: 'agent' | 'manager';
  teams: Set<string>;
  deactivated: boolean;
}

interface ConvState {
  /** The row without the per-viewer read marker. */
  row: Omit<ConversationRow, 'readUpToConvSeq'>;
  version: number;
  readBy: Map<string, number>;
}

interface Versioned<T> {
  row: T;
  version: number;
}

/** One `sync_log` row. */
export interface LogEntry {
  seq: number;
  entity: SyncEntity | 'group';
  id: string;
  op: ChangeEntry['op'];
  conversationId: string | null;
  subject: string | null;
  clientId: string | null;
  mid: number | null;
  group?: string;
  reassignedTo?: string | null;
  reason?: 'reassigned' | 'scope';
}

/** The server end of one socket. */
export interface ServerSocket {
  id: number;
  userId: string;
  clientId: string;
  /** Delivers an event to the client (through the simulated network). */
  send(event: 'sync:changes' | 'sync:tick' | 'sync:hello', payload: LivePacket | Tick | Hello): void;
  /** Closes the socket from the server side. */
  close(reason: string): void;
}

/** A log entry buffered by a transaction (seq allocated at commit). */
type TxEntry = Partial<Omit<LogEntry, 'seq' | 'entity' | 'id'>> & { entity: LogEntry['entity']; id: string };

/** What a transaction body writes to. */
interface Tx {
  push(e: TxEntry): void;
}

/** Creates the model server. `now` is the simulation's clock. */
export class ModelServer {
  seq = 0;
  floorSeq = 0;
  readonly log: LogEntry[] = [];
  readonly users = new Map<string, ModelUser>();
  readonly teams = new Map<string, Versioned<Team>>();
  readonly members = new Map<string, Versioned<Member>>();
  readonly conversations = new Map<string, ConvState>();
  readonly contacts = new Map<string, Versioned<Contact>>();
  readonly messages = new Map<string, Versioned<Omit<MessageRow, 'reactions'>>>();
  readonly byConversation = new Map<string, string[]>();
  readonly notes = new Map<string, Versioned<Note>>();
  readonly clients = new Map<
    string,
    { userId: string; lmid: number; results: Map<number, MutationResult> }
  >();
  /** Calls to the fake WhatsApp send API per message id. */
  readonly whatsappSends = new Map<string, number>();
  readonly sendQueue: string[] = [];
  /** The version a mutation gave the row it changed (`clientId|mid` → version), for the flicker check. */
  readonly mutationVersions = new Map<string, number>();
  /** Broken server-side invariants (mutation order, double apply). */
  readonly violations: string[] = [];
  /** Highest seq at which each (user, conversation) was visible. */
  readonly lastVisible = new Map<string, number>();
  /** When the organization lets agents see all of their teams' conversations. */
  teamAll: boolean;
  /** Down (restarting) until this time: requests fail, sockets are refused. */
  downUntil = 0;
  /** Probability that a push batch stops with a retryable error after some mutations. */
  transientPushFailure = 0;

  private sockets = new Map<number, ServerSocket>();
  private lastDelivered = new Map<string, number>();
  private nextSocket = 1;
  private counters = { conversation: 0, contact: 0, message: 0, note: 0 };

  constructor(
    private readonly now: () => number,
    private readonly random: () => number,
    opts: { users: { role: 'agent' | 'manager'; teams: number[] }[]; teams: number; teamAll: boolean },
  ) {
    this.teamAll = opts.teamAll;
    const at = this.iso();
    for (let t = 1; t <= opts.teams; t++)
      this.teams.set(ids.team(t), {
        row: { id: ids.team(t), name: `Team ${t}`, memberIds: [], createdAt: at },
        version: 0,
      });
    opts.users.forEach((u, i) => {
      const id = ids.user(i + 1);
      this.users.set(id, {
        id,
        name: `User ${i + 1}`,
        role: u.role,
        teams: new Set(u.teams.map(ids.team)),
        deactivated: false,
      });
    });
    this.commit((tx) => {
      for (const u of this.users.values()) {
        this.members.set(u.id, {
          row: {
            id: u.id,
            email: `u${u.id.slice(-2)}@sim.test`,
            name: u.name,
            role: u.role,
            deactivatedAt: null,
            joinedAt: at,
            availability: 'available',
            capacity: null,
          },
          version: 0,
        });
        tx.push({ entity: 'member', id: u.id });
      }
      for (const t of this.teams.values()) {
        t.row = { ...t.row, memberIds: this.memberIdsOf(t.row.id) };
        tx.push({ entity: 'team', id: t.row.id });
      }
    });
  }

  // ---- scope ------------------------------------------------------------------------------

  /** Why `userId` may see a conversation now (empty = not visible). */
  reasons(userId: string, c: ConvState | undefined): string[] {
    const u = this.users.get(userId);
    if (!u || !c || u.deactivated) return [];
    const r: string[] = [];
    if (u.role === 'manager') r.push('role');
    if (c.row.assigneeId === userId) r.push('assignee');
    const team = c.row.teamId;
    if (team && u.teams.has(team) && (c.row.assigneeId === null || this.teamAll)) r.push(`team:${team}`);
    return r;
  }

  visible(userId: string, conversationId: string): boolean {
    return this.reasons(userId, this.conversations.get(conversationId)).length > 0;
  }

  private contactVisible(userId: string, contactId: string): boolean {
    for (const [id, c] of this.conversations)
      if (c.row.contact.id === contactId && this.visible(userId, id)) return true;
    return false;
  }

  private memberIdsOf(teamId: string): string[] {
    return [...this.users.values()]
      .filter((u) => u.teams.has(teamId))
      .map((u) => u.id)
      .sort();
  }

  /** The conversation row as `userId` sees it. */
  rowFor(userId: string, c: ConvState): ConversationRow {
    return { ...c.row, readUpToConvSeq: c.readBy.get(userId) ?? 0 } as ConversationRow;
  }

  // ---- transactions ------------------------------------------------------------------------

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * One write transaction: `fn` changes rows and buffers log entries; at commit the seqs are
   * allocated in order (gap-free), the rows stamped, visibility recorded, and the tailer runs.
   */
  private commit(fn: (tx: Tx) => void): number {
    const before = this.visibilitySnapshot();
    const pending: TxEntry[] = [];
    fn({ push: (e) => void pending.push(e) });
    if (pending.length === 0) return this.seq;
    const first = this.seq + 1;
    const lossSeq = new Map<string, number>();
    for (const p of pending) {
      this.seq += 1;
      const e: LogEntry = {
        seq: this.seq,
        entity: p.entity,
        id: p.id,
        op: p.op ?? 'put',
        conversationId: p.conversationId ?? null,
        subject: p.subject ?? null,
        clientId: p.clientId ?? null,
        mid: p.mid ?? null,
        ...(p.group ? { group: p.group } : {}),
        ...(p.reassignedTo !== undefined ? { reassignedTo: p.reassignedTo } : {}),
        ...(p.reason ? { reason: p.reason } : {}),
      };
      this.log.push(e);
      if (e.op === 'put') this.stamp(e);
      if (e.op === 'revoke' && e.subject) {
        const key = `${e.subject}|${e.id}`;
        if (!lossSeq.has(key)) lossSeq.set(key, e.seq);
      }
    }
    // Visibility history for the no-leak check: a pair that stopped being visible was visible
    // up to the entry (revoke or group_leave) that tells its client so.
    const after = this.visibilitySnapshot();
    for (const [key, was] of before) {
      if (!was || after.get(key)) continue;
      const [user, conv] = key.split('|') as [string, string];
      const loss = lossSeq.get(`${user}|${conv}`);
      if (loss === undefined)
        this.violations.push(`model: ${key} lost visibility at ${first} without a revoke`);
      this.lastVisible.set(key, (loss ?? first) - 1);
    }
    for (const [key, is] of after) if (is) this.lastVisible.set(key, this.seq);
    this.tail(first - 1);
    return this.seq;
  }

  private visibilitySnapshot(): Map<string, boolean> {
    const m = new Map<string, boolean>();
    for (const u of this.users.keys())
      for (const c of this.conversations.keys()) m.set(`${u}|${c}`, this.visible(u, c));
    return m;
  }

  private stamp(e: LogEntry): void {
    const table: Record<string, Map<string, { version: number }> | undefined> = {
      conversation: this.conversations,
      contact: this.contacts,
      message: this.messages,
      note: this.notes,
      member: this.members,
      team: this.teams,
    };
    const row = table[e.entity]?.get(e.id);
    if (row) row.version = e.seq;
  }

  /** Revoke and grant entries for a conversation whose assignee or team changed. */
  private scopeDiff(tx: Tx, id: string, before: Map<string, boolean>, reassignedTo: string | null) {
    for (const u of this.users.keys()) {
      const was = before.get(u) ?? false;
      const is = this.visible(u, id);
      if (was && !is)
        tx.push({ entity: 'conversation', id, op: 'revoke', subject: u, conversationId: id, reassignedTo });
      if (!was && is) tx.push({ entity: 'conversation', id, op: 'grant', subject: u, conversationId: id });
    }
  }

  private whoSees(id: string): Map<string, boolean> {
    return new Map([...this.users.keys()].map((u) => [u, this.visible(u, id)]));
  }

  // ---- server-side activity (webhooks, REST, workers) -------------------------------------------

  /** An inbound customer message, creating the contact and conversation when `conversationId` is null. */
  inbound(conversationId: string | null, teamIndex: number | null, text: string): string {
    let id = conversationId;
    this.commit((tx) => {
      const at = this.iso();
      if (!id || !this.conversations.has(id)) {
        const n = ++this.counters.conversation;
        id = ids.conversation(n);
        const contactId = ids.contact(++this.counters.contact);
        const contact: Contact = {
          id: contactId,
          name: `Customer ${n}`,
          profileName: null,
          phone: `+1415555${String(1000 + n)}`,
          waId: `1415555${String(1000 + n)}`,
          userId: null,
          username: null,
          tags: [],
          optedOut: false,
          customAttributes: {},
          createdAt: at,
          updatedAt: at,
        };
        this.contacts.set(contactId, { row: contact, version: 0 });
        tx.push({ entity: 'contact', id: contactId });
        this.conversations.set(id, {
          row: {
            id,
            status: 'open',
            snoozedUntil: null,
            contact: { id: contactId, name: contact.name, phone: contact.phone, waId: contact.waId },
            whatsappAccountId: ids.account,
            assigneeId: null,
            teamId: teamIndex === null ? null : ids.team(teamIndex),
            important: false,
            labels: [],
            unreadCount: 0,
            lastMessageAt: null,
            lastMessage: null,
            windowExpiresAt: null,
            waitingSince: null,
            createdAt: at,
            updatedAt: at,
            lastConvSeq: 0,
          },
          version: 0,
          readBy: new Map(),
        });
        this.byConversation.set(id, []);
      }
      const c = this.conversations.get(id)!;
      this.addMessage(tx, c, { direction: 'inbound', type: 'text', text, status: 'delivered' }, null);
      c.row = {
        ...c.row,
        status: c.row.status === 'resolved' || c.row.status === 'snoozed' ? 'open' : c.row.status,
        snoozedUntil: null,
        unreadCount: c.row.unreadCount + 1,
        windowExpiresAt: new Date(this.now() + 24 * 3600_000).toISOString(),
      };
      tx.push({ entity: 'conversation', id, conversationId: id });
    });
    return id!;
  }

  private addMessage(
    tx: Tx,
    c: ConvState,
    body: Pick<MessageRow, 'direction' | 'type' | 'status'> & Partial<MessageRow>,
    messageId: string | null,
    provenance?: { clientId: string; mid: number },
  ): string {
    const at = this.iso();
    const id = messageId ?? ids.message(++this.counters.message);
    const list = this.byConversation.get(c.row.id)!;
    const convSeq = list.length + 1;
    const row = { ...body, id, conversationId: c.row.id, convSeq, createdAt: at, statusAt: at } as MessageRow;
    this.messages.set(id, { row, version: 0 });
    list.push(id);
    c.row = {
      ...c.row,
      lastConvSeq: convSeq,
      lastMessageAt: at,
      updatedAt: at,
      lastMessage: {
        id,
        type: row.type,
        direction: row.direction,
        preview: (row.text ?? '').slice(0, 60),
        status: row.status,
        at,
      },
    };
    tx.push({ entity: 'message', id, conversationId: c.row.id, ...provenance });
    return id;
  }

  /** The customer-service window of a conversation closes (time passed). */
  expireWindow(conversationId: string): void {
    const c = this.conversations.get(conversationId);
    if (!c) return;
    this.commit((tx) => {
      c.row = { ...c.row, windowExpiresAt: new Date(this.now() - 1000).toISOString() };
      tx.push({ entity: 'conversation', id: conversationId, conversationId });
    });
  }

  /** A manager reassigns through REST: LWW, with revoke/grant entries. */
  reassign(conversationId: string, assigneeId: string | null, teamIndex?: number | null): void {
    const c = this.conversations.get(conversationId);
    if (!c) return;
    const before = this.whoSees(conversationId);
    this.commit((tx) => {
      c.row = {
        ...c.row,
        assigneeId,
        ...(teamIndex !== undefined ? { teamId: teamIndex === null ? null : ids.team(teamIndex) } : {}),
        updatedAt: this.iso(),
      };
      tx.push({ entity: 'conversation', id: conversationId, conversationId });
      this.scopeDiff(tx, conversationId, before, assigneeId);
    });
  }

  /** Adds or removes a user from a team: a team put and a group entry for the user. */
  setTeam(userId: string, teamIndex: number, member: boolean): void {
    const u = this.users.get(userId);
    const teamId = ids.team(teamIndex);
    const t = this.teams.get(teamId);
    if (!u || !t || u.teams.has(teamId) === member) return;
    const before = this.seenBy(userId);
    this.commit((tx) => {
      if (member) u.teams.add(teamId);
      else u.teams.delete(teamId);
      t.row = { ...t.row, memberIds: this.memberIdsOf(teamId) };
      tx.push({ entity: 'team', id: teamId });
      tx.push({
        entity: 'group',
        id: teamId,
        op: member ? 'group_join' : 'group_leave',
        subject: userId,
        group: `${this.teamAll ? 'team_all' : 'team'}:${teamId}`,
      });
      this.revokeLost(tx, userId, before);
    });
  }

  /** Promotes an agent to manager or back: a member put and a `role` group entry. */
  toggleRole(userId: string): void {
    const u = this.users.get(userId);
    const m = this.members.get(userId);
    if (!u || !m) return;
    const before = this.seenBy(userId);
    this.commit((tx) => {
      u.role = u.role === 'manager' ? 'agent' : 'manager';
      m.row = { ...m.row, role: u.role };
      tx.push({ entity: 'member', id: userId });
      tx.push({
        entity: 'group',
        id: userId,
        op: u.role === 'manager' ? 'group_join' : 'group_leave',
        subject: userId,
        group: 'role',
      });
      this.revokeLost(tx, userId, before);
    });
  }

  /** Conversations a user sees now. */
  private seenBy(userId: string): Set<string> {
    return new Set([...this.conversations.keys()].filter((id) => this.visible(userId, id)));
  }

  /** A revoke for every conversation the user saw before and does not now (scope change). */
  private revokeLost(tx: Tx, userId: string, before: Set<string>): void {
    for (const id of before)
      if (!this.visible(userId, id))
        tx.push({
          entity: 'conversation',
          id,
          op: 'revoke',
          subject: userId,
          conversationId: id,
          reassignedTo: null,
          reason: 'scope',
        });
  }

  /** The send worker: each queued message goes to the fake WhatsApp API once, then its statuses advance. */
  deliverStatuses(): void {
    const queued = this.sendQueue.splice(0);
    const advance: string[] = [];
    for (const id of queued) this.whatsappSends.set(id, (this.whatsappSends.get(id) ?? 0) + 1);
    for (const [id, m] of this.messages)
      if (m.row.direction === 'outbound' && m.row.status !== 'read' && m.row.status !== 'failed')
        advance.push(id);
    if (!advance.length) return;
    this.commit((tx) => {
      for (const id of advance) {
        const m = this.messages.get(id)!;
        const next: Record<MessageStatus, MessageStatus> = {
          queued: 'sent',
          sent: 'delivered',
          delivered: 'read',
          read: 'read',
          failed: 'failed',
        };
        if (m.row.status === 'queued' && !this.whatsappSends.has(id)) continue;
        const status = next[m.row.status];
        if (statusRank[status] < statusRank[m.row.status])
          this.violations.push(`model: status regressed for ${id}`);
        m.row = { ...m.row, status, statusAt: this.iso() };
        tx.push({ entity: 'message', id, conversationId: m.row.conversationId });
      }
    });
  }

  /** A restart: every socket drops, the tailer forgets what it delivered; the database stays. */
  restart(downMs: number): void {
    for (const s of [...this.sockets.values()]) s.close('server restart');
    this.sockets.clear();
    this.lastDelivered.clear();
    this.downUntil = this.now() + downMs;
  }

  /** Drops one client's sockets (a load balancer reset). */
  dropClient(clientId: string): void {
    for (const [id, s] of this.sockets)
      if (s.clientId === clientId) {
        s.close('transport close');
        this.sockets.delete(id);
      }
  }

  isDown(): boolean {
    return this.now() < this.downUntil;
  }

  // ---- socket --------------------------------------------------------------------------------

  /** The handshake: a rejection, or the socket joins its user's room and gets `sync:hello`. */
  handshake(
    rawAuth: unknown,
    makeSocket: (id: number, userId: string, clientId: string) => ServerSocket,
  ): HandshakeRejection | ServerSocket {
    const auth = HandshakeAuth.safeParse(rawAuth);
    if (!auth.success) return { code: 'bad_handshake', message: 'The handshake does not parse.' };
    const userId = auth.data.token.startsWith('tok:') ? auth.data.token.slice(4) : '';
    const user = this.users.get(userId);
    if (!user) return { code: 'unauthorized', message: 'Bad token.' };
    if (user.deactivated) return { code: 'session_revoked', message: 'Deactivated.' };
    if (
      auth.data.protocol !== PROTOCOL_VERSION ||
      auth.data.schema < SCHEMA_RANGE.min ||
      auth.data.schema > SCHEMA_RANGE.max
    )
      return { code: 'update_required', message: 'Update the app.', schemaRange: { ...SCHEMA_RANGE } };
    const known = this.clients.get(auth.data.clientId);
    if (known && known.userId !== userId) return { code: 'unauthorized', message: 'Client of another user.' };
    if (!known) this.clients.set(auth.data.clientId, { userId, lmid: 0, results: new Map() });
    const s = makeSocket(this.nextSocket++, userId, auth.data.clientId);
    this.sockets.set(s.id, s);
    s.send('sync:hello', {
      tenantSeq: this.seq,
      floorSeq: this.floorSeq,
      schemaRange: { ...SCHEMA_RANGE },
      protocol: PROTOCOL_VERSION,
      serverTime: this.iso(),
      userId,
    });
    return s;
  }

  /** The client closed its socket. */
  socketClosed(id: number): void {
    this.sockets.delete(id);
  }

  /** Ticks to every user room. */
  tick(): void {
    for (const u of new Set([...this.sockets.values()].map((s) => s.userId))) {
      const t: Tick = { seq: this.lastDelivered.get(u) ?? this.seq };
      for (const s of this.sockets.values()) if (s.userId === u) s.send('sync:tick', t);
    }
  }

  /** The tailer: entries in (from, seq] to each user room, with (prev, seq). */
  private tail(from: number): void {
    if (this.isDown()) return;
    const entries = this.log.slice(from, this.seq);
    for (const u of new Set([...this.sockets.values()].map((s) => s.userId))) {
      const changes = this.project(entries, u);
      const mineClients = new Set([...this.clients].filter(([, c]) => c.userId === u).map(([id]) => id));
      const results: ClientMutationResult[] = [];
      const lmid: Record<string, number> = {};
      for (const e of entries) {
        if (!e.clientId || !mineClients.has(e.clientId) || e.mid === null) continue;
        const r = this.clients.get(e.clientId)!.results.get(e.mid);
        if (r && !results.some((x) => x.clientId === e.clientId && x.mid === r.mid))
          results.push({ ...r, clientId: e.clientId });
        lmid[e.clientId] = Math.max(lmid[e.clientId] ?? 0, e.mid);
      }
      if (changes.length === 0 && results.length === 0) continue;
      const packet: LivePacket = {
        prev: this.lastDelivered.get(u) ?? null,
        seq: this.seq,
        changes,
        tenantSeq: this.seq,
        ...(results.length ? { lmid, mutationResults: results } : {}),
      };
      this.lastDelivered.set(u, this.seq);
      for (const s of this.sockets.values()) if (s.userId === u) s.send('sync:changes', packet);
    }
  }

  // ---- projection ------------------------------------------------------------------------------

  /** Grants inline the last 50 messages, the contact and the notes when small enough. */
  private related(userId: string, id: string): { related: PutEntry[]; floorConvSeq: number | null } | null {
    const list = this.byConversation.get(id) ?? [];
    if (list.length > 8) return null; // the pointer form, so the simulation exercises it too
    const c = this.conversations.get(id)!;
    const contact = this.contacts.get(c.row.contact.id)!;
    const related: PutEntry[] = [
      { e: 'contact', id: contact.row.id, v: contact.version, op: 'put', row: contact.row },
    ];
    for (const mid of list) {
      const m = this.messages.get(mid)!;
      related.push({ e: 'message', id: mid, v: m.version, op: 'put', row: m.row });
    }
    for (const n of this.notes.values())
      if (n.row.conversationId === id)
        related.push({ e: 'note', id: n.row.id, v: n.version, op: 'put', row: n.row });
    void userId;
    return { related, floorConvSeq: list.length ? 1 : null };
  }

  /** Entries → what `userId` may see now, compacted (newest per row; last scope entry per conversation). */
  project(entries: readonly LogEntry[], userId: string): ChangeEntry[] {
    const lastRow = new Map<string, LogEntry>();
    const lastScope = new Map<string, LogEntry>();
    const groups: LogEntry[] = [];
    for (const e of entries) {
      if (e.op === 'put' || e.op === 'del') lastRow.set(`${e.entity}|${e.id}`, e);
      else if (e.subject === userId) {
        if (e.op === 'group_join' || e.op === 'group_leave') groups.push(e);
        else lastScope.set(e.id, e);
      }
    }
    const kept = [...lastRow.values(), ...lastScope.values(), ...groups].sort((a, b) => a.seq - b.seq);
    const out: ChangeEntry[] = [];
    for (const e of kept) {
      const entry = this.entryFor(e, userId);
      if (entry) out.push(entry);
    }
    return out;
  }

  private entryFor(e: LogEntry, userId: string): ChangeEntry | null {
    if (e.entity === 'group')
      return { e: 'group', id: e.id, v: e.seq, op: e.op as 'group_join' | 'group_leave', group: e.group! };
    if (e.op === 'revoke')
      return {
        e: 'conversation',
        id: e.id,
        v: e.seq,
        op: 'revoke',
        reassignedTo: e.reassignedTo ?? null,
        ...(e.reason ? { reason: e.reason } : {}),
      };
    if (e.op === 'grant') {
      const c = this.conversations.get(e.id);
      const scope = this.reasons(userId, c);
      if (!c || scope.length === 0) return null;
      const inline = this.related(userId, e.id);
      return {
        e: 'conversation',
        id: e.id,
        v: e.seq,
        op: 'grant',
        row: this.rowFor(userId, c),
        rowVersion: c.version,
        scope,
        ...(inline ? { related: inline.related, floorConvSeq: inline.floorConvSeq } : {}),
      };
    }
    return this.putFor(e.entity as SyncEntity, e.id, userId);
  }

  /** The current row of an entity as a put, if `userId` may see it. */
  putFor(entity: SyncEntity, id: string, userId: string): PutEntry | null {
    switch (entity) {
      case 'conversation': {
        const c = this.conversations.get(id);
        const scope = this.reasons(userId, c);
        return c && scope.length
          ? { e: 'conversation', id, v: c.version, op: 'put', row: this.rowFor(userId, c), scope }
          : null;
      }
      case 'message': {
        const m = this.messages.get(id);
        return m && this.visible(userId, m.row.conversationId)
          ? { e: 'message', id, v: m.version, op: 'put', row: m.row }
          : null;
      }
      case 'note': {
        const n = this.notes.get(id);
        return n && this.visible(userId, n.row.conversationId)
          ? { e: 'note', id, v: n.version, op: 'put', row: n.row }
          : null;
      }
      case 'contact': {
        const c = this.contacts.get(id);
        return c && this.contactVisible(userId, id)
          ? { e: 'contact', id, v: c.version, op: 'put', row: c.row }
          : null;
      }
      case 'member': {
        const m = this.members.get(id);
        return m ? { e: 'member', id, v: m.version, op: 'put', row: m.row } : null;
      }
      case 'team': {
        const t = this.teams.get(id);
        return t ? { e: 'team', id, v: t.version, op: 'put', row: t.row } : null;
      }
      default:
        return null;
    }
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  pull(userId: string, q: PullQuery): PullResponse {
    if (q.cursor < this.floorSeq)
      return { mustRebootstrap: true, floorSeq: this.floorSeq, tenantSeq: this.seq };
    const entries = this.log.slice(q.cursor, q.cursor + q.limit);
    const nextCursor = q.cursor + entries.length;
    const client = this.clients.get(q.clientId);
    const results = client
      ? [...client.results.values()].filter((r) => r.mid > q.lmid).sort((a, b) => a.mid - b.mid)
      : [];
    return {
      changes: this.project(entries, userId),
      nextCursor,
      hasMore: nextCursor < this.seq,
      tenantSeq: this.seq,
      lmid: client?.lmid ?? 0,
      mutationResults: results,
    };
  }

  bootstrap(userId: string, q: BootstrapQuery): BootstrapLine[] {
    const snapshotSeq = this.seq;
    const lines: BootstrapLine[] = [];
    const counts: Partial<Record<SyncEntity, number>> = {};
    const add = (p: PutEntry | null) => {
      if (!p) return;
      lines.push(p);
      counts[p.e] = (counts[p.e] ?? 0) + 1;
    };
    const visible = [...this.conversations.values()]
      .filter((c) => this.reasons(userId, c).length > 0)
      .sort(
        (a, b) =>
          (b.row.lastMessageAt ?? '').localeCompare(a.row.lastMessageAt ?? '') ||
          b.row.id.localeCompare(a.row.id),
      );
    if (q.phase === 0) {
      for (const id of this.members.keys()) add(this.putFor('member', id, userId));
      for (const id of this.teams.keys()) add(this.putFor('team', id, userId));
    } else if (q.phase === 1) {
      const reason = q.group ? (q.group === 'role' ? 'role' : `team:${q.group.split(':')[1]}`) : null;
      const seen = new Set<string>();
      for (const c of visible) {
        if (reason && !this.reasons(userId, c).includes(reason)) continue;
        add(this.putFor('conversation', c.row.id, userId));
        if (!seen.has(c.row.contact.id)) {
          seen.add(c.row.contact.id);
          add(this.putFor('contact', c.row.contact.id, userId));
        }
      }
    } else {
      for (const c of visible) {
        const list = this.byConversation.get(c.row.id) ?? [];
        const recent = list.slice(-20).reverse();
        for (const id of recent) add(this.putFor('message', id, userId));
        for (const n of this.notes.values())
          if (n.row.conversationId === c.row.id) add(this.putFor('note', n.row.id, userId));
        lines.push({
          floor: { conversationId: c.row.id, convSeq: Math.max(1, list.length - recent.length + 1) },
        });
      }
    }
    lines.push({ snapshotSeq, counts });
    return lines;
  }

  history(userId: string, q: HistoryQuery): HistoryResponse | null {
    const c = this.conversations.get(q.conversationId);
    if (!c || !this.visible(userId, q.conversationId)) return null;
    const list = this.byConversation.get(q.conversationId) ?? [];
    const below = q.beforeConvSeq === undefined ? list : list.slice(0, q.beforeConvSeq - 1);
    const page = below.slice(-q.limit).reverse();
    const changes: PutEntry[] = [];
    if (q.beforeConvSeq === undefined) {
      changes.push(this.putFor('conversation', q.conversationId, userId)!);
      const contact = this.putFor('contact', c.row.contact.id, userId);
      if (contact) changes.push(contact);
      for (const n of this.notes.values())
        if (n.row.conversationId === q.conversationId) changes.push(this.putFor('note', n.row.id, userId)!);
    }
    for (const id of page) changes.push(this.putFor('message', id, userId)!);
    const lowest = page.length ? this.messages.get(page.at(-1)!)!.row.convSeq : null;
    return {
      snapshotSeq: this.seq,
      conversationId: q.conversationId,
      changes,
      lowestConvSeq: lowest,
      hasMore: lowest !== null ? lowest > 1 : false,
    };
  }

  // ---- push --------------------------------------------------------------------------------------

  push(userId: string, clientId: string, frame: PushFrame): PushAck {
    const client = this.clients.get(clientId);
    if (!client || client.userId !== userId)
      return { ok: false, error: { code: 'wrong_client', message: 'Not your client.', retryable: false } };
    const results: MutationResult[] = [];
    let maxSeq = 0;
    for (const raw of frame.mutations) {
      if (raw.clientId !== clientId) continue;
      const stored = client.results.get(raw.mutationId);
      if (raw.mutationId <= client.lmid) {
        if (stored) {
          results.push(stored);
          maxSeq = Math.max(maxSeq, stored.seq);
        }
        continue;
      }
      if (this.random() < this.transientPushFailure)
        return {
          ok: false,
          error: {
            code: 'unavailable',
            message: 'Database unavailable.',
            retryable: true,
            retryAfterMs: 200,
          },
        };
      const result = this.applyMutation(userId, clientId, raw);
      if (result.status === 'applied') {
        const mine = this.log.filter(
          (e) => e.clientId === clientId && e.mid === raw.mutationId && e.op === 'put',
        );
        const v = mine.length ? Math.min(...mine.map((e) => e.seq)) : result.seq;
        this.mutationVersions.set(`${clientId}|${raw.mutationId}`, v);
      }
      client.lmid = raw.mutationId;
      client.results.set(raw.mutationId, result);
      results.push(result);
      maxSeq = Math.max(maxSeq, result.seq);
    }
    return { ok: true, lmid: client.lmid, seq: Math.max(maxSeq, results.length ? 0 : this.seq), results };
  }

  private applied = new Map<string, number>();

  private applyMutation(
    userId: string,
    clientId: string,
    raw: PushFrame['mutations'][number],
  ): MutationResult {
    const prevApplied = this.applied.get(clientId) ?? 0;
    if (raw.mutationId <= prevApplied)
      this.violations.push(`server: mutation ${clientId}#${raw.mutationId} processed out of order or twice`);
    this.applied.set(clientId, raw.mutationId);
    const reject = (code: string, message: string): MutationResult => ({
      mid: raw.mutationId,
      status: 'rejected',
      seq: this.seq,
      error: { code, message },
    });
    const parsed = Mutation.safeParse(raw);
    if (!parsed.success) return reject('invalid', 'Invalid mutation.');
    const m = parsed.data;
    const user = this.users.get(userId)!;
    const prov = { clientId, mid: m.mutationId };
    const conversationId =
      'conversationId' in m.args ? (m.args as { conversationId: string }).conversationId : null;
    const c = conversationId ? this.conversations.get(conversationId) : undefined;
    if (conversationId && !c) return reject('not_found', 'No such conversation.');
    if (c && !this.visible(userId, c.row.id)) return reject('forbidden_scope', 'Reassigned to someone else.');
    let seq = this.seq;
    switch (m.name) {
      case 'message.send': {
        if (this.messages.has(m.args.id))
          return { mid: m.mutationId, status: 'applied', seq: this.messages.get(m.args.id)!.version };
        const windowOpen = c!.row.windowExpiresAt !== null && Date.parse(c!.row.windowExpiresAt) > this.now();
        if (m.args.type !== 'template' && !windowOpen)
          return reject('window_closed', 'The 24-hour window is closed.');
        seq = this.commit((tx) => {
          const text = m.args.type === 'text' ? m.args.text : null;
          this.addMessage(
            tx,
            c!,
            { direction: 'outbound', type: m.args.type, text, status: 'queued', authorId: userId },
            m.args.id,
            prov,
          );
          tx.push({ entity: 'conversation', id: c!.row.id, conversationId: c!.row.id, ...prov });
        });
        this.sendQueue.push(m.args.id);
        break;
      }
      case 'conversation.setStatus':
        seq = this.patch(
          c!,
          { status: m.args.status as ConversationStatus, snoozedUntil: m.args.snoozedUntil ?? null },
          prov,
        );
        break;
      case 'conversation.assign': {
        if (user.role !== 'manager') return reject('forbidden', 'Managers only.');
        const before = this.whoSees(c!.row.id);
        seq = this.commit((tx) => {
          c!.row = {
            ...c!.row,
            assigneeId: m.args.assigneeId,
            ...(m.args.teamId !== undefined ? { teamId: m.args.teamId } : {}),
            updatedAt: this.iso(),
          };
          tx.push({ entity: 'conversation', id: c!.row.id, conversationId: c!.row.id, ...prov });
          this.scopeDiff(tx, c!.row.id, before, m.args.assigneeId);
        });
        break;
      }
      case 'conversation.claim': {
        if (c!.row.assigneeId !== null) return reject('already_claimed', 'Someone else took it.');
        const before = this.whoSees(c!.row.id);
        seq = this.commit((tx) => {
          c!.row = { ...c!.row, assigneeId: userId, updatedAt: this.iso() };
          tx.push({ entity: 'conversation', id: c!.row.id, conversationId: c!.row.id, ...prov });
          this.scopeDiff(tx, c!.row.id, before, userId);
        });
        break;
      }
      case 'conversation.setImportant':
        seq = this.patch(c!, { important: m.args.important }, prov);
        break;
      case 'conversation.setLabels':
        seq = this.patch(c!, { labels: m.args.labels }, prov);
        break;
      case 'conversation.markRead': {
        const prev = c!.readBy.get(userId) ?? 0;
        const upTo = Math.max(prev, m.args.readUpToConvSeq);
        c!.readBy.set(userId, upTo);
        seq = this.patch(c!, upTo >= c!.row.lastConvSeq ? { unreadCount: 0 } : {}, prov);
        break;
      }
      case 'note.add': {
        if (this.notes.has(m.args.id))
          return { mid: m.mutationId, status: 'applied', seq: this.notes.get(m.args.id)!.version };
        seq = this.commit((tx) => {
          this.notes.set(m.args.id, {
            row: {
              id: m.args.id,
              conversationId: c!.row.id,
              authorId: userId,
              body: m.args.body,
              createdAt: this.iso(),
            },
            version: 0,
          });
          tx.push({ entity: 'note', id: m.args.id, conversationId: c!.row.id, ...prov });
        });
        break;
      }
      case 'contact.update': {
        const ct = this.contacts.get(m.args.contactId);
        if (!ct) return reject('not_found', 'No such contact.');
        if (!this.contactVisible(userId, ct.row.id)) return reject('forbidden_scope', 'Not visible.');
        seq = this.commit((tx) => {
          const patch = Object.fromEntries(Object.entries(m.args.patch).filter(([, v]) => v !== undefined));
          ct.row = { ...ct.row, ...patch, updatedAt: this.iso() } as Contact;
          tx.push({ entity: 'contact', id: ct.row.id, ...prov });
        });
        break;
      }
    }
    return { mid: m.mutationId, status: 'applied', seq };
  }

  private patch(
    c: ConvState,
    fields: Partial<ConversationRow>,
    prov: { clientId: string; mid: number },
  ): number {
    return this.commit((tx) => {
      c.row = { ...c.row, ...fields, updatedAt: this.iso() };
      tx.push({ entity: 'conversation', id: c.row.id, conversationId: c.row.id, ...prov });
    });
  }

  /** Every message of a conversation, in conv_seq order. */
  messagesOf(conversationId: string): Omit<MessageRow, 'reactions'>[] {
    return (this.byConversation.get(conversationId) ?? []).map((id) => this.messages.get(id)!.row);
  }
}
