import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { templates } from '../../storage/schema/index';

// Named-variable and authentication templates created through Parley, approved by the emulator
// and sent (Meta's `parameter_name`, the OTP's code in the body and its copy-code button); edits
// with Meta's rules: Parley's own refusals first, Meta's limits in words, and the review again.

let w: OutboundWorld;
beforeAll(async () => {
  w = await startOutboundWorld({ emulator: { templateReviewMs: 50 } });
});
afterAll(() => w?.close());

const uniq = (p: string) => `${p}_${Math.floor(Math.random() * 1e6)}`;
const post = (payload: object) =>
  w.t.app.inject({ method: 'POST', url: '/api/v1/templates', headers: w.org.admin.headers, payload });
const put = (id: string, payload: object, who = w.org.admin) =>
  w.t.app.inject({ method: 'PUT', url: `/api/v1/templates/${id}`, headers: who.headers, payload });
const rowOf = async (id: string) =>
  (await w.t.database.db.select().from(templates).where(eq(templates.id, id)))[0]!;
const atMeta = (name: string) =>
  w.emu.control.state.wabas.get(w.number.wabaId)!.templates.find((t) => t.name === name)!;
const approved = (id: string) => w.until(async () => (await rowOf(id)).status === 'APPROVED', 5_000);

const namedBody = (name: string) => ({
  whatsappAccountId: w.number.account.id,
  name,
  language: 'en_US',
  category: 'UTILITY',
  parameterFormat: 'NAMED',
  header: { format: 'TEXT', text: 'Order {{order_id}}', example: 'A-1' },
  body: {
    text: 'Hi {{first_name}}, order {{order_id}} ships {{day}}. Thanks!',
    examples: ['Ana', 'A-1', 'Monday'],
  },
});

describe('named variables', () => {
  it('submits Meta’s named examples, stores NAMED and sends with parameter_name', async () => {
    const name = uniq('named');
    const res = await post(namedBody(name));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ parameterFormat: 'NAMED', status: 'PENDING' });
    expect(atMeta(name)).toMatchObject({
      parameterFormat: 'NAMED',
      components: [
        {
          type: 'HEADER',
          example: { header_text_named_params: [{ param_name: 'order_id', example: 'A-1' }] },
        },
        {
          type: 'BODY',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Ana' },
              { param_name: 'order_id', example: 'A-1' },
              { param_name: 'day', example: 'Monday' },
            ],
          },
        },
      ],
    });
    await approved(res.json().id);
    const c = await w.customer('Named');
    const sent = await w.send(c.conversationId, {
      type: 'template',
      templateName: name,
      language: 'en_US',
      parameters: {
        header: { type: 'text', text: 'B-2' },
        body: { first_name: 'Bo', order_id: 'B-2', day: 'today' },
      },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body.text).toBe('Hi Bo, order B-2 ships today. Thanks!');
    await w.until(async () => w.sent().some((o) => o.bizOpaqueCallbackData === sent.body.id));
    expect(w.sent().find((o) => o.bizOpaqueCallbackData === sent.body.id)!.body.template).toMatchObject({
      components: [
        { type: 'header', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'B-2' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'first_name', text: 'Bo' },
            { type: 'text', parameter_name: 'order_id', text: 'B-2' },
            { type: 'text', parameter_name: 'day', text: 'today' },
          ],
        },
      ],
    });
  });
});

describe('authentication templates', () => {
  it('submits the OTP button, stores Meta’s fixed text and sends the code with its copy button', async () => {
    const name = uniq('login_code');
    const res = await post({
      whatsappAccountId: w.number.account.id,
      name,
      language: 'en_US',
      category: 'AUTHENTICATION',
      authentication: { addSecurityRecommendation: true, codeExpirationMinutes: 5 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().components).toEqual([
      {
        type: 'BODY',
        text: '*{{1}}* is your verification code. For your security, do not share this code.',
      },
      { type: 'FOOTER', text: 'This code expires in 5 minutes.' },
      {
        type: 'BUTTONS',
        buttons: [
          {
            type: 'URL',
            text: 'Copy code',
            url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}',
          },
        ],
      },
    ]);
    await approved(res.json().id);
    const c = await w.customer('Auth');
    const sent = await w.send(c.conversationId, {
      type: 'template',
      templateName: name,
      language: 'en_US',
      parameters: { body: ['482913'], buttons: [{ type: 'url', index: 0, text: '482913' }] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    await w.until(async () => w.sent().some((o) => o.bizOpaqueCallbackData === sent.body.id));
    expect(w.sent().find((o) => o.bizOpaqueCallbackData === sent.body.id)!.body.template).toMatchObject({
      components: [
        { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
      ],
    });
  });
});

describe('PUT /api/v1/templates/:id', () => {
  const edit = (text: string, over: Record<string, unknown> = {}) => ({
    category: 'UTILITY',
    parameterFormat: 'NAMED',
    body: { text, examples: ['Ana'] },
    ...over,
  });

  it('edits at Meta, stores PENDING until the review, then Meta’s once-a-day limit in words', async () => {
    const name = uniq('editable');
    const created = (await post(namedBody(name))).json();
    // Meta lets only approved, rejected or paused templates be edited.
    const pending = await put(created.id, edit('Hi {{first_name}}, ready soon.'));
    expect(pending.statusCode, pending.body).toBe(409);
    expect(pending.json().error.message).toMatch(
      /pending; Meta lets you edit only approved, rejected or paused/,
    );
    await approved(created.id);
    for (const who of [w.org.manager, w.org.agent])
      expect((await put(created.id, edit('Hi {{first_name}}, x.'), who)).statusCode).toBe(403);
    const category = await put(created.id, edit('Hi {{first_name}}, ready soon.', { category: 'MARKETING' }));
    expect(category.statusCode).toBe(422);
    expect(category.json().error.details.fields).toEqual([
      { path: 'body.category', message: expect.stringMatching(/approved template change its category/) },
    ]);
    const res = await put(created.id, edit('Hi {{first_name}}, your order is ready soon.'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'PENDING',
      components: [{ type: 'BODY', text: 'Hi {{first_name}}, your order is ready soon.' }],
    });
    expect(atMeta(name).components).toEqual([
      {
        type: 'BODY',
        text: 'Hi {{first_name}}, your order is ready soon.',
        example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] },
      },
    ]);
    await approved(created.id);
    const again = await put(created.id, edit('Hi {{first_name}}, again.'));
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.message).toMatch(/Meta refused the edit: .*once in 24 hours/);
  });

  it('checks the same rules as creation, and finds no other organization’s template', async () => {
    const created = (await post(namedBody(uniq('rules')))).json();
    const bad = await put(created.id, edit('Hi {{1}}, x.'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0]).toMatchObject({ path: 'body.body.text' });
    const missing = await put('00000000-0000-4000-8000-000000000000', edit('Hi {{first_name}}, x.'));
    expect(missing.statusCode).toBe(404);
  });
});
