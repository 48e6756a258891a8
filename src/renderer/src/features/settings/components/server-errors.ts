import { FieldIssue, type AppError } from '#contract/result';

/**
 * The field errors in a server's answer (`details.fields`, paths such as `body.email`), keyed by
 * the form's field name, so each message lands on the field it names.
 */
export function fieldErrorsOf(error: AppError): Record<string, string> {
  const details = error.details as { fields?: unknown } | undefined;
  const out: Record<string, string> = {};
  if (!details || !Array.isArray(details.fields)) return out;
  for (const raw of details.fields) {
    const issue = FieldIssue.safeParse(raw);
    if (!issue.success) continue;
    const key = issue.data.path.replace(/^(body|query|params)\./, '');
    out[key] ??= issue.data.message;
  }
  return out;
}

/** A sentence for an error on an online-only screen. */
export function describeError(error: AppError): string {
  if (error.code === 'forbidden')
    return `${error.message.replace(/\.?$/, '.')} Ask an admin of your organization.`;
  return error.message;
}
