import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { pullAll, until } from '../../../test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { auditEvents, templates } from '../../storage/schema/index';

// POST/DELETE /api/v1/templates against the Meta emulator: validation in words, the Graph call
// as Meta expects it, Meta's review arriving as a status webhook that updates the stored
// template and reaches other members through sync, roles and other organizations.

let w: WhatsAppWorld;
let org: TestOrg;
let other: TestOrg;
let n: ConnectedNumber;
beforeAll(async () => {
  w = await startWhatsAppWorld({ emulator: { templateReviewMs: 100 } });
  [org, other] = await Promise.all([createOrg(w.t.app, 'Templates'), createOrg(w.t.app, 'Other templates')]);
  n = await w.connect(org.admin);
});
afterAll(() => w.close());

const valid = (over: Record<string, unknown> = {}) => ({
  whatsappAccountId: n.account.id,
  name: `order_update_${Math.floor(Math.random() * 1e6)}`,
  language: 'en_US',
  category: 'UTILITY',
  header: { format: 'TEXT', text: 'Order {{1}}', example: 'A-1001' },
  body: { text: 'Hi {{1}}, your order ships on {{2}}. Thanks!', examples: ['Ana', 'Monday'] },
  footer: { text: 'Acme Shop' },
  buttons: [
    { type: 'QUICK_REPLY', text: 'Thanks' },
    { type: 'QUICK_REPLY', text: 'Stop updates' },
    { type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}', example: 'A-1001' },
    { type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+14155550123' },
  ],
  ...over,
});

const post = (who: { headers: { authorization: string } }, payload: object) =>
  w.t.app.inject({ method: 'POST', url: '/api/v1/templates', headers: who.headers, payload });

const rowOf = async (id: string) =>
  (await w.t.database.db.select().from(templates).where(eq(templates.id, id)))[0]!;

describe('POST /api/v1/templates', () => {
  it('refuses what Meta would refuse, with a sentence on the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: 'Order Update' }, 'body.name', /lowercase letters, digits and underscores/],
      [
        { body: { text: '{{1}} is ready', examples: ['A'] } },
        'body.body.text',
        /cannot start or end with a variable/,
      ],
      [
        { body: { text: 'Hi {{1}} and {{3}} ok', examples: ['a', 'b'] } },
        'body.body.text',
        /in sequence from \{\{1\}\}/,
      ],
      [
        { body: { text: 'Hi {{1}}, ok', examples: [] } },
        'body.body.examples',
        /example for each of the body’s 1 variable/,
      ],
      [{ body: { text: 'x'.repeat(1025), examples: [] } }, 'body.body.text', /at most 1024 characters/],
      [
        { header: { format: 'TEXT', text: 'A {{1}} b {{2}}', example: 'x' } },
        'body.header.text',
        /at most one variable/,
      ],
      [{ header: { format: 'IMAGE', example: '' } }, 'body.header.example', /sample file/],
      [{ footer: { text: 'f'.repeat(61) } }, 'body.footer.text', /at most 60 characters/],
      [
        { buttons: Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `Reply ${i}` })) },
        'body.buttons',
        /at most 10 buttons/,
      ],
      [
        {
          buttons: [
            { type: 'URL', text: 'A', url: 'https://a.example' },
            { type: 'URL', text: 'B', url: 'https://b.example' },
            { type: 'URL', text: 'C', url: 'https://c.example' },
          ],
        },
        'body.buttons',
        /at most 2 link buttons/,
      ],
      [
        {
          buttons: [
            { type: 'QUICK_REPLY', text: 'A' },
            { type: 'URL', text: 'B', url: 'https://b.example' },
            { type: 'QUICK_REPLY', text: 'C' },
          ],
        },
        'body.buttons',
        /quick-reply buttons together/,
      ],
      [
        { buttons: [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }] },
        'body.buttons.0.text',
        /at most 25 characters/,
      ],
      [
        { buttons: [{ type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '555' }] },
        'body.buttons.0.phoneNumber',
        /country code/,
      ],
      [
        { category: 'AUTHENTICATION' },
        'body.body.text',
        /fixed text and a copy-code button; remove the body/,
      ],
    ];
    for (const [over, path, message] of cases) {
      const res = await post(org.admin, valid(over));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      const fields = res.json().error.details.fields as { path: string; message: string }[];
      expect(fields, JSON.stringify(over)).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    expect(w.emu.control.state.wabas.get(n.wabaId)!.templates).toHaveLength(0);
  });

  it('submits Meta’s shape, stores PENDING, and Meta’s approval reaches the row and other members', async () => {
    const body = valid();
    const res = await post(org.admin, body);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      name: body.name,
      language: 'en_US',
      category: 'UTILITY',
      status: 'PENDING',
    });
    const atMeta = w.emu.control.state.wabas.get(n.wabaId)!.templates.find((t) => t.name === body.name)!;
    expect(created.metaTemplateId).toBe(atMeta.id);
    expect(atMeta.components).toEqual([
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1001'] } },
      {
        type: 'BODY',
        text: 'Hi {{1}}, your order ships on {{2}}. Thanks!',
        example: { body_text: [['Ana', 'Monday']] },
      },
      { type: 'FOOTER', text: 'Acme Shop' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Thanks' },
          { type: 'QUICK_REPLY', text: 'Stop updates' },
          { type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}', example: ['A-1001'] },
          { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+14155550123' },
        ],
      },
    ]);
    await until(async () => (await rowOf(created.id)).status === 'APPROVED', 5_000, 'approval');
    // An agent's client learns it through sync, with the components as the contract shows them.
    const { changes } = await pullAll(w.t.app, org.agent, randomUUID());
    const put = changes.find((c) => 'id' in c && c.id === created.id && c.op === 'put');
    expect(put).toMatchObject({ e: 'template', row: { status: 'APPROVED', name: body.name } });
    const [audit] = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.organizationId, org.organizationId), eq(auditEvents.action, 'template.created')),
      );
    expect(audit).toMatchObject({ targetId: created.id, actorId: org.admin.id });
  });

  it('records Meta’s rejection and its reason', async () => {
    const res = await post(
      org.admin,
      valid({ body: { text: 'Please REJECT this one, {{1}}. Bye', examples: ['Ana'] } }),
    );
    expect(res.statusCode, res.body).toBe(201);
    await until(async () => (await rowOf(res.json().id)).status === 'REJECTED', 5_000, 'rejection');
    expect((await rowOf(res.json().id)).statusReason).toBe('INVALID_FORMAT');
  });

  it('explains Meta’s refusal of a name that exists in that language', async () => {
    const body = valid();
    expect((await post(org.admin, body)).statusCode).toBe(201);
    const again = await post(org.admin, body);
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.message).toBe(
      `Meta already has a template named ${body.name} in en_US. Choose another name or language.`,
    );
  });

  it('is for admins only, and never for another organization’s number', async () => {
    for (const who of [org.manager, org.agent]) {
      const res = await post(who, valid());
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const foreign = await post(other.admin, valid());
    expect(foreign.statusCode).toBe(404);
  });
});

describe('DELETE /api/v1/templates/:id', () => {
  it('deletes at Meta (this language only), marks the row DELETED and records it', async () => {
    const body = valid();
    const created = (await post(org.admin, body)).json();
    const es = (await post(org.admin, { ...body, language: 'es' })).json();
    for (const who of [org.manager, org.agent, other.admin]) {
      const res = await w.t.app.inject({
        method: 'DELETE',
        url: `/api/v1/templates/${created.id}`,
        headers: who.headers,
      });
      expect(res.statusCode).toBe(who === other.admin ? 404 : 403);
    }
    const res = await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/templates/${created.id}`,
      headers: org.admin.headers,
    });
    expect(res.statusCode, res.body).toBe(204);
    const atMeta = w.emu.control.state.wabas.get(n.wabaId)!.templates.filter((t) => t.name === body.name);
    expect(atMeta.map((t) => t.language)).toEqual(['es']);
    expect((await rowOf(created.id)).status).toBe('DELETED');
    expect((await rowOf(es.id)).status).not.toBe('DELETED');
    const events = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.organizationId, org.organizationId), eq(auditEvents.action, 'template.deleted')),
      );
    expect(events.map((e) => e.targetId)).toContain(created.id);
  });
});
