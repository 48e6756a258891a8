import type { AppError } from '#contract/result';
import { fail } from '#contract/result';
import type { GraphError } from '../../meta/graph-client';

// Meta's refusals as an admin reads them, shared by connecting a number and managing templates.

/** What an admin is told when Meta refuses the access token. */
export const TOKEN_INVALID =
  'The access token is invalid or has expired. Create a new token in Meta Business Settings and try again.';

/** What Meta's answer means for the admin (190 → 422 meta_token_invalid, unreachable → 502). */
export function graphFailure(e: GraphError): { ok: false; error: AppError } {
  if (e.kind === 'meta') {
    if (e.metaCode === 190 || e.metaCode === 0) return fail('meta_token_invalid', TOKEN_INVALID);
    if (e.catalog.kind === 'auth')
      return fail('unprocessable', `Meta refused these credentials: ${e.title} (code ${e.metaCode}).`);
    if (e.metaCode === 100 || e.metaCode === 33)
      return fail(
        'unprocessable',
        'Meta does not know this phone number ID or WhatsApp Business Account ID for this token. Check both IDs in the App Dashboard.',
      );
    return fail('unprocessable', `Meta refused the request: ${e.title} (code ${e.metaCode}).`);
  }
  return fail(
    'upstream_unavailable',
    'Could not reach Meta to check the credentials. Try again in a moment.',
  );
}
