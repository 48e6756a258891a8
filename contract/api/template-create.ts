import { z } from 'zod';
import { text } from '../domain/text';

// What `POST /api/v1/templates` accepts: a message template to submit for Meta's approval, with
// Meta's rules (digest §7, developers.facebook.com …/templates/components) checked here so the
// app's form and the server refuse the same things with the same sentences, before Meta does.
// Positional variables only ({{1}}, {{2}} …): Parley's sender fills them in order.

/** Meta's template categories. Authentication templates have a fixed text (see the refinement). */
export const TemplateCategory = z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
export type TemplateCategory = z.infer<typeof TemplateCategory>;

/** Header formats a created template may use (LOCATION and GIF are left to WhatsApp Manager). */
export const MediaHeaderFormat = z.enum(['IMAGE', 'VIDEO', 'DOCUMENT']);
export type MediaHeaderFormat = z.infer<typeof MediaHeaderFormat>;

/** Meta's limits on what a template holds. */
export const TEMPLATE_LIMITS = {
  name: 512,
  headerText: 60,
  body: 1024,
  footer: 60,
  buttons: 10,
  quickReplies: 10,
  urlButtons: 2,
  phoneButtons: 1,
  buttonText: 25,
  url: 2000,
  phone: 20,
  example: 200,
} as const;

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variables of a text, in order of appearance (`{{1}}` → "1"; anything else kept as written). */
export const variablesOf = (s: string): string[] => [...s.matchAll(VARIABLE)].map((m) => m[1] ?? '');

/** How many distinct numbered variables a text uses (the number of examples it needs). */
export const variableCount = (s: string): number => new Set(variablesOf(s)).size;

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
    /** The sample value of `{{1}}`, required when the header uses it. */
    example: example.optional(),
  }),
  z.object({
    format: MediaHeaderFormat,
    /** A sample of the media: a handle from Meta's resumable upload, or a public URL. */
    example: text()
      .trim()
      .min(1, { message: 'Give a sample file (an upload handle or a URL) for Meta to review' })
      .max(2000),
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
    category: TemplateCategory,
    header: TemplateHeaderInput.optional(),
    body: z.object({
      text: text()
        .trim()
        .min(1, { message: 'Write the message body' })
        .max(TEMPLATE_LIMITS.body, {
          message: `The body can be at most ${TEMPLATE_LIMITS.body} characters`,
        }),
      /** One sample value per variable, `{{1}}` first. */
      examples: z.array(example).max(100).default([]),
    }),
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
  })
  .superRefine((t, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (t.category === 'AUTHENTICATION')
      issue(
        ['category'],
        'Authentication templates use Meta’s fixed one-time-code text; create them in WhatsApp Manager, or choose Utility or Marketing',
      );
    checkVariables(t.body.text, 'body', ['body', 'text'], issue);
    const bodyVars = variableCount(t.body.text);
    if (t.body.examples.length !== bodyVars || t.body.examples.some((e) => e === ''))
      issue(
        ['body', 'examples'],
        bodyVars === 0
          ? 'The body has no variables, so it needs no examples'
          : `Give an example for each of the body’s ${bodyVars} variable${bodyVars === 1 ? '' : 's'}, so Meta can review the message`,
      );
    if (t.header?.format === 'TEXT') {
      const vars = variablesOf(t.header.text);
      if (/[\n\r*_~`]/.test(t.header.text) || /\p{Extended_Pictographic}/u.test(t.header.text))
        issue(
          ['header', 'text'],
          'The header cannot hold line breaks, emoji or formatting characters (* _ ~ `)',
        );
      if (vars.length > 1 || vars.some((v) => v !== '1'))
        issue(['header', 'text'], 'The header can hold at most one variable, written {{1}}');
      else if (vars.length === 1 && !t.header.example)
        issue(['header', 'example'], 'Give an example for the header’s variable {{1}}');
    }
    if (t.footer && variablesOf(t.footer.text).length > 0)
      issue(['footer', 'text'], 'The footer cannot hold variables');
    checkButtons(t.buttons, issue);
  });
export type CreateTemplateBody = z.infer<typeof CreateTemplateBody>;
/** What a form holds before parsing (defaults unapplied). */
export type CreateTemplateInput = z.input<typeof CreateTemplateBody>;

type Issue = (path: (string | number)[], message: string) => void;

/** Meta's rules on body variables: numbered from {{1}} without gaps, not first or last. */
function checkVariables(s: string, what: string, path: (string | number)[], issue: Issue): void {
  const vars = variablesOf(s);
  if (vars.length === 0) return;
  if (vars.some((v) => !/^[1-9]\d*$/.test(v))) {
    issue(
      path,
      `Number the ${what}’s variables {{1}}, {{2}} … (names such as {{name}} are not supported here)`,
    );
    return;
  }
  const distinct = [...new Set(vars.map(Number))].sort((a, b) => a - b);
  if (distinct.some((n, i) => n !== i + 1))
    issue(
      path,
      `Number the ${what}’s variables in sequence from {{1}}, without gaps (found ${distinct.map((n) => `{{${n}}}`).join(', ')})`,
    );
  const trimmed = s.trim();
  if (/^\{\{[^{}]*\}\}/.test(trimmed) || /\{\{[^{}]*\}\}[.!?]?$/.test(trimmed))
    issue(path, `The ${what} cannot start or end with a variable; add words before and after it`);
  if (/\}\}\s*\{\{/.test(s))
    issue(path, `Put words between the ${what}’s variables; two cannot stand side by side`);
}

/** Meta's button rules: counts per kind, labels, URLs and phone numbers, quick replies grouped. */
function checkButtons(buttons: TemplateButtonInput[], issue: Issue): void {
  const count = (type: TemplateButtonInput['type']) => buttons.filter((b) => b.type === type).length;
  const L = TEMPLATE_LIMITS;
  if (count('QUICK_REPLY') > L.quickReplies)
    issue(['buttons'], `A template can have at most ${L.quickReplies} quick-reply buttons`);
  if (count('URL') > L.urlButtons)
    issue(['buttons'], `A template can have at most ${L.urlButtons} link buttons`);
  if (count('PHONE_NUMBER') > L.phoneButtons)
    issue(['buttons'], `A template can have at most ${L.phoneButtons} call button`);
  // Quick replies must sit together (all before or all after the other buttons).
  const kinds = buttons
    .map((b) => (b.type === 'QUICK_REPLY' ? 'q' : 'o'))
    .join('')
    .replace(/(.)\1+/g, '$1');
  if (kinds.length > 2)
    issue(['buttons'], 'Keep the quick-reply buttons together, before or after the other buttons');
  const labels = new Set<string>();
  buttons.forEach((b, i) => {
    if (!b.text) issue(['buttons', i, 'text'], 'Give the button a label');
    else if (b.text.length > L.buttonText)
      issue(['buttons', i, 'text'], `A button label can be at most ${L.buttonText} characters`);
    else if (labels.has(b.text.toLowerCase()))
      issue(['buttons', i, 'text'], 'Two buttons cannot have the same label');
    labels.add(b.text.toLowerCase());
    if (b.type === 'URL') {
      const vars = variablesOf(b.url);
      const base = b.url.replace(/\{\{1\}\}$/, '');
      if (!/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(base) || variablesOf(base).length > 0)
        issue(
          ['buttons', i, 'url'],
          'Use a web address starting with https:// (a variable may only be {{1}} at its very end)',
        );
      else if (b.url.length > L.url)
        issue(['buttons', i, 'url'], `A web address can be at most ${L.url} characters`);
      else if (vars.length === 1 && !b.example)
        issue(
          ['buttons', i, 'example'],
          'Give an example of the value that replaces {{1}} in the web address',
        );
    }
    if (b.type === 'PHONE_NUMBER' && !/^\+[1-9]\d{6,18}$/.test(b.phoneNumber.replace(/[\s-]/g, '')))
      issue(
        ['buttons', i, 'phoneNumber'],
        'Write the phone number with its country code, such as +14155550123',
      );
  });
}
