import { describe, expect, it, vi } from 'vitest';
import { err, ok, type Result } from '#contract/result';
import { createAdminHandlers } from './admin-handlers';

const SERVER = 'https://parley.example.com';
const team = (n: number) => ({
  id: `0190a1b2-0000-7000-8000-00000000000${n}`,
  name: `Team ${n}`,
  memberIds: [],
  createdAt: '2026-01-01T00:00:00.000Z',
});

/** Handlers over a scripted server: `answers` by "METHOD path", each call recorded. */
function setup(answers: Record<string, Result<unknown>>) {
  const calls: { method: string; path: string; body: unknown; token: string | undefined }[] = [];
  const send = vi.fn(
    async (_url: string, method: string, path: string, opts: { body?: unknown; accessToken?: string }) => {
      calls.push({ method, path, body: opts.body, token: opts.accessToken });
      const none: Result<unknown> = err({ code: 'not_found', message: `no answer for ${method} ${path}` });
      return answers[`${method} ${path}`] ?? none;
    },
  );
  const handlers = createAdminHandlers({
    session: { withToken: (call) => call(SERVER, 'token-1') },
    auth: { send, sendRaw: vi.fn() },
    events: { emit: vi.fn() },
  });
  return { handlers, calls };
}

describe('admin handlers', () => {
  it('reads every page of a list, with the session token', async () => {
    const { handlers, calls } = setup({
      'GET /api/v1/teams?limit=200': ok({ data: [team(1)], nextCursor: 'c1' }),
      'GET /api/v1/teams?limit=200&cursor=c1': ok({ data: [team(2)], nextCursor: null }),
    });
    const r = await handlers['admin:listTeams'](undefined);
    expect(r).toEqual(ok([team(1), team(2)]));
    expect(calls.map((c) => c.token)).toEqual(['token-1', 'token-1']);
  });

  it('passes the server’s refusal through unchanged (the server decides who may)', async () => {
    const refused = err({ code: 'forbidden' as const, message: 'Only admins can create teams' });
    const { handlers } = setup({ 'POST /api/v1/teams': refused });
    expect(await handlers['admin:createTeam']({ name: 'Sales', memberIds: [] })).toEqual(refused);
  });

  it('resets a password with a body-less POST and passes the one-time password on', async () => {
    const user = '0190a1b2-0000-7000-8000-0000000000aa';
    const { handlers, calls } = setup({
      [`POST /api/v1/users/${user}/password-reset`]: ok({ temporaryPassword: 'Tmp-1234567890' }),
    });
    expect(await handlers['admin:resetPassword']({ id: user })).toEqual(
      ok({ temporaryPassword: 'Tmp-1234567890' }),
    );
    expect(calls).toEqual([
      { method: 'POST', path: `/api/v1/users/${user}/password-reset`, body: undefined, token: 'token-1' },
    ]);
  });

  it('maps a delete’s empty answer to done and sends membership changes as PUT/DELETE', async () => {
    const id = team(1).id;
    const user = '0190a1b2-0000-7000-8000-0000000000aa';
    const { handlers, calls } = setup({
      [`DELETE /api/v1/teams/${id}`]: ok(null),
      [`PUT /api/v1/teams/${id}/members/${user}`]: ok(team(1)),
      [`DELETE /api/v1/teams/${id}/members/${user}`]: ok(team(1)),
    });
    expect(await handlers['admin:deleteTeam']({ id })).toEqual(ok({ done: true }));
    expect((await handlers['admin:setTeamMember']({ teamId: id, userId: user, member: true })).ok).toBe(true);
    expect((await handlers['admin:setTeamMember']({ teamId: id, userId: user, member: false })).ok).toBe(
      true,
    );
    expect(calls.map((c) => c.method)).toEqual(['DELETE', 'PUT', 'DELETE']);
  });

  it('creates templates with POST and deletes them with DELETE /api/v1/templates/:id', async () => {
    const id = '0190a1b2-0000-7000-8000-0000000000t1'.replace('t1', 'b1');
    const template = {
      id,
      whatsappAccountId: team(2).id,
      metaTemplateId: '123',
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      status: 'PENDING',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hello {{1}}, thanks.' }],
      statusReason: null,
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const { handlers, calls } = setup({
      'POST /api/v1/templates': ok(template),
      [`PUT /api/v1/templates/${id}`]: ok(template),
      [`DELETE /api/v1/templates/${id}`]: ok(null),
    });
    const body = {
      whatsappAccountId: team(2).id,
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY' as const,
      parameterFormat: 'POSITIONAL' as const,
      body: { text: 'Hello {{1}}, thanks.', examples: ['Ana'] },
      buttons: [],
    };
    const edit = {
      category: 'UTILITY' as const,
      parameterFormat: 'NAMED' as const,
      body: { text: 'Hello {{first_name}}, thanks.', examples: ['Ana'] },
      buttons: [],
    };
    expect(await handlers['admin:createTemplate'](body)).toEqual(ok(template));
    expect(await handlers['admin:editTemplate']({ id, body: edit })).toEqual(ok(template));
    expect(await handlers['admin:deleteTemplate']({ id })).toEqual(ok({ done: true }));
    expect(calls.map((c) => [c.method, c.body])).toEqual([
      ['POST', body],
      ['PUT', edit],
      ['DELETE', undefined],
    ]);
  });

  it('refuses a body that does not match the contract instead of passing it on', async () => {
    const { handlers } = setup({ 'GET /api/v1/organization': ok({ name: 42 }) });
    const r = await handlers['admin:getOrganization'](undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('internal');
  });

  it('puts the audit filters in the query string', async () => {
    const { handlers, calls } = setup({
      'GET /api/v1/audit-events?limit=20&action=member.*': ok({ data: [], nextCursor: null }),
    });
    const r = await handlers['admin:listAuditEvents']({ limit: 20, action: 'member.*' });
    expect(r).toEqual(ok({ data: [], nextCursor: null }));
    expect(calls[0]?.path).toBe('/api/v1/audit-events?limit=20&action=member.*');
  });

  it('reads the month’s usage and gives a number an owner through the number’s PATCH', async () => {
    const usage = { month: '2026-12', sent: 1234, quota: 10_000, resetsAt: '2027-01-01T00:00:00.000Z' };
    const { handlers, calls } = setup({ 'GET /api/v1/organization/usage': ok(usage) });
    expect(await handlers['admin:getUsage'](undefined)).toEqual(ok(usage));
    const number = '0190a1b2-0000-7000-8000-0000000000c1';
    const owner = '0190a1b2-0000-7000-8000-0000000000aa';
    await handlers['admin:updateNumber']({ id: number, patch: { ownerUserId: owner } });
    expect(calls.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: 'GET', path: '/api/v1/organization/usage', body: undefined },
      { method: 'PATCH', path: `/api/v1/whatsapp-accounts/${number}`, body: { ownerUserId: owner } },
    ]);
  });

  it('answers a usage body of another shape with a clear error', async () => {
    const { handlers } = setup({ 'GET /api/v1/organization/usage': ok({ sent: 'many' }) });
    const r = await handlers['admin:getUsage'](undefined);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toContain('unexpected way');
  });
});
