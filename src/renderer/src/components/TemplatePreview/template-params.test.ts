import { describe, expect, it } from 'vitest';
import { makeTemplate } from '../../test-utils/conversation-fixtures';
import {
  buildParameters,
  emptyValues,
  fillVariables,
  templateFields,
  templateSearchText,
  validateValues,
  variablesOf,
} from './template-params';

const named = makeTemplate({
  name: 'welcome_back',
  parameterFormat: 'NAMED',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hello {{first_name}}, your code is {{code}}. Bye {{first_name}}!' },
    { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: 'Copy code' }] },
  ],
});

describe('template parameters', () => {
  it('finds positional variables in number order and named ones in order of use', () => {
    expect(variablesOf('{{2}} and {{1}} and {{10}} and {{1}}', 'POSITIONAL')).toEqual(['1', '2', '10']);
    expect(variablesOf('Hi {{ first_name }}, {{order}} {{first_name}}', 'NAMED')).toEqual([
      'first_name',
      'order',
    ]);
  });

  it('reads header, body, footer and buttons', () => {
    const fields = templateFields(makeTemplate());
    expect(fields.header).toEqual({ kind: 'text', text: 'Order {{1}}', variables: ['1'] });
    expect(fields.body.variables).toEqual(['1', '2']);
    expect(fields.footer).toBe('Acme Bakery');
    expect(fields.buttons).toEqual([
      { index: 0, kind: 'quick_reply', text: 'Thanks', takesValue: true, requiresValue: false },
      {
        index: 1,
        kind: 'url',
        text: 'Track',
        url: 'https://acme.example/track/{{1}}',
        takesValue: true,
        requiresValue: true,
      },
    ]);
    expect(templateFields(named).header).toEqual({ kind: 'media', mediaType: 'image' });
    expect(templateFields(named).unsupported).toEqual(['Copy code (copy code button)']);
  });

  it('validates with Meta’s rules', () => {
    const fields = templateFields(makeTemplate());
    expect(validateValues(fields, emptyValues())).toEqual({
      'header.1': 'Fill in the header value',
      'body.1': 'Fill in this value',
      'body.2': 'Fill in this value',
      'button.1': 'Fill in the end of the link',
    });
    const values = {
      ...emptyValues(),
      header: { '1': 'x'.repeat(60) },
      body: { '1': 'two\nlines', '2': 'a     b' },
      buttons: { 0: 'p'.repeat(1001), 1: 'abc' },
    };
    expect(validateValues(fields, values)).toEqual({
      'header.1': 'The header is limited to 60 characters',
      'body.1': 'WhatsApp refuses line breaks, tabs or more than four spaces in a row here',
      'body.2': 'WhatsApp refuses line breaks, tabs or more than four spaces in a row here',
      'button.0': 'Payloads are limited to 1,000 characters',
    });
    expect(validateValues(templateFields(named), emptyValues())).toMatchObject({
      headerMedia: 'Choose the image for the header',
      unsupported:
        "Parley can't fill Copy code (copy code button) yet; send this template from WhatsApp Manager.",
    });
  });

  it('builds positional and named parameters', () => {
    const t = makeTemplate();
    const fields = templateFields(t);
    const values = {
      ...emptyValues(),
      header: { '1': '#42' },
      body: { '1': ' Grace ', '2': '#42' },
      buttons: { 0: 'thanks-42', 1: '42' },
    };
    expect(validateValues(fields, values)).toEqual({});
    expect(buildParameters(t, fields, values)).toEqual({
      header: { type: 'text', text: '#42' },
      body: ['Grace', '#42'],
      buttons: [
        { type: 'quick_reply', index: 0, payload: 'thanks-42' },
        { type: 'url', index: 1, text: '42' },
      ],
    });
    const nf = templateFields(named);
    expect(
      buildParameters(named, nf, {
        ...emptyValues(),
        body: { first_name: 'Grace', code: '1234' },
        headerMedia: { mediaId: '0190a1b2-0000-7000-8000-000000000999', fileName: 'x.png' },
      }),
    ).toEqual({
      header: { type: 'image', mediaId: '0190a1b2-0000-7000-8000-000000000999' },
      body: { first_name: 'Grace', code: '1234' },
    });
  });

  it('fills the preview, leaving empty variables visible', () => {
    expect(fillVariables('Hi {{1}}, order {{2}}', { '1': 'Grace' })).toBe('Hi Grace, order {{2}}');
  });

  it('asks an authentication template for the code once, and sends it in the body and the copy button', () => {
    const otp = makeTemplate({
      name: 'login_code',
      category: 'AUTHENTICATION',
      components: [
        { type: 'BODY', text: '*{{1}}* is your verification code.' },
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
      ],
    });
    const fields = templateFields(otp);
    expect(fields.oneTimeCode).toBe(true);
    expect(fields.buttons).toEqual([
      { index: 0, kind: 'copy_code', text: 'Copy code', takesValue: false, requiresValue: false },
    ]);
    expect(validateValues(fields, { ...emptyValues(), body: { '1': '1234567890123456' } })).toEqual({
      'body.1': 'A one-time code is at most 15 characters',
    });
    const values = { ...emptyValues(), body: { '1': '482913' } };
    expect(validateValues(fields, values)).toEqual({});
    expect(buildParameters(otp, fields, values)).toEqual({
      body: ['482913'],
      buttons: [{ type: 'url', index: 0, text: '482913' }],
    });
  });

  it('searches name, text, category and language', () => {
    const text = templateSearchText(makeTemplate());
    for (const q of ['order_update', 'order update', 'ships today', 'utility', 'en_us', 'track'])
      expect(text).toContain(q);
  });
});
