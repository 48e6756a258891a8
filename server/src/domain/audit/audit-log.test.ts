import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ListAuditEventsQuery, type AuditAction, type AuditEvent } from '#contract/api/audit';
import type { Role } from '#contract/domain/roles';
import { testDatabase } from '../../../test/build-test-app';
import { uniqueEmail } from '../../../test/factories';
import type { Db } from '../../storage/db';
import { insertOrganization } from '../../storage/queries/organizations';
import { insertUser } from '../../storage/queries/members';
import { auditEvents, users } from '../../storage/schema/index';
import type { Principal } from '../auth/auth-service';
import { encodeCursor } from '../cursor';
import { createAuditLog, systemActor, type Actor, type AuditEventInput } from './audit-log';

let db: Db;
/** A clock the tests set: equal timestamps exercise the keyset's id tiebreak. */
let now = new Date('2031-01-01T00:00:00.000Z');
const clock = { now: () => now };
let audit: ReturnType<typeof createAuditLog>;

beforeAll(async () => {
  db = (await testDatabase()).db;
  audit = createAuditLog({ db, clock });
});

/** A fresh organization with one user (no membership needed: the log only reads the user's name). */
const setup = async () => {
  const organizationId = (await insertOrganization(db, 'Audit Org', new Date())).id;
  const user = await insertUser(db, {
    email: uniqueEmail('audit'),
    name: 'Ada Lovelace',
    passwordHash: 'x',
    now: new Date(),
  });
  const as = (role: Role): Principal => ({ userId: user.id, organizationId, role, sessionId: randomUUID() });
  const actor: Actor = { kind: 'user', id: user.id, ip: '203.0.113.7' };
  return { organizationId, user, as, actor };
};

const event = (action: AuditAction, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  action,
  target: { type: 'team', id: randomUUID(), label: 'Sales' },
  summary: `Did ${action}`,
  ...over,
});

const list = async (organizationId: string, principal: Principal, q: Record<string, unknown> = {}) => {
  const res = await audit.list(organizationId, principal, ListAuditEventsQuery.parse(q));
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
};

/** Every event of the query, following cursors page by page. */
const all = async (organizationId: string, principal: Principal, q: Record<string, unknown> = {}) => {
  const out: AuditEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await list(organizationId, principal, { ...q, ...(cursor && { cursor }) });
    out.push(...page.data);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
};

describe('audit log: record', () => {
  it('writes in the caller’s transaction: an event exists only when the change committed', async () => {
    const s = await setup();
    await expect(
      db.transaction(async (tx) => {
        await audit.record(tx, s.organizationId, s.actor, event('team.created'));
        throw new Error('the change failed after recording');
      }),
    ).rejects.toThrow('the change failed');
    expect((await list(s.organizationId, s.as('admin'))).data).toEqual([]);

    await db.transaction((tx) => audit.record(tx, s.organizationId, s.actor, event('team.created')));
    const [only] = (await list(s.organizationId, s.as('admin'))).data;
    expect(only).toMatchObject({
      action: 'team.created',
      actor: { kind: 'user', id: s.user.id, label: 'Ada Lovelace' },
      target: { type: 'team', label: 'Sales' },
      summary: 'Did team.created',
      details: {},
      ip: '203.0.113.7',
      occurredAt: now.toISOString(),
    });
  });

  it('labels a user with the name they had at the time, and keeps it after a rename', async () => {
    const s = await setup();
    await audit.record(db, s.organizationId, s.actor, event('member.role_changed'));
    await db.update(users).set({ name: 'Ada King' }).where(eq(users.id, s.user.id));
    now = new Date(now.getTime() + 1);
    await audit.record(db, s.organizationId, s.actor, event('member.removed'));
    const labels = (await list(s.organizationId, s.as('admin'))).data.map((e) => [e.action, e.actor.label]);
    expect(labels).toEqual([
      ['member.removed', 'Ada King'],
      ['member.role_changed', 'Ada Lovelace'],
    ]);
  });

  it('records API keys and the system as actors; only addresses are kept as ip', async () => {
    const s = await setup();
    const keyId = randomUUID();
    await audit.record(
      db,
      s.organizationId,
      { kind: 'api_key', id: keyId, label: 'CRM key', ip: '::1' },
      event('team.renamed'),
    );
    await audit.record(
      db,
      s.organizationId,
      systemActor('Template sync'),
      event('team.deleted', { target: null }),
    );
    await audit.record(db, s.organizationId, { ...s.actor, ip: 'not-an-address' }, event('team.created'));
    const byAction = Object.fromEntries(
      (await list(s.organizationId, s.as('admin'))).data.map((e) => [e.action, e]),
    );
    expect(byAction['team.renamed']).toMatchObject({
      actor: { kind: 'api_key', id: keyId, label: 'CRM key' },
      ip: '::1',
    });
    expect(byAction['team.deleted']).toMatchObject({
      actor: { kind: 'system', id: null, label: 'Template sync' },
      target: null,
      ip: null,
    });
    expect(byAction['team.created']!.ip).toBeNull();
  });

  it('never lets U+0000 or unpaired surrogates reach PostgreSQL, in any string of the event', async () => {
    const s = await setup();
    await audit.record(
      db,
      s.organizationId,
      { kind: 'api_key', id: randomUUID(), label: 'key\u0000name' },
      {
        action: 'team.renamed',
        target: { type: 'team', id: 'id\u0000', label: 'Sa\u0000les\uD800' },
        summary: 'Renamed \u0000 to \uDC00',
        details: { 'na\u0000me': { before: 'a\u0000', after: ['\uD800', 'ok'] } },
      },
    );
    const [e] = (await list(s.organizationId, s.as('admin'))).data;
    expect(e).toMatchObject({
      actor: { label: 'key\uFFFDname' },
      target: { id: 'id\uFFFD', label: 'Sa\uFFFDles\uFFFD' },
      summary: 'Renamed \uFFFD to \uFFFD',
      details: { 'na\uFFFDme': { before: 'a\uFFFD', after: ['\uFFFD', 'ok'] } },
    });
  });
});

describe('audit log: list', () => {
  it('is for admins only', async () => {
    const s = await setup();
    for (const role of ['manager', 'agent'] as const) {
      const res = await audit.list(s.organizationId, s.as(role), ListAuditEventsQuery.parse({}));
      expect(res).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'Only admins can read the audit log' },
      });
    }
  });

  it('filters by action, action prefix (literally), actor, target and time range', async () => {
    const s = await setup();
    const other = randomUUID();
    const teamId = randomUUID();
    const t0 = new Date('2032-05-01T10:00:00.000Z');
    const at = (minutes: number) => {
      now = new Date(t0.getTime() + minutes * 60_000);
    };
    at(0);
    await audit.record(
      db,
      s.organizationId,
      s.actor,
      event('team.created', { target: { type: 'team', id: teamId, label: 'T' } }),
    );
    at(1);
    await audit.record(
      db,
      s.organizationId,
      s.actor,
      event('team.renamed', { target: { type: 'team', id: teamId, label: 'T2' } }),
    );
    at(2);
    await audit.record(
      db,
      s.organizationId,
      { kind: 'api_key', id: other, label: 'k' },
      event('member.role_changed'),
    );
    at(3);
    await audit.record(db, s.organizationId, s.actor, event('whatsapp_account.connected'));
    // `_` must match itself only, not any character.
    await audit.record(db, s.organizationId, s.actor, event('whatsappXaccount.connected' as AuditAction));
    const admin = s.as('admin');
    const actions = async (q: Record<string, unknown>) =>
      (await all(s.organizationId, admin, q)).map((e) => e.action);

    expect(await actions({ action: 'team.renamed' })).toEqual(['team.renamed']);
    expect(await actions({ action: 'team.*' })).toEqual(['team.renamed', 'team.created']);
    expect(await actions({ action: 'whatsapp_account.*' })).toEqual(['whatsapp_account.connected']);
    expect(await actions({ actorId: other })).toEqual(['member.role_changed']);
    expect((await actions({ actorId: s.user.id })).length).toBe(4);
    expect(await actions({ targetType: 'team', targetId: teamId })).toEqual(['team.renamed', 'team.created']);
    expect((await actions({ targetType: 'team' })).length).toBe(5);
    expect(await actions({ since: '2032-05-01T10:01:00Z', until: '2032-05-01T10:03:00Z' })).toEqual([
      'member.role_changed',
      'team.renamed',
    ]);
    expect(await actions({ since: '2032-05-01T12:02:00+02:00', action: 'member.*' })).toEqual([
      'member.role_changed',
    ]);
    expect(await actions({ action: 'team.*', actorId: other })).toEqual([]);
  });

  it('pages newest first by time, then insertion order, with no duplicates or gaps', async () => {
    const s = await setup();
    const base = new Date('2033-01-01T00:00:00.000Z').getTime();
    for (let i = 0; i < 23; i++) {
      // Runs of equal timestamps, and a clock that goes back: time first, then insertion order.
      now = new Date(base + (i === 22 ? -1000 : Math.floor(i / 5) * 1000));
      await audit.record(db, s.organizationId, s.actor, event('team.created', { summary: `event ${i}` }));
    }
    const admin = s.as('admin');
    const whole = (await list(s.organizationId, admin, { limit: 200 })).data;
    expect(whole).toHaveLength(23);
    const order = (i: number) => (i === 22 ? -1 : Math.floor(i / 5));
    const expected = Array.from({ length: 23 }, (_, i) => i).sort((a, b) => order(b) - order(a) || b - a);
    expect(whole.map((e) => e.summary)).toEqual(expected.map((i) => `event ${i}`));
    for (const limit of [1, 4, 5, 23]) {
      const paged = await all(s.organizationId, admin, { limit });
      expect(
        paged.map((e) => e.id),
        `limit ${limit}`,
      ).toEqual(whole.map((e) => e.id));
    }
    const last = await list(s.organizationId, admin, { limit: 23 });
    expect(last.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not give out with a sentence', async () => {
    const s = await setup();
    for (const cursor of [
      'garbage',
      encodeCursor(['only one']),
      encodeCursor(['2030-01-01T00:00:00.000Z', 'not-a-uuid']),
      encodeCursor(['2030-01-01T00:00:00.000Z', 17]),
      encodeCursor([1, randomUUID()]),
    ]) {
      const res = await audit.list(s.organizationId, s.as('admin'), ListAuditEventsQuery.parse({ cursor }));
      expect(res.ok).toBe(false);
      if (res.ok) continue;
      expect(res.error.code).toBe('invalid_input');
      expect(res.error.message).toMatch(/^The cursor is not one this list gave out/);
    }
  });

  it('shows an organization only its own events, whatever the filters', async () => {
    const a = await setup();
    const b = await setup();
    await audit.record(
      db,
      b.organizationId,
      b.actor,
      event('team.created', { target: { type: 'team', id: 'b-team', label: 'B' } }),
    );
    for (const q of [
      {},
      { actorId: b.user.id },
      { targetType: 'team', targetId: 'b-team' },
      { action: 'team.*' },
    ])
      expect((await list(a.organizationId, a.as('admin'), q)).data, JSON.stringify(q)).toEqual([]);
    // The rows are really there, under B.
    const rows = await db.select().from(auditEvents).where(eq(auditEvents.organizationId, b.organizationId));
    expect(rows).toHaveLength(1);
    // A cursor naming B's event pages through A's events only.
    const foreign = encodeCursor([rows[0]!.occurredAt.toISOString(), rows[0]!.id]);
    await audit.record(db, a.organizationId, a.actor, event('team.created'));
    const page = await list(a.organizationId, a.as('admin'), { cursor: foreign });
    expect(page.data.every((e) => e.actor.id === a.user.id)).toBe(true);
  });
});
