import { and, eq } from 'drizzle-orm';
import type { IntakeTemplate, LeadBody, ParameterSource } from '#contract/api/intakes';
import type { TemplateParameters } from '#contract/api/messages';
import { fail, ok, type FieldIssue, type Result } from '#contract/result';
import type { Db, Tx } from '../../storage/db';
import { templates } from '../../storage/schema/index';
import { checkTemplate } from '../messages/template-rules';

// An intake's template mapping: checked against the synced template when the intake is saved (so
// the admin hears "this template needs 3 body values" then, not at the first lead), and resolved
// against each lead's fields when it arrives (a field the mapping needs and the lead lacks is a
// 422 naming it). The send path checks the filled-in parameters once more, as for any send.

type Source = ParameterSource;

/** The lead field a source reads, or null for a fixed text. */
const fieldOf = (s: Source): string | null => (typeof s === 'string' ? s : 'field' in s ? s.field : null);

/** Every lead field the mapping reads without a default (the fields a lead must carry). */
export function requiredFields(t: IntakeTemplate): string[] {
  const sources = [...(t.header ? [t.header] : []), ...Object.values(t.body ?? {})];
  const out: string[] = [];
  for (const s of sources) {
    const f = fieldOf(s);
    const hasDefault = typeof s === 'object' && 'default' in s && s.default !== undefined;
    if (f && !hasDefault && !out.includes(f)) out.push(f);
  }
  return out;
}

/** The mapping's parameters with every value set to `fill(source)`. */
function parametersOf(t: IntakeTemplate, fill: (s: Source) => string): TemplateParameters {
  const body = t.body;
  return {
    ...(t.header && { header: { type: 'text' as const, text: fill(t.header) } }),
    ...(body !== undefined && {
      body: Array.isArray(body)
        ? body.map(fill)
        : Object.fromEntries(Object.entries(body).map(([k, s]) => [k, fill(s)])),
    }),
  };
}

/**
 * Checks a mapping against the number's synced template: it exists, is approved, and the mapping
 * gives exactly the values it needs (header text, body count or names; templates needing button
 * values or media headers cannot be sent to leads). Paths point into the request body.
 */
export async function checkMapping(
  exec: Db | Tx,
  organizationId: string,
  whatsappAccountId: string,
  t: IntakeTemplate,
): Promise<Result<null>> {
  const [tpl] = await exec
    .select()
    .from(templates)
    .where(
      and(
        eq(templates.organizationId, organizationId),
        eq(templates.whatsappAccountId, whatsappAccountId),
        eq(templates.name, t.name),
        eq(templates.language, t.language),
      ),
    );
  if (!tpl) {
    const message = `The number has no template “${t.name}” (${t.language}); sync its templates or pick another`;
    return fail('invalid_input', message, { fields: [{ path: 'body.template.name', message }] });
  }
  // A sample value per parameter: the rules count and name them, the values do not matter.
  const checked = checkTemplate(
    tpl,
    parametersOf(t, () => 'sample'),
    'body.template',
  );
  if (checked.ok) return ok(null);
  const fields = ((checked.error.details as { fields?: FieldIssue[] } | undefined)?.fields ??
    []) as FieldIssue[];
  const message = fields.some((f) => f.path.startsWith('body.template.buttons'))
    ? 'This template needs button values, which intakes cannot fill; pick a template without URL-button variables'
    : checked.error.message;
  return fail('invalid_input', message, { fields });
}

/** The value of a lead field as text (numbers and booleans as JSON writes them), or undefined. */
export function leadValue(lead: LeadBody, field: string): string | undefined {
  const v = (lead as Record<string, unknown>)[field];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v.trim() : String(v);
  return s === '' ? undefined : s;
}

/**
 * The template parameters for one lead, or 422 `unprocessable` naming every field the mapping
 * needs and the lead left out (or empty).
 */
export function resolveMapping(t: IntakeTemplate, lead: LeadBody): Result<TemplateParameters> {
  const missing = requiredFields(t).filter((f) => leadValue(lead, f) === undefined);
  if (missing.length > 0) {
    const names = missing.map((f) => `"${f}"`).join(', ');
    return fail(
      'unprocessable',
      `The lead has no ${names}, which this intake's template needs; send ${missing.length === 1 ? 'it' : 'them'} in the lead`,
      { fields: missing.map((f) => ({ path: `body.${f}`, message: 'Required by the intake’s template' })) },
    );
  }
  return ok(
    parametersOf(t, (s) => {
      if (typeof s === 'object' && 'text' in s) return s.text;
      const f = fieldOf(s)!;
      const v = leadValue(lead, f) ?? (typeof s === 'object' && 'default' in s ? s.default : undefined) ?? '';
      // Meta takes at most 1,024 characters per body value and 60 for a header's.
      return v.slice(0, s === t.header ? 60 : 1024);
    }),
  );
}
