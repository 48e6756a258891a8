import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditEventPage } from '#contract/api/audit';
import type { TestApp } from '../../../test/build-test-app';
import {
  addMember,
  createOrg,
  createTeam,
  signup,
  TEST_PASSWORD,
  uniqueEmail,
  type LoggedIn,
  type TestOrg,
} from '../../../test/factories';
import { metaId, startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';

// Every admin change recorded today, through the routes: each appears exactly once with the right
// actor, target, summary and address, and never when the change is refused or rolls back.

let w: WhatsAppWorld;
let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  w = await startWhatsAppWorld();
  t = w.t;
  org = await createOrg(t.app, 'Audit Org');
});
afterAll(() => w.close());

type Who = { headers: Record<string, string> };
const inject = (
  who: Who,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers: who.headers, ...(payload && { payload }) });

/** Every event matching `query` (newest first), following cursors; fails on anything but 200. */
const events = async (admin: Who, query: Record<string, string> = {}): Promise<AuditEvent[]> => {
  const out: AuditEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const qs = new URLSearchParams({ ...query, limit: '200', ...(cursor && { cursor }) });
    const res = await inject(admin, 'GET', `/api/v1/audit-events?${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<AuditEventPage>();
    out.push(...page.data);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
};

/** The events about one target, oldest first (the order they happened in). */
const historyOf = async (admin: Who, type: string, id: string) =>
  (await events(admin, { targetType: type, targetId: id })).reverse();

const byUser = (u: LoggedIn, label: string) => ({ kind: 'user', id: u.id, label });

describe('audit events: what admins do is recorded once, in the change’s transaction', () => {
  it('records the sign-up and the members added while creating the organization', async () => {
    const [created] = await historyOf(org.admin, 'organization', org.organizationId);
    expect(created).toMatchObject({
      action: 'organization.created',
      actor: byUser(org.admin, 'Admin'),
      target: { type: 'organization', id: org.organizationId, label: 'Audit Org' },
      summary: 'Created the organization "Audit Org" and became its first admin',
      ip: '127.0.0.1',
    });
    for (const m of [org.manager, org.agent]) {
      const history = await historyOf(org.admin, 'member', m.id);
      expect(history.map((e) => e.action)).toEqual(['member.added']);
      expect(history[0]).toMatchObject({
        actor: byUser(org.admin, 'Admin'),
        target: { type: 'member', id: m.id, label: m.role },
        summary: `Added "${m.role}" <${m.email}> as ${m.role} with a temporary password`,
        details: { email: m.email, role: m.role },
        ip: '127.0.0.1',
      });
    }
  });

  it('records invitations, joins, role changes, (re)activation and removal, each only when real', async () => {
    const email = uniqueEmail('invitee');
    const invited = await inject(org.admin, 'POST', '/api/v1/users', { email, name: 'Grace', role: 'agent' });
    expect(invited.statusCode).toBe(201);
    const { invitation, inviteUrl } = invited.json();
    const token = inviteUrl.split('#')[1];
    const [inv] = await historyOf(org.admin, 'invitation', invitation.id);
    expect(inv).toMatchObject({
      action: 'member.invited',
      actor: byUser(org.admin, 'Admin'),
      target: { type: 'invitation', id: invitation.id, label: 'Grace' },
      summary: `Invited "Grace" <${email}> as agent`,
      details: { email, role: 'agent' },
    });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, name: 'Grace Hopper', password: TEST_PASSWORD },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const graceId: string = accepted.json().user.id;

    const patch = (body: object) => inject(org.admin, 'PATCH', `/api/v1/users/${graceId}`, body);
    for (const body of [
      { role: 'manager' },
      { role: 'manager' }, // no change: nothing recorded
      { deactivated: true },
      { deactivated: true }, // already deactivated
      { deactivated: false },
      { role: 'agent', deactivated: true }, // two changes, two events
    ])
      expect((await patch(body)).statusCode).toBe(200);
    expect((await inject(org.admin, 'DELETE', `/api/v1/users/${graceId}`)).statusCode).toBe(204);

    const history = await historyOf(org.admin, 'member', graceId);
    expect(history.map((e) => e.action)).toEqual([
      'member.joined',
      'member.role_changed',
      'member.deactivated',
      'member.reactivated',
      'member.role_changed',
      'member.deactivated',
      'member.removed',
    ]);
    const [joined, promoted, deactivated, reactivated, demoted, , removed] = history;
    expect(joined).toMatchObject({
      actor: { kind: 'user', id: graceId, label: 'Grace Hopper' },
      summary: 'Accepted the invitation and joined as agent',
      details: { email, role: 'agent', invitationId: invitation.id },
    });
    expect(promoted).toMatchObject({
      actor: byUser(org.admin, 'Admin'),
      target: { type: 'member', id: graceId, label: 'Grace Hopper' },
      summary: 'Changed the role of "Grace Hopper" from agent to manager',
      details: { before: { role: 'agent' }, after: { role: 'manager' } },
      ip: '127.0.0.1',
    });
    expect(deactivated!.summary).toBe('Deactivated "Grace Hopper" and ended their sessions');
    expect(deactivated!.details).toEqual({ before: { deactivated: false }, after: { deactivated: true } });
    expect(reactivated!.summary).toBe('Reactivated "Grace Hopper"');
    expect(demoted!.details).toEqual({ before: { role: 'manager' }, after: { role: 'agent' } });
    expect(removed).toMatchObject({
      summary: `Removed "Grace Hopper" <${email}> from the organization`,
      details: { email, role: 'agent', teamIds: [] },
    });
    // Neither the invitation token nor the temporary passwords are ever part of the log.
    const everything = JSON.stringify(await events(org.admin));
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(org.agent.password);
  });

  it('keeps the actor’s name after the actor is removed from the organization', async () => {
    const deputy = await addMember(t.app, org.admin, 'manager', 'Deputy Dan');
    expect(
      (await inject(org.admin, 'PATCH', `/api/v1/users/${deputy.id}`, { role: 'admin' })).statusCode,
    ).toBe(200);
    const team = await createTeam(t.app, deputy, `Deputy team ${randomUUID().slice(0, 6)}`);
    expect((await inject(org.admin, 'DELETE', `/api/v1/users/${deputy.id}`)).statusCode).toBe(204);
    const [created] = await historyOf(org.admin, 'team', team.id);
    expect(created).toMatchObject({ action: 'team.created', actor: byUser(deputy, 'Deputy Dan') });
    const [byDeputy] = await events(org.admin, { actorId: deputy.id });
    expect(byDeputy!.target!.id).toBe(team.id);
  });

  it('records team changes: created, renamed, members added and removed, deleted', async () => {
    const name = `Sales ${randomUUID().slice(0, 6)}`;
    const team = await createTeam(t.app, org.admin, name, [org.agent.id]);
    const url = `/api/v1/teams/${team.id}`;
    expect((await inject(org.admin, 'PATCH', url, { name: `${name} EU` })).statusCode).toBe(200);
    expect((await inject(org.admin, 'PATCH', url, { name: `${name} EU` })).statusCode).toBe(200); // same name
    for (let i = 0; i < 2; i++) {
      expect((await inject(org.admin, 'PUT', `${url}/members/${org.manager.id}`)).statusCode).toBe(200);
      expect((await inject(org.admin, 'DELETE', `${url}/members/${org.agent.id}`)).statusCode).toBe(200);
    }
    expect((await inject(org.admin, 'DELETE', url)).statusCode).toBe(204);

    const history = await historyOf(org.admin, 'team', team.id);
    expect(history.map((e) => [e.action, e.summary])).toEqual([
      ['team.created', `Created team "${name}" with 1 member`],
      ['team.renamed', `Renamed team "${name}" to "${name} EU"`],
      ['team.member_added', `Added "manager" to team "${name} EU"`],
      ['team.member_removed', `Removed "agent" from team "${name} EU"`],
      ['team.deleted', `Deleted team "${name} EU"`],
    ]);
    expect(history.every((e) => e.actor.id === org.admin.id && e.ip === '127.0.0.1')).toBe(true);
    expect(history[0]!.details).toEqual({ after: { name, memberIds: [org.agent.id] } });
    expect(history[1]!.details).toEqual({ before: { name }, after: { name: `${name} EU` } });
    expect(history[2]!.details).toEqual({ member: { id: org.manager.id, name: 'manager' } });
    expect(history[4]!.details).toEqual({
      before: { name: `${name} EU`, memberIds: [org.manager.id] },
      conversationsUnrouted: 0,
    });
  });

  it('records WhatsApp number changes, naming secret fields but never holding a secret', async () => {
    const number = await w.connect(org.admin, { name: 'Support line' });
    const id = number.account.id;
    const label = `Support line (${number.account.displayPhoneNumber})`;
    const newToken = `EAAG-${metaId()}`;
    w.emu.control.addToken(number.wabaId, newToken);
    const newSecret = `secret-${metaId()}`;
    const newVerify = `verify-${metaId()}`;
    const url = `/api/v1/whatsapp-accounts/${id}`;
    for (const body of [
      { name: 'Support EU', throughputMps: 20, appSecret: newSecret },
      { accessToken: newToken },
      { accessToken: newToken, verifyToken: newVerify },
    ]) {
      const res = await inject(org.admin, 'PATCH', url, body);
      expect(res.statusCode, res.body).toBe(200);
    }
    w.emu.control.addTemplate(number.wabaId, {
      name: 'order_update',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Your order shipped' }],
    });
    expect((await inject(org.admin, 'POST', `${url}/sync-templates`)).statusCode).toBe(200);
    expect((await inject(org.admin, 'DELETE', url)).statusCode).toBe(204);
    expect((await inject(org.admin, 'DELETE', url)).statusCode).toBe(204); // already disconnected

    const history = await historyOf(org.admin, 'whatsapp_account', id);
    const eu = label.replace('Support line', 'Support EU');
    expect(history.map((e) => [e.action, e.summary])).toEqual([
      ['whatsapp_account.connected', `Connected WhatsApp number ${label}`],
      ['whatsapp_account.updated', `Changed the name, send cap, app secret of ${label}`],
      ['whatsapp_account.token_replaced', `Replaced the access token of ${eu} (verified with Meta)`],
      ['whatsapp_account.token_replaced', `Replaced the access token of ${eu} (verified with Meta)`],
      ['whatsapp_account.updated', `Changed the verify token of ${eu}`],
      [
        'whatsapp_account.templates_synced',
        `Synced the templates of ${eu} from Meta: 1 listed, 1 new or changed, 0 marked deleted`,
      ],
      ['whatsapp_account.disconnected', `Disconnected WhatsApp number ${eu}; its history is kept`],
    ]);
    expect(history[0]!.details).toEqual({
      phoneNumberId: number.phoneNumberId,
      businessAccountId: number.wabaId,
      displayPhoneNumber: number.account.displayPhoneNumber,
      verifiedName: 'Shop',
      throughputMps: 80,
      reconnected: false,
    });
    expect(history[1]!.details).toEqual({
      fields: ['name', 'throughputMps', 'appSecret'],
      before: { name: 'Support line', throughputMps: 80 },
      after: { name: 'Support EU', throughputMps: 20 },
    });
    expect(history[5]!.details).toEqual({ synced: 1, changed: 1, markedDeleted: 0 });
    expect(history.every((e) => e.actor.id === org.admin.id && e.target!.label !== '')).toBe(true);
    const everything = JSON.stringify(await events(org.admin));
    for (const secret of [
      number.accessToken,
      number.appSecret,
      number.verifyToken,
      newToken,
      newSecret,
      newVerify,
    ])
      expect(everything).not.toContain(secret);
  });

  it('records settings changes with before and after of what changed, and nothing for a no-op', async () => {
    const admin = await signup(t.app, 'Settings Org');
    const patch = (body: object) => inject(admin, 'PATCH', '/api/v1/organization', body);
    expect((await patch({ name: 'Settings Org' })).statusCode).toBe(200); // unchanged
    expect((await patch({ name: 'Renamed Org', agentsSeeAllTeamConversations: true })).statusCode).toBe(200);
    expect((await patch({ agentsSeeAllTeamConversations: false })).statusCode).toBe(200);
    const history = await events(admin, { action: 'organization.settings_changed' });
    expect(history.reverse()).toMatchObject([
      {
        actor: byUser(admin, 'Admin'),
        target: { type: 'organization', id: admin.organizationId, label: 'Renamed Org' },
        summary:
          'Renamed the organization from "Settings Org" to "Renamed Org" and turned on "agents see all team conversations"',
        details: {
          before: { name: 'Settings Org', agentsSeeAllTeamConversations: false },
          after: { name: 'Renamed Org', agentsSeeAllTeamConversations: true },
        },
      },
      {
        summary: 'Turned off "agents see all team conversations"',
        details: {
          before: { agentsSeeAllTeamConversations: true },
          after: { agentsSeeAllTeamConversations: false },
        },
      },
    ]);
  });
});

describe('audit events: refused or rolled back changes leave no event', () => {
  it('records nothing for refused changes', async () => {
    const team = await createTeam(t.app, org.admin);
    const before = await events(org.admin);
    const missing = '00000000-0000-4000-8000-000000000000';
    const refused = [
      // Not an admin.
      inject(org.manager, 'PATCH', `/api/v1/users/${org.agent.id}`, { role: 'manager' }),
      inject(org.agent, 'POST', '/api/v1/teams', { name: 'By agent' }),
      inject(org.manager, 'PATCH', `/api/v1/teams/${team.id}`, { name: 'By manager' }),
      inject(org.manager, 'PATCH', '/api/v1/organization', { name: 'By manager' }),
      inject(org.agent, 'POST', '/api/v1/users', { email: uniqueEmail(), name: 'X', role: 'agent' }),
      // Unknown ids.
      inject(org.admin, 'PATCH', `/api/v1/users/${missing}`, { role: 'manager' }),
      inject(org.admin, 'DELETE', `/api/v1/teams/${missing}`),
      inject(org.admin, 'PUT', `/api/v1/teams/${team.id}/members/${missing}`),
      inject(org.admin, 'DELETE', `/api/v1/whatsapp-accounts/${missing}`),
      // Conflicts: a taken team name, the last admin, an existing member.
      inject(org.admin, 'POST', '/api/v1/teams', { name: team.name }),
      inject(org.admin, 'PATCH', `/api/v1/users/${org.admin.id}`, { role: 'agent' }),
      inject(org.admin, 'DELETE', `/api/v1/users/${org.admin.id}`),
      inject(org.admin, 'POST', '/api/v1/users', { email: org.agent.email, name: 'Again', role: 'agent' }),
      // Meta refuses the token.
      inject(org.admin, 'POST', '/api/v1/whatsapp-accounts', {
        name: 'Bad',
        phoneNumberId: metaId(),
        businessAccountId: metaId(),
        accessToken: 'EAAG-never-issued-token',
        appSecret: 'secret-secret',
        verifyToken: 'verify-verify',
      }),
    ];
    for (const res of await Promise.all(refused))
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(await events(org.admin)).toEqual(before);
  });

  it('records nothing when the change’s transaction rolls back after the event was written', async () => {
    // A trigger makes the last statement of this organization's write transactions (the change
    // log) fail, after `record` ran in the same transaction.
    const admin = await signup(t.app, 'Rollback Org');
    const team = await createTeam(t.app, admin, 'Before');
    const before = await events(admin);
    const db = t.database.db;
    const fn = `audit_test_fail_${randomUUID().replaceAll('-', '')}`;
    await db.execute(
      sql.raw(
        `create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'injected'; end $$`,
      ),
    );
    await db.execute(
      sql.raw(
        `create trigger ${fn} before insert on sync_log for each row ` +
          `when (new.organization_id = '${admin.organizationId}') execute function ${fn}()`,
      ),
    );
    try {
      const calls = [
        inject(admin, 'PATCH', '/api/v1/organization', { name: 'Never renamed' }),
        inject(admin, 'PATCH', `/api/v1/teams/${team.id}`, { name: 'Never' }),
        inject(admin, 'POST', '/api/v1/teams', { name: 'Never created' }),
        inject(admin, 'POST', '/api/v1/users', {
          email: uniqueEmail(),
          name: 'Never',
          role: 'agent',
          mode: 'password',
        }),
      ];
      for (const res of await Promise.all(calls)) expect(res.statusCode, res.body).toBe(500);
    } finally {
      await db.execute(sql.raw(`drop trigger ${fn} on sync_log`));
      await db.execute(sql.raw(`drop function ${fn}()`));
    }
    expect(await events(admin)).toEqual(before);
    const org2 = await inject(admin, 'GET', '/api/v1/organization');
    expect(org2.json().name).toBe('Rollback Org');
  });
});

describe('GET /api/v1/audit-events', () => {
  it('is for admins: managers and agents get 403, callers without a token 401', async () => {
    for (const who of [org.manager, org.agent]) {
      const res = await inject(who, 'GET', '/api/v1/audit-events');
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toEqual({ code: 'forbidden', message: 'Only admins can read the audit log' });
    }
    expect((await t.app.inject({ url: '/api/v1/audit-events' })).statusCode).toBe(401);
  });

  it('pages with nextCursor, newest first, without duplicates or gaps', async () => {
    const whole = await events(org.admin);
    expect(whole.length).toBeGreaterThan(5);
    const paged: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = new URLSearchParams({ limit: '3', ...(cursor && { cursor }) }).toString();
      const res = await inject(org.admin, 'GET', `/api/v1/audit-events?${qs}`);
      const page: AuditEventPage = res.json();
      expect(page.data.length).toBeLessThanOrEqual(3);
      paged.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
    const times = paged.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('answers bad query input with 400 and a sentence naming the problem', async () => {
    const cases: Array<[string, string]> = [
      ['action=member', 'Use an action such as member.role_changed, or a prefix such as member.*'],
      ['action=member.%25', 'Use an action such as member.role_changed, or a prefix such as member.*'],
      ['actorId=42', 'actorId must be the id (a UUID) of a member or an API key'],
      ['targetType=Team!', 'targetType is a type such as member, team or whatsapp_account'],
      ['targetId=abc', 'Give targetType with targetId, e.g. targetType=member'],
      ['targetType=team&targetId=a%00b', 'targetId must be the id of the target, such as a UUID'],
      ['since=yesterday', 'since must be an ISO 8601 time such as 2025-01-31T09:00:00Z'],
      ['until=2025-13-01T00:00:00Z', 'until must be an ISO 8601 time such as 2025-01-31T18:00:00Z'],
      ['since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z', 'since must be earlier than until'],
      [
        'cursor=not-a-cursor',
        'The cursor is not one this list gave out. Pass the nextCursor of the previous page, or leave cursor out to start from the first page.',
      ],
    ];
    for (const [qs, sentence] of cases) {
      const res = await inject(org.admin, 'GET', `/api/v1/audit-events?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      const error = res.json().error;
      expect(error.code, qs).toBe('invalid_input');
      const said = [
        error.message,
        ...(error.details?.fields ?? []).map((f: { message: string }) => f.message),
      ];
      expect(said, qs).toContain(sentence);
    }
    for (const limit of ['0', '201', 'many'])
      expect((await inject(org.admin, 'GET', `/api/v1/audit-events?limit=${limit}`)).statusCode).toBe(400);
  });

  it('is described in the OpenAPI document with its errors', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const op = doc.paths['/api/v1/audit-events'].get;
    expect(op.summary).toBe('List audit events (admin)');
    expect(op.description).toContain('keyset paged');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'action',
        'actorId',
        'targetType',
        'targetId',
        'since',
        'until',
        'cursor',
        'limit',
      ]),
    );
  });
});
