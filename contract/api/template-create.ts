import { z } from 'zod';
import { text } from '../domain/text';
import {
  TEMPLATE_LIMITS,
  checkButtons,
  checkVariables,
  exampleOrder,
  variablesOf,
  type Issue,
} from './template-rules';

// What `POST /api/v1/templates` (create) and `PUT /api/v1/templates/{id}` (edit) accept: a
// message template to submit for Meta's review, with Meta's rules (template-rules.ts) checked here
// so the app's form and the server refuse the same things with the same sentences, before Meta
// does. Variables are numbered ({{1}}, POSITIONAL) or named ({{first_name}}, NAMED); an
// authentication template has Meta's fixed text and a copy-code button instead of a body.

export {
  TEMPLATE_LIMITS,
  authenticationTexts,
  exampleOrder,
  variableCount,
  variablesOf,
} from './template-rules';

/** Meta's template categories. */
export const TemplateCategory = z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
export type TemplateCategory = z.infer<typeof TemplateCategory>;

/** Numbered (`{{1}}`) or named (`{{first_name}}`) variables. */
export const ParameterFormat = z.enum(['POSITIONAL', 'NAMED']);
export type ParameterFormat = z.infer<typeof ParameterFormat>;

/** Header formats a created template may use (LOCATION and GIF are left to WhatsApp Manager). */
export const MediaHeaderFormat = z.enum(['IMAGE', 'VIDEO', 'DOCUMENT']);
export type MediaHeaderFormat = z.infer<typeof MediaHeaderFormat>;

const example = text()
  .trim()
  .max(TEMPLATE_LIMITS.example, {
    message: `Keep each example under ${TEMPLATE_LIMITS.example} characters`,
  });

/** A header: text (at most one variable, with its example) or a media format with a sample. */
export const TemplateHeaderInput = z.discriminatedUnion('format', [
  z.object({
    format: z.literal('TEXT'),
    text: text()
      .trim()
      .min(1, { message: 'Write the header text, or remove the header' })
      .max(TEMPLATE_LIMITS.headerText, {
        message: `The header can be at most ${TEMPLATE_LIMITS.headerText} characters`,
      }),
    /** The sample value of the header's variable, required when the header has one. */
    example: example.optional(),
  }),
  z.object({
    format: MediaHeaderFormat,
    /** A sample of the media: a handle from Meta's resumable upload, or a public URL. */
    example: text().trim().min(1, { message: 'Choose a sample file for Meta to review' }).max(2000),
  }),
]);
export type TemplateHeaderInput = z.infer<typeof TemplateHeaderInput>;

/** One button of a created template. */
export const TemplateButtonInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QUICK_REPLY'), text: text().trim() }),
  z.object({
    type: z.literal('URL'),
    text: text().trim(),
    /** `https://…`, optionally ending in `{{1}}` (the value is appended at send time). */
    url: text().trim(),
    /** The sample value of the URL's `{{1}}`. */
    example: example.optional(),
  }),
  z.object({ type: z.literal('PHONE_NUMBER'), text: text().trim(), phoneNumber: text().trim() }),
]);
export type TemplateButtonInput = z.infer<typeof TemplateButtonInput>;

/**
 * An authentication template's options: Meta writes the text ("<code> is your verification
 * code."), optionally adds "For your security, do not share this code." and "This code expires
 * in N minutes.", and gives it a copy-code button.
 */
export const AuthenticationInput = z.object({
  addSecurityRecommendation: z.boolean().default(true),
  codeExpirationMinutes: z
    .number()
    .int({ message: 'Give the expiry in whole minutes' })
    .min(1, { message: 'A code expires after 1 to 90 minutes' })
    .max(TEMPLATE_LIMITS.codeExpirationMinutes, { message: 'A code expires after 1 to 90 minutes' })
    .optional(),
  /** The copy-code button's label; Meta's default is "Copy code". */
  copyCodeText: text()
    .trim()
    .max(TEMPLATE_LIMITS.buttonText, {
      message: `A button label can be at most ${TEMPLATE_LIMITS.buttonText} characters`,
    })
    .optional(),
});
export type AuthenticationInput = z.infer<typeof AuthenticationInput>;

const bodyInput = z.object({
  text: text()
    .trim()
    .min(1, { message: 'Write the message body' })
    .max(TEMPLATE_LIMITS.body, { message: `The body can be at most ${TEMPLATE_LIMITS.body} characters` }),
  /** One sample value per variable: `{{1}}` first, or named ones in order of appearance. */
  examples: z.array(example).max(100).default([]),
});

/** What a template says, the part an edit can change (category only while not approved). */
const content = {
  category: TemplateCategory,
  parameterFormat: ParameterFormat.default('POSITIONAL'),
  header: TemplateHeaderInput.optional(),
  /** Required, except for authentication templates (Meta writes their text). */
  body: bodyInput.optional(),
  footer: z
    .object({
      text: text()
        .trim()
        .min(1, { message: 'Write the footer text, or remove the footer' })
        .max(TEMPLATE_LIMITS.footer, {
          message: `The footer can be at most ${TEMPLATE_LIMITS.footer} characters`,
        }),
    })
    .optional(),
  buttons: z
    .array(TemplateButtonInput)
    .max(TEMPLATE_LIMITS.buttons, {
      message: `A template can have at most ${TEMPLATE_LIMITS.buttons} buttons`,
    })
    .default([]),
  /** Authentication templates only. */
  authentication: AuthenticationInput.optional(),
};

type Content = {
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  header?: TemplateHeaderInput | undefined;
  body?: z.infer<typeof bodyInput> | undefined;
  footer?: { text: string } | undefined;
  buttons: TemplateButtonInput[];
  authentication?: AuthenticationInput | undefined;
};

/** Meta's rules across the components of a template. */
function checkContent(t: Content, issue: Issue): void {
  if (t.category === 'AUTHENTICATION') {
    const fixed = 'Authentication templates have Meta’s fixed text and a copy-code button; remove';
    if (t.header) issue(['header'], `${fixed} the header`);
    if (t.body) issue(['body', 'text'], `${fixed} the body`);
    if (t.footer) issue(['footer', 'text'], `${fixed} the footer (choose an expiry instead)`);
    if (t.buttons.length > 0) issue(['buttons'], `${fixed} the other buttons`);
    if (t.parameterFormat === 'NAMED')
      issue(['parameterFormat'], 'Authentication templates have one numbered variable, the code');
    return;
  }
  if (t.authentication)
    issue(['authentication'], 'Only authentication templates have a code button and an expiry');
  if (!t.body) {
    issue(['body', 'text'], 'Write the message body');
    return;
  }
  const format = t.parameterFormat;
  checkVariables(t.body.text, 'body', format, ['body', 'text'], issue);
  const bodyVars = exampleOrder(t.body.text, format).length;
  if (t.body.examples.length !== bodyVars || t.body.examples.some((e) => e === ''))
    issue(
      ['body', 'examples'],
      bodyVars === 0
        ? 'The body has no variables, so it needs no examples'
        : `Give an example for each of the body’s ${bodyVars} variable${bodyVars === 1 ? '' : 's'}, so Meta can review the message`,
    );
  if (t.header?.format === 'TEXT') {
    const vars = variablesOf(t.header.text);
    if (
      /[\n\r*_~`]/.test(t.header.text.replace(/\{\{[^{}]*\}\}/g, '')) ||
      /\p{Extended_Pictographic}/u.test(t.header.text)
    )
      issue(
        ['header', 'text'],
        'The header cannot hold line breaks, emoji or formatting characters (* _ ~ `)',
      );
    if (vars.length > 1 || (format === 'POSITIONAL' && vars.some((v) => v !== '1')))
      issue(
        ['header', 'text'],
        format === 'POSITIONAL'
          ? 'The header can hold at most one variable, written {{1}}'
          : 'The header can hold at most one variable',
      );
    else {
      checkVariables(t.header.text, 'header', format, ['header', 'text'], issue);
      if (vars.length === 1 && !t.header.example)
        issue(['header', 'example'], `Give an example for the header’s variable {{${vars[0]}}}`);
    }
  }
  if (t.footer && variablesOf(t.footer.text).length > 0)
    issue(['footer', 'text'], 'The footer cannot hold variables');
  checkButtons(t.buttons, issue);
}

const refine = (t: Content, ctx: z.RefinementCtx) =>
  checkContent(t, (path, message) => ctx.addIssue({ code: 'custom', path, message }));

/** Body of `POST /api/v1/templates`. */
export const CreateTemplateBody = z
  .object({
    whatsappAccountId: z.uuid({ message: 'Choose the WhatsApp number the template belongs to' }),
    name: text()
      .trim()
      .min(1, { message: 'Give the template a name' })
      .max(TEMPLATE_LIMITS.name, { message: `The name can be at most ${TEMPLATE_LIMITS.name} characters` })
      .regex(/^[a-z0-9_]+$/, {
        message: 'Use only lowercase letters, digits and underscores in the name (for example order_update)',
      }),
    /** Meta's language code, e.g. `en_US`, `pt_BR`, `de`. */
    language: text()
      .trim()
      .regex(/^[a-z]{2,3}(_[A-Z]{2,4})?$/, {
        message: 'Use a language code Meta knows, such as en_US, pt_BR or de',
      }),
    ...content,
  })
  .superRefine(refine);
export type CreateTemplateBody = z.infer<typeof CreateTemplateBody>;
/** What a form holds before parsing (defaults unapplied). */
export type CreateTemplateInput = z.input<typeof CreateTemplateBody>;

/**
 * Body of `PUT /api/v1/templates/{id}`: the template's whole new content (Meta's edit replaces
 * the components). Name, language and number never change; the category only while the
 * template is not approved, and approved templates can be edited once a day, ten times a month.
 */
export const EditTemplateBody = z.object(content).superRefine(refine);
export type EditTemplateBody = z.infer<typeof EditTemplateBody>;
export type EditTemplateInput = z.input<typeof EditTemplateBody>;
