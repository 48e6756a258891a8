// `POST /{template-id}` (edit) bodies, checked as Meta does: only approved, rejected or paused
// templates can be edited; name and language never change; an approved template keeps its
// category and can be edited once in 24 hours and 10 times in 30 days (rejected and paused ones
// without limit). Meta's exact code and subcode for these refusals are not in its public pages;
// the emulator answers 100 with the rule in `error_data.details` (see README).
import type { EmulatorTemplate } from './send-validation';
import {
  checkCategory,
  checkComponents,
  type KnownHandle,
  type CheckedCreation,
  type CreationViolation,
} from './template-creation';

const DAY = 24 * 60 * 60 * 1000;
const bad = (details: string): CreationViolation => ({ code: 100, title: 'Invalid parameter', details });

/** Checks an edit of `tpl` at time `now` (ms); the template's new content or Meta's refusal. */
export function checkTemplateEdit(
  tpl: EmulatorTemplate,
  body: unknown,
  now: number,
  knownHandle?: KnownHandle,
):
  | { ok: true; value: Pick<CheckedCreation, 'category' | 'parameterFormat' | 'components'> }
  | { ok: false; error: CreationViolation } {
  const no = (e: CreationViolation) => ({ ok: false as const, error: e });
  if (!body || typeof body !== 'object') return no(bad('The request body must be a JSON object.'));
  const b = body as Record<string, unknown>;
  if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(tpl.status))
    return no(
      bad(
        `Message templates with status ${tpl.status} can't be edited. Only approved, rejected or paused templates can be edited.`,
      ),
    );
  if (
    (b.name !== undefined && b.name !== tpl.name) ||
    (b.language !== undefined && b.language !== tpl.language)
  )
    return no(bad("A message template's name and language can't be edited."));
  const category = b.category === undefined ? tpl.category : checkCategory(b.category);
  if (!category) return no(bad('Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.'));
  if (category !== tpl.category && tpl.status === 'APPROVED')
    return no(bad("The category of an approved message template can't be edited."));
  if (tpl.status === 'APPROVED') {
    const edits = tpl.edits ?? [];
    if (edits.some((t) => now - t < DAY))
      return no(
        bad('Message template edit limit reached: an approved template can be edited once in 24 hours.'),
      );
    if (edits.filter((t) => now - t < 30 * DAY).length >= 10)
      return no(
        bad(
          'Message template edit limit reached: an approved template can be edited up to 10 times in 30 days.',
        ),
      );
  }
  const checked = checkComponents(b, category, knownHandle);
  if (!checked.ok) return checked;
  return { ok: true, value: { category, ...checked.value } };
}
