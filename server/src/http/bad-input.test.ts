import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createOrg, createTeam, TEST_PASSWORD, type TestOrg } from '../../test/factories';
import {
  contacts,
  idempotencyKeys,
  invitations,
  jobs,
  memberships,
  organizations,
  organizationSettings,
  refreshTokens,
  sessions,
  syncLog,
  teamMembers,
  teams,
  users,
  whatsappAccounts,
  syncClients,
  webhookEndpoints,
} from '../storage/schema/index';
import { inAnyOrder } from '../../test/in-any-order';

// Every route that takes a JSON body, from the route table, gets missing fields, wrong-typed
// fields, malformed JSON and an oversize body. Each must answer in the error format and write
// nothing. A new body route without a case here fails the test.

let t: TestApp;
let org: TestOrg;
let teamId: string;
const PROBE_EMAIL = 'probe-bad-input@example.test';
const PROBE_ORG = 'Probe Org Must Not Exist';

beforeAll(async () => {
  t = await buildTestApp();
  org = await createOrg(t.app, 'Bad Input Org');
  teamId = (await createTeam(t.app, org.admin, 'Existing')).id;
});
afterAll(() => t.app.close());

/** A valid body per route (never sent as is); each field is then removed or given a wrong type. */
const valid = (): Record<string, Record<string, unknown>> => ({
  'POST /api/v1/signup': {
    organizationName: PROBE_ORG,
    name: 'P',
    email: PROBE_EMAIL,
    password: TEST_PASSWORD,
  },
  'POST /api/v1/auth/login': {
    email: org.agent.email,
    password: org.agent.password,
    organizationId: org.organizationId,
  },
  'POST /api/v1/auth/refresh': { refreshToken: org.agent.refreshToken },
  'POST /api/v1/auth/logout': { refreshToken: org.agent.refreshToken },
  'POST /api/v1/invitations/accept': { token: 'inv_x', name: 'P', password: TEST_PASSWORD },
  'PATCH /api/v1/me': { name: 'P' },
  'POST /api/v1/me/password': {
    currentPassword: TEST_PASSWORD,
    newPassword: 'new password 123',
    refreshToken: 'x',
  },
  'POST /api/v1/users': { email: PROBE_EMAIL, name: 'P', role: 'agent', mode: 'password' },
  'PATCH /api/v1/users/:id': { role: 'manager', deactivated: true },
  'PUT /api/v1/me/availability': { availability: 'away' },
  'PUT /api/v1/users/:id/capacity': { capacity: 3 },
  'PUT /api/v1/teams/:id/auto-assign': { enabled: true },
  'PUT /api/v1/whatsapp-accounts/:id/auto-assign': { enabled: true },
  'PUT /api/v1/whatsapp-accounts/:id/default-team': { teamId: null },
  'PATCH /api/v1/organization': { name: 'Probe organization', agentsSeeAllTeamConversations: true },
  'POST /api/v1/teams': { name: 'Probe team', memberIds: [org.agent.id] },
  'PATCH /api/v1/teams/:id': { name: 'Probe team' },
  'POST /api/v1/labels': { name: 'Probe label', color: 'teal' },
  'PATCH /api/v1/labels/:id': { name: 'Probe label', color: 'red' },
  'POST /api/v1/canned-responses': { scope: 'organization', shortcut: 'probe', title: 'Probe', body: 'Hi' },
  'PATCH /api/v1/canned-responses/:id': { shortcut: 'probe', title: 'Probe', body: 'Hi' },
  'POST /api/v1/whatsapp-accounts': {
    name: 'Probe number',
    phoneNumberId: '123456789012345',
    businessAccountId: '987654321098765',
    accessToken: 'EAAG-probe-token',
    appSecret: 'probe-app-secret',
    verifyToken: 'probe-verify-token',
    throughputMps: 80,
  },
  'PATCH /api/v1/whatsapp-accounts/:id': {
    name: 'Probe',
    throughputMps: 10,
    accessToken: 'EAAG-probe-token',
  },
  'POST /api/v1/templates': {
    whatsappAccountId: PROBE_ID,
    name: 'probe_template',
    language: 'en_US',
    category: 'UTILITY',
    header: { format: 'TEXT', text: 'Probe' },
    body: { text: 'Hello {{1}}, probe.', examples: ['Ana'] },
    footer: { text: 'Probe' },
    buttons: [{ type: 'QUICK_REPLY', text: 'Probe' }],
  },
  'PUT /api/v1/templates/:id': {
    category: 'UTILITY',
    parameterFormat: 'NAMED',
    header: { format: 'TEXT', text: 'Probe' },
    body: { text: 'Hello {{first_name}}, probe.', examples: ['Ana'] },
    footer: { text: 'Probe' },
    buttons: [{ type: 'QUICK_REPLY', text: 'Probe' }],
  },
  'PATCH /api/v1/conversations/:id': {
    status: 'snoozed',
    snoozedUntil: '2099-01-01T00:00:00Z',
    assigneeId: org.agent.id,
    teamId,
    important: true,
    labels: ['vip'],
  },
  'POST /api/v1/conversations/:id/messages': { type: 'text', text: 'probe', replyToMessageId: PROBE_ID },
  'POST /api/v1/messages': {
    whatsappAccountId: PROBE_ID,
    to: '+14155550123',
    message: { type: 'text', text: 'probe' },
  },
  'POST /api/v1/contacts': {
    name: 'Probe contact',
    phone: '+14155550123',
    tags: ['probe'],
    optedOut: false,
    customAttributes: { plan: 'gold' },
  },
  'PATCH /api/v1/contacts/:id': { name: 'Probe', tags: ['x'], optedOut: true, customAttributes: { a: 'b' } },
  'POST /api/v1/api-keys': {
    name: 'Probe key',
    scopes: ['messages:read'],
    allowedIps: ['192.0.2.0/24'],
    expiresAt: '2099-01-01T00:00:00.000Z',
    rateLimitPerMinute: 60,
  },
  'PATCH /api/v1/api-keys/:id': {
    name: 'Probe key',
    scopes: ['messages:read'],
    allowedIps: ['192.0.2.0/24'],
    rateLimitPerMinute: 60,
  },
  'POST /api/v1/webhooks': {
    url: 'https://hooks.probe.example/x',
    events: ['message.received'],
    description: 'Probe',
    enabled: true,
  },
  'PATCH /api/v1/webhooks/:id': {
    url: 'https://hooks.probe.example/x',
    events: ['*'],
    description: 'Probe',
    enabled: false,
  },
  'POST /api/v1/intakes': {
    name: 'Probe intake',
    whatsappAccountId: PROBE_ID,
    teamId: PROBE_ID,
    labels: ['lead'],
    template: { name: 'probe', language: 'en_US', header: 'name', body: ['name', { field: 'product' }] },
    enabled: true,
  },
  'PATCH /api/v1/intakes/:id': {
    name: 'Probe intake',
    labels: ['lead'],
    template: { name: 'probe', language: 'en_US', body: { first_name: 'name' } },
    enabled: false,
  },
  // Extra lead fields take numbers and booleans too, so the case names only the declared ones
  // (extra fields' bad inputs are covered in http/intakes/intakes.test.ts).
  'POST /api/v1/intakes/:id/leads': {
    phone: '+14155550123',
    name: 'Probe lead',
    email: 'probe@example.test',
    externalId: 'probe-1',
  },
});

/**
 * Body-less POSTs (an action on the resource in the path), the multipart upload, whose bad
 * inputs (not multipart, no file, wrong type, too large) are covered in
 * http/media/upload-routes.test.ts, and the template header sample, whose body is the file itself
 * (no length, wrong type, too large, no file name: whatsapp-accounts/template-media-routes.test.ts).
 */
const BODYLESS = new Set([
  'POST /api/v1/whatsapp-accounts/:id/sync-templates',
  'POST /api/v1/conversations/:id/read',
  'POST /api/v1/media',
  'POST /api/v1/whatsapp-accounts/:id/template-media',
  'POST /api/v1/webhooks/:id/test',
  'POST /api/v1/webhooks/:id/rotate-secret',
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/retry',
  'POST /api/v1/intakes/:id/rotate-secret',
  'POST /api/v1/users/:id/password-reset',
]);
/**
 * Routes whose errors follow another specification's format rather than Parley's envelope:
 * the OAuth token endpoint answers RFC 6749 §5.2 errors (`invalid_request`, `invalid_client`,
 * …); its bad inputs are covered in http/api-keys/api-keys.test.ts.
 */
const OWN_ERROR_FORMAT = new Set(['POST /api/v1/oauth/token']);
/** Any id: these routes validate the body before looking anything up. */
const PROBE_ID = '00000000-0000-4000-8000-000000000000';

const wrongType = (v: unknown): unknown =>
  typeof v === 'string' ? 12345 : typeof v === 'boolean' ? 'yes' : Array.isArray(v) ? 'not-an-array' : 'x';

const fill = (url: string) =>
  url
    .replace('/users/:id', `/users/${org.agent.id}`)
    .replace('/teams/:id', `/teams/${teamId}`)
    .replace(/:id\b/, PROBE_ID);

const bodyRoutes = () =>
  t.app.routeTable.filter(
    (r) =>
      r.url.startsWith('/api/v1/') &&
      ['POST', 'PATCH', 'PUT'].includes(r.method) &&
      !r.url.includes('/members/') &&
      !BODYLESS.has(`${r.method} ${r.url}`) &&
      !OWN_ERROR_FORMAT.has(`${r.method} ${r.url}`),
  );

const snapshot = async () => {
  const db = t.database.db;
  const o = org.organizationId;
  return inAnyOrder({
    memberships: await db.select().from(memberships).where(eq(memberships.organizationId, o)),
    teams: await db.select().from(teams).where(eq(teams.organizationId, o)),
    teamMembers: await db.select().from(teamMembers).where(eq(teamMembers.organizationId, o)),
    invitations: await db.select().from(invitations).where(eq(invitations.organizationId, o)),
    sessions: await db.select().from(sessions).where(eq(sessions.organizationId, o)),
    refreshTokens: await db.select().from(refreshTokens).where(eq(refreshTokens.organizationId, o)),
    users: await db
      .select()
      .from(users)
      .where(inArray(users.id, [org.admin.id, org.manager.id, org.agent.id])),
    probeUser: await db.select().from(users).where(eq(users.email, PROBE_EMAIL)),
    probeOrg: await db.select().from(organizations).where(eq(organizations.name, PROBE_ORG)),
    organization: await db.select().from(organizations).where(eq(organizations.id, o)),
    settings: await db.select().from(organizationSettings).where(eq(organizationSettings.organizationId, o)),
    accounts: await db.select().from(whatsappAccounts).where(eq(whatsappAccounts.organizationId, o)),
    syncLog: await db.select().from(syncLog).where(eq(syncLog.organizationId, o)),
    contacts: await db.select().from(contacts).where(eq(contacts.organizationId, o)),
    jobs: await db.select().from(jobs).where(eq(jobs.organizationId, o)),
    idempotencyKeys: await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.organizationId, o)),
    webhookEndpoints: await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.organizationId, o)),
  });
};

describe('bad input on every body route', () => {
  it('has a case for each body route', () => {
    const cases = valid();
    for (const r of bodyRoutes())
      expect(cases, `no bad-input case for ${r.method} ${r.url}`).toHaveProperty([`${r.method} ${r.url}`]);
  });

  it('answers 400/413 in the error format and writes nothing', async () => {
    const before = await snapshot();
    const cases = valid();
    for (const r of bodyRoutes()) {
      const key = `${r.method} ${r.url}`;
      const base = cases[key]!;
      const send = (payload: string, contentType = 'application/json') =>
        t.app.inject({
          method: r.method as 'POST',
          url: fill(r.url),
          headers: { ...org.admin.headers, 'content-type': contentType },
          payload,
        });
      const variants: Array<[string, unknown]> = [
        ['missing everything', {}],
        ['not an object', [1, 2]],
        ...Object.keys(base).map((f): [string, unknown] => [
          `wrong type ${f}`,
          { ...base, [f]: wrongType(base[f]) },
        ]),
      ];
      for (const [label, payload] of variants) {
        const res = await send(JSON.stringify(payload));
        expect(res.statusCode, `${key} ${label}: ${res.body}`).toBe(400);
        const body = res.json();
        expect(body.error.code).toBe('invalid_input');
        expect(body.error.details.fields.length, `${key} ${label}`).toBeGreaterThan(0);
        for (const f of body.error.details.fields) {
          expect(f).toEqual({ path: expect.stringMatching(/^body/), message: expect.any(String) });
        }
      }
      const malformed = await send('{"name": ');
      expect(malformed.statusCode, key).toBe(400);
      expect(malformed.json()).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });

      const oversize = await send(JSON.stringify({ ...base, name: 'x'.repeat(1024 * 1024 + 10) }));
      expect(oversize.statusCode, key).toBe(413);
      expect(oversize.json().error.code).toBe('payload_too_large');

      const wrongMedia = await send('name=x', 'application/x-www-form-urlencoded');
      expect(wrongMedia.statusCode, key).toBe(415);
      expect(wrongMedia.json().error.code).toBe('unsupported_media_type');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('validates query strings and path ids too', async () => {
    for (const url of [
      '/api/v1/users?limit=0',
      '/api/v1/users?limit=abc',
      '/api/v1/teams?limit=1000',
      '/api/v1/teams/123',
      '/api/v1/conversations?status=closed',
      '/api/v1/conversations?assignee=someone',
      '/api/v1/conversations?unread=maybe',
      '/api/v1/conversations?limit=0',
      '/api/v1/conversations/123',
      '/api/v1/conversations/123/messages',
      '/api/v1/messages/123',
      '/api/v1/templates?status=LIVE',
      '/api/v1/whatsapp-accounts/123',
      '/api/v1/media/123',
    ]) {
      const res = await t.app.inject({ url, headers: org.agent.headers });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.fields[0].path).toMatch(/^(querystring|params)\./);
    }
  });
});

// Finding 2 (issue 9): PostgreSQL text cannot hold U+0000 or an unpaired surrogate. Every string
// in every body route's valid case (nested ones included) and every query field of every GET
// route gets one planted; each must answer 400 `invalid_input` naming that field, never a 500,
// and write nothing.
describe('unstorable characters in every string field', () => {
  /** Paths (as the error names them) of every string leaf of a value. */
  const stringPaths = (v: unknown, at: string[] = []): string[][] =>
    typeof v === 'string'
      ? [at]
      : Array.isArray(v)
        ? v.flatMap((x, i) => stringPaths(x, [...at, String(i)]))
        : v && typeof v === 'object'
          ? Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...at, k]))
          : [];
  const plant = (v: unknown, path: string[], bad: string): unknown => {
    if (path.length === 0) return `${String(v).slice(0, 2)}${bad}${String(v).slice(2)}`;
    const [head, ...rest] = path as [string, ...string[]];
    if (Array.isArray(v)) return v.map((x, i) => (String(i) === head ? plant(x, rest, bad) : x));
    const o = v as Record<string, unknown>;
    return { ...o, [head]: plant(o[head], rest, bad) };
  };

  it('refuses U+0000 and lone surrogates in every body string with 400 naming the field', async () => {
    const before = await snapshot();
    const cases = valid();
    let probes = 0;
    for (const r of bodyRoutes()) {
      const key = `${r.method} ${r.url}`;
      for (const path of stringPaths(cases[key])) {
        for (const bad of ['\u0000', '\ud800', '\udfff']) {
          const res = await t.app.inject({
            method: r.method as 'POST',
            url: fill(r.url),
            headers: { ...org.admin.headers, 'content-type': 'application/json' },
            payload: JSON.stringify(plant(cases[key], path, bad)),
          });
          probes++;
          const where = `${key} ${path.join('.')} ${JSON.stringify(bad)}: ${res.body}`;
          expect(res.statusCode, where).toBe(400);
          const { error } = res.json();
          expect(error.code, where).toBe('invalid_input');
          const named = (error.details.fields as Array<{ path: string }>).map((f) => f.path);
          expect(named, where).toContain(['body', ...path].join('.'));
        }
      }
    }
    expect(probes).toBeGreaterThan(100);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses U+0000 in every query field of every GET route', async () => {
    let probes = 0;
    for (const r of t.app.routeTable) {
      if (r.method !== 'GET' || !r.url.startsWith('/api/v1/')) continue;
      const shape = (r.schema?.querystring as { shape?: Record<string, unknown> } | undefined)?.shape;
      for (const field of Object.keys(shape ?? {})) {
        const path = r.url.replace(/:\w+/g, PROBE_ID);
        const res = await t.app.inject({ url: `${path}?${field}=a%00b`, headers: org.admin.headers });
        probes++;
        const where = `GET ${r.url}?${field}: ${res.body}`;
        expect(res.statusCode, where).toBe(400);
        expect(res.json().error.code, where).toBe('invalid_input');
        const named = (res.json().error.details.fields as Array<{ path: string }>).map((f) => f.path);
        expect(named, where).toContain(`querystring.${field}`);
      }
    }
    expect(probes).toBeGreaterThan(10);
  });
});

// The sync routes take everything in the query string: each gets malformed, missing and
// out-of-range values (a new /api/v1/sync route without a case fails). Each must answer 400 in
// the error format, naming the query field, and register or write nothing.
describe('bad input on the sync routes', () => {
  const client = '0190a4b2-0000-7000-8000-00000000beef';
  const syncQueries: Record<string, string[]> = {
    'GET /api/v1/sync/pull': [
      '',
      `clientId=${client}`,
      'cursor=0',
      `cursor=-1&clientId=${client}`,
      `cursor=abc&clientId=${client}`,
      `cursor=0&clientId=not-a-uuid`,
      `cursor=0&clientId=${client}&limit=0`,
      `cursor=0&clientId=${client}&limit=5001`,
      `cursor=0&clientId=${client}&lmid=-3`,
      `cursor=1.5&clientId=${client}`,
    ],
    'GET /api/v1/sync/bootstrap': [
      '',
      'phase=3',
      'phase=-1',
      'phase=x',
      'phase=1&group=team:nope',
      'phase=1&group=everyone',
    ],
    'GET /api/v1/sync/history': [
      '',
      'conversationId=123',
      `conversationId=${client}&limit=0`,
      `conversationId=${client}&limit=201`,
      `conversationId=${client}&beforeConvSeq=0`,
      `conversationId=${client}&beforeConvSeq=x`,
    ],
  };

  it('answers 400 naming the query field, and registers nothing', async () => {
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/sync/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.sort()).toEqual(Object.keys(syncQueries).sort());
    const before = await snapshot();
    for (const key of routes) {
      const path = key.split(' ')[1]!;
      for (const q of syncQueries[key] ?? []) {
        const res = await t.app.inject({ url: `${path}?${q}`, headers: org.agent.headers });
        expect(res.statusCode, `${key}?${q}: ${res.body}`).toBe(400);
        const body = res.json();
        expect(body.error.code).toBe('invalid_input');
        expect(body.error.details.fields[0].path).toMatch(/^querystring/);
      }
    }
    const registered = await t.database.db.select().from(syncClients).where(eq(syncClients.clientId, client));
    expect(registered).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});

// Every list that pages with a keyset cursor refuses a cursor it did not give out — garbage,
// another list's, one whose date is no date, one carrying U+0000 — with 400 `invalid_input`
// naming `querystring.cursor` and a sentence, never a 500. A new cursor route without a case
// here fails the test.
describe('bad cursors on the paged lists', () => {
  const uuid = '0190a4b2-0000-7000-8000-00000000c0de';
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const everywhere = ['garbage', encode({ a: 1 }), encode([1, 2, 3, 4, 5]), encode(['x'.repeat(301), uuid])];
  const cases: Record<string, unknown[][]> = {
    'GET /api/v1/users': [
      [8_640_000_000_000_001, uuid],
      ['2024-01-01T00:00:00.000Z', uuid],
      [1.5, uuid],
    ],
    'GET /api/v1/teams': [
      ['Sales\u0000', uuid],
      ['Sales', 'not-a-uuid'],
    ],
    'GET /api/v1/labels': [
      ['vip\u0000', uuid],
      ['vip', 'not-a-uuid'],
    ],
    'GET /api/v1/canned-responses': [
      ['greet\u0000', uuid],
      ['greet', 'not-a-uuid'],
    ],
    'GET /api/v1/conversations': [
      ['2024-13-45T99:00:00Z', uuid],
      ['not a date', uuid],
      [1_700_000_000_000, uuid],
    ],
    'GET /api/v1/conversations/:id/messages': [['12'], [1.5], [null]],
    'GET /api/v1/templates': [
      ['hello\u0000', 'en_US', uuid],
      ['hello', 'en_US'],
    ],
    'GET /api/v1/whatsapp-accounts': [
      ['yesterday', uuid],
      [1_700_000_000_000, uuid],
    ],
    'GET /api/v1/contacts': [
      ['not a date', uuid],
      ['', uuid],
    ],
    'GET /api/v1/webhook-quarantine': [
      ['not a date', uuid],
      ['2024-01-01T00:00:00.000Z', 'not-a-uuid'],
    ],
    'GET /api/v1/audit-events': [
      ['not a date', uuid],
      ['2024-01-01T00:00:00.000Z', 'not-a-uuid'],
    ],
    'GET /api/v1/messages': [
      ['not a date', uuid],
      ['2024-01-01T00:00:00.000Z', 'not-a-uuid'],
    ],
    'GET /api/v1/webhooks': [
      ['not a date', uuid],
      ['2024-01-01T00:00:00.000Z', 'not-a-uuid'],
    ],
    'GET /api/v1/intakes': [
      ['not a date', uuid],
      ['2024-01-01T00:00:00.000Z', 'not-a-uuid'],
    ],
    'GET /api/v1/webhooks/:id/deliveries': [
      ['not a date', uuid],
      ['2024-01-01T00:00:00.000Z\u0000', uuid],
      ['2024-01-01T00:00:00.000Z', 'not-a-uuid'],
    ],
  };
  const get = (url: string) => t.app.inject({ url, headers: org.admin.headers });

  it('answers 400 invalid_input naming the cursor, with a sentence', async () => {
    for (const [key, own] of Object.entries(cases)) {
      const path = key.split(' ')[1]!.replace(/:\w+/g, uuid);
      for (const cursor of [...everywhere, ...own.map(encode)]) {
        const res = await get(`${path}?cursor=${encodeURIComponent(cursor)}`);
        expect(res.statusCode, `${key} cursor=${cursor}: ${res.body}`).toBe(400);
        const { error } = res.json();
        expect(error.code).toBe('invalid_input');
        expect(error.message).toMatch(/^The cursor .+\.$/);
        expect(error.details.fields).toEqual([{ path: 'querystring.cursor', message: expect.any(String) }]);
      }
    }
  });

  it('covers every route that takes a cursor', async () => {
    const found: string[] = [];
    for (const r of t.app.routeTable) {
      if (r.method !== 'GET' || !r.url.startsWith('/api/v1/') || r.url.startsWith('/api/v1/sync/')) continue;
      const res = await get(`${r.url.replace(/:\w+/g, uuid)}?cursor=garbage`);
      if (res.statusCode === 400 && res.json().error.details?.fields?.[0]?.path === 'querystring.cursor')
        found.push(`GET ${r.url}`);
    }
    expect(found.sort()).toEqual(Object.keys(cases).sort());
  });
});
