// `POST /{waba-id}/message_templates` bodies, checked as Meta does (digest §7, Meta's
// templates/components page): name format, category, components and their limits, positional
// variables with examples, button counts. Meta answers a bad submission with 100 and the reason
// in `error_data.details` (its `error_user_msg`); a name that exists in that language with
// subcode 2388024. Written apart from Parley's contract on purpose: it checks what reaches "Meta".
import type { EmulatorTemplate, TemplateComponentDef } from './send-validation';

/** A refusal: Meta's code, subcode and the sentence. */
export interface CreationViolation {
  code: number;
  subcode?: number;
  title?: string;
  details: string;
}

type Raw = Record<string, unknown>;
const str = (v: unknown): v is string => typeof v === 'string';
const VAR = /\{\{\s*([^{}]*?)\s*\}\}/g;
const varsOf = (s: string) => [...s.matchAll(VAR)].map((m) => m[1] ?? '');
const bad = (details: string): CreationViolation => ({ code: 100, title: 'Invalid parameter', details });

/** What a valid submission becomes (before the emulator gives it an id and status). */
export type CheckedCreation = Omit<EmulatorTemplate, 'id' | 'status'>;

/** Positional variables numbered 1..n, with one example each when `examples` is required. */
function checkPositional(
  where: 'Header' | 'Body',
  text: string,
  examples: unknown,
): CreationViolation | null {
  const vars = varsOf(text);
  if (vars.length === 0) return null;
  const nums = [...new Set(vars)].map(Number);
  if (nums.some((n) => !Number.isInteger(n) || n < 1))
    return bad(
      `${where} parameters must be positional ({{1}}, {{2}}, …) when parameter_format is POSITIONAL.`,
    );
  const sorted = nums.sort((a, b) => a - b);
  if (sorted.some((n, i) => n !== i + 1))
    return bad(`${where} parameters must be sequential, starting at {{1}}.`);
  const t = text.trim();
  // Meta's start/end rule is the body's; a header such as "Order {{1}}" is fine.
  if (where === 'Body' && (/^\{\{[^{}]*\}\}/.test(t) || /\{\{[^{}]*\}\}[.!?]?$/.test(t)))
    return bad(`${where} text can't have parameters at the start or end.`);
  if (
    !Array.isArray(examples) ||
    examples.length !== sorted.length ||
    !examples.every((e) => str(e) && e.trim())
  )
    return bad(
      `${where} has ${sorted.length} parameter(s) but the example provides a different number of values.`,
    );
  return null;
}

/** Checks a creation body against the WABA's templates; the checked template or Meta's refusal. */
export function checkTemplateCreation(
  body: unknown,
  existing: readonly EmulatorTemplate[],
): { ok: true; value: CheckedCreation } | { ok: false; error: CreationViolation } {
  const no = (e: CreationViolation) => ({ ok: false as const, error: e });
  if (!body || typeof body !== 'object') return no(bad('The request body must be a JSON object.'));
  const b = body as Raw;
  if (!str(b.name) || !/^[a-z0-9_]{1,512}$/.test(b.name))
    return no(
      bad('Template name must contain only lowercase letters, numbers and underscores (at most 512).'),
    );
  if (!str(b.language) || !/^[a-z]{2,3}(_[A-Z]{2,4})?$/.test(b.language))
    return no(bad('Param language must be a supported language code, such as en_US.'));
  if (!str(b.category) || !['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(b.category.toUpperCase()))
    return no(bad('Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.'));
  if (existing.some((t) => t.name === b.name && t.language === b.language && t.status !== 'DELETED'))
    return no({
      code: 100,
      subcode: 2388024,
      title: 'Content in this language already exists',
      details: `There is already ${b.language} content for this template (${b.name}). Choose another name or language.`,
    });
  if (!Array.isArray(b.components)) return no(bad('Param components must be an array.'));
  const out: TemplateComponentDef[] = [];
  let hasBody = false;
  for (const raw of b.components as Raw[]) {
    const type = str(raw?.type) ? raw.type.toUpperCase() : '';
    const example = (raw?.example ?? {}) as Raw;
    if (type === 'HEADER') {
      const format = str(raw.format) ? raw.format.toUpperCase() : '';
      if (format === 'TEXT') {
        if (!str(raw.text) || !raw.text.trim() || raw.text.length > 60)
          return no(bad('Header text is required and can be at most 60 characters.'));
        if (varsOf(raw.text).length > 1) return no(bad('Header text can have at most 1 parameter.'));
        const v = checkPositional('Header', raw.text, example.header_text);
        if (v) return no(v);
        out.push({
          type: 'HEADER',
          format: 'TEXT',
          text: raw.text,
          ...(raw.example ? { example } : {}),
        } as TemplateComponentDef);
      } else if (['IMAGE', 'VIDEO', 'DOCUMENT'].includes(format)) {
        const h = example.header_handle;
        if (!Array.isArray(h) || h.length !== 1 || !str(h[0]) || !h[0])
          return no(bad(`A ${format} header needs a sample in example.header_handle.`));
        out.push({ type: 'HEADER', format, example } as TemplateComponentDef);
      } else return no(bad('Header format must be TEXT, IMAGE, VIDEO or DOCUMENT.'));
    } else if (type === 'BODY') {
      if (!str(raw.text) || !raw.text.trim()) return no(bad('Body text is required.'));
      if (raw.text.length > 1024) return no(bad('Body text can be at most 1024 characters.'));
      const rows = example.body_text;
      const v = checkPositional('Body', raw.text, Array.isArray(rows) ? rows[0] : undefined);
      if (v) return no(v);
      hasBody = true;
      out.push({ type: 'BODY', text: raw.text, ...(raw.example ? { example } : {}) } as TemplateComponentDef);
    } else if (type === 'FOOTER') {
      if (!str(raw.text) || !raw.text.trim() || raw.text.length > 60)
        return no(bad('Footer text is required and can be at most 60 characters.'));
      if (varsOf(raw.text).length > 0) return no(bad('Footer text cannot have parameters.'));
      out.push({ type: 'FOOTER', text: raw.text });
    } else if (type === 'BUTTONS') {
      const v = checkButtons(raw.buttons);
      if (v) return no(v);
      out.push({ type: 'BUTTONS', buttons: raw.buttons } as TemplateComponentDef);
    } else return no(bad(`Unknown component type ${String(raw?.type)}.`));
  }
  if (!hasBody) return no(bad('A template needs a BODY component.'));
  const category = (b.category as string).toUpperCase() as CheckedCreation['category'];
  return {
    ok: true,
    value: { name: b.name, language: b.language, category, parameterFormat: 'POSITIONAL', components: out },
  };
}

function checkButtons(buttons: unknown): CreationViolation | null {
  if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 10)
    return bad('A BUTTONS component needs 1 to 10 buttons.');
  const n = (t: string) => buttons.filter((x: Raw) => x?.type === t).length;
  if (n('URL') > 2) return bad('A template can have at most 2 URL buttons.');
  if (n('PHONE_NUMBER') > 1) return bad('A template can have at most 1 phone number button.');
  const runs = buttons
    .map((x: Raw) => (x?.type === 'QUICK_REPLY' ? 'q' : 'o'))
    .join('')
    .replace(/(.)\1+/g, '$1');
  if (runs.length > 2) return bad('Quick reply buttons must be grouped together.');
  for (const x of buttons as Raw[]) {
    if (!str(x?.text) || !x.text.trim() || x.text.length > 25)
      return bad('Button text is required, at most 25 characters.');
    if (x.type === 'URL') {
      if (!str(x.url) || !/^https?:\/\//.test(x.url) || x.url.length > 2000)
        return bad('URL buttons need a valid url.');
      const vars = varsOf(x.url);
      if (vars.length > 1 || (vars.length === 1 && !x.url.endsWith('{{1}}')))
        return bad('A URL can have one parameter, {{1}}, at its end.');
      if (vars.length === 1 && (!Array.isArray(x.example) || !str(x.example[0])))
        return bad('A URL button with a parameter needs an example.');
    } else if (x.type === 'PHONE_NUMBER') {
      if (!str(x.phone_number) || !/^\+?[1-9]\d{6,18}$/.test(x.phone_number))
        return bad('Phone number buttons need a valid phone_number.');
    } else if (x.type !== 'QUICK_REPLY') return bad(`Unsupported button type ${String(x?.type)}.`);
  }
  return null;
}

/**
 * The emulator's review: Meta's reviewers reject what breaks policy. Here a body (or header)
 * containing the marker `REJECT` is rejected (reason INVALID_FORMAT), so tests and the demo can
 * see both outcomes; everything else is approved.
 */
export function reviewOutcome(
  t: Pick<EmulatorTemplate, 'components'>,
): { status: 'APPROVED' } | { status: 'REJECTED'; reason: string } {
  const texts = t.components.map((c) => ('text' in c && typeof c.text === 'string' ? c.text : '')).join('\n');
  return /\bREJECT\b/.test(texts) ? { status: 'REJECTED', reason: 'INVALID_FORMAT' } : { status: 'APPROVED' };
}
