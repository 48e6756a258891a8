import { z } from 'zod';

// The Graph responses Parley reads (zod, checked on every 2xx) and the shapes it hands on.

/** Send response (digest §4.1). */
export const SendResponse = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z
    .array(z.object({ input: z.string(), wa_id: z.string().optional(), user_id: z.string().optional() }))
    .default([]),
  messages: z
    .array(
      z.object({
        id: z.string().min(1),
        message_status: z.string().optional(),
        group_id: z.string().optional(),
      }),
    )
    .min(1),
});

/** What a successful send returns. */
export interface SendResult {
  wamid: string;
  /** The recipient as we sent it. */
  input: string | null;
  /** WhatsApp id of the recipient; may differ from the input (digest §4.1). */
  waId: string | null;
  userId: string | null;
  /** Template pacing: accepted | held_for_quality_assessment | paused. */
  messageStatus: string | null;
}

/** A phone number as Graph answers it (digest §3). */
export const PhoneNumberResponse = z.object({
  id: z.string(),
  verified_name: z.string().optional(),
  display_phone_number: z.string(),
  quality_rating: z.string().optional(),
  code_verification_status: z.string().optional(),
  platform_type: z.string().optional(),
  throughput: z.object({ level: z.string() }).optional(),
});

/** A business phone number as Parley uses it. */
export interface PhoneNumberInfo {
  id: string;
  verifiedName: string | null;
  displayPhoneNumber: string;
  qualityRating: string | null;
  codeVerificationStatus: string | null;
  platformType: string | null;
  throughputLevel: string | null;
}

/** A template component, kept in Meta's shape (HEADER/BODY/FOOTER/BUTTONS) for storage. */
export const TemplateComponent = z
  .object({
    type: z.string(),
    format: z.string().optional(),
    text: z.string().optional(),
    buttons: z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()).optional(),
  })
  .loose();
export type TemplateComponent = z.infer<typeof TemplateComponent>;

/** One message template (digest §7). */
export const Template = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string(),
  sub_category: z.string().optional(),
  parameter_format: z.string().optional(),
  components: z.array(TemplateComponent).default([]),
});
export type Template = z.infer<typeof Template>;

/** One page of `GET /{waba}/message_templates`. */
export const TemplatePage = z.object({
  data: z.array(Template),
  paging: z
    .object({
      cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});

/** `POST /{waba}/message_templates` answer: Meta's id, status (PENDING) and category. */
export const CreatedTemplateResponse = z.object({
  id: z.string().min(1),
  status: z.string().default('PENDING'),
  category: z.string().optional(),
});
export type CreatedTemplate = z.infer<typeof CreatedTemplateResponse>;

/** What Parley submits to `POST /{waba}/message_templates` (Meta's creation shape). */
export interface TemplateCreation {
  name: string;
  language: string;
  category: string;
  /** Absent for authentication templates (Meta writes their text). */
  parameter_format?: 'POSITIONAL' | 'NAMED';
  components: Record<string, unknown>[];
}

/** What Parley submits to `POST /{template-id}` to edit a template (Meta replaces its components). */
export interface TemplateEdit {
  /** Only while the template is not approved. */
  category?: string;
  parameter_format?: 'POSITIONAL' | 'NAMED';
  components: Record<string, unknown>[];
}

/** `POST /{template-id}` answer. */
export const EditedTemplateResponse = z.object({ success: z.boolean() });

/** `GET /{media-id}` (digest §6). */
export const MediaInfoResponse = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  url: z.string().min(1),
  mime_type: z.string(),
  sha256: z.string(),
  // A string in Meta's docs, a number in practice (digest §10.7).
  file_size: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number),
  id: z.string(),
});

/** Media metadata from GET /<media-id>. */
export interface MediaInfo {
  id: string;
  /** Download URL, valid about 5 minutes, needs the bearer token. */
  url: string;
  mimeType: string;
  sha256: string;
  fileSize: number;
}

/** `{success: true}` answers. */
export const Success = z.object({ success: z.literal(true) });
/** `{id}` answers (media upload). */
export const IdResponse = z.object({ id: z.string().min(1) });

/** A Graph phone number as Parley uses it. */
export const toPhone = (p: z.infer<typeof PhoneNumberResponse>): PhoneNumberInfo => ({
  id: p.id,
  verifiedName: p.verified_name ?? null,
  displayPhoneNumber: p.display_phone_number,
  qualityRating: p.quality_rating ?? null,
  codeVerificationStatus: p.code_verification_status ?? null,
  platformType: p.platform_type ?? null,
  throughputLevel: p.throughput?.level ?? null,
});
