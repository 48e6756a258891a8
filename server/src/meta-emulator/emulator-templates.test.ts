import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient, type GraphResult } from '../meta/graph-client';
import type { TemplateStatusEvent } from '../meta/normalize';
import { seedDemo, type DemoSeed } from './demo-seed';
import { buildMetaEmulator, type MetaEmulator } from './emulator';
import { startTestReceiver, type TestReceiver } from './test-receiver';

// Template creation and deletion as Meta does them: validation with Meta's codes, the PENDING
// answer, the review after a delay ending in a signed `message_template_status_update`, and
// deletion by name or by `hsm_id` + name.

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

const body = (name: string, over: { bodyText?: string; examples?: string[] } = {}) => ({
  name,
  language: 'en_US',
  category: 'UTILITY',
  parameter_format: 'POSITIONAL' as const,
  components: [
    {
      type: 'BODY',
      text: over.bodyText ?? 'Hello {{1}}, your table is ready.',
      example: { body_text: [over.examples ?? ['Ana']] },
    },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Coming' }] },
  ],
});

const metaError = <T>(r: GraphResult<T>) => {
  if (r.ok || r.error.kind !== 'meta') throw new Error(`expected Meta's error, got ${JSON.stringify(r)}`);
  return r.error;
};

const statusEvents = () =>
  receiver.events().filter((e): e is TemplateStatusEvent => e.kind === 'template_status');

describe('POST /{waba}/message_templates', () => {
  it('answers PENDING, then approves after the review and sends the signed status webhook', async () => {
    // Long enough for the listing below to see it before the review.
    emu.control.setTemplateReviewDelay(1500);
    const r = await graph.createTemplate(seed.wabaId, seed.accessToken, body('table_ready'));
    emu.control.setTemplateReviewDelay(20);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toEqual({
      id: expect.stringMatching(/^\d{15}$/),
      status: 'PENDING',
      category: 'UTILITY',
    });
    const listed = await graph.listTemplates(seed.wabaId, seed.accessToken);
    expect(listed.ok && listed.value.find((t) => t.name === 'table_ready')?.status).toBe('PENDING');
    await expect
      .poll(() => statusEvents().find((e) => e.templateId === r.value.id), { timeout: 10_000 })
      .toMatchObject({
        event: 'APPROVED',
        templateName: 'table_ready',
        language: 'en-US',
        reason: 'NONE',
      });
    const after = await graph.listTemplates(seed.wabaId, seed.accessToken);
    expect(after.ok && after.value.find((t) => t.id === r.value.id)?.status).toBe('APPROVED');
  });

  it('rejects a template with the REJECT marker, with a reason', async () => {
    const r = await graph.createTemplate(
      seed.wabaId,
      seed.accessToken,
      body('rejected_one', { bodyText: 'Please REJECT this, {{1}}, thanks.' }),
    );
    if (!r.ok) throw new Error(r.error.message);
    await expect
      .poll(() => statusEvents().find((e) => e.templateId === r.value.id), { timeout: 10_000 })
      .toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
  });

  it('refuses what Meta refuses, with code 100 and the reason in details', async () => {
    const cases: [ReturnType<typeof body>, RegExp][] = [
      [{ ...body('x'), name: 'Bad Name' }, /lowercase letters/],
      [body('starts', { bodyText: '{{1}} your table is ready.' }), /start or end/],
      [body('gap', { bodyText: 'Hi {{1}} and {{3}} here.', examples: ['a', 'b'] }), /sequential/],
      [body('no_examples', { examples: [] }), /example provides a different number/],
      [{ ...body('no_body'), components: [] }, /needs a BODY/],
    ];
    for (const [b, details] of cases) {
      const e = metaError(await graph.createTemplate(seed.wabaId, seed.accessToken, b));
      expect(e.metaCode, b.name).toBe(100);
      expect(e.httpStatus).toBe(400);
      expect(e.details, b.name).toMatch(details);
    }
  });

  it('refuses a name that exists in that language with subcode 2388024, but takes another language', async () => {
    expect((await graph.createTemplate(seed.wabaId, seed.accessToken, body('twice'))).ok).toBe(true);
    const e = metaError(await graph.createTemplate(seed.wabaId, seed.accessToken, body('twice')));
    expect(e.subcode).toBe(2388024);
    const es = await graph.createTemplate(seed.wabaId, seed.accessToken, {
      ...body('twice'),
      language: 'es',
    });
    expect(es.ok).toBe(true);
  });

  it('refuses another business’s token like any Graph object (100/33 or 190)', async () => {
    const r = await graph.createTemplate(seed.wabaId, 'EAAG-someone-else', body('foreign'));
    expect(metaError(r).metaCode).toBe(190);
  });
});

describe('DELETE /{waba}/message_templates', () => {
  it('deletes one language by hsm_id, every language by name, and says when none is left', async () => {
    const en = await graph.createTemplate(seed.wabaId, seed.accessToken, body('to_delete'));
    const es = await graph.createTemplate(seed.wabaId, seed.accessToken, {
      ...body('to_delete'),
      language: 'es',
    });
    if (!en.ok || !es.ok) throw new Error('setup');
    const names = async () => {
      const l = await graph.listTemplates(seed.wabaId, seed.accessToken);
      return l.ok ? l.value.filter((t) => t.name === 'to_delete').map((t) => t.language) : [];
    };
    expect(
      await graph.deleteTemplate(seed.wabaId, seed.accessToken, {
        name: 'to_delete',
        metaTemplateId: en.value.id,
      }),
    ).toEqual({ ok: true, value: undefined });
    expect(await names()).toEqual(['es']);
    expect(
      (await graph.deleteTemplate(seed.wabaId, seed.accessToken, { name: 'to_delete', metaTemplateId: null }))
        .ok,
    ).toBe(true);
    expect(await names()).toEqual([]);
    const e = metaError(
      await graph.deleteTemplate(seed.wabaId, seed.accessToken, { name: 'to_delete', metaTemplateId: null }),
    );
    expect(e.details).toMatch(/not found/);
  });
});
