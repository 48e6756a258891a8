import type { Template } from '#contract/api/templates';

/** A template's body variables in order: `1`, `2`… (numbered) or `first_name`… (named). */
export function bodyVariables(template: Pick<Template, 'components'>): string[] {
  const body = template.components.find((c) => c.type === 'BODY');
  const text = body?.type === 'BODY' ? body.text : '';
  const seen: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g))
    if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/**
 * The intake's `template.body` from one lead field per variable: a list for numbered templates
 * (in `{{1}}`, `{{2}}` order), an object for named ones; undefined when there is nothing to fill.
 */
export function bodyMapping(
  variables: string[],
  fields: Record<string, string>,
): string[] | Record<string, string> | undefined {
  if (variables.length === 0) return undefined;
  const numbered = variables.every((v) => /^\d+$/.test(v));
  if (numbered)
    return [...variables].sort((a, b) => Number(a) - Number(b)).map((v) => fields[v]?.trim() || 'name');
  return Object.fromEntries(variables.map((v) => [v, fields[v]?.trim() || 'name']));
}
