import {
  authenticationTexts,
  exampleOrder,
  variablesOf,
  type CreateTemplateBody,
  type EditTemplateBody,
} from '#contract/api/templates';
import { fail, type AppError } from '#contract/result';
import type { GraphError, TemplateCreation, TemplateEdit } from '../../meta/graph-client';
import { graphFailure } from '../whatsapp/account-service';

// A validated create or edit request in Meta's shapes: the submission (`POST
// /{waba}/message_templates`, `POST /{template-id}`) and the components Parley stores until the
// next sync reads Meta's own (as Meta's list returns them, so the picker and preview work at once).

type Content = Omit<EditTemplateBody, never>;

/** Meta's components for the submission (named examples for NAMED, the OTP button for AUTHENTICATION). */
export function submittedComponents(b: Content): Record<string, unknown>[] {
  if (b.category === 'AUTHENTICATION') {
    const a = b.authentication ?? { addSecurityRecommendation: true };
    return [
      { type: 'BODY', add_security_recommendation: a.addSecurityRecommendation },
      ...(a.codeExpirationMinutes !== undefined
        ? [{ type: 'FOOTER', code_expiration_minutes: a.codeExpirationMinutes }]
        : []),
      {
        type: 'BUTTONS',
        buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', ...(a.copyCodeText && { text: a.copyCodeText }) }],
      },
    ];
  }
  const named = b.parameterFormat === 'NAMED';
  const components: Record<string, unknown>[] = [];
  if (b.header?.format === 'TEXT') {
    const [name] = variablesOf(b.header.text);
    const example = b.header.example;
    components.push({
      type: 'HEADER',
      format: 'TEXT',
      text: b.header.text,
      ...(name !== undefined &&
        example && {
          example: named
            ? { header_text_named_params: [{ param_name: name, example }] }
            : { header_text: [example] },
        }),
    });
  } else if (b.header)
    components.push({
      type: 'HEADER',
      format: b.header.format,
      example: { header_handle: [b.header.example] },
    });
  const body = b.body!;
  const names = exampleOrder(body.text, b.parameterFormat);
  components.push({
    type: 'BODY',
    text: body.text,
    ...(body.examples.length > 0 && {
      example: named
        ? { body_text_named_params: names.map((n, i) => ({ param_name: n, example: body.examples[i] })) }
        : { body_text: [body.examples] },
    }),
  });
  if (b.footer) components.push({ type: 'FOOTER', text: b.footer.text });
  if (b.buttons.length > 0)
    components.push({
      type: 'BUTTONS',
      buttons: b.buttons.map((x) =>
        x.type === 'QUICK_REPLY'
          ? { type: 'QUICK_REPLY', text: x.text }
          : x.type === 'URL'
            ? { type: 'URL', text: x.text, url: x.url, ...(x.example && { example: [x.example] }) }
            : { type: 'PHONE_NUMBER', text: x.text, phone_number: x.phoneNumber.replace(/[\s-]/g, '') },
      ),
    });
  return components;
}

/** The components as Meta's list returns them: an authentication template's fixed text and URL button. */
export function storedComponents(b: Content): Record<string, unknown>[] {
  if (b.category !== 'AUTHENTICATION') return submittedComponents(b);
  const a = b.authentication ?? { addSecurityRecommendation: true };
  const texts = authenticationTexts(a);
  return [
    { type: 'BODY', text: texts.body, add_security_recommendation: a.addSecurityRecommendation },
    ...(texts.footer
      ? [{ type: 'FOOTER', text: texts.footer, code_expiration_minutes: a.codeExpirationMinutes }]
      : []),
    {
      type: 'BUTTONS',
      // Meta turns the OTP button into a URL button whose `{{1}}` is the code.
      buttons: [
        {
          type: 'URL',
          text: a.copyCodeText || 'Copy code',
          url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}',
        },
      ],
    },
  ];
}

/** The parameter format Parley records: authentication templates are numbered ({{1}} is the code). */
export const storedFormat = (b: Content): 'POSITIONAL' | 'NAMED' =>
  b.category === 'AUTHENTICATION' ? 'POSITIONAL' : b.parameterFormat;

/** Meta's creation body for a validated request. */
export function toCreation(b: CreateTemplateBody): TemplateCreation {
  return {
    name: b.name,
    language: b.language,
    category: b.category,
    ...(b.category !== 'AUTHENTICATION' && { parameter_format: b.parameterFormat }),
    components: submittedComponents(b),
  };
}

/** Meta's edit body: the category only when it changes (Meta refuses it on approved templates). */
export function toEdit(b: EditTemplateBody, currentCategory: string): TemplateEdit {
  return {
    ...(b.category !== currentCategory && { category: b.category }),
    ...(b.category !== 'AUTHENTICATION' && { parameter_format: b.parameterFormat }),
    components: submittedComponents(b),
  };
}

/** Meta's refusal of a template, in words; credentials and reachability as the account service says them. */
export function templateGraphFailure(
  e: GraphError,
  b: { name: string; language: string },
): { ok: false; error: AppError } {
  if (e.kind === 'meta') {
    // 2388024: "Content in this language already exists"; 2388023: the name is still being deleted.
    if (e.subcode === 2388024 || /already exists/i.test(`${e.title} ${e.details ?? ''}`))
      return fail(
        'conflict',
        `Meta already has a template named ${b.name} in ${b.language}. Choose another name or language.`,
      );
    if (e.subcode === 2388023)
      return fail(
        'conflict',
        `Meta is still deleting a template named ${b.name}; use another name, or try again in about 4 weeks.`,
      );
    if (/edit limit|can be edited|edited (once|up to)/i.test(`${e.title} ${e.details ?? ''}`))
      return fail('conflict', `Meta refused the edit: ${e.details ?? e.title}`);
    if (e.metaCode === 100 && e.details && e.catalog.kind !== 'auth')
      return fail('unprocessable', `Meta refused the template: ${e.details}`);
    if (e.metaCode === 100 && e.subcode === 33)
      return fail(
        'unprocessable',
        'Meta does not know this number’s WhatsApp Business Account for its token. Check the number’s credentials.',
      );
  }
  return graphFailure(e);
}
