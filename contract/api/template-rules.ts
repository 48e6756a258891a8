// Meta's rules on a template's content (digest §7; developers.facebook.com …/templates/components,
// …/authentication-templates), as sentences an admin can act on. The create and edit schemas
// (template-create.ts) apply them, so the app's form and the server refuse the same things.

/** Numbered (`{{1}}`) or named (`{{first_name}}`) variables. */
export type ParameterFormatName = 'POSITIONAL' | 'NAMED';

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
  /** A named variable's name (Meta: lowercase letters, digits, underscores). */
  variableName: 60,
  /** An authentication template's "This code expires in N minutes" (1 to 90). */
  codeExpirationMinutes: 90,
} as const;

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAMED_VARIABLE = /^[a-z][a-z0-9_]*$/;

/** The variables of a text, in order of appearance (`{{1}}` → "1"; anything else kept as written). */
export const variablesOf = (s: string): string[] => [...s.matchAll(VARIABLE)].map((m) => m[1] ?? '');

/** How many distinct variables a text uses (the number of examples it needs). */
export const variableCount = (s: string): number => new Set(variablesOf(s)).size;

/**
 * The distinct variables of a text in the order their examples are given: numbered ones by
 * number (`{{1}}` first), named ones in order of first appearance.
 */
export function exampleOrder(s: string, format: ParameterFormatName): string[] {
  const distinct = [...new Set(variablesOf(s))];
  return format === 'POSITIONAL' ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct;
}

/** The fixed text Meta gives an authentication template (as its list returns it). */
export function authenticationTexts(a: {
  addSecurityRecommendation: boolean;
  codeExpirationMinutes?: number | undefined;
}): {
  body: string;
  footer: string | null;
} {
  return {
    body: `*{{1}}* is your verification code.${a.addSecurityRecommendation ? ' For your security, do not share this code.' : ''}`,
    footer:
      a.codeExpirationMinutes !== undefined
        ? `This code expires in ${a.codeExpirationMinutes} minute${a.codeExpirationMinutes === 1 ? '' : 's'}.`
        : null,
  };
}

/** Reports an issue at a path of the request body. */
export type Issue = (path: (string | number)[], message: string) => void;

/**
 * Meta's rules on the variables of a body or header: numbered ones from {{1}} without gaps, named
 * ones lowercase with underscores; not first or last in a body, never side by side.
 */
export function checkVariables(
  s: string,
  what: 'body' | 'header',
  format: ParameterFormatName,
  path: (string | number)[],
  issue: Issue,
): void {
  const vars = variablesOf(s);
  if (vars.length === 0) return;
  if (format === 'POSITIONAL') {
    if (vars.some((v) => !/^[1-9]\d*$/.test(v))) {
      issue(
        path,
        `Number the ${what}’s variables {{1}}, {{2}} …, or choose named variables to write {{first_name}}`,
      );
      return;
    }
    const distinct = [...new Set(vars.map(Number))].sort((a, b) => a - b);
    if (distinct.some((n, i) => n !== i + 1))
      issue(
        path,
        `Number the ${what}’s variables in sequence from {{1}}, without gaps (found ${distinct.map((n) => `{{${n}}}`).join(', ')})`,
      );
  } else {
    const bad = vars.find((v) => !NAMED_VARIABLE.test(v));
    if (bad !== undefined) {
      issue(
        path,
        /^\d+$/.test(bad)
          ? `This template uses named variables: write {{first_name}} rather than {{${bad}}}, or choose numbered variables`
          : `Name the ${what}’s variables with lowercase letters, digits and underscores, starting with a letter (for example {{first_name}})`,
      );
      return;
    }
    if (vars.some((v) => v.length > TEMPLATE_LIMITS.variableName))
      issue(path, `A variable’s name can be at most ${TEMPLATE_LIMITS.variableName} characters`);
  }
  if (what === 'header') return;
  const trimmed = s.trim();
  if (/^\{\{[^{}]*\}\}/.test(trimmed) || /\{\{[^{}]*\}\}[.!?]?$/.test(trimmed))
    issue(path, `The ${what} cannot start or end with a variable; add words before and after it`);
  if (/\}\}\s*\{\{/.test(s))
    issue(path, `Put words between the ${what}’s variables; two cannot stand side by side`);
}

/** The button fields the rules read. */
export type ButtonForRules =
  | { type: 'QUICK_REPLY'; text: string }
  | { type: 'URL'; text: string; url: string; example?: string | undefined }
  | { type: 'PHONE_NUMBER'; text: string; phoneNumber: string };

/** Meta's button rules: counts per kind, labels, URLs and phone numbers, quick replies grouped. */
export function checkButtons(buttons: ButtonForRules[], issue: Issue): void {
  const count = (type: ButtonForRules['type']) => buttons.filter((b) => b.type === type).length;
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
