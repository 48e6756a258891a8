import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/** Meta template status; only APPROVED templates can be sent. */
export const TemplateStatus = z.enum([
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
]);
export type TemplateStatus = z.infer<typeof TemplateStatus>;

/** One button of a template's BUTTONS component. */
export const TemplateButton = z.object({
  type: text(),
  text: text(),
  url: text().optional(),
  phoneNumber: text().optional(),
});
export type TemplateButton = z.infer<typeof TemplateButton>;

/** A template component as synced from Meta (upper-case types, as the Graph API returns them). */
export const TemplateComponent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('HEADER'),
    format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'GIF', 'DOCUMENT', 'LOCATION']),
    text: text().optional(),
  }),
  z.object({ type: z.literal('BODY'), text: text() }),
  z.object({ type: z.literal('FOOTER'), text: text() }),
  z.object({ type: z.literal('BUTTONS'), buttons: z.array(TemplateButton) }),
]);
export type TemplateComponent = z.infer<typeof TemplateComponent>;

/** A message template synced from a WhatsApp Business Account. */
export const Template = z.object({
  id: z.uuid(),
  whatsappAccountId: z.uuid(),
  /** Meta's template id. */
  metaTemplateId: text().nullable(),
  name: text(),
  /** Meta's language code, e.g. `en_US`. */
  language: text(),
  category: text(),
  status: TemplateStatus,
  /** POSITIONAL (`{{1}}`) or NAMED (`{{first_name}}`) parameters. */
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']),
  components: z.array(TemplateComponent),
  /** Why Meta rejected or paused it, when it says. */
  statusReason: text().nullable(),
  updatedAt: text(),
});
export type Template = z.infer<typeof Template>;

/** `GET /api/v1/templates` filters. */
export const ListTemplatesQuery = PageQuery.extend({
  status: TemplateStatus.optional(),
  language: text().max(20).optional(),
  whatsappAccountId: z.uuid().optional(),
  q: text().max(200).optional(),
});
export type ListTemplatesQuery = z.infer<typeof ListTemplatesQuery>;

/** A keyset page of templates, by name then language. */
export const TemplatePage = page(Template);
export type TemplatePage = z.infer<typeof TemplatePage>;

export * from './template-create';
