import type { ApiScope } from '#contract/api/api-keys';

/** What each scope lets a key do, in the words the create form shows beside its checkbox. */
export const SCOPE_LABELS: Record<ApiScope, string> = {
  'messages:read': 'Read messages and their status',
  'messages:send': 'Send messages',
  'conversations:read': 'Read conversations and notes',
  'conversations:write': 'Change conversations: status, assignment, notes',
  'contacts:read': 'Read contacts',
  'contacts:write': 'Create and change contacts',
  'accounts:read': 'Read WhatsApp numbers and their status',
  'templates:read': 'Read message templates',
  'webhooks:manage': 'Manage webhook endpoints',
  'intake:write': 'Push leads into lead intakes',
};
