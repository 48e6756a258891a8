import type { TemplateParameters } from '#contract/api/messages';
import { type FieldIssue, fail, ok, type Result } from '#contract/result';

// Checks a template send against the synced template (digest §4.6, §7) before anything is
// queued, so the agent hears "this template needs 3 values" instead of Meta's 132000 a second
// later. Components are Meta's own JSON (upper-case types), stored verbatim by template sync.

/** The stored template fields the check reads. */
export type TemplateDefinition = {
  name: string;
  language: string;
  status: string;
  /** POSITIONAL | NAMED. */
  parameterFormat: string;
  /** Meta's components array (HEADER, BODY, FOOTER, BUTTONS). */
  components: unknown;
};

/** A template send that matches its template. */
export type CheckedTemplate = {
  /** The body with the values filled in (display, preview and search). */
  renderedBody: string | null;
  /** The media a header needs (a Parley media id), for the media checks and the upload at send time. */
  headerMedia: { type: 'image' | 'video' | 'document'; mediaId: string } | null;
  /** NAMED templates: the header placeholder's name (Meta wants `parameter_name`). */
  headerParamName: string | null;
};

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Placeholders of a template text, distinct, in order of first appearance (`{{1}}`, `{{name}}`). */
export function placeholders(text: string): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g))
    if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/** Meta's components, found by type (case-insensitive, as GET returns upper case). */
function component(components: unknown, type: string): Raw | undefined {
  if (!Array.isArray(components)) return undefined;
  return components.find((c): c is Raw => isObj(c) && str(c.type)?.toUpperCase() === type);
}

const invalid = (issues: FieldIssue[], sentence?: string) =>
  fail('invalid_template', sentence ?? issues[0]!.message, { fields: issues });

const list = (xs: string[]) => xs.map((x) => `{{${x}}}`).join(', ');

/**
 * Validates `params` against `tpl` (which must be APPROVED): header (text or media of the
 * header's format), body values (a list for numbered templates, an object for named ones, the
 * exact count/names) and button values by index (quick-reply payloads, URL suffixes for URL
 * buttons with a variable). Paths in the failure point into the request body.
 */
export function checkTemplate(
  tpl: TemplateDefinition,
  params: TemplateParameters,
  path = 'body.parameters',
): Result<CheckedTemplate> {
  if (tpl.status !== 'APPROVED') {
    return invalid(
      [{ path: 'body.templateName', message: `Template “${tpl.name}” (${tpl.language}) is ${tpl.status}` }],
      `Template “${tpl.name}” (${tpl.language}) is ${tpl.status.toLowerCase()}; only approved templates can be sent.`,
    );
  }
  const named = tpl.parameterFormat === 'NAMED';
  const issues: FieldIssue[] = [];

  // Header.
  const header = component(tpl.components, 'HEADER');
  const format = str(header?.format)?.toUpperCase() ?? null;
  let headerMedia: CheckedTemplate['headerMedia'] = null;
  let headerParamName: string | null = null;
  if (!header) {
    if (params.header) issues.push({ path: `${path}.header`, message: 'This template has no header' });
  } else if (format === 'TEXT') {
    const wanted = placeholders(str(header.text) ?? '');
    if (wanted.length === 0 && params.header)
      issues.push({ path: `${path}.header`, message: 'This template’s header has no variable' });
    else if (wanted.length > 0 && params.header?.type !== 'text')
      issues.push({
        path: `${path}.header`,
        message: `The header needs a text value for ${list(wanted)}`,
      });
    else if (wanted.length > 0) headerParamName = named ? wanted[0]! : null;
  } else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
    const want = format.toLowerCase() as 'image' | 'video' | 'document';
    if (params.header?.type !== want)
      issues.push({
        path: `${path}.header`,
        message: `The header needs ${want === 'image' ? 'an' : 'a'} ${want}`,
      });
    else headerMedia = { type: want, mediaId: params.header.mediaId };
  } else if (format === 'LOCATION') {
    if (params.header?.type !== 'location')
      issues.push({ path: `${path}.header`, message: 'The header needs a location' });
  } else {
    issues.push({
      path: `${path}.header`,
      message: `Templates with a ${format ?? 'missing'} header cannot be sent from Parley yet`,
    });
  }

  // Body.
  const bodyText = str(component(tpl.components, 'BODY')?.text) ?? '';
  const wanted = placeholders(bodyText);
  const values = params.body;
  let renderedBody: string | null = bodyText || null;
  if (named) {
    if (Array.isArray(values)) {
      issues.push({
        path: `${path}.body`,
        message: `This template uses named variables (${list(wanted)}); send the body values as an object`,
      });
    } else {
      const given = Object.keys(values ?? {});
      const missing = wanted.filter((n) => !given.includes(n));
      const extra = given.filter((n) => !wanted.includes(n));
      if (missing.length)
        issues.push({ path: `${path}.body`, message: `Missing values for ${list(missing)}` });
      if (extra.length)
        issues.push({ path: `${path}.body`, message: `This template has no variable ${list(extra)}` });
      if (!missing.length && !extra.length && values)
        renderedBody = bodyText.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, n: string) => values[n] ?? m);
    }
  } else if (values !== undefined && !Array.isArray(values)) {
    issues.push({
      path: `${path}.body`,
      message: `This template uses numbered variables (${list(wanted)}); send the body values as a list`,
    });
  } else {
    const given = values ?? [];
    if (given.length !== wanted.length)
      issues.push({
        path: `${path}.body`,
        message: `This template needs ${wanted.length} body value${wanted.length === 1 ? '' : 's'} (${list(wanted) || 'none'}); ${given.length} given`,
      });
    else
      renderedBody = bodyText.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, n: string) => {
        const i = Number(n);
        return Number.isInteger(i) && i >= 1 && i <= given.length ? given[i - 1]! : m;
      });
  }

  // Buttons, by index.
  const defs = (component(tpl.components, 'BUTTONS')?.buttons ?? []) as unknown[];
  const seen = new Set<number>();
  (params.buttons ?? []).forEach((b, i) => {
    const at = `${path}.buttons.${i}`;
    const def = defs[b.index];
    const defType = isObj(def) ? str(def.type)?.toUpperCase() : undefined;
    if (seen.has(b.index)) issues.push({ path: at, message: `Button ${b.index} is given twice` });
    seen.add(b.index);
    if (!defType) issues.push({ path: at, message: `This template has no button at index ${b.index}` });
    else if (b.type === 'quick_reply' && defType !== 'QUICK_REPLY')
      issues.push({ path: at, message: `Button ${b.index} is not a quick reply` });
    else if (b.type === 'url' && defType !== 'URL')
      issues.push({ path: at, message: `Button ${b.index} is not a URL button` });
    else if (b.type === 'url' && placeholders(str((def as Raw).url) ?? '').length === 0)
      issues.push({ path: at, message: `The URL of button ${b.index} has no variable` });
  });
  defs.forEach((def, index) => {
    if (!isObj(def) || str(def.type)?.toUpperCase() !== 'URL') return;
    if (placeholders(str(def.url) ?? '').length === 0) return;
    if (!(params.buttons ?? []).some((b) => b.type === 'url' && b.index === index))
      issues.push({
        path: `${path}.buttons`,
        message: `Button ${index} (“${str(def.text) ?? 'URL'}”) needs the end of its URL`,
      });
  });

  if (issues.length > 0) return invalid(issues);
  return ok({ renderedBody, headerMedia, headerParamName });
}
