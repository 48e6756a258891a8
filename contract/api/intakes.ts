import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

// Lead intakes (issue 10): an admin defines where leads from a website form, a CRM or an ad
// platform land (a number, a team, labels) and which approved template greets them, with a
// mapping from the lead's fields to the template's parameters. Leads arrive signed with the
// intake's secret (or with an API key holding `intake:write`).

const noNul = (s: string) => !s.includes('\u0000');

/** A lead field name: `phone`, `name`, `email`, `externalId` or any extra field the lead sends. */
export const LeadFieldName = text()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, {
    message: 'Use letters, digits, "_", "." or "-" (starting with a letter or "_")',
  });

/**
 * Where one template parameter's value comes from: a lead field (`"name"` is short for
 * `{"field": "name"}`; `default` fills in when the lead leaves the field out), or a fixed `text`.
 */
export const ParameterSource = z.union([
  LeadFieldName,
  z
    .object({
      field: LeadFieldName,
      default: text().min(1).max(1024).refine(noNul).optional(),
    })
    .strict(),
  z.object({ text: text().min(1).max(1024) }).strict(),
]);
export type ParameterSource = z.infer<typeof ParameterSource>;

/**
 * The template an intake sends to each new lead: an approved template of the intake's number
 * (name + language) and where each parameter comes from. `body` is a list for numbered templates
 * (`{{1}}`, `{{2}}`…, in order) and an object for named ones (`{{first_name}}`…); `header` fills a
 * text header's one variable. Checked against the synced template when the intake is saved.
 */
export const IntakeTemplate = z
  .object({
    name: text().min(1).max(512),
    language: text().min(2).max(20),
    header: ParameterSource.optional(),
    body: z
      .union([
        z.array(ParameterSource).max(100),
        z.record(text().min(1).max(100), ParameterSource).refine((r) => Object.keys(r).length <= 100, {
          message: 'At most 100 named parameters',
        }),
      ])
      .optional(),
  })
  .strict();
export type IntakeTemplate = z.infer<typeof IntakeTemplate>;

const Name = text()
  .trim()
  .min(1, { message: 'Name the intake (e.g. "Website contact form")' })
  .max(100, { message: 'Use at most 100 characters' })
  .refine(noNul, { message: 'The name must not contain U+0000' });
const Label = text().trim().min(1).max(50);
const Labels = z
  .array(Label)
  .max(20, { message: 'At most 20 labels' })
  .transform((l) => [...new Set(l)]);

/** A lead intake as admins see it (never its secret). */
export const Intake = z.object({
  id: z.uuid(),
  name: text(),
  whatsappAccountId: z.uuid(),
  /** The team new leads' conversations are assigned to; null = the triage queue. */
  teamId: z.uuid().nullable(),
  /** Labels added to each lead's conversation. */
  labels: z.array(text()),
  /** The template sent to each lead; null = the lead only lands in the inbox. */
  template: IntakeTemplate.nullable(),
  /** Disabled intakes refuse leads (404), like deleted ones. */
  enabled: z.boolean(),
  /** Where leads are posted: `PUBLIC_URL` + `/api/v1/intakes/{id}/leads`. */
  url: text(),
  createdAt: text(),
  updatedAt: text(),
});
export type Intake = z.infer<typeof Intake>;

/** `POST /api/v1/intakes` and `POST …/rotate-secret`: the intake and its signing secret (shown once). */
export const IntakeWithSecret = Intake.extend({
  /** `whsec_` + base64 of 32 random bytes: the HMAC-SHA256 key of `X-Signature-256`. */
  secret: text(),
});
export type IntakeWithSecret = z.infer<typeof IntakeWithSecret>;

/** `POST /api/v1/intakes`. */
export const CreateIntakeBody = z
  .object({
    name: Name,
    whatsappAccountId: z.uuid(),
    teamId: z.uuid().optional(),
    labels: Labels.optional(),
    template: IntakeTemplate.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateIntakeBody = z.infer<typeof CreateIntakeBody>;

/** `PATCH /api/v1/intakes/:id` (null clears the team or the template). */
export const UpdateIntakeBody = z
  .object({
    name: Name.optional(),
    whatsappAccountId: z.uuid().optional(),
    teamId: z.uuid().nullable().optional(),
    labels: Labels.optional(),
    template: IntakeTemplate.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateIntakeBody = z.infer<typeof UpdateIntakeBody>;

/** `GET /api/v1/intakes`. */
export const ListIntakesQuery = PageQuery;
export type ListIntakesQuery = z.infer<typeof ListIntakesQuery>;
export const IntakePage = page(Intake);
export type IntakePage = z.infer<typeof IntakePage>;

/** Extra lead fields kept as contact attributes: at most this many, keys and values bounded. */
export const LEAD_MAX_EXTRA_FIELDS = 50;
const LeadValue = z.union([
  text().max(1000, { message: 'Use at most 1,000 characters' }),
  z.number().refine(Number.isFinite),
  z.boolean(),
  z.null(),
]);

/**
 * `POST /api/v1/intakes/:id/leads`: the lead. `phone` in international format; any other field
 * (strings, numbers, booleans; null = absent) is kept on the contact as a custom attribute and
 * may feed the template.
 */
export const LeadBody = z
  .object({
    phone: text()
      .trim()
      .regex(/^\+?[1-9]\d{6,14}$/, {
        message: 'Enter the number in international format, e.g. +14155550123',
      }),
    name: text().trim().min(1).max(200).optional(),
    email: text()
      .trim()
      .max(254)
      .pipe(z.email({ message: 'Enter a valid e-mail address' }))
      .optional(),
    /** The lead's id in the sending system: a repeat with the same id is answered, not resent. */
    externalId: text().trim().min(1).max(200).optional(),
  })
  .catchall(LeadValue)
  .superRefine((lead, ctx) => {
    const extra = Object.keys(lead).filter((k) => !['phone', 'name', 'email', 'externalId'].includes(k));
    if (extra.length > LEAD_MAX_EXTRA_FIELDS)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `At most ${LEAD_MAX_EXTRA_FIELDS} extra fields (${extra.length} given)`,
      });
    for (const k of extra)
      if (!LeadFieldName.safeParse(k).success)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: 'Field names use letters, digits, "_", "." or "-" (at most 64 characters)',
        });
  });
export type LeadBody = z.infer<typeof LeadBody>;

/** The answer to a lead: 201 the first time, 200 with the same body on an idempotent replay. */
export const LeadResult = z.object({
  contactId: z.uuid(),
  conversationId: z.uuid(),
  /** The template message queued to the lead; null when the intake sends no template. */
  messageId: z.uuid().nullable(),
});
export type LeadResult = z.infer<typeof LeadResult>;
