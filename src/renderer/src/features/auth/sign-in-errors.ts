import type { AppError } from '#contract/result';

/** Headline for a sign-in failure; the body is the error's own sentence. */
export function signInErrorTitle(error: AppError): string {
  switch (error.code) {
    case 'invalid_credentials':
      return 'Wrong email or password';
    case 'server_unreachable':
    case 'offline':
    case 'service_unavailable':
    case 'upstream_unavailable':
      return "Can't reach the server";
    case 'rate_limited':
      return 'Too many attempts';
    case 'update_required':
      return 'This version of Parley is too old for the server';
    default:
      return 'Sign-in failed';
  }
}

const HINTS: Partial<Record<AppError['code'], string>> = {
  invalid_credentials: 'Check your email address and password, then try again.',
  server_unreachable: 'Check the server URL and your network connection, then try again.',
  rate_limited: 'Wait a little before trying again.',
};

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * The body under the headline: the error's own sentence, unless it only repeats the
 * headline, in which case a hint on what to do next.
 */
export function signInErrorBody(error: AppError): string {
  if (normalise(error.message) !== normalise(signInErrorTitle(error))) return error.message;
  return HINTS[error.code] ?? 'Try again in a moment.';
}

/** Field messages from a validation error's `details.fields`, keyed by the last path segment. */
export function fieldErrorsFrom(error: AppError): Record<string, string> {
  const details = error.details as { fields?: { path?: unknown; message?: unknown }[] } | undefined;
  const out: Record<string, string> = {};
  for (const field of details?.fields ?? []) {
    if (typeof field.path !== 'string' || typeof field.message !== 'string') continue;
    const key = field.path.split('.').pop() ?? field.path;
    out[key] ??= field.message;
  }
  return out;
}
