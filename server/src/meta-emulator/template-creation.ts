// `POST /{waba-id}/message_templates` bodies (and the components of `POST /{template-id}`
// edits), checked as Meta does (digest §7, Meta's templates/components and authentication
// templates pages): name format, category, components and their limits, positional or named
// variables with examples, button counts; authentication templates get Meta's fixed text and
// their OTP button becomes a URL button, as Meta's list returns them. Meta answers a bad submission with 100 and the reason
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

/**
 * The file type of the finished upload a header_handle names (the emulator's Resumable Upload
 * API), or null when it never issued that handle.
 */
export type KnownHandle = (handle: string) => string | null;

/** The file types each media header format takes (Meta's template media page). */
const HEADER_FILE_TYPES: Record<string, readonly string[]> = {
  IMAGE: ['image/jpeg', 'image/jpg', 'image/png'],
  VIDEO: ['video/mp4'],
  DOCUMENT: ['application/pdf'],
};

/** What a valid submission becomes (before the emulator gives it an id and status). */
export type CheckedCreation = Omit<EmulatorTemplate, 'id' | 'status'>;

/** Variables of a header or body with their examples: numbered 1..n, or named (lowercase). */
function checkParams(
  where: 'Header' | 'Body',
  text: string,
  format: 'POSITIONAL' | 'NAMED',
  example: Raw,
): CreationViolation | null {
  const vars = varsOf(text);
  if (vars.length === 0) return null;
  const distinct = [...new Set(vars)];
  if (format === 'POSITIONAL') {
    const nums = distinct.map(Number);
    if (nums.some((n) => !Number.isInteger(n) || n < 1))
      return bad(
        `${where} parameters must be positional ({{1}}, {{2}}, …) when parameter_format is POSITIONAL.`,
      );
    if ([...nums].sort((a, b) => a - b).some((n, i) => n !== i + 1))
      return bad(`${where} parameters must be sequential, starting at {{1}}.`);
  } else if (distinct.some((v) => !/^[a-z][a-z0-9_]*$/.test(v)))
    return bad(
      `${where} parameter names must contain only lowercase letters, numbers and underscores, starting with a letter, when parameter_format is NAMED.`,
    );
  const t = text.trim();
  // Meta's start/end rule is the body's; a header such as "Order {{1}}" is fine.
  if (where === 'Body' && (/^\{\{[^{}]*\}\}/.test(t) || /\{\{[^{}]*\}\}[.!?]?$/.test(t)))
    return bad(`${where} text can't have parameters at the start or end.`);
  const mismatch = bad(
    `${where} has ${distinct.length} parameter(s) but the example provides a different number of values.`,
  );
  if (format === 'POSITIONAL') {
    const examples =
      where === 'Body'
        ? Array.isArray(example.body_text)
          ? example.body_text[0]
          : undefined
        : example.header_text;
    if (
      !Array.isArray(examples) ||
      examples.length !== distinct.length ||
      !examples.every((e) => str(e) && e.trim())
    )
      return mismatch;
    return null;
  }
  const named = where === 'Body' ? example.body_text_named_params : example.header_text_named_params;
  if (!Array.isArray(named) || named.length !== distinct.length) return mismatch;
  const given = new Set<string>();
  for (const n of named as Raw[]) {
    if (!str(n?.param_name) || !str(n.example) || !n.example.trim())
      return bad(`Each ${where.toLowerCase()} example needs a param_name and an example.`);
    given.add(n.param_name);
  }
  if (distinct.some((v) => !given.has(v)))
    return bad(
      `${where} examples must name each of the parameters ${distinct.map((v) => `{{${v}}}`).join(', ')}.`,
    );
  return null;
}

/** Checks a creation body against the WABA's templates; the checked template or Meta's refusal. */
export function checkTemplateCreation(
  body: unknown,
  existing: readonly EmulatorTemplate[],
  knownHandle?: KnownHandle,
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
  const category = checkCategory(b.category);
  if (!category) return no(bad('Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.'));
  if (existing.some((t) => t.name === b.name && t.language === b.language && t.status !== 'DELETED'))
    return no({
      code: 100,
      subcode: 2388024,
      title: 'Content in this language already exists',
      details: `There is already ${b.language} content for this template (${b.name}). Choose another name or language.`,
    });
  const checked = checkComponents(b, category, knownHandle);
  if (!checked.ok) return checked;
  return { ok: true, value: { name: b.name, language: b.language, category, ...checked.value } };
}

/** The category, upper case, or null when Meta has no such category. */
export function checkCategory(v: unknown): CheckedCreation['category'] | null {
  const c = str(v) ? v.toUpperCase() : '';
  return c === 'MARKETING' || c === 'UTILITY' || c === 'AUTHENTICATION' ? c : null;
}

/** The parameter format and components of a creation or edit body, as Meta stores them. */
export function checkComponents(
  b: Raw,
  category: CheckedCreation['category'],
  knownHandle?: KnownHandle,
):
  | { ok: true; value: Pick<CheckedCreation, 'parameterFormat' | 'components'> }
  | { ok: false; error: CreationViolation } {
  const no = (e: CreationViolation) => ({ ok: false as const, error: e });
  const pf = b.parameter_format === undefined ? 'POSITIONAL' : String(b.parameter_format).toUpperCase();
  if (pf !== 'POSITIONAL' && pf !== 'NAMED')
    return no(bad('Param parameter_format must be one of {POSITIONAL, NAMED}.'));
  const format = pf;
  if (!Array.isArray(b.components)) return no(bad('Param components must be an array.'));
  if (category === 'AUTHENTICATION') {
    const v = checkAuthentication(b.components as Raw[]);
    return v.ok ? { ok: true, value: { parameterFormat: 'POSITIONAL', components: v.value } } : v;
  }
  const out: TemplateComponentDef[] = [];
  let hasBody = false;
  for (const raw of b.components as Raw[]) {
    const type = str(raw?.type) ? raw.type.toUpperCase() : '';
    const example = (raw?.example ?? {}) as Raw;
    if (type === 'HEADER') {
      const hf = str(raw.format) ? raw.format.toUpperCase() : '';
      if (hf === 'TEXT') {
        if (!str(raw.text) || !raw.text.trim() || raw.text.length > 60)
          return no(bad('Header text is required and can be at most 60 characters.'));
        if (new Set(varsOf(raw.text)).size > 1) return no(bad('Header text can have at most 1 parameter.'));
        const v = checkParams('Header', raw.text, format, example);
        if (v) return no(v);
        out.push({
          type: 'HEADER',
          format: 'TEXT',
          text: raw.text,
          ...(raw.example ? { example } : {}),
        } as TemplateComponentDef);
      } else if (['IMAGE', 'VIDEO', 'DOCUMENT'].includes(hf)) {
        const h = example.header_handle;
        if (!Array.isArray(h) || h.length !== 1 || !str(h[0]) || !h[0])
          return no(bad(`A ${hf} header needs a sample in example.header_handle.`));
        // Meta only takes handles its Resumable Upload API issued (code 100, the reason in
        // `error_user_msg`).
        const fileType = knownHandle ? knownHandle(h[0]) : undefined;
        if (fileType === null)
          return no({
            code: 100,
            title: 'Invalid parameter',
            details: `The header_handle ${h[0].slice(0, 40)} is not a valid file handle. Upload the sample with the Resumable Upload API and use the handle it returns.`,
          });
        // Meta checks the uploaded file against the header's format: a PDF cannot be an IMAGE
        // header's sample (same code 100, the reason in `error_user_msg`).
        if (fileType !== undefined && !HEADER_FILE_TYPES[hf]!.includes(fileType))
          return no({
            code: 100,
            title: 'Invalid parameter',
            details: `The header_handle file is ${fileType}, which does not match the ${hf} header format. Upload a ${HEADER_FILE_TYPES[hf]!.filter((t) => t !== 'image/jpg').join(' or ')} sample.`,
          });
        out.push({ type: 'HEADER', format: hf, example } as TemplateComponentDef);
      } else return no(bad('Header format must be TEXT, IMAGE, VIDEO or DOCUMENT.'));
    } else if (type === 'BODY') {
      if (!str(raw.text) || !raw.text.trim()) return no(bad('Body text is required.'));
      if (raw.text.length > 1024) return no(bad('Body text can be at most 1024 characters.'));
      const v = checkParams('Body', raw.text, format, example);
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
  return { ok: true, value: { parameterFormat: format, components: out } };
}

/**
 * An authentication template: a BODY without text (optionally `add_security_recommendation`), an
 * optional FOOTER with `code_expiration_minutes` (1–90) and one OTP button. Meta writes the text
 * and answers the OTP button as a URL button whose `{{1}}` is the code.
 */
function checkAuthentication(
  components: Raw[],
): { ok: true; value: TemplateComponentDef[] } | { ok: false; error: CreationViolation } {
  const no = (e: CreationViolation) => ({ ok: false as const, error: e });
  const byType = (t: string) => components.filter((c) => str(c?.type) && c.type.toUpperCase() === t);
  if (
    byType('HEADER').length > 0 ||
    components.some((c) => !['BODY', 'FOOTER', 'BUTTONS'].includes(String(c?.type).toUpperCase()))
  )
    return no(bad('Authentication templates can only have BODY, FOOTER and BUTTONS components.'));
  const [body] = byType('BODY');
  if (!body) return no(bad('A template needs a BODY component.'));
  if (body.text !== undefined)
    return no(bad('Authentication templates have preset body text; remove text from the BODY component.'));
  if (body.add_security_recommendation !== undefined && typeof body.add_security_recommendation !== 'boolean')
    return no(bad('Param add_security_recommendation must be a boolean.'));
  const security = body.add_security_recommendation === true;
  const [footer] = byType('FOOTER');
  const minutes = footer?.code_expiration_minutes;
  if (
    footer &&
    (footer.text !== undefined ||
      typeof minutes !== 'number' ||
      !Number.isInteger(minutes) ||
      minutes < 1 ||
      minutes > 90)
  )
    return no(bad('Param code_expiration_minutes must be a whole number from 1 to 90.'));
  const buttons = byType('BUTTONS')[0]?.buttons;
  if (!Array.isArray(buttons) || buttons.length !== 1)
    return no(bad('Authentication templates need exactly one OTP button.'));
  const otp = buttons[0] as Raw;
  const otpType = str(otp?.otp_type) ? otp.otp_type.toUpperCase() : '';
  if (String(otp?.type).toUpperCase() !== 'OTP' || !['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(otpType))
    return no(
      bad(
        'The button of an authentication template must be an OTP button with otp_type COPY_CODE, ONE_TAP or ZERO_TAP.',
      ),
    );
  if (otpType !== 'COPY_CODE' && !Array.isArray(otp.supported_apps))
    return no(
      bad(`An ${otpType} button needs supported_apps (your Android app's package name and signature hash).`),
    );
  if (otp.text !== undefined && (!str(otp.text) || !otp.text.trim() || otp.text.length > 25))
    return no(bad('Button text is required, at most 25 characters.'));
  const label = str(otp.text) ? otp.text : 'Copy code';
  return {
    ok: true,
    value: [
      {
        type: 'BODY',
        text: `*{{1}}* is your verification code.${security ? ' For your security, do not share this code.' : ''}`,
        add_security_recommendation: security,
      },
      ...(footer
        ? [
            {
              type: 'FOOTER' as const,
              text: `This code expires in ${minutes as number} minute${minutes === 1 ? '' : 's'}.`,
              code_expiration_minutes: minutes as number,
            },
          ]
        : []),
      {
        type: 'BUTTONS',
        buttons: [
          {
            type: 'URL',
            text: label,
            url: `https://www.whatsapp.com/otp/code/?otp_type=${otpType}&code=otp{{1}}`,
          },
        ],
      },
    ],
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
