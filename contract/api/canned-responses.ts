import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/**
 * Who sees a canned response: `organization` (every member; created by admins and managers)
 * or `personal` (its owner only, whatever their role).
 */
export const CannedScope = z.enum(['organization', 'personal']);
export type CannedScope = z.infer<typeof CannedScope>;

/**
 * The word typed after `/` in the composer: letters, digits, `-` and `_`, lower-cased, unique
 * per owner (among the organization's responses, and among each member's personal ones).
 */
export const CannedShortcut = text()
  .trim()
  .toLowerCase()
  .min(1, { message: 'Enter a shortcut' })
  .max(32, { message: 'Shortcuts are limited to 32 characters' })
  .regex(/^[\p{L}\p{N}_-]+$/u, { message: 'A shortcut is one word: letters, digits, - or _' });

export const CannedTitle = text().trim().min(1, { message: 'Enter a title' }).max(120);
export const CannedBody = text()
  .trim()
  .min(1, { message: 'Write the response' })
  .max(4096, { message: 'A WhatsApp text is limited to 4,096 characters' });

/** A canned response as REST and sync show it. */
export const CannedResponse = z.object({
  id: z.uuid(),
  scope: CannedScope,
  /** The member who owns a personal response; null for the organization's. */
  ownerId: z.uuid().nullable(),
  shortcut: text(),
  title: text(),
  /** The text, with variables such as `{{contact.name}}` (see {@link CANNED_VARIABLES}). */
  body: text(),
  createdAt: text(),
  updatedAt: text(),
});
export type CannedResponse = z.infer<typeof CannedResponse>;

/** `GET /api/v1/canned-responses` query: keyset paging by shortcut; `scope` filters. */
export const ListCannedResponsesQuery = PageQuery.extend({ scope: CannedScope.optional() });
export type ListCannedResponsesQuery = z.infer<typeof ListCannedResponsesQuery>;

/** `GET /api/v1/canned-responses` response: the organization's and the caller's own. */
export const CannedResponsePage = page(CannedResponse);
export type CannedResponsePage = z.infer<typeof CannedResponsePage>;

/** `POST /api/v1/canned-responses`. `organization` needs an admin or a manager. */
export const CreateCannedResponseBody = z
  .object({
    scope: CannedScope.default('personal'),
    shortcut: CannedShortcut,
    title: CannedTitle,
    body: CannedBody,
  })
  .strict();
export type CreateCannedResponseBody = z.infer<typeof CreateCannedResponseBody>;

/** `PATCH /api/v1/canned-responses/:id`. The scope is fixed at creation. */
export const UpdateCannedResponseBody = z
  .object({ shortcut: CannedShortcut.optional(), title: CannedTitle.optional(), body: CannedBody.optional() })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Change at least one field' });
export type UpdateCannedResponseBody = z.infer<typeof UpdateCannedResponseBody>;

/** The variables a canned response may use, filled in when it is inserted. */
export const CANNED_VARIABLES = ['contact.name', 'contact.phone', 'agent.name', 'organization.name'] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];

/**
 * Fills `{{variable}}` placeholders (spaces inside the braces allowed). A known variable without
 * a value becomes the empty string, so a customer never reads `{{contact.name}}`; an unknown
 * one stays as written, so a typo shows in the composer before it is sent.
 */
export function fillCannedResponse(
  body: string,
  values: Partial<Record<CannedVariable, string | null | undefined>>,
): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g, (whole, name: string) =>
    (CANNED_VARIABLES as readonly string[]).includes(name) ? (values[name as CannedVariable] ?? '') : whole,
  );
}
