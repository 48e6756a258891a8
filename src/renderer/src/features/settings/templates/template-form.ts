import {
  authenticationTexts,
  CreateTemplateBody,
  exampleOrder,
  type CreateTemplateInput,
  type EditTemplateInput,
  type ParameterFormat,
  type Template,
  type TemplateCategory,
  type TemplateComponent,
} from '#contract/api/templates';

// The create/edit-template form's values (flat, one input each) and their mapping onto the
// contract's CreateTemplateBody / EditTemplateBody: one definition of what is valid (the shared
// zod schema), with each issue, the form's or the server's, put on the input it names.

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
  parameterFormat: ParameterFormat;
  headerFormat: 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';
  headerText: string;
  /** The text header's variable sample, or the media header's sample handle or URL. */
  headerExample: string;
  bodyText: string;
  /** One per body variable, in {@link exampleOrder}. */
  bodyExamples: string[];
  footerText: string;
  buttons: ButtonValues[];
  /** Authentication: "For your security, do not share this code." */
  authSecurity: boolean;
  /** Authentication: minutes until the code expires ('' for no expiry line). */
  authExpiry: string;
  /** Authentication: the copy-code button's label ('' for Meta's "Copy code"). */
  authButtonText: string;
}

/** An empty form for a number. */
export const emptyTemplateForm = (whatsappAccountId = ''): TemplateFormValues => ({
  whatsappAccountId,
  name: '',
  language: 'en_US',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  headerFormat: 'NONE',
  headerText: '',
  headerExample: '',
  bodyText: '',
  bodyExamples: [],
  footerText: '',
  buttons: [],
  authSecurity: true,
  authExpiry: '',
  authButtonText: '',
});

/** A new button row of a kind. */
export const newButton = (type: ButtonValues['type']): ButtonValues => ({
  type,
  text: '',
  url: '',
  example: '',
  phoneNumber: '',
});

/** The form for editing a template: its content as synced (Meta's list does not return examples). */
export function templateToForm(t: Template): TemplateFormValues {
  const v = emptyTemplateForm(t.whatsappAccountId);
  const of = <K extends TemplateComponent['type']>(type: K) =>
    t.components.find((c): c is Extract<TemplateComponent, { type: K }> => c.type === type);
  const header = of('HEADER');
  const body = of('BODY')?.text ?? '';
  const footer = of('FOOTER')?.text ?? '';
  const buttons = of('BUTTONS')?.buttons ?? [];
  const category =
    (['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const).find((c) => c === t.category) ?? 'UTILITY';
  const base = { ...v, name: t.name, language: t.language, category, parameterFormat: t.parameterFormat };
  if (category === 'AUTHENTICATION')
    return {
      ...base,
      authSecurity: /do not share this code/i.test(body),
      authExpiry: /expires in (\d+) minute/i.exec(footer)?.[1] ?? '',
      authButtonText: buttons[0]?.text && buttons[0].text !== 'Copy code' ? buttons[0].text : '',
    };
  const headerFormat =
    header && ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'].includes(header.format)
      ? (header.format as TemplateFormValues['headerFormat'])
      : 'NONE';
  return {
    ...base,
    headerFormat,
    headerText: header?.text ?? '',
    bodyText: body,
    bodyExamples: exampleOrder(body, t.parameterFormat).map(() => ''),
    footerText: footer,
    buttons: buttons
      .filter((b) => ['QUICK_REPLY', 'URL', 'PHONE_NUMBER'].includes(b.type))
      .map((b) => ({
        ...newButton(b.type as ButtonValues['type']),
        text: b.text,
        url: b.url ?? '',
        phoneNumber: b.phoneNumber ?? '',
      })),
  };
}

/** The request body the form describes (unvalidated: the schema decides). */
export function toCreateBody(v: TemplateFormValues): CreateTemplateInput {
  const ids = { whatsappAccountId: v.whatsappAccountId, name: v.name, language: v.language };
  return { ...ids, ...toContent(v) };
}

/** The edit request body the form describes. */
export function toEditBody(v: TemplateFormValues): EditTemplateInput {
  return toContent(v);
}

function toContent(v: TemplateFormValues): EditTemplateInput {
  if (v.category === 'AUTHENTICATION') {
    const minutes = v.authExpiry.trim() === '' ? undefined : Number(v.authExpiry);
    return {
      category: 'AUTHENTICATION',
      parameterFormat: 'POSITIONAL',
      buttons: [],
      authentication: {
        addSecurityRecommendation: v.authSecurity,
        ...(minutes !== undefined && { codeExpirationMinutes: minutes }),
        ...(v.authButtonText.trim() && { copyCodeText: v.authButtonText }),
      },
    };
  }
  const header: CreateTemplateInput['header'] =
    v.headerFormat === 'NONE'
      ? undefined
      : v.headerFormat === 'TEXT'
        ? {
            format: 'TEXT',
            text: v.headerText,
            ...(exampleOrder(v.headerText, v.parameterFormat).length > 0 && { example: v.headerExample }),
          }
        : { format: v.headerFormat, example: v.headerExample };
  return {
    category: v.category,
    parameterFormat: v.parameterFormat,
    ...(header && { header }),
    body: {
      text: v.bodyText,
      examples: v.bodyExamples.slice(0, exampleOrder(v.bodyText, v.parameterFormat).length),
    },
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
    /^body\.(?=(whatsappAccountId|name|language|category|parameterFormat|header|body|footer|buttons|authentication)\b)/,
    '',
  );
  if (p === 'header.text') return 'headerText';
  if (p.startsWith('header')) return 'headerExample';
  if (p === 'body.text' || p === 'body') return 'bodyText';
  if (p.startsWith('body.examples')) return 'bodyExamples';
  if (p.startsWith('footer')) return 'footerText';
  if (p === 'authentication.codeExpirationMinutes') return 'authExpiry';
  if (p === 'authentication.copyCodeText') return 'authButtonText';
  return p;
}

/** Validates with the shared schema; errors keyed by form input. */
export function validateTemplateForm(v: TemplateFormValues): Record<string, string> {
  const body = toCreateBody(v);
  const r = CreateTemplateBody.safeParse(body);
  const out: Record<string, string> = {};
  if (v.category === 'AUTHENTICATION' && v.authExpiry.trim() !== '' && !/^\d+$/.test(v.authExpiry.trim()))
    out.authExpiry = 'Give the expiry in whole minutes, from 1 to 90';
  if (r.success) return out;
  for (const issue of r.error.issues) out[formKeyOf(issue.path.join('.'))] ??= issue.message;
  return out;
}

/** The template the form describes, in the contract's shape, for the live preview. */
export function previewTemplate(v: TemplateFormValues): Template {
  const components: TemplateComponent[] = [];
  if (v.category === 'AUTHENTICATION') {
    const minutes = /^\d+$/.test(v.authExpiry.trim()) ? Number(v.authExpiry) : undefined;
    const texts = authenticationTexts({
      addSecurityRecommendation: v.authSecurity,
      codeExpirationMinutes: minutes,
    });
    components.push({ type: 'BODY', text: texts.body });
    if (texts.footer) components.push({ type: 'FOOTER', text: texts.footer });
    components.push({
      type: 'BUTTONS',
      buttons: [{ type: 'URL', text: v.authButtonText.trim() || 'Copy code' }],
    });
  } else {
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
  }
  return {
    id: '00000000-0000-4000-8000-000000000000',
    whatsappAccountId: v.whatsappAccountId || '00000000-0000-4000-8000-000000000000',
    metaTemplateId: null,
    name: v.name || 'new_template',
    language: v.language,
    category: v.category,
    status: 'PENDING',
    parameterFormat: v.category === 'AUTHENTICATION' ? 'POSITIONAL' : v.parameterFormat,
    components,
    statusReason: null,
    updatedAt: new Date(0).toISOString(),
  };
}

/** Each variable → its example, so the preview reads as the customer will see it. */
export function withExamples(text: string, format: ParameterFormat, examples: string[]): string {
  const order = exampleOrder(text, format);
  return text.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, name: string) => {
    const i = order.indexOf(name);
    return (i >= 0 && examples[i]?.trim()) || whole;
  });
}
