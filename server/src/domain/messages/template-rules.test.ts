import { describe, expect, it } from 'vitest';
import type { TemplateParameters } from '#contract/api/messages';
import { demoTemplates } from '../../meta-emulator/demo-seed';
import { checkTemplate, placeholders, type TemplateDefinition } from './template-rules';

const MEDIA = '0190a6f4-0000-7000-8000-000000000001';
const tpl = (name: string, language = 'en_US'): TemplateDefinition => {
  const t = demoTemplates().find((x) => x.name === name && x.language === language)!;
  return { ...t, components: t.components };
};
const check = (t: TemplateDefinition, p: TemplateParameters) => checkTemplate(t, p);
const issues = (r: ReturnType<typeof checkTemplate>) =>
  r.ok ? [] : (r.error.details as { fields: { path: string; message: string }[] }).fields;

describe('placeholders', () => {
  it('lists distinct variables in order', () => {
    expect(placeholders('Hi {{1}}, {{2}} and {{1}} again')).toEqual(['1', '2']);
    expect(placeholders('Hi {{ first_name }}, {{discount}}')).toEqual(['first_name', 'discount']);
    expect(placeholders('no variables')).toEqual([]);
  });
});

describe('checkTemplate', () => {
  it('accepts a template without variables and nothing given', () => {
    const r = check(tpl('hello_world'), {});
    expect(r).toMatchObject({ ok: true, value: { headerMedia: null, headerParamName: null } });
  });

  it('positional: header text, exact body count, quick reply and URL buttons by index; renders the body', () => {
    const r = check(tpl('order_update'), {
      header: { type: 'text', text: '#7' },
      body: ['Ana', '#7', 'Monday'],
      buttons: [
        { type: 'quick_reply', index: 1, payload: 'agent' },
        { type: 'url', index: 2, text: '7' },
      ],
    });
    expect(r).toMatchObject({
      ok: true,
      value: { renderedBody: 'Hi Ana, your order #7 will arrive on Monday.' },
    });
  });

  it('positional: wrong count, an object instead of a list, missing header, missing URL suffix', () => {
    const r = check(tpl('order_update'), { body: ['Ana'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('invalid_template');
    expect(issues(r).map((i) => i.path)).toEqual([
      'body.parameters.header',
      'body.parameters.body',
      'body.parameters.buttons',
    ]);
    expect(issues(r)[1]!.message).toMatch(/needs 3 body values .*1 given/);
    const named = check(tpl('order_update', 'es'), { body: { name: 'x' } });
    expect(issues(named)[0]!.message).toMatch(/numbered variables.*as a list/);
  });

  it('buttons: unknown index, wrong kind, duplicate index, URL without variable', () => {
    const base = { header: { type: 'text' as const, text: '#1' }, body: ['a', 'b', 'c'] };
    const r = check(tpl('order_update'), {
      ...base,
      buttons: [
        { type: 'quick_reply', index: 5, payload: 'x' },
        { type: 'url', index: 0, text: 'x' },
        { type: 'quick_reply', index: 1, payload: 'x' },
        { type: 'quick_reply', index: 1, payload: 'y' },
        { type: 'url', index: 2, text: '9' },
      ],
    });
    expect(issues(r).map((i) => i.message)).toEqual([
      'This template has no button at index 5',
      'Button 0 is not a URL button',
      'Button 1 is given twice',
    ]);
    const phone = check(tpl('call_us'), { buttons: [{ type: 'quick_reply', index: 0, payload: 'p' }] });
    expect(issues(phone)[0]!.message).toBe('Button 0 is not a quick reply');
    const t = tpl('order_update');
    const fixedUrl: TemplateDefinition = {
      ...t,
      components: [{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Open', url: 'https://x.example/' }] }],
    };
    expect(issues(check(fixedUrl, { buttons: [{ type: 'url', index: 0, text: 'a' }] }))[0]!.message).toBe(
      'The URL of button 0 has no variable',
    );
  });

  it('named: an object with exactly the names; image header; renders the body', () => {
    const t = tpl('spring_promo');
    const r = check(t, {
      header: { type: 'image', mediaId: MEDIA },
      body: { first_name: 'Ana', discount: '20%' },
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        renderedBody: 'Hi Ana, enjoy 20% off this week!',
        headerMedia: { type: 'image', mediaId: MEDIA },
      },
    });
    expect(
      issues(check(t, { header: { type: 'image', mediaId: MEDIA }, body: ['Ana', '20%'] }))[0]!.message,
    ).toMatch(/named variables .*as an object/);
    expect(
      issues(
        check(t, { header: { type: 'image', mediaId: MEDIA }, body: { first_name: 'Ana', nope: 'x' } }),
      ).map((i) => i.message),
    ).toEqual(['Missing values for {{discount}}', 'This template has no variable {{nope}}']);
  });

  it('header media must match the header format', () => {
    const t = tpl('spring_promo');
    const body = { first_name: 'a', discount: 'b' };
    expect(issues(check(t, { body }))[0]!.message).toBe('The header needs an image');
    expect(issues(check(t, { body, header: { type: 'video', mediaId: MEDIA } }))[0]!.message).toBe(
      'The header needs an image',
    );
    expect(issues(check(t, { body, header: { type: 'text', text: 'x' } }))[0]!.message).toBe(
      'The header needs an image',
    );
    const loc: TemplateDefinition = { ...t, components: [{ type: 'HEADER', format: 'LOCATION' }] };
    expect(check(loc, { header: { type: 'location', location: { latitude: 1, longitude: 2 } } }).ok).toBe(
      true,
    );
    expect(issues(check(loc, {}))[0]!.message).toBe('The header needs a location');
    expect(issues(check(tpl('hello_world'), { header: { type: 'text', text: 'x' } }))[0]!.message).toBe(
      'This template’s header has no variable',
    );
    expect(issues(check(tpl('call_us'), { header: { type: 'text', text: 'x' } }))[0]!.message).toBe(
      'This template has no header',
    );
  });

  it('named header text carries its parameter name', () => {
    const t: TemplateDefinition = {
      name: 'n',
      language: 'en',
      status: 'APPROVED',
      parameterFormat: 'NAMED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}}' },
        { type: 'BODY', text: 'Thanks' },
      ],
    };
    expect(check(t, { header: { type: 'text', text: '#9' } })).toMatchObject({
      ok: true,
      value: { headerParamName: 'order_id' },
    });
  });

  it('refuses templates that are not approved', () => {
    const r = check(tpl('pending_review'), {});
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_template' } });
    if (!r.ok) expect(r.error.message).toMatch(/pending; only approved templates can be sent/);
  });
});
