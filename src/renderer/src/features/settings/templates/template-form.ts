import {
  CreateTemplateBody,
  variableCount,
  type CreateTemplateInput,
  type Template,
  type TemplateCategory,
  type TemplateComponent,
} from '#contract/api/templates';

// The create-template form's values (flat, one input each) and their mapping onto the contract's
// CreateTemplateBody: one definition of what is valid (the shared zod schema), with each issue,
// the form's or the server's, put on the input it names.

/** A button row of the form. */
export interface ButtonValues {
  type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER';
  text: string;
  url: string;
  example: string;
  phoneNumber: string;
}

/** What the form holds. */
export interface TemplateFormValues {
  whatsappAccountId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  headerFormat: 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';
  headerText: string;
  /** The text header's {{1}} sample, or the media header's sample handle or URL. */
  headerExample: string;
  bodyText: string;
  bodyExamples: string[];
  footerText: string;
  buttons: ButtonValues[];
}

/** An empty form for a number. */
export const emptyTemplateForm = (whatsappAccountId = ''): TemplateFormValues => ({
  whatsappAccountId,
  name: '',
  language: 'en_US',
  category: 'UTILITY',
  headerFormat: 'NONE',
  headerText: '',
  headerExample: '',
  bodyText: '',
  bodyExamples: [],
  footerText: '',
  buttons: [],
});

/** A new button row of a kind. */
export const newButton = (type: ButtonValues['type']): ButtonValues => ({
  type,
  text: '',
  url: '',
  example: '',
  phoneNumber: '',
});

/** The request body the form describes (unvalidated: the schema decides). */
export function toCreateBody(v: TemplateFormValues): CreateTemplateInput {
  const header: CreateTemplateInput['header'] =
    v.headerFormat === 'NONE'
      ? undefined
      : v.headerFormat === 'TEXT'
        ? {
            format: 'TEXT',
            text: v.headerText,
            ...(variableCount(v.headerText) > 0 && { example: v.headerExample }),
          }
        : { format: v.headerFormat, example: v.headerExample };
  return {
    whatsappAccountId: v.whatsappAccountId,
    name: v.name,
    language: v.language,
    category: v.category,
    ...(header && { header }),
    body: { text: v.bodyText, examples: v.bodyExamples.slice(0, variableCount(v.bodyText)) },
    ...(v.footerText.trim() && { footer: { text: v.footerText } }),
    buttons: v.buttons.map((b) =>
      b.type === 'QUICK_REPLY'
        ? { type: 'QUICK_REPLY' as const, text: b.text }
        : b.type === 'URL'
          ? {
              type: 'URL' as const,
              text: b.text,
              url: b.url,
              ...(/\{\{1\}\}\s*$/.test(b.url) && { example: b.example }),
            }
          : { type: 'PHONE_NUMBER' as const, text: b.text, phoneNumber: b.phoneNumber },
    ),
  };
}

/** The form input an issue path (`header.text`, `buttons.1.url`…) belongs to. */
export function formKeyOf(path: string): string {
  const p = path.replace(
    /^body\.(?=(whatsappAccountId|name|language|category|header|body|footer|buttons)\b)/,
    '',
  );
  if (p === 'header.text') return 'headerText';
  if (p.startsWith('header')) return 'headerExample';
  if (p === 'body.text' || p === 'body') return 'bodyText';
  if (p.startsWith('body.examples')) return 'bodyExamples';
  if (p.startsWith('footer')) return 'footerText';
  return p;
}

/** Validates with the shared schema; errors keyed by form input. */
export function validateTemplateForm(v: TemplateFormValues): Record<string, string> {
  const r = CreateTemplateBody.safeParse(toCreateBody(v));
  const out: Record<string, string> = {};
  if (r.success) return out;
  for (const issue of r.error.issues) out[formKeyOf(issue.path.join('.'))] ??= issue.message;
  return out;
}

/** The template the form describes, in the contract's shape, for the live preview. */
export function previewTemplate(v: TemplateFormValues): Template {
  const components: TemplateComponent[] = [];
  if (v.headerFormat === 'TEXT') components.push({ type: 'HEADER', format: 'TEXT', text: v.headerText });
  else if (v.headerFormat !== 'NONE') components.push({ type: 'HEADER', format: v.headerFormat });
  components.push({ type: 'BODY', text: v.bodyText || 'Your message' });
  if (v.footerText.trim()) components.push({ type: 'FOOTER', text: v.footerText });
  if (v.buttons.length > 0)
    components.push({
      type: 'BUTTONS',
      buttons: v.buttons.map((b) => ({
        type: b.type,
        text: b.text || 'Button',
        ...(b.type === 'URL' && { url: b.url }),
        ...(b.type === 'PHONE_NUMBER' && { phoneNumber: b.phoneNumber }),
      })),
    });
  return {
    id: '00000000-0000-4000-8000-000000000000',
    whatsappAccountId: v.whatsappAccountId || '00000000-0000-4000-8000-000000000000',
    metaTemplateId: null,
    name: v.name || 'new_template',
    language: v.language,
    category: v.category,
    status: 'PENDING',
    parameterFormat: 'POSITIONAL',
    components,
    statusReason: null,
    updatedAt: new Date(0).toISOString(),
  };
}

/** `{{n}}` → its example, so the preview reads as the customer will see it. */
export const withExamples = (text: string, examples: string[]): string =>
  text.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => examples[Number(n) - 1]?.trim() || whole);
