import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient, type GraphResult } from '../meta/graph-client';
import type { TemplateStatusEvent } from '../meta/normalize';
import { seedDemo, type DemoSeed } from './demo-seed';
import { buildMetaEmulator, type MetaEmulator } from './emulator';
import type { EmulatorTemplate } from './send-validation';
import { checkTemplateEdit } from './template-edit';
import { startTestReceiver, type TestReceiver } from './test-receiver';

// Named variables, authentication templates and edits as Meta does them: named examples
// checked by name, the OTP button answered as a URL button with Meta's fixed text, and edits
// refused outside Meta's rules (status, category, once a day and ten a month) or reviewed again.

let emu: MetaEmulator;
let seed: DemoSeed;
let receiver: TestReceiver;
let graph: GraphClient;

beforeAll(async () => {
  receiver = await startTestReceiver('demo-app-secret', 'demo-verify-token');
  emu = buildMetaEmulator({ templateReviewMs: 20, webhookRetry: { baseMs: 5 } });
  seed = seedDemo(emu.control, { callbackUrl: receiver.url });
  graph = createGraphClient({ baseUrl: await emu.listen(), version: 'v25.0' });
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});

const metaError = <T>(r: GraphResult<T>) => {
  if (r.ok || r.error.kind !== 'meta') throw new Error(`expected Meta's error, got ${JSON.stringify(r)}`);
  return r.error;
};
const listed = async (id: string) => {
  const l = await graph.listTemplates(seed.wabaId, seed.accessToken);
  return l.ok ? l.value.find((t) => t.id === id) : undefined;
};
const decided = (id: string) =>
  expect
    .poll(
      () =>
        receiver
          .events()
          .filter((e): e is TemplateStatusEvent => e.kind === 'template_status')
          .filter((e) => e.templateId === id).length,
      { timeout: 10_000 },
    )
    .toBeGreaterThan(0);

const named = (name: string, examples: { param_name: string; example: string }[]) => ({
  name,
  language: 'en_US',
  category: 'UTILITY',
  parameter_format: 'NAMED' as const,
  components: [
    {
      type: 'HEADER',
      format: 'TEXT',
      text: 'Order {{order_id}}',
      example: { header_text_named_params: [{ param_name: 'order_id', example: 'A-1' }] },
    },
    {
      type: 'BODY',
      text: 'Hi {{first_name}}, your order ships {{ship_day}}. Thanks!',
      example: { body_text_named_params: examples },
    },
  ],
});

describe('named variables', () => {
  it('takes named examples and lists the template as NAMED', async () => {
    const r = await graph.createTemplate(
      seed.wabaId,
      seed.accessToken,
      named('named_ok', [
        { param_name: 'first_name', example: 'Ana' },
        { param_name: 'ship_day', example: 'Monday' },
      ]),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect((await listed(r.value.id))?.parameter_format).toBe('NAMED');
  });

  it('refuses examples that miss a name, and numbered variables in a NAMED template', async () => {
    const missing = named('named_missing', [
      { param_name: 'first_name', example: 'Ana' },
      { param_name: 'other', example: 'x' },
    ]);
    expect(metaError(await graph.createTemplate(seed.wabaId, seed.accessToken, missing)).details).toMatch(
      /must name each of the parameters \{\{first_name\}\}, \{\{ship_day\}\}/,
    );
    const numbered = named('named_numbered', [{ param_name: '1', example: 'Ana' }]);
    numbered.components[1]!.text = 'Hi {{1}}, thanks.';
    expect(metaError(await graph.createTemplate(seed.wabaId, seed.accessToken, numbered)).details).toMatch(
      /lowercase letters, numbers and underscores, starting with a letter/,
    );
  });
});

const auth = (name: string, components: Record<string, unknown>[]) => ({
  name,
  language: 'en_US',
  category: 'AUTHENTICATION',
  components,
});

describe('authentication templates', () => {
  it('writes Meta’s fixed text and answers the OTP button as a URL button', async () => {
    const r = await graph.createTemplate(
      seed.wabaId,
      seed.accessToken,
      auth('login_code', [
        { type: 'BODY', add_security_recommendation: true },
        { type: 'FOOTER', code_expiration_minutes: 10 },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
      ]),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.category).toBe('AUTHENTICATION');
    expect((await listed(r.value.id))?.components).toEqual([
      {
        type: 'BODY',
        text: '*{{1}}* is your verification code. For your security, do not share this code.',
        add_security_recommendation: true,
      },
      { type: 'FOOTER', text: 'This code expires in 10 minutes.', code_expiration_minutes: 10 },
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
  });

  it('refuses body text, a header, an expiry outside 1–90 and a missing OTP button', async () => {
    const otp = { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] };
    const cases: [Record<string, unknown>[], RegExp][] = [
      [[{ type: 'BODY', text: 'Your code is {{1}}.' }, otp], /preset body text/],
      [[{ type: 'HEADER', format: 'TEXT', text: 'Code' }, { type: 'BODY' }, otp], /only have BODY, FOOTER/],
      [[{ type: 'BODY' }, { type: 'FOOTER', code_expiration_minutes: 91 }, otp], /1 to 90/],
      [[{ type: 'BODY' }], /exactly one OTP button/],
      [
        [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP' }] }],
        /supported_apps/,
      ],
    ];
    for (const [components, details] of cases) {
      const e = metaError(
        await graph.createTemplate(seed.wabaId, seed.accessToken, auth('bad_auth', components)),
      );
      expect(e.metaCode).toBe(100);
      expect(e.details).toMatch(details);
    }
  });
});

const positional = (text: string) => ({
  components: [{ type: 'BODY', text, example: { body_text: [['Ana']] } }],
});

describe('POST /{template-id} (edit)', () => {
  it('reviews an edit again, then allows an approved template one edit a day', async () => {
    const r = await graph.createTemplate(seed.wabaId, seed.accessToken, {
      name: 'to_edit',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      ...positional('Hello {{1}}, your table is ready.'),
    });
    if (!r.ok) throw new Error(r.error.message);
    await decided(r.value.id);
    expect((await listed(r.value.id))?.status).toBe('APPROVED');
    const before = receiver.events().length;
    // Long enough for the listing below to see the edit before its review.
    emu.control.setTemplateReviewDelay(1500);
    expect(
      await graph.editTemplate(r.value.id, seed.accessToken, positional('Hi {{1}}, your table waits.')),
    ).toEqual({ ok: true, value: undefined });
    const after = await listed(r.value.id);
    expect(after?.status).toBe('PENDING');
    expect(after?.components[0]).toMatchObject({ text: 'Hi {{1}}, your table waits.' });
    emu.control.setTemplateReviewDelay(20);
    await expect.poll(() => receiver.events().length, { timeout: 10_000 }).toBeGreaterThan(before);
    await expect.poll(async () => (await listed(r.value.id))?.status).toBe('APPROVED');
    const again = metaError(
      await graph.editTemplate(r.value.id, seed.accessToken, positional('Hey {{1}}, ready.')),
    );
    expect(again.details).toMatch(/edit limit reached: an approved template can be edited once in 24 hours/);
    const cat = metaError(
      await graph.editTemplate(r.value.id, seed.accessToken, {
        category: 'MARKETING',
        ...positional('Hey {{1}}, ok.'),
      }),
    );
    expect(cat.details).toMatch(/category of an approved message template can't be edited/);
  });

  it('says so for an unknown template, and for another business’s token', async () => {
    const unknown = metaError(
      await graph.editTemplate('999999999999999', seed.accessToken, positional('Hi {{1}}, x.')),
    );
    expect([unknown.metaCode, unknown.subcode]).toEqual([100, 33]);
    const r = await graph.createTemplate(seed.wabaId, seed.accessToken, {
      name: 'foreign_edit',
      language: 'en_US',
      category: 'UTILITY',
      ...positional('Hello {{1}}, your table is ready.'),
    });
    if (!r.ok) throw new Error(r.error.message);
    const foreign = await graph.editTemplate(r.value.id, 'EAAG-someone-else', positional('Hi {{1}}, x.'));
    expect(metaError(foreign).metaCode).toBe(190);
  });
});

describe('checkTemplateEdit', () => {
  const tpl = (over: Partial<EmulatorTemplate> = {}): EmulatorTemplate => ({
    id: '1',
    name: 'n',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Hi {{1}}, x.' }],
    ...over,
  });
  const body = positional('Hello {{1}}, x.');
  const DAY = 86_400_000;
  const now = 100 * DAY;

  it('allows ten edits of an approved template in 30 days, and refuses the eleventh', () => {
    const nine = Array.from({ length: 9 }, (_, i) => now - (i + 2) * DAY);
    expect(checkTemplateEdit(tpl({ edits: nine }), body, now).ok).toBe(true);
    const ten = [...nine, now - 20 * DAY];
    const r = checkTemplateEdit(tpl({ edits: ten }), body, now);
    expect(!r.ok && r.error.details).toMatch(/up to 10 times in 30 days/);
    // Edits older than 30 days no longer count.
    expect(checkTemplateEdit(tpl({ edits: ten.map((t) => t - 30 * DAY) }), body, now).ok).toBe(true);
  });

  it('lets rejected and paused templates change category and be edited without limit', () => {
    const edits = Array.from({ length: 12 }, () => now - 1000);
    for (const status of ['REJECTED', 'PAUSED'])
      expect(
        checkTemplateEdit(tpl({ status, edits }), { category: 'MARKETING', ...body }, now),
      ).toMatchObject({
        ok: true,
        value: { category: 'MARKETING' },
      });
  });

  it('refuses pending templates and a new name or language', () => {
    const pending = checkTemplateEdit(tpl({ status: 'PENDING' }), body, now);
    expect(!pending.ok && pending.error.details).toMatch(/status PENDING can't be edited/);
    const renamed = checkTemplateEdit(tpl(), { name: 'other', ...body }, now);
    expect(!renamed.ok && renamed.error.details).toMatch(/name and language can't be edited/);
  });
});
