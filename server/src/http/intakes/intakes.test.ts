import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntakeWithSecret } from '#contract/api/intakes';
import { apiClient } from '../../../test/api-client';
import { createOrg, createTeam, type TestOrg } from '../../../test/factories';
import { intakeKit, signLead } from '../../../test/intakes';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { randomPhone } from '../../../test/whatsapp';
import {
  auditEvents,
  contacts,
  conversations,
  intakeLeads,
  webhookDeliveries,
  webhookEvents,
} from '../../storage/schema/index';

// Lead intakes end to end (issue 10): an admin defines an intake with a template mapping; leads
// arrive signed with its secret or with an API key holding intake:write, and each lands as a
// contact, a conversation in the intake's team with its labels, and the mapped template queued
// through the send path. Repeats (Idempotency-Key, externalId) answer the first result.

let w: OutboundWorld;
let other: TestOrg;
let teamId: string;
let intake: IntakeWithSecret;

/** The numbered Spanish template of the demo set: "Hola {{1}}, tu pedido {{2}} llega el {{3}}." */
const TEMPLATE = {
  name: 'order_update',
  language: 'es',
  body: ['name', { field: 'product', default: 'tu pedido' }, { text: 'lunes' }],
};

const { postLead, createIntake, newKey, messageCount } = intakeKit(() => w);
const sign = signLead;

beforeAll(async () => {
  w = await startOutboundWorld();
  other = await createOrg(w.t.app, 'Intake other org');
  teamId = (await createTeam(w.t.app, w.org.admin, 'Sales', [w.org.agent.id])).id;
  const res = await createIntake(w.org.admin, {
    name: 'Website form',
    whatsappAccountId: w.number.account.id,
    teamId,
    labels: ['lead', 'website'],
    template: TEMPLATE,
  });
  expect(res.statusCode, res.body).toBe(201);
  intake = res.json();
}, 240_000);
afterAll(() => w?.close());

describe('intakes (admin)', () => {
  it('answers the intake with its url and a secret shown once, and records it in the audit log', async () => {
    expect(intake).toMatchObject({
      name: 'Website form',
      teamId,
      labels: ['lead', 'website'],
      template: TEMPLATE,
      enabled: true,
      url: expect.stringMatching(new RegExp(`/api/v1/intakes/${intake.id}/leads$`)),
      secret: expect.stringMatching(/^whsec_/),
    });
    const one = await w.t.app.inject({ url: `/api/v1/intakes/${intake.id}`, headers: w.org.admin.headers });
    expect(one.statusCode).toBe(200);
    expect(one.json()).not.toHaveProperty('secret');
    const list = await w.t.app.inject({ url: '/api/v1/intakes', headers: w.org.admin.headers });
    expect(list.json().data.map((i: { id: string }) => i.id)).toContain(intake.id);
    const [event] = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'intake.created'), eq(auditEvents.targetId, intake.id)));
    expect(event).toMatchObject({ actorId: w.org.admin.id, summary: 'Created lead intake “Website form”' });
    expect(JSON.stringify(event)).not.toContain(intake.secret);
  });

  it('checks the mapping against the synced template and refuses non-admins', async () => {
    const base = { name: 'Bad', whatsappAccountId: w.number.account.id };
    const short = await createIntake(w.org.admin, {
      ...base,
      template: { name: 'order_update', language: 'es', body: ['name'] },
    });
    expect(short.statusCode, short.body).toBe(400);
    expect(short.json().error.message).toMatch(/needs 3 body values/);
    expect(short.json().error.details.fields[0].path).toBe('body.template.body');
    const unknown = await createIntake(w.org.admin, {
      ...base,
      template: { name: 'nope', language: 'es', body: [] },
    });
    expect(unknown.json().error.details.fields[0].path).toBe('body.template.name');
    // order_update (en_US) has a URL button with a variable: an intake cannot fill it.
    const buttons = await createIntake(w.org.admin, {
      ...base,
      template: { name: 'order_update', language: 'en_US', header: 'name', body: ['name', 'a', 'b'] },
    });
    expect(buttons.statusCode).toBe(400);
    expect(buttons.json().error.message).toMatch(/button values/);
    const foreignTeam = (await createTeam(w.t.app, other.admin, 'Theirs')).id;
    const team = await createIntake(w.org.admin, { ...base, teamId: foreignTeam });
    expect(team.json().error.details.fields[0].path).toBe('body.teamId');
    for (const who of [w.org.manager, w.org.agent])
      expect((await createIntake(who, base)).statusCode).toBe(403);
  });
});

describe('intake routes × roles (from the route table)', () => {
  it('refuses managers and agents on every intake route, changing nothing', async () => {
    const routes = w.t.app.routeTable.filter(
      (r) => r.url.startsWith('/api/v1/intakes') && r.method !== 'HEAD',
    );
    const bodies: Record<string, object> = {
      'POST /api/v1/intakes': { name: 'Sneaky', whatsappAccountId: w.number.account.id },
      'PATCH /api/v1/intakes/:id': { name: 'Sneaky' },
      'POST /api/v1/intakes/:id/leads': { phone: `+${randomPhone()}`, name: 'Sneaky' },
    };
    expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'DELETE /api/v1/intakes/:id',
      'GET /api/v1/intakes',
      'GET /api/v1/intakes/:id',
      'PATCH /api/v1/intakes/:id',
      'POST /api/v1/intakes',
      'POST /api/v1/intakes/:id/leads',
      'POST /api/v1/intakes/:id/rotate-secret',
    ]);
    const before = await w.t.database.db.select().from(intakeLeads);
    for (const r of routes)
      for (const who of [w.org.manager, w.org.agent]) {
        const key = `${r.method} ${r.url}`;
        const res = await w.t.app.inject({
          method: r.method as 'GET',
          url: r.url.replace(':id', intake.id),
          headers: who.headers,
          ...(bodies[key] && { payload: bodies[key] }),
        });
        expect(res.statusCode, `${key} as ${who.email}: ${res.body}`).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
    expect(await w.t.database.db.select().from(intakeLeads)).toEqual(before);
    const still = await w.t.app.inject({ url: `/api/v1/intakes/${intake.id}`, headers: w.org.admin.headers });
    expect(still.json()).toMatchObject({ name: 'Website form', enabled: true });
  });
});

describe('POST /api/v1/intakes/:id/leads', () => {
  it('lands a signed lead: contact, conversation in the team with the labels, template queued', async () => {
    const phone = randomPhone();
    const res = await postLead(
      intake.id,
      {
        phone: `+${phone}`,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        product: 'Solar panels',
        budget: 1200,
      },
      { secret: intake.secret },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { contactId, conversationId, messageId } = res.body;
    const db = w.t.database.db;
    const [contact] = await db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(contact).toMatchObject({
      name: 'Ada Lovelace',
      phoneE164: `+${phone}`,
      customAttributes: { email: 'ada@example.com', product: 'Solar panels', budget: '1200' },
    });
    const [conv] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv).toMatchObject({
      contactId,
      whatsappAccountId: w.number.account.id,
      teamId,
      labels: ['lead', 'website'],
      lastMessageId: messageId,
    });
    const msg = await w.row(messageId);
    expect(msg).toMatchObject({ type: 'template', direction: 'outbound', authorId: null, apiKeyId: null });
    expect(['queued', 'sent', 'delivered', 'read']).toContain(msg.status);
    expect(msg.text).toBe('Hola Ada Lovelace, tu pedido Solar panels llega el lunes.');
    await w.until(async () => w.sent().some((s) => JSON.stringify(s).includes('Solar panels')));
  });

  it('answers a repeated externalId or Idempotency-Key with the first ids (200) and sends nothing', async () => {
    const lead = { phone: `+${randomPhone()}`, name: 'Grace', product: 'Heat pump', externalId: 'crm-42' };
    const first = await postLead(intake.id, lead, { secret: intake.secret });
    expect(first.status).toBe(201);
    const before = await messageCount();
    const again = await postLead(intake.id, { ...lead, name: 'Grace H.' }, { secret: intake.secret });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');

    const keyed = { phone: `+${randomPhone()}`, name: 'Linus', product: 'Battery' };
    const headers = { 'idempotency-key': 'form-8731' };
    const k1 = await postLead(intake.id, keyed, { secret: intake.secret, headers });
    expect(k1.status).toBe(201);
    const k2 = await postLead(intake.id, keyed, { secret: intake.secret, headers });
    expect(k2.status).toBe(200);
    expect(k2.body).toEqual(k1.body);
    expect(await messageCount()).toBe(before + 1);
    const rows = await w.t.database.db.select().from(intakeLeads).where(eq(intakeLeads.intakeId, intake.id));
    expect(rows.filter((r) => r.dedupeKey === 'external:crm-42')).toHaveLength(1);
  });

  it('sends once when the same lead arrives twice at the same moment', async () => {
    const before = await messageCount();
    const lead = { phone: `+${randomPhone()}`, name: 'Twin', product: 'Kit', externalId: 'twin-1' };
    const [a, b] = await Promise.all([
      postLead(intake.id, lead, { secret: intake.secret }),
      postLead(intake.id, lead, { secret: intake.secret }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body).toEqual(b.body);
    expect(await messageCount()).toBe(before + 1);
  });

  it('takes an API key with intake:write (attributed to it) and refuses one without it', async () => {
    const key = await newKey(['intake:write']);
    // Through the typed client generated from the OpenAPI document: the document must be right.
    const api = apiClient(w.t.app, key.key);
    const ok = await api.POST('/api/v1/intakes/{id}/leads', {
      params: { path: { id: intake.id } },
      body: { phone: `+${randomPhone()}`, name: 'Key lead', plan: 'pro', seats: 5 },
    });
    expect(ok.error, JSON.stringify(ok.error)).toBeUndefined();
    expect(ok.response.status).toBe(201);
    expect(await w.row(ok.data!.messageId!)).toMatchObject({ apiKeyId: key.id, authorId: null });
    const without = await newKey(['messages:send']);
    const refused = await postLead(intake.id, { phone: `+${randomPhone()}` }, { bearer: without.key });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'insufficient_scope',
      message: expect.stringContaining('intake:write'),
    });
  });

  it('refuses a bad or missing signature with 401 and a sentence, writing nothing', async () => {
    const before = await messageCount();
    const lead = JSON.stringify({ phone: `+${randomPhone()}`, name: 'Mallory' });
    const wrong = await postLead(intake.id, lead, {
      headers: { 'x-signature-256': sign('whsec_wrong', lead) },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(
      /X-Signature-256 does not match the body: sign the raw request body/,
    );
    const malformed = await postLead(intake.id, lead, { headers: { 'x-signature-256': 'md5=abc' } });
    expect(malformed.status).toBe(401);
    const none = await postLead(intake.id, lead);
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/Sign the lead/);
    // A signature over other bytes (re-serialised JSON) does not verify.
    const spaced = await postLead(intake.id, lead.replace(':', ': '), {
      headers: { 'x-signature-256': sign(intake.secret, lead) },
    });
    expect(spaced.status).toBe(401);
    expect(await messageCount()).toBe(before);
  });

  it('answers 422 naming a field the template needs and the lead lacks', async () => {
    const before = await messageCount();
    const res = await postLead(
      intake.id,
      { phone: `+${randomPhone()}`, product: 'x' },
      { secret: intake.secret },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/"name"/);
    expect(res.body.error.details.fields).toEqual([{ path: 'body.name', message: expect.any(String) }]);
    // `product` has a default: leaving it out is fine.
    const dflt = await postLead(
      intake.id,
      { phone: `+${randomPhone()}`, name: 'Bo' },
      { secret: intake.secret },
    );
    expect(dflt.status).toBe(201);
    expect((await w.row(dflt.body.messageId)).text).toBe('Hola Bo, tu pedido tu pedido llega el lunes.');
    expect(await messageCount()).toBe(before + 1);
  });

  it('refuses U+0000, bad numbers and too many fields with 400 naming the field', async () => {
    const cases: Array<[object, string]> = [
      [{ phone: `+${randomPhone()}`, name: 'A', product: 'Sol\u0000ar' }, 'body.product'],
      [{ phone: `+${randomPhone()}`, name: 'A\u0000' }, 'body.name'],
      [{ phone: 'call me' }, 'body.phone'],
      [{ phone: `+${randomPhone()}`, note: 'x'.repeat(1001) }, 'body.note'],
      [{ phone: `+${randomPhone()}`, 'bad key': 'x' }, 'body.bad key'],
    ];
    for (const [lead, path] of cases) {
      const res = await postLead(intake.id, lead, { secret: intake.secret });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x']));
    const res = await postLead(intake.id, { phone: `+${randomPhone()}`, ...many }, { secret: intake.secret });
    expect(res.status).toBe(400);
  });

  it("answers 404 for another organization's intake, and for disabled and deleted ones", async () => {
    const lead = { phone: `+${randomPhone()}`, name: 'Eve' };
    const theirs = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/intakes/${intake.id}/leads`,
      headers: other.admin.headers,
      payload: lead,
    });
    expect(theirs.statusCode).toBe(404);
    expect(
      (await w.t.app.inject({ url: `/api/v1/intakes/${intake.id}`, headers: other.admin.headers }))
        .statusCode,
    ).toBe(404);

    const res = await createIntake(w.org.admin, { name: 'Temp', whatsappAccountId: w.number.account.id });
    const temp = res.json<IntakeWithSecret>();
    // No template: the lead lands in the inbox without a message.
    const bare = await postLead(temp.id, lead, { secret: temp.secret });
    expect(bare.status).toBe(201);
    expect(bare.body.messageId).toBeNull();
    const off = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/intakes/${temp.id}`,
      headers: w.org.admin.headers,
      payload: { enabled: false },
    });
    expect(off.statusCode, off.body).toBe(200);
    expect((await postLead(temp.id, { ...lead, externalId: 'x1' }, { secret: temp.secret })).status).toBe(
      404,
    );
    await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/intakes/${temp.id}`,
      headers: w.org.admin.headers,
    });
    expect((await postLead(temp.id, lead, { secret: temp.secret })).status).toBe(404);
    const actions = (
      await w.t.database.db.select().from(auditEvents).where(eq(auditEvents.targetId, temp.id))
    ).map((e) => e.action);
    expect(actions.sort()).toEqual(['intake.created', 'intake.deleted', 'intake.updated']);
  });

  it('announces the lead as a lead.created webhook event to subscribed endpoints, once', async () => {
    const hook = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: w.org.admin.headers,
      payload: { url: 'https://hooks.intake.example/leads', events: ['lead.created'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const lead = { phone: `+${randomPhone()}`, name: 'Hook', product: 'Kit', externalId: 'hook-1' };
    const res = await postLead(intake.id, lead, { secret: intake.secret });
    expect(res.status).toBe(201);
    expect((await postLead(intake.id, lead, { secret: intake.secret })).status).toBe(200);
    const events = await w.t.database.db
      .select()
      .from(webhookEvents)
      .where(
        and(eq(webhookEvents.organizationId, w.org.organizationId), eq(webhookEvents.type, 'lead.created')),
      );
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.body)).toMatchObject({
      type: 'lead.created',
      data: {
        intakeId: intake.id,
        intakeName: 'Website form',
        ...res.body,
        phone: lead.phone,
        name: 'Hook',
        externalId: 'hook-1',
        fields: { product: 'Kit' },
        changeSeq: expect.any(Number),
      },
    });
    const deliveries = await w.t.database.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, events[0]!.id));
    expect(deliveries.map((d) => d.endpointId)).toEqual([hook.json().id]);
    await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${hook.json().id}`,
      headers: w.org.admin.headers,
    });
  });

  it('rotates the secret: the old one stops verifying at once', async () => {
    const rotated = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/intakes/${intake.id}/rotate-secret`,
      headers: w.org.admin.headers,
    });
    expect(rotated.statusCode).toBe(200);
    const secret = rotated.json<IntakeWithSecret>().secret;
    expect(secret).not.toBe(intake.secret);
    const lead = { phone: `+${randomPhone()}`, name: 'Rot' };
    expect((await postLead(intake.id, lead, { secret: intake.secret })).status).toBe(401);
    expect((await postLead(intake.id, lead, { secret })).status).toBe(201);
    intake = { ...intake, secret };
  });
});
