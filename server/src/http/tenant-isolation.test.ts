import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../test/build-test-app';
import { createOrg, createTeam, type TestOrg } from '../../test/factories';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../test/whatsapp';
import {
  apiKeys,
  cannedResponses,
  labels,
  autoAssignScopes,
  auditEvents,
  intakeLeads,
  intakes,
  webhookQuarantine,
  contacts,
  conversations,
  invitations,
  media,
  memberships,
  messages,
  organizations,
  organizationSettings,
  sessions,
  syncLog,
  teamMembers,
  teams,
  templates,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
  whatsappAccounts,
} from '../storage/schema/index';
import { inAnyOrder } from '../../test/in-any-order';

// The cross-tenant matrix (quality bar 5.5.1): every REST route with an id in its path, taken
// from the app's route table at run time, is called by an admin of organization A with ids of
// organization B. A new :id route without a case below fails this test.

let w: WhatsAppWorld;
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
let teamA: { id: string };
let teamB: { id: string };
/** B's WhatsApp fixtures: an account, a conversation with an image message, a synced template. */
let bWa: {
  accountId: string;
  contactId: string;
  conversationId: string;
  messageId: string;
  mediaId: string;
  templateId: string;
};
let bKeyId: string;
/** B's lead intake. */
let bIntakeId: string;
/** B's label, and a canned response of B's organization and one personal to B's agent. */
let bLabelId: string;
let bCannedIds: { org: string; personal: string };
let aConversationId: string;
/** B's outgoing webhook endpoint (disabled: nothing is delivered) and one delivery of it. */
let bHook: { endpointId: string; deliveryId: string };

beforeAll(async () => {
  w = await startWhatsAppWorld();
  t = w.t;
  [a, b] = await Promise.all([createOrg(t.app, 'Tenant A'), createOrg(t.app, 'Tenant B')]);
  teamA = await createTeam(t.app, a.admin, 'A team', [a.agent.id]);
  teamB = await createTeam(t.app, b.admin, 'B team', [b.agent.id]);

  const numberA = await w.connect(a.admin);
  await numberA.send(numberA.addCustomer('Alice'), { type: 'text', body: 'hi A' });
  aConversationId = (await t.app.inject({ url: '/api/v1/conversations', headers: a.admin.headers })).json()
    .data[0].id;

  const numberB = await w.connect(b.admin);
  w.emu.control.addTemplate(numberB.wabaId, {
    name: 'b_secret_template',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'B only' }],
  });
  const synced = await t.app.inject({
    method: 'POST',
    url: `/api/v1/whatsapp-accounts/${numberB.account.id}/sync-templates`,
    headers: b.admin.headers,
  });
  expect(synced.statusCode, synced.body).toBe(200);
  await numberB.send(numberB.addCustomer('Bob'), { type: 'image', caption: 'B photo' });
  await w.settle();
  const conv = (await t.app.inject({ url: '/api/v1/conversations', headers: b.admin.headers })).json()
    .data[0];
  const msg = (
    await t.app.inject({ url: `/api/v1/conversations/${conv.id}/messages`, headers: b.admin.headers })
  ).json().data[0];
  const tpl = (await t.app.inject({ url: '/api/v1/templates', headers: b.admin.headers })).json().data[0];
  expect(msg.media.state).toBe('ready');
  const key = await t.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: b.admin.headers,
    payload: { name: 'B key', scopes: ['messages:read'] },
  });
  expect(key.statusCode, key.body).toBe(201);
  bKeyId = key.json().id;
  bWa = {
    accountId: numberB.account.id,
    contactId: conv.contact.id,
    conversationId: conv.id,
    messageId: msg.id,
    mediaId: msg.media.id,
    templateId: tpl.id,
  };
  const hook = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: b.admin.headers,
    payload: { url: 'https://hooks.b.example/parley', events: ['*'], enabled: false },
  });
  expect(hook.statusCode, hook.body).toBe(201);
  const endpointId: string = hook.json().id;
  const [event] = await t.database.db
    .insert(webhookEvents)
    .values({ organizationId: b.organizationId, type: 'webhook.test', body: '{"type":"webhook.test"}' })
    .returning();
  const [delivery] = await t.database.db
    .insert(webhookDeliveries)
    .values({ organizationId: b.organizationId, endpointId, eventId: event!.id, state: 'failed' })
    .returning();
  bHook = { endpointId, deliveryId: delivery!.id };
  const intake = await t.app.inject({
    method: 'POST',
    url: '/api/v1/intakes',
    headers: b.admin.headers,
    payload: { name: 'B intake', whatsappAccountId: bWa.accountId, teamId: teamB.id },
  });
  expect(intake.statusCode, intake.body).toBe(201);
  bIntakeId = intake.json().id;
  const label = await t.app.inject({
    method: 'POST',
    url: '/api/v1/labels',
    headers: b.admin.headers,
    payload: { name: 'B secret label', color: 'red' },
  });
  expect(label.statusCode, label.body).toBe(201);
  bLabelId = label.json().id;
  const canned = async (headers: Record<string, string>, scope: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/canned-responses',
      headers,
      payload: { scope, shortcut: `b${scope.slice(0, 3)}`, title: 'B secret title', body: 'B secret body' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  bCannedIds = {
    org: await canned(b.admin.headers, 'organization'),
    personal: await canned(b.agent.headers, 'personal'),
  };
});
afterAll(() => w.close());

/** Which of B's ids fills each path parameter, by resource prefix. */
const idFor = (url: string, param: string): string | undefined => {
  if (param === 'userId') return b.agent.id;
  if (param === 'deliveryId') return bHook.deliveryId;
  if (param !== 'id') return undefined;
  if (url.startsWith('/api/v1/users/')) return b.agent.id;
  if (url.startsWith('/api/v1/teams/')) return teamB.id;
  if (url.startsWith('/api/v1/whatsapp-accounts/')) return bWa.accountId;
  if (url.startsWith('/api/v1/conversations/')) return bWa.conversationId;
  if (url.startsWith('/api/v1/messages/')) return bWa.messageId;
  if (url.startsWith('/api/v1/templates/')) return bWa.templateId;
  if (url.startsWith('/api/v1/media/')) return bWa.mediaId;
  if (url.startsWith('/api/v1/contacts/')) return bWa.contactId;
  if (url.startsWith('/api/v1/webhooks/')) return bHook.endpointId;
  if (url.startsWith('/api/v1/api-keys/')) return bKeyId;
  if (url.startsWith('/api/v1/intakes/')) return bIntakeId;
  if (url.startsWith('/api/v1/labels/')) return bLabelId;
  // The organization's response: a personal one is hidden inside B already (visibility matrix).
  if (url.startsWith('/api/v1/canned-responses/')) return bCannedIds.org;
  return undefined;
};

/** Routes whose body is a file rather than JSON: a valid one (so 404 cannot hide behind 415). */
const rawBodies: Record<string, { contentType: string; query: string; payload: Buffer }> = {
  'POST /api/v1/whatsapp-accounts/:id/template-media': {
    contentType: 'image/png',
    query: 'fileName=header.png',
    payload: Buffer.from('not really a png'),
  },
};

/** A body that would be valid (so 404 cannot hide behind 400). */
const bodies: Record<string, object> = {
  'PATCH /api/v1/users/:id': { role: 'admin' },
  'PUT /api/v1/users/:id/capacity': { capacity: 3 },
  'PUT /api/v1/teams/:id/auto-assign': { enabled: true },
  'PUT /api/v1/whatsapp-accounts/:id/auto-assign': { enabled: true },
  'PUT /api/v1/whatsapp-accounts/:id/default-team': { teamId: null },
  'PATCH /api/v1/teams/:id': { name: 'Hijacked' },
  'PATCH /api/v1/whatsapp-accounts/:id': { name: 'Hijacked' },
  'PATCH /api/v1/conversations/:id': { status: 'resolved', important: true },
  'POST /api/v1/conversations/:id/messages': { type: 'text', text: 'Hijacked' },
  'PATCH /api/v1/contacts/:id': { name: 'Hijacked', optedOut: true },
  'PATCH /api/v1/webhooks/:id': { url: 'https://hijack.example/x', enabled: true },
  'PATCH /api/v1/api-keys/:id': { name: 'Hijacked', scopes: ['contacts:write'] },
  'PATCH /api/v1/intakes/:id': { name: 'Hijacked', enabled: false },
  'PUT /api/v1/templates/:id': {
    category: 'UTILITY',
    body: { text: 'Hijacked {{1}} here', examples: ['Ana'] },
  },
  'POST /api/v1/intakes/:id/leads': { phone: '+15550009999', name: 'Hijacked' },
  'PATCH /api/v1/labels/:id': { name: 'Hijacked', color: 'lime' },
  'PATCH /api/v1/canned-responses/:id': { title: 'Hijacked', body: 'Hijacked' },
};

const snapshotOfB = async () => {
  const db = t.database.db;
  const org = b.organizationId;
  return inAnyOrder({
    organization: await db.select().from(organizations).where(eq(organizations.id, org)),
    settings: await db
      .select()
      .from(organizationSettings)
      .where(eq(organizationSettings.organizationId, org)),
    memberships: await db.select().from(memberships).where(eq(memberships.organizationId, org)),
    teams: await db.select().from(teams).where(eq(teams.organizationId, org)),
    teamMembers: await db.select().from(teamMembers).where(eq(teamMembers.organizationId, org)),
    sessions: await db.select().from(sessions).where(eq(sessions.organizationId, org)),
    invitations: await db.select().from(invitations).where(eq(invitations.organizationId, org)),
    whatsappAccounts: await db
      .select()
      .from(whatsappAccounts)
      .where(eq(whatsappAccounts.organizationId, org)),
    templates: await db.select().from(templates).where(eq(templates.organizationId, org)),
    contacts: await db.select().from(contacts).where(eq(contacts.organizationId, org)),
    conversations: await db.select().from(conversations).where(eq(conversations.organizationId, org)),
    messages: await db.select().from(messages).where(eq(messages.organizationId, org)),
    media: await db.select().from(media).where(eq(media.organizationId, org)),
    syncLog: await db.select().from(syncLog).where(eq(syncLog.organizationId, org)),
    auditEvents: await db.select().from(auditEvents).where(eq(auditEvents.organizationId, org)),
    webhookEndpoints: await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.organizationId, org)),
    webhookDeliveries: await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.organizationId, org)),
    apiKeys: await db.select().from(apiKeys).where(eq(apiKeys.organizationId, org)),
    intakes: await db.select().from(intakes).where(eq(intakes.organizationId, org)),
    intakeLeads: await db.select().from(intakeLeads).where(eq(intakeLeads.organizationId, org)),
    labels: await db.select().from(labels).where(eq(labels.organizationId, org)),
    cannedResponses: await db.select().from(cannedResponses).where(eq(cannedResponses.organizationId, org)),
    autoAssignScopes: await db
      .select()
      .from(autoAssignScopes)
      .where(eq(autoAssignScopes.organizationId, org)),
  });
};

const idRoutes = () =>
  t.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.url.includes('/:') && r.method !== 'HEAD');

describe('cross-tenant matrix', () => {
  it('covers at least the users and teams :id routes', () => {
    const keys = idRoutes().map((r) => `${r.method} ${r.url}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /api/v1/users/:id',
        'PATCH /api/v1/users/:id',
        'PUT /api/v1/users/:id/capacity',
        'PUT /api/v1/teams/:id/auto-assign',
        'PUT /api/v1/whatsapp-accounts/:id/auto-assign',
        'DELETE /api/v1/users/:id',
        'GET /api/v1/teams/:id',
        'PATCH /api/v1/teams/:id',
        'DELETE /api/v1/teams/:id',
        'PUT /api/v1/teams/:id/members/:userId',
        'DELETE /api/v1/teams/:id/members/:userId',
        'GET /api/v1/whatsapp-accounts/:id',
        'PATCH /api/v1/whatsapp-accounts/:id',
        'DELETE /api/v1/whatsapp-accounts/:id',
        'POST /api/v1/whatsapp-accounts/:id/sync-templates',
        'POST /api/v1/whatsapp-accounts/:id/template-media',
        'GET /api/v1/conversations/:id',
        'PATCH /api/v1/conversations/:id',
        'GET /api/v1/conversations/:id/messages',
        'GET /api/v1/messages/:id',
        'GET /api/v1/templates/:id',
        'GET /api/v1/media/:id',
        'POST /api/v1/conversations/:id/messages',
        'POST /api/v1/conversations/:id/read',
        'GET /api/v1/contacts/:id',
        'PATCH /api/v1/contacts/:id',
        'DELETE /api/v1/contacts/:id',
        'GET /api/v1/webhooks/:id',
        'PATCH /api/v1/webhooks/:id',
        'DELETE /api/v1/webhooks/:id',
        'POST /api/v1/webhooks/:id/test',
        'POST /api/v1/webhooks/:id/rotate-secret',
        'GET /api/v1/webhooks/:id/deliveries',
        'POST /api/v1/webhooks/:id/deliveries/:deliveryId/retry',
        'GET /api/v1/intakes/:id',
        'PATCH /api/v1/intakes/:id',
        'DELETE /api/v1/intakes/:id',
        'POST /api/v1/intakes/:id/rotate-secret',
        'POST /api/v1/intakes/:id/leads',
        'GET /api/v1/labels/:id',
        'PATCH /api/v1/labels/:id',
        'DELETE /api/v1/labels/:id',
        'GET /api/v1/canned-responses/:id',
        'PATCH /api/v1/canned-responses/:id',
        'DELETE /api/v1/canned-responses/:id',
      ]),
    );
  });

  it("answers 404 to A's admin for every id of B, and changes nothing in B", async () => {
    const before = await snapshotOfB();
    for (const route of idRoutes()) {
      const key = `${route.method} ${route.url}`;
      const url = route.url.replace(/:(\w+)/g, (_, param: string) => {
        const id = idFor(route.url, param);
        if (!id)
          throw new Error(`No cross-tenant case for ${key} (parameter :${param}); add one to this test`);
        return id;
      });
      const rawBody = rawBodies[key];
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: rawBody ? `${url}?${rawBody.query}` : url,
        headers: rawBody ? { ...a.admin.headers, 'content-type': rawBody.contentType } : a.admin.headers,
        ...(bodies[key] && { payload: bodies[key] }),
        ...(rawBody && { payload: rawBody.payload }),
      });
      expect(res.statusCode, `${key} → ${res.body}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect(res.body).not.toContain(b.organizationId);
      expect(res.body).not.toContain('B team');
    }
    expect(await snapshotOfB()).toEqual(before);
  });

  // Routes without an id act on the caller's organization (from the token). Each must be listed
  // here with a valid body: a new one fails the coverage check below.
  const tokenScoped: Record<string, object | undefined> = {
    'GET /api/v1/organization': undefined,
    'PATCH /api/v1/organization': { name: 'A renamed', agentsSeeAllTeamConversations: true },
    'GET /api/v1/organization/usage': undefined,
  };

  it('acts on the token’s organization only for the organization routes, whatever the body says', async () => {
    const keys = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/organization') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(keys.sort()).toEqual(Object.keys(tokenScoped).sort());
    const before = await snapshotOfB();
    for (const [key, payload] of Object.entries(tokenScoped)) {
      const [method, url] = key.split(' ') as ['GET', string];
      const res = await t.app.inject({ method, url, headers: a.admin.headers, ...(payload && { payload }) });
      expect(res.statusCode, `${key} → ${res.body}`).toBe(200);
      // The usage route answers A's counts (no id); the others A's organization.
      if (url.endsWith('/usage')) expect(res.json()).toMatchObject({ sent: 0 });
      else expect(res.json().id).toBe(a.organizationId);
      expect(res.body).not.toContain(b.organizationId);
      // A foreign organization id in the body is refused, never followed.
      if (payload) {
        const foreign = await t.app.inject({
          method,
          url,
          headers: a.admin.headers,
          payload: { ...payload, id: b.organizationId, organizationId: b.organizationId },
        });
        expect(foreign.statusCode, key).toBe(400);
      }
    }
    expect(await snapshotOfB()).toEqual(before);
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/organization',
      headers: a.admin.headers,
      payload: { agentsSeeAllTeamConversations: false },
    });
  });

  it("refuses B's members as foreign references inside A's own resources", async () => {
    const before = await snapshotOfB();
    const calls = [
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/teams/${teamA.id}/members/${b.agent.id}`,
        headers: a.admin.headers,
      }),
      t.app.inject({
        method: 'DELETE',
        url: `/api/v1/teams/${teamA.id}/members/${b.agent.id}`,
        headers: a.admin.headers,
      }),
      t.app.inject({
        method: 'POST',
        url: '/api/v1/teams',
        headers: a.admin.headers,
        payload: { name: 'Mixed', memberIds: [a.agent.id, b.agent.id] },
      }),
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/conversations/${aConversationId}`,
        headers: a.admin.headers,
        payload: { assigneeId: b.agent.id },
      }),
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/conversations/${aConversationId}`,
        headers: a.admin.headers,
        payload: { teamId: teamB.id, important: true },
      }),
      // Sends in A's own conversation or from B's number must not reach B's media or account.
      t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${aConversationId}/messages`,
        headers: a.admin.headers,
        payload: { type: 'image', mediaId: bWa.mediaId },
      }),
      t.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: a.admin.headers,
        payload: {
          whatsappAccountId: bWa.accountId,
          to: '+14155550123',
          message: { type: 'template', templateName: 'b_secret_template', language: 'en_US' },
        },
      }),
    ];
    for (const res of await Promise.all(calls)) expect(res.statusCode, res.body).toBe(404);
    // B's messages are no reply or reaction target in A's conversation.
    for (const payload of [
      { type: 'reaction', messageId: bWa.messageId, emoji: '👍' },
      { type: 'text', text: 'x', replyToMessageId: bWa.messageId },
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${aConversationId}/messages`,
        headers: a.admin.headers,
        payload,
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.body).not.toContain(b.organizationId);
    }
    const teamsOfA = await t.database.db
      .select()
      .from(teams)
      .where(eq(teams.organizationId, a.organizationId));
    expect(teamsOfA.map((x) => x.name)).not.toContain('Mixed');
    const linksOfA = await t.database.db.select().from(teamMembers).where(eq(teamMembers.teamId, teamA.id));
    expect(linksOfA.map((x) => x.userId)).toEqual([a.agent.id]);
    const [convA] = await t.database.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, aConversationId));
    expect(convA).toMatchObject({ assigneeId: null, teamId: null, important: false });
    expect(await snapshotOfB()).toEqual(before);
  });

  it("lists only the caller's organization", async () => {
    const users = (await t.app.inject({ url: '/api/v1/users', headers: a.agent.headers })).json().data;
    expect(users.map((u: { id: string }) => u.id)).not.toContain(b.agent.id);
    const teamList = (await t.app.inject({ url: '/api/v1/teams', headers: a.agent.headers })).json().data;
    expect(teamList.map((x: { id: string }) => x.id)).toEqual([teamA.id]);
    // B is unaffected and still sees its own data.
    const own = await t.app.inject({ url: `/api/v1/teams/${teamB.id}`, headers: b.agent.headers });
    expect(own.statusCode).toBe(200);
    for (const url of [
      '/api/v1/whatsapp-accounts',
      '/api/v1/conversations',
      '/api/v1/templates',
      '/api/v1/contacts',
      '/api/v1/labels',
      '/api/v1/canned-responses',
    ]) {
      const res = await t.app.inject({ url, headers: a.admin.headers });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain('B secret');
      expect(res.body, url).not.toContain(bWa.accountId);
      expect(res.body, url).not.toContain(bWa.conversationId);
      expect(res.body, url).not.toContain('b_secret_template');
      expect(res.body, url).not.toContain(bWa.contactId);
    }
    // Media is tenant-scoped: B sees it (which of B's agents do is the visibility matrix's job).
    const mediaOfB = await t.app.inject({ url: `/api/v1/media/${bWa.mediaId}`, headers: b.admin.headers });
    expect(mediaOfB.statusCode).toBe(200);
  });
});

// The sync routes take B's ids in the query string, not the path: each gets its own case
// (a new /api/v1/sync route without one fails). Whatever A sends, nothing of B comes back and
// nothing of B is written.
describe('cross-tenant sync routes', () => {
  /** One or more requests per sync route, as A's admin with B's ids; each must leak nothing. */
  const syncCases: Record<string, () => Promise<{ status: number; body: string }[]>> = {
    'GET /api/v1/sync/pull': async () => {
      const bClient = randomUUID();
      // B's client id, registered by B first: A gets 404, not B's results.
      const own = await t.app.inject({
        url: `/api/v1/sync/pull?cursor=0&clientId=${bClient}`,
        headers: b.admin.headers,
      });
      expect(own.statusCode).toBe(200);
      const out = [];
      for (const q of [
        `cursor=0&clientId=${bClient}`,
        `cursor=0&clientId=${randomUUID()}`,
        `cursor=1&clientId=${randomUUID()}&lmid=5`,
      ]) {
        const res = await t.app.inject({ url: `/api/v1/sync/pull?${q}`, headers: a.admin.headers });
        out.push({ status: res.statusCode, body: res.body });
      }
      expect(out[0]!.status).toBe(404);
      return out;
    },
    'GET /api/v1/sync/bootstrap': async () => {
      const out = [];
      for (const q of [
        'phase=0',
        'phase=1',
        'phase=2',
        `phase=1&group=team:${teamB.id}`,
        `phase=1&group=team_all:${teamB.id}`,
      ]) {
        const res = await t.app.inject({ url: `/api/v1/sync/bootstrap?${q}`, headers: a.admin.headers });
        expect(res.statusCode, q).toBe(200);
        out.push({ status: res.statusCode, body: res.body });
      }
      return out;
    },
    'GET /api/v1/sync/history': async () => {
      const res = await t.app.inject({
        url: `/api/v1/sync/history?conversationId=${bWa.conversationId}`,
        headers: a.admin.headers,
      });
      expect(res.statusCode).toBe(404);
      return [{ status: res.statusCode, body: res.body }];
    },
  };

  it('answers A with nothing of B on every sync route, and writes nothing of B', async () => {
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/sync/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.sort()).toEqual(Object.keys(syncCases).sort());
    const before = await snapshotOfB();
    for (const key of routes) {
      const run = syncCases[key];
      if (!run) throw new Error(`No cross-tenant case for ${key}; add one to this test`);
      for (const res of await run()) {
        for (const id of [
          b.organizationId,
          bWa.conversationId,
          bWa.contactId,
          bWa.messageId,
          bWa.accountId,
          teamB.id,
          bLabelId,
          bCannedIds.org,
          bCannedIds.personal,
        ])
          expect(res.body, key).not.toContain(id);
        expect(res.body, key).not.toContain('B secret');
        expect(res.body, key).not.toContain('b_secret_template');
        expect(res.body, key).not.toContain('B photo');
      }
    }
    expect(await snapshotOfB()).toEqual(before);
  });
});

// The audit log takes B's ids as filters and B's cursors: each audit route gets its cases (a new
// /api/v1/audit-events route without one fails). A's admin sees A's events only.
describe('cross-tenant audit log', () => {
  const auditCases: Record<string, () => Promise<{ status: number; body: string }[]>> = {
    'GET /api/v1/audit-events': async () => {
      const ofB = await t.app.inject({ url: '/api/v1/audit-events?limit=1', headers: b.admin.headers });
      expect(ofB.statusCode).toBe(200);
      expect(ofB.json().data).toHaveLength(1);
      const bCursor: string = ofB.json().nextCursor;
      const out = [];
      for (const q of [
        '',
        `actorId=${b.admin.id}`,
        `targetType=whatsapp_account&targetId=${bWa.accountId}`,
        `targetType=team&targetId=${teamB.id}`,
        `targetType=organization&targetId=${b.organizationId}`,
        'action=whatsapp_account.*',
        `cursor=${bCursor}`,
      ]) {
        const res = await t.app.inject({ url: `/api/v1/audit-events?${q}`, headers: a.admin.headers });
        expect(res.statusCode, q).toBe(200);
        out.push({ status: res.statusCode, body: res.body });
      }
      // A's own events are there (its number was connected and its team created by its admin).
      const own = await t.app.inject({
        url: '/api/v1/audit-events?action=whatsapp_account.*',
        headers: a.admin.headers,
      });
      expect(own.json().data.length).toBeGreaterThan(0);
      return out;
    },
  };

  it('answers A with nothing of B on every audit route, and writes nothing of B', async () => {
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/audit-events') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.sort()).toEqual(Object.keys(auditCases).sort());
    const before = await snapshotOfB();
    for (const key of routes) {
      const run = auditCases[key];
      if (!run) throw new Error(`No cross-tenant case for ${key}; add one to this test`);
      for (const res of await run()) {
        for (const id of [b.organizationId, b.admin.id, bWa.accountId, teamB.id])
          expect(res.body, key).not.toContain(id);
        expect(res.body, key).not.toContain('B team');
        expect(res.body, key).not.toContain('Tenant B');
      }
    }
    expect(await snapshotOfB()).toEqual(before);
  });
});

// The webhook quarantine (issue 9, finding 1): A's admin lists A's entries only, whatever the
// filter or cursor; a new /api/v1/webhook-quarantine route without a case fails.
describe('cross-tenant webhook quarantine', () => {
  it('answers A with nothing of B', async () => {
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/webhook-quarantine') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(routes).toEqual(['GET /api/v1/webhook-quarantine']);
    const db = t.database.db;
    for (const [org, mark] of [
      [a.organizationId, 'wamid.A-own'],
      [b.organizationId, 'wamid.B-secret'],
      [b.organizationId, 'wamid.B-secret-2'],
    ] as const)
      await db.insert(webhookQuarantine).values({
        organizationId: org,
        whatsappAccountId: null,
        receiptId: 1,
        outcome: 'failed',
        eventKind: 'message',
        externalId: mark,
        error: 'x',
      });
    const ofB = await t.app.inject({ url: '/api/v1/webhook-quarantine?limit=1', headers: b.admin.headers });
    const bCursor: string = ofB.json().nextCursor;
    expect(bCursor).toEqual(expect.any(String));
    for (const q of ['', 'outcome=failed', `cursor=${bCursor}`]) {
      const res = await t.app.inject({ url: `/api/v1/webhook-quarantine?${q}`, headers: a.admin.headers });
      expect(res.statusCode, q).toBe(200);
      expect(res.body).not.toContain('B-secret');
      expect(res.body).not.toContain(b.organizationId);
    }
    const own = await t.app.inject({ url: '/api/v1/webhook-quarantine', headers: a.admin.headers });
    expect(own.json().data.map((e: { externalId: string }) => e.externalId)).toEqual(['wamid.A-own']);
  });
});

// Reports (issue 13) count one organization's stored events: A's manager sees A's counts and
// nothing of B's (a new /api/v1/reports route without a case fails).
describe('cross-tenant reports', () => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const inboundOf = async (org: string) =>
    (await t.database.db.select().from(messages).where(eq(messages.organizationId, org))).filter(
      (m) => m.direction === 'inbound',
    ).length;
  const reportCases: Record<string, () => Promise<{ status: number; body: string }[]>> = {
    'GET /api/v1/reports/overview': async () => {
      const url = `/api/v1/reports/overview?from=${day(-2)}&to=${day(2)}`;
      const ofA = await t.app.inject({ url, headers: a.manager.headers });
      expect(ofA.statusCode, ofA.body).toBe(200);
      expect(ofA.json().totals.messagesIn).toBe(await inboundOf(a.organizationId));
      const ofB = await t.app.inject({ url, headers: b.manager.headers });
      expect(ofB.json().totals.messagesIn).toBe(await inboundOf(b.organizationId));
      expect(ofB.json().totals.messagesIn).toBeGreaterThan(0);
      return [{ status: ofA.statusCode, body: ofA.body }];
    },
  };

  it('answers A with nothing of B on every reports route, and writes nothing of B', async () => {
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/reports') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.sort()).toEqual(Object.keys(reportCases).sort());
    const before = await snapshotOfB();
    for (const key of routes) {
      for (const res of await reportCases[key]!()) {
        for (const id of [b.organizationId, b.admin.id, bWa.accountId, teamB.id])
          expect(res.body, key).not.toContain(id);
        expect(res.body, key).not.toContain('B team');
      }
    }
    expect(await snapshotOfB()).toEqual(before);
  });
});
