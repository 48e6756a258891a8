import { describe, expect, it } from 'vitest';
import { CreateTemplateBody, EditTemplateBody, authenticationTexts, exampleOrder } from './template-create';

// The shared rules as the form and the server apply them: named variables, authentication
// templates and edits, each refusal a sentence on the field it names.

const base = {
  whatsappAccountId: '00000000-0000-4000-8000-000000000001',
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY' as const,
};
const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('named variables', () => {
  const named = (text: string, examples: string[], header?: string) =>
    CreateTemplateBody.safeParse({
      ...base,
      parameterFormat: 'NAMED',
      ...(header && { header: { format: 'TEXT', text: header, example: 'A-1' } }),
      body: { text, examples },
    });

  it('takes lowercase names with one example each, in order of appearance', () => {
    const r = named(
      'Hi {{first_name}}, order {{order_id}} ships. See you, {{first_name}}, soon.',
      ['Ana', 'A-1'],
      'Order {{order_id}}',
    );
    expect(r.success).toBe(true);
    expect(exampleOrder('Hi {{b}} and {{a}} and {{b}}', 'NAMED')).toEqual(['b', 'a']);
    expect(exampleOrder('Hi {{2}} and {{1}}', 'POSITIONAL')).toEqual(['1', '2']);
  });

  it('refuses numbered or badly named variables, and the wrong number of examples', () => {
    expect(issues(named('Hi {{1}}, thanks.', ['Ana']))['body.text']).toMatch(
      /write \{\{first_name\}\} rather than \{\{1\}\}/,
    );
    expect(issues(named('Hi {{First Name}}, thanks.', ['Ana']))['body.text']).toMatch(
      /lowercase letters, digits and underscores/,
    );
    expect(issues(named('Hi {{first_name}}, thanks.', []))['body.examples']).toMatch(
      /example for each of the body’s 1 variable/,
    );
    expect(issues(named('Hi {{a}}, ok.', ['x'], 'Order {{a}} {{b}}'))['header.text']).toMatch(
      /at most one variable/,
    );
  });

  it('refuses names in a numbered template with the way out', () => {
    const r = CreateTemplateBody.safeParse({ ...base, body: { text: 'Hi {{name}}, ok.', examples: ['x'] } });
    expect(issues(r)['body.text']).toMatch(/choose named variables/);
  });
});

describe('authentication templates', () => {
  const auth = (over: Record<string, unknown> = {}) =>
    CreateTemplateBody.safeParse({ ...base, category: 'AUTHENTICATION', ...over });

  it('needs no body and takes the security line, an expiry of 1 to 90 minutes and a button label', () => {
    const r = auth({
      authentication: { addSecurityRecommendation: false, codeExpirationMinutes: 10, copyCodeText: 'Copy' },
    });
    expect(r.success).toBe(true);
    expect(auth().data?.authentication).toBeUndefined();
    expect(
      issues(auth({ authentication: { codeExpirationMinutes: 91 } }))['authentication.codeExpirationMinutes'],
    ).toMatch(/1 to 90 minutes/);
  });

  it('refuses a body, header, footer or buttons: Meta writes the text', () => {
    const r = auth({
      header: { format: 'TEXT', text: 'Code' },
      body: { text: 'Your code is {{1}}.', examples: ['123'] },
      footer: { text: 'Bye' },
      buttons: [{ type: 'QUICK_REPLY', text: 'Ok' }],
    });
    const i = issues(r);
    expect(Object.keys(i).sort()).toEqual(['body.text', 'buttons', 'footer.text', 'header']);
    expect(i['body.text']).toMatch(/fixed text and a copy-code button; remove the body/);
  });

  it('refuses the authentication options on other categories, and a missing body there', () => {
    const i = issues(CreateTemplateBody.safeParse({ ...base, authentication: { codeExpirationMinutes: 5 } }));
    expect(i.authentication).toMatch(/Only authentication templates/);
    expect(i['body.text']).toMatch(/Write the message body/);
  });

  it('says the fixed text as Meta writes it', () => {
    expect(authenticationTexts({ addSecurityRecommendation: true, codeExpirationMinutes: 1 })).toEqual({
      body: '*{{1}}* is your verification code. For your security, do not share this code.',
      footer: 'This code expires in 1 minute.',
    });
    expect(authenticationTexts({ addSecurityRecommendation: false })).toEqual({
      body: '*{{1}}* is your verification code.',
      footer: null,
    });
  });
});

describe('EditTemplateBody', () => {
  it('applies the same rules without name, language or number', () => {
    expect(
      EditTemplateBody.safeParse({ category: 'MARKETING', body: { text: 'Hi {{1}}, ok.', examples: ['a'] } })
        .success,
    ).toBe(true);
    expect(
      issues(
        EditTemplateBody.safeParse({ category: 'UTILITY', body: { text: '{{1}} ok', examples: ['a'] } }),
      )['body.text'],
    ).toMatch(/cannot start or end with a variable/);
  });
});
