// Meta error codes → what the product does about them (digest §5.2). Build logic on `code`
// only: Meta says titles, subcodes and HTTP statuses are not stable (digest §5.1).

/** What the send queue should do with a failed request. */
export type RetryPolicy =
  /** Permanent for this request: do not retry. */
  | 'no'
  /** Transient: retry with exponential backoff and jitter. */
  | 'backoff'
  /** Same recipient too fast: retry this recipient later (4^n s), other recipients are fine. */
  | 'pair_rate'
  /** Retry much later (minutes), e.g. maintenance or spam throttling. */
  | 'later';

/** Broad category, for routing (pause the channel, tell the agent, re-sync templates…). */
export type ErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'pair_rate'
  | 'window_closed'
  | 'template'
  | 'media'
  | 'recipient'
  | 'permanent'
  | 'transient';

/** One catalog row. */
export interface ErrorCatalogEntry {
  code: number;
  /** Meta's title for the code (what appears after `(#code)`). */
  title: string;
  /** HTTP status in Meta's table (webhook-only codes: 400). */
  httpStatus: number;
  retry: RetryPolicy;
  kind: ErrorKind;
  /** A sentence an agent understands, shown in the conversation. */
  agentMessage: string;
}

type Row = [title: string, httpStatus: number, retry: RetryPolicy, kind: ErrorKind, agentMessage: string];

const AUTH =
  'WhatsApp rejected this number’s access token. An admin needs to reconnect the WhatsApp account.';
const PERMISSION =
  'The WhatsApp access token lacks a required permission. An admin needs to reconnect the account with the right permissions.';
const TRY_LATER = 'WhatsApp had a temporary problem. The message will be retried automatically.';
const FIX_REQUEST = 'WhatsApp refused this message as invalid. Check its content and try again.';

const rows: Record<number, Row> = {
  0: ['AuthException', 401, 'no', 'auth', AUTH],
  1: ['API Unknown', 400, 'no', 'permanent', FIX_REQUEST],
  2: ['API Service', 503, 'backoff', 'transient', TRY_LATER],
  3: ['API Method', 500, 'no', 'auth', PERMISSION],
  4: [
    'API Too Many Calls',
    400,
    'later',
    'rate_limit',
    'Too many requests to WhatsApp. Sending resumes automatically in a few minutes.',
  ],
  10: ['Permission Denied', 403, 'no', 'auth', PERMISSION],
  33: [
    'Parameter value is not valid',
    400,
    'no',
    'auth',
    'This WhatsApp phone number no longer exists or is not accessible. An admin needs to check the account settings.',
  ],
  100: ['Invalid parameter', 400, 'no', 'permanent', FIX_REQUEST],
  190: ['Access token has expired', 401, 'no', 'auth', AUTH],
  200: ['API Permission', 403, 'no', 'auth', PERMISSION],
  368: [
    'Temporarily blocked for policies violations',
    403,
    'no',
    'permanent',
    'WhatsApp has temporarily blocked this number for policy violations. Sending is paused.',
  ],
  80007: [
    'Rate limit issues',
    400,
    'backoff',
    'rate_limit',
    'The WhatsApp account hit its rate limit. The message will be retried automatically.',
  ],
  130429: [
    'Rate limit hit',
    400,
    'backoff',
    'rate_limit',
    'This number is sending too fast. The message will be retried automatically.',
  ],
  130472: [
    "User's number is part of an experiment",
    400,
    'no',
    'recipient',
    'WhatsApp did not deliver this marketing message because the customer is part of a Meta experiment.',
  ],
  131000: ['Something went wrong', 500, 'backoff', 'transient', TRY_LATER],
  131005: ['Access denied', 403, 'no', 'auth', PERMISSION],
  131008: ['Required parameter is missing', 400, 'no', 'permanent', FIX_REQUEST],
  131009: ['Parameter value is not valid', 400, 'no', 'permanent', FIX_REQUEST],
  131016: ['Service unavailable', 500, 'backoff', 'transient', TRY_LATER],
  131021: [
    'Recipient cannot be sender',
    400,
    'no',
    'recipient',
    'You cannot send a message to the business number itself.',
  ],
  131026: [
    'Message undeliverable',
    400,
    'no',
    'recipient',
    'WhatsApp could not deliver this message. The customer may not use WhatsApp, may need to update the app, or may have blocked this number.',
  ],
  131031: [
    'Business Account locked',
    403,
    'no',
    'permanent',
    'The WhatsApp Business Account is locked. An admin needs to resolve it in Meta Business Manager.',
  ],
  131042: [
    'Business eligibility payment issue',
    400,
    'no',
    'permanent',
    'WhatsApp refused the message because of a billing problem. An admin needs to check the payment method in Meta Business Manager.',
  ],
  131045: [
    'Incorrect certificate',
    500,
    'no',
    'permanent',
    'This WhatsApp number is not registered correctly. An admin needs to re-register it.',
  ],
  131047: [
    'Re-engagement message',
    400,
    'no',
    'window_closed',
    'The 24-hour reply window has closed. Send an approved template to restart the conversation.',
  ],
  131048: [
    'Spam rate limit hit',
    400,
    'later',
    'rate_limit',
    'WhatsApp is limiting this number because many messages were blocked or reported. Sending will be retried later.',
  ],
  131049: [
    'This message was not delivered to maintain healthy ecosystem engagement.',
    400,
    'later',
    'recipient',
    'WhatsApp chose not to deliver this marketing message to keep engagement healthy. Try again later or another way.',
  ],
  131050: [
    'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    400,
    'no',
    'recipient',
    'The customer has opted out of marketing messages from this business.',
  ],
  131051: [
    'Unsupported message type',
    400,
    'no',
    'permanent',
    'WhatsApp does not support this message type.',
  ],
  131052: [
    'Media download error',
    400,
    'no',
    'media',
    'WhatsApp could not download the customer’s media. Ask the customer to send it again.',
  ],
  131053: [
    'Media upload error',
    400,
    'no',
    'media',
    'WhatsApp could not process this file. Check its type and size and try again.',
  ],
  131056: [
    '(Business Account, Consumer Account) pair rate limit hit',
    400,
    'pair_rate',
    'pair_rate',
    'Too many messages to this customer in a short time. The message will be sent shortly.',
  ],
  131057: [
    'Account in maintenance mode',
    500,
    'later',
    'transient',
    'The WhatsApp account is in maintenance. The message will be retried in a minute.',
  ],
  131060: [
    'Message unavailable',
    400,
    'no',
    'permanent',
    'This message is only visible in the WhatsApp Business app.',
  ],
  131062: [
    'Business-scoped user ID not supported',
    400,
    'no',
    'recipient',
    'This message type cannot be sent to a customer known only by a WhatsApp username. A phone number is needed.',
  ],
  132000: [
    'Number of parameters does not match the expected number of params',
    400,
    'no',
    'template',
    'The template’s variables do not match the approved template. Fill in every variable and try again.',
  ],
  132001: [
    'Template name does not exist in the translation',
    404,
    'no',
    'template',
    'This template does not exist in that language or is not approved. Re-sync templates and choose another.',
  ],
  132005: [
    'Translated text too long',
    400,
    'no',
    'template',
    'The template text is too long once the variables are filled in. Shorten them.',
  ],
  132007: [
    'Template Format Character Policy Violated',
    400,
    'no',
    'template',
    'The template content violates WhatsApp policy and cannot be sent.',
  ],
  132012: [
    'Parameter format does not match format in the created template',
    400,
    'no',
    'template',
    'A template variable has the wrong format (for example text where media is expected).',
  ],
  132015: [
    'Template is Paused',
    400,
    'no',
    'template',
    'This template is paused by WhatsApp because of low quality. Use another template.',
  ],
  132016: [
    'Template is Disabled',
    400,
    'no',
    'template',
    'This template has been disabled by WhatsApp. Use another template.',
  ],
  133004: ['Server Temporarily Unavailable', 503, 'backoff', 'transient', TRY_LATER],
  133010: [
    'Phone number Not Registered',
    400,
    'no',
    'permanent',
    'This WhatsApp number is not registered with the Cloud API. An admin needs to register it.',
  ],
  135000: ['Generic user error', 400, 'no', 'permanent', FIX_REQUEST],
  137000: [
    'Identity key mismatch',
    400,
    'no',
    'recipient',
    'The customer’s WhatsApp identity changed, so the message was not delivered. Confirm their identity before resending.',
  ],
};

/** Every code the catalog knows (200–299 are covered as a range). */
export const knownErrorCodes: readonly number[] = Object.keys(rows).map(Number);

/**
 * Looks a Meta error code up. Unknown codes become a permanent error that keeps Meta's own
 * title, so nothing is retried blindly and the agent still sees what Meta said.
 */
export function lookupMetaError(code: number, metaTitle?: string | null): ErrorCatalogEntry {
  const row = rows[code] ?? (code >= 200 && code <= 299 ? rows[200] : undefined);
  if (row) {
    const [title, httpStatus, retry, kind, agentMessage] = row;
    return { code, title, httpStatus, retry, kind, agentMessage };
  }
  const title = metaTitle?.trim() || 'Unknown error';
  return {
    code,
    title,
    httpStatus: 400,
    retry: 'no',
    kind: 'permanent',
    agentMessage: `WhatsApp refused the message: ${title}.`,
  };
}
